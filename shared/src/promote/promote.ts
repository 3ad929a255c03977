/**
 * Promote a workspace model version into a registry: plan (read the source, the registry and the destination),
 * let the caller gate on the plan, copy (publish, or discovery + import), verify the copy, record lineage, move
 * the alias. A destination holding this same source is a no-op that says so; one holding anything else is a
 * conflict, never overwritten.
 */
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AzureMlClient } from '../azureml/client';
import type { ModelVersion, Registry, Workspace } from '../azureml/resources';
import type { RunContext } from '../hosts/host';
import { moveAlias, type AliasMove } from './aliases';
import { copyToRegistry, workspaceAssetId } from './copy';
import { fromSource, lineageOf, lineageTags, LINEAGE_KEYS, PROMOTED_TO_PREFIX, promotedToTag } from './lineage';
import { registryModels, withTags, workspaceModels } from './model-store';
import { verifyCopy } from './verify-copy';
import { settleDestination, inFlight } from './concurrent-promotion';
import type { AbortSignalLike } from '../core/sleep';

export interface PromoteRequest {
  source: { client: AzureMlClient; resourceGroup: string; workspace: string; name: string; version: string };
  /** `client` must be bound to the registry's subscription (client.forSubscription) */
  target: { client: AzureMlClient; resourceGroup: string; registry: string; name?: string; version?: string };
  run: RunContext;
  approver?: string;
  /** Move this alias to the promoted version */
  alias?: string;
  /** Extra tags for the destination (written with the lineage), e.g. the candidate's metrics */
  tags?: Record<string, string>;
  dryRun?: boolean;
  logger: Logger;
  /** Called once the plan is known and before anything is written (the gate); throw to stop. */
  beforeWrite?: (plan: PromotePlan) => Promise<void> | void;
  discoveryUrl?: string;
  now?: () => Date;
  /** The step's deadline: ends the waits for a concurrent promotion */
  signal?: AbortSignalLike;
}

export interface PromotePlan {
  /** resume: the destination is this tool's copy of the source from an earlier run that stopped before its lineage */
  action: 'promote' | 'resume' | 'already-promoted';
  workspace: Workspace;
  sourceVersion: ModelVersion;
  /** name:version in the source workspace */
  source: string;
  /** ARM id of the source workspace */
  sourceWorkspaceId: string;
  registry: Registry;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  version: string;
  /** azureml://registries/<r>/models/<n>/versions/<v> */
  assetId: string;
  existing?: ModelVersion;
}

export interface PromoteOutcome {
  plan: PromotePlan;
  result: 'promoted' | 'already-promoted' | 'dry-run';
  mechanism?: 'publish' | 'import';
  /** Why publish was not used, when import was */
  fallbackReason?: string;
  /** The copy was made by an earlier run; this run verified it and wrote its lineage */
  resumed?: boolean;
  /** The destination as read back at the end (undefined on a dry run of a new promotion) */
  destination?: ModelVersion;
  /** Lineage tags the destination carries */
  lineage: Record<string, string>;
  /** True when this run wrote lineage (a rerun that finds it in place writes nothing) */
  lineageWritten: boolean;
  alias?: AliasMove;
}

function registryAssetId(registry: string, name: string, version: string): string {
  return `azureml://registries/${registry}/models/${name}/versions/${version}`;
}

async function plan(req: PromoteRequest): Promise<PromotePlan> {
  const { source, target } = req;
  const workspace = await source.client.getWorkspace(source.resourceGroup, source.workspace);
  const sourceVersion = await source.client.getModelVersion(source.resourceGroup, source.workspace, source.name, source.version);
  if (!sourceVersion) {
    throw new StepError('not-found', `Model ${source.name}:${source.version} was not found in workspace '${source.workspace}' (resource group '${source.resourceGroup}').`, {
      hint: 'Check the model name and version (register-model outputs them), and that the workspace is the one it was registered in.',
    });
  }
  const subscriptionId = target.client.subscriptionId;
  const registry = await target.client.getRegistry(target.resourceGroup, target.registry);
  if (!registry) {
    throw new StepError('not-found', `Registry '${target.registry}' was not found in resource group '${target.resourceGroup}' of subscription ${subscriptionId}.`, {
      hint: 'Check the registry name, its resource group and subscription inputs (a registry often lives in a shared subscription).',
    });
  }
  const name = target.name ?? source.name;
  const version = target.version ?? source.version;
  const sourceWorkspaceId = workspace.id;
  const readDestination = () => target.client.getRegistryModelVersion(target.resourceGroup, target.registry, name, version);
  let existing = await readDestination();
  const sourceModel = `${source.name}:${source.version}`;
  const base = { workspace, sourceVersion, source: sourceModel, sourceWorkspaceId, registry, subscriptionId, resourceGroup: target.resourceGroup, name, version, assetId: registryAssetId(target.registry, name, version) };
  if (!existing) return { action: 'promote', ...base };

  // The source marker says a run of this promotion copied (or is copying) into the destination.
  const markedFor = (v: ModelVersion | undefined) => v?.properties?.tags?.[promotedToTag(registry.name)] === `${name}:${version}`;
  let marked = markedFor(sourceVersion);
  if (inFlight(existing) || fromSource(existing.properties?.tags, sourceWorkspaceId, sourceModel) === undefined) {
    // Another run may be promoting this very version right now: it marks the source before it copies.
    if (!marked) marked = markedFor(await source.client.getModelVersion(source.resourceGroup, source.workspace, source.name, source.version));
    if (marked || inFlight(existing)) {
      const settled = await settleDestination({
        read: readDestination,
        sourceWorkspaceId,
        sourceModel,
        awaitLineage: marked,
        signal: req.signal,
        onWait: (why) => req.logger.info(`${base.assetId} exists but ${why}; waiting for it to settle.`),
      });
      if (settled.kind === 'absent') return { action: 'promote', ...base };
      existing = settled.version;
    }
  }

  const same = fromSource(existing.properties?.tags, sourceWorkspaceId, sourceModel);
  if (same) return { action: 'already-promoted', ...base, existing };
  if (same === undefined && marked) return { action: 'resume', ...base, existing };
  const where = `Registry '${target.registry}' already holds ${name}:${version}`;
  const recorded = existing.properties?.tags?.[LINEAGE_KEYS.sourceModel];
  const why =
    same === false
      ? `promoted from ${recorded ?? '?'} in ${existing.properties?.tags?.[LINEAGE_KEYS.sourceWorkspace] ?? '?'}, not from ${source.name}:${source.version} in workspace '${source.workspace}'`
      : `with no promotion lineage, so it cannot be shown to be a copy of ${source.name}:${source.version} from workspace '${source.workspace}'`;
  throw new StepError('conflict', `${where}, ${why}. Registry versions are immutable; nothing was overwritten.`, {
    input: 'destination-version',
    hint:
      same === false
        ? 'Promote to another destination version, or delete that version from the registry if it is wrong.'
        : 'Promote to another destination version. If an earlier run of this same promotion stopped after the copy and before its lineage was written, delete that registry version and rerun.',
  });
}

export async function promoteToRegistry(req: PromoteRequest): Promise<PromoteOutcome> {
  const { logger } = req;
  const now = req.now ?? (() => new Date());
  let p = await plan(req);
  const src = `${req.source.name}:${req.source.version}`;
  logger.info(
    {
      promote: `Plan: copy ${src} from workspace '${req.source.workspace}' to ${p.assetId}.`,
      resume: `Plan: ${p.assetId} is the copy of ${src} an earlier run made; verify it and record its lineage.`,
      'already-promoted': `Plan: ${p.assetId} already holds ${src} from workspace '${req.source.workspace}'; nothing to copy.`,
    }[p.action],
  );
  await req.beforeWrite?.(p);
  if (req.dryRun) {
    logger.info('Dry run: nothing was copied or tagged.');
    return { plan: p, result: 'dry-run', destination: p.existing, lineage: lineageOf(p.existing?.properties?.tags), lineageWritten: false };
  }

  const { target } = req;
  let copied: { mechanism: 'publish' | 'import'; fallbackReason?: string } | undefined;
  if (p.action === 'promote') {
    // Mark the source first: a rerun after a copy whose lineage write never happened recognises its own copy.
    const marker = promotedToTag(p.registry.name);
    const sourceTags = p.sourceVersion.properties?.tags ?? {};
    if (sourceTags[marker] !== `${p.name}:${p.version}`) {
      const sourceStore = workspaceModels(req.source.client, req.source.resourceGroup, req.source.workspace);
      await sourceStore.putVersion(req.source.name, req.source.version, withTags(p.sourceVersion, { ...sourceTags, [marker]: `${p.name}:${p.version}` }));
    }
    copied = await copyToRegistry({
      source: { client: req.source.client, resourceGroup: req.source.resourceGroup, workspace: p.workspace, name: req.source.name, version: req.source.version },
      target: { client: target.client, registry: p.registry, name: p.name, version: p.version },
      logger,
      discoveryUrl: req.discoveryUrl,
    });
  }
  const check = { registry: target.registry, name: p.name, version: p.version, source: p.sourceVersion, workspace: p.workspace };
  let current = p.existing;
  if (p.action !== 'already-promoted') {
    // A run promoting the same version at the same time may be writing its lineage now, or have written it.
    const settled = await settleDestination({
      read: () => target.client.getRegistryModelVersion(target.resourceGroup, target.registry, p.name, p.version),
      sourceWorkspaceId: p.sourceWorkspaceId,
      sourceModel: src,
      awaitLineage: false,
      signal: req.signal,
      onWait: (why) => logger.info(`${p.assetId} ${why}; waiting for it to settle.`),
    });
    current = settled.kind === 'absent' ? undefined : settled.version;
    if (settled.kind === 'promoted') {
      logger.info(`Another run promoting ${src} at the same time recorded ${p.assetId} first.`);
      p = { ...p, action: 'already-promoted', existing: settled.version };
    } else if (settled.kind === 'other') {
      throw new StepError('conflict', `${p.assetId} was recorded as a promotion of ${settled.version.properties?.tags?.[LINEAGE_KEYS.sourceModel] ?? '?'} by another run meanwhile, not of ${src}.`, {
        input: 'destination-version',
        hint: 'Two pipelines promoted different models to the same destination version; check which one the registry should hold.',
      });
    }
  }
  const live = verifyCopy(current, check);
  const fresh = p.action !== 'already-promoted';

  // Lineage: a fresh copy gets it; an earlier promotion keeps its own record (extra tags are only added if absent).
  const lineage = lineageTags({
    event: 'promoted',
    at: now(),
    run: req.run,
    approver: req.approver,
    sourceWorkspace: p.sourceWorkspaceId,
    sourceModel: src,
    sourceAsset: p.workspace.properties?.workspaceId && p.workspace.location ? workspaceAssetId(p.workspace, req.source.name, req.source.version) : undefined,
  });
  const liveTags = live.properties?.tags ?? {};
  // The copy carries the source's tags, including its promoted_to marker, which says nothing about the copy.
  const copiedTags = Object.fromEntries(Object.entries(liveTags).filter(([k]) => !k.startsWith(PROMOTED_TO_PREFIX)));
  const wanted = fresh ? { ...copiedTags, ...req.tags, ...lineage } : { ...req.tags, ...liveTags };
  const store = registryModels(target.client, target.resourceGroup, target.registry);
  let destination = live;
  let lineageWritten = false;
  if (Object.keys(liveTags).length !== Object.keys(wanted).length || Object.entries(wanted).some(([k, v]) => liveTags[k] !== v)) {
    const written = await store.putVersion(p.name, p.version, withTags(live, wanted));
    destination = verifyCopy(written, check);
    const missing = Object.keys(lineageOf(wanted)).filter((k) => destination.properties?.tags?.[k] !== wanted[k]);
    if (missing.length > 0) {
      throw new StepError('service', `${p.assetId} was copied, but its lineage tags did not stick (${missing.join(', ')}).`, {
        hint: 'Rerun the step: it recognises the copy (the source is marked) and writes the lineage again.',
      });
    }
    lineageWritten = true;
  }
  logger.info(
    {
      promote: `Promoted ${src} to ${p.assetId} (${copied?.mechanism}).`,
      resume: `Recorded the lineage of ${p.assetId}, copied from ${src} by an earlier run.`,
      'already-promoted': `${p.assetId} was already promoted; nothing copied.`,
    }[p.action],
  );

  const alias = req.alias ? await moveAlias(store, p.name, p.version, req.alias, { logger, now: now() }) : undefined;
  if (alias?.changed) destination = (await store.getVersion(p.name, p.version)) ?? destination;
  return {
    plan: p,
    result: fresh ? 'promoted' : 'already-promoted',
    mechanism: copied?.mechanism,
    fallbackReason: copied?.fallbackReason,
    ...(p.action === 'resume' ? { resumed: true } : {}),
    destination,
    lineage: lineageOf(destination.properties?.tags),
    lineageWritten,
    alias,
  };
}
