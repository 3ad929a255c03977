/**
 * register-model's `registry` input: local files go straight into a registry. Plan (registry, content hash,
 * destination version), let the caller gate, then startPendingUpload → upload with the SAS → registry model version
 * PUT (long-running) → verify → alias. A version that already holds this content (lineage.content_sha256) is a
 * no-op; one that holds anything else is a conflict.
 */
import { hashContent, type ContentHash } from '../assets/content-hash';
import { uploadToContainer, type UploadResult } from '../assets/upload';
import type { AzureMlClient } from '../azureml/client';
import type { ModelVersion, Registry } from '../azureml/resources';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { RunContext } from '../hosts/host';
import { sameModelUri } from './compare';
import type { ModelVersionBody } from '../specs/model-spec';
import { moveAlias, type AliasMove } from './aliases';
import { lineageOf, lineageTags, LINEAGE_KEYS } from './lineage';
import { newestFirst, registryModels } from './model-store';
import { pendingUploadId, pendingUploadTarget } from './pending-upload';

export interface RegisterIntoRegistryRequest {
  /** Bound to the registry's subscription */
  client: AzureMlClient;
  resourceGroup: string;
  registry: string;
  name: string;
  /** undefined: the newest version when it holds this content, else the next free one */
  version?: string;
  /** Local file or folder */
  localPath: string;
  /** Already hashed content of localPath (else it is hashed here) */
  content?: ContentHash;
  /** Type, description, tags, properties, flavors, stage; modelUri is set here */
  body: ModelVersionBody;
  run: RunContext;
  approver?: string;
  alias?: string;
  dryRun?: boolean;
  logger: Logger;
  signal?: AbortSignal;
  beforeWrite?: (plan: RegistryRegistrationPlan) => Promise<void> | void;
  now?: () => Date;
}

export interface RegistryRegistrationPlan {
  action: 'create' | 'unchanged';
  registry: Registry;
  name: string;
  version: string;
  assetId: string;
  content: ContentHash;
  existing?: ModelVersion;
}

export interface RegistryRegistrationOutcome {
  plan: RegistryRegistrationPlan;
  result: 'registered' | 'unchanged' | 'dry-run';
  destination?: ModelVersion;
  modelUri?: string;
  upload?: UploadResult;
  lineage: Record<string, string>;
  alias?: AliasMove;
}

function sameContent(v: ModelVersion, content: ContentHash, modelType: string): boolean {
  return v.properties?.tags?.[LINEAGE_KEYS.contentHash] === content.hash && (v.properties?.modelType ?? 'custom_model').toLowerCase() === modelType.toLowerCase();
}

async function plan(req: RegisterIntoRegistryRequest): Promise<RegistryRegistrationPlan> {
  const { client, resourceGroup, registry: registryName, name } = req;
  const registry = await client.getRegistry(resourceGroup, registryName);
  if (!registry) {
    throw new StepError('not-found', `Registry '${registryName}' was not found in resource group '${resourceGroup}' of subscription ${client.subscriptionId}.`, {
      input: 'registry',
      hint: 'Check the registry name, its resource group and subscription inputs.',
    });
  }
  const content = req.content ?? (await hashContent(req.localPath, { signal: req.signal }));
  const modelType = req.body.properties.modelType;
  const assetId = (version: string) => `azureml://registries/${registryName}/models/${name}/versions/${version}`;
  const base = { registry, name, content };

  if (req.version !== undefined) {
    const existing = await client.getRegistryModelVersion(resourceGroup, registryName, name, req.version);
    if (!existing) return { action: 'create', ...base, version: req.version, assetId: assetId(req.version) };
    if (sameContent(existing, content, modelType)) return { action: 'unchanged', ...base, version: req.version, assetId: assetId(req.version), existing };
    throw new StepError('conflict', `Registry '${registryName}' already holds ${name}:${req.version} with other content (or content this tool did not register); registry versions are immutable and nothing was overwritten.`, {
      input: 'model-version',
      hint: 'Register the new content as a new version (leave model-version empty to take the next free one).',
    });
  }
  const versions = (await client.listRegistryModelVersions(resourceGroup, registryName, name, { listViewType: 'All' })).sort(newestFirst);
  const newest = versions[0];
  if (newest && sameContent(newest, content, modelType)) {
    return { action: 'unchanged', ...base, version: String(newest.name), assetId: assetId(String(newest.name)), existing: newest };
  }
  const container = await client.getRegistryModelContainer(resourceGroup, registryName, name);
  const numbers = versions.map((v) => Number(v.name)).filter((n) => Number.isInteger(n));
  const next = container?.properties?.nextVersion ?? String(numbers.length ? Math.max(...numbers) + 1 : 1);
  return { action: 'create', ...base, version: String(next), assetId: assetId(String(next)) };
}

export async function registerIntoRegistry(req: RegisterIntoRegistryRequest): Promise<RegistryRegistrationOutcome> {
  const { client, resourceGroup, registry, name, logger } = req;
  const p = await plan(req);
  logger.info(p.action === 'create' ? `Plan: register ${p.content.files.length} files (sha256 ${p.content.hash}) as ${p.assetId}.` : `Plan: ${p.assetId} already holds this content; nothing to upload.`);
  await req.beforeWrite?.(p);
  if (req.dryRun) {
    logger.info('Dry run: nothing was uploaded or registered.');
    return { plan: p, result: 'dry-run', destination: p.existing, lineage: lineageOf(p.existing?.properties?.tags) };
  }
  const store = registryModels(client, resourceGroup, registry);
  const now = req.now ?? (() => new Date());
  let destination = p.existing;
  let upload: UploadResult | undefined;
  let modelUri = p.existing?.properties?.modelUri;

  if (p.action === 'create') {
    const pending = await client.registryData.startPendingUpload(resourceGroup, registry, name, p.version, {
      pendingUploadId: pendingUploadId(p.content),
      pendingUploadType: 'TemporaryBlobReference',
    });
    const where = pendingUploadTarget(pending, p.content);
    upload = await logger.group('Uploading model files to the registry', () =>
      uploadToContainer({ containerUrl: where.containerUrl, credential: where.sas, prefix: where.prefix, content: p.content, logger, signal: req.signal }),
    );
    modelUri = where.modelUri;
    const lineage = lineageTags({ event: 'registered', at: now(), run: req.run, approver: req.approver, contentHash: p.content.hash });
    const props = req.body.properties;
    await client.createOrUpdateRegistryModelVersion(resourceGroup, registry, name, p.version, {
      properties: { ...props, modelUri, tags: { ...props.tags, ...lineage } },
    });
    destination = await store.getVersion(name, p.version);
    const state = destination?.properties?.provisioningState;
    if (!destination || (state !== undefined && state.toLowerCase() !== 'succeeded') || !sameModelUri(destination.properties?.modelUri, modelUri)) {
      const found = !destination ? 'does not exist' : state && state.toLowerCase() !== 'succeeded' ? `is ${state}` : `points at ${destination.properties?.modelUri}`;
      throw new StepError('service', `${p.assetId} was written but ${found}; it is not reported as registered.`, {
        hint: 'Rerun the step: the upload is reused and the version written again.',
      });
    }
    logger.info(`Registered ${p.assetId}.`);
  } else {
    logger.info(`${p.assetId} already holds this content; nothing uploaded.`);
  }

  const alias = req.alias ? await moveAlias(store, name, p.version, req.alias, { logger, now: now() }) : undefined;
  if (alias?.changed) destination = (await store.getVersion(name, p.version)) ?? destination;
  return {
    plan: p,
    result: p.action === 'create' ? 'registered' : 'unchanged',
    destination,
    modelUri,
    upload,
    lineage: lineageOf(destination?.properties?.tags),
    alias,
  };
}
