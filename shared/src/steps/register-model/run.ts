/**
 * register-model: parse and validate everything locally, sign in, compare with what the workspace holds, print the
 * plan, then (unless dry-run) upload local content once and create or update the version, and verify it.
 */
import { resolve } from 'node:path';
import { StepError } from '../../core/errors';
import { parseKeyValues } from '../../specs/key-values';
import { buildModelVersion, loadModelSpec, resolveModelVersionBody, type ModelVersionPlan } from '../../specs/model-spec';
import type { StepContext } from '../definition';
import { connectWorkspace, planConnection, workspaceInputs, type ConnectionPlan, type WorkspaceConnection } from '../workspace';
import { compareModelVersion, managedTags } from '../../promote/compare';
import type { ModelVersion } from '../../azureml/resources';
import { hashLocalContent, type LocalContent } from '../../assets/local-content';
import { registerSummary, type RegisterOutcome } from './summary';
import { checkGate, type GateOutcome, type GateSettings } from '../../gate/check';
import { readGateSettings } from '../gate-settings';
import { metricsAsProperties } from '../../gate/recorded-metrics';
import { moveAlias } from '../../promote/aliases';
import { workspaceModels } from '../../promote/model-store';
import { checkPathDatastoreExists } from '../../specs/datastore-check';
import { createModelVersion, latestModelVersion, planAutomaticVersion } from './create-version';
import { inOrder } from '../../core/in-order';
import { checkRegistryName, checkResourceGroup, checkSubscriptionId } from '../../core/names';

/** Everything decided before talking to Azure. */
function readPlan(ctx: StepContext): ModelVersionPlan {
  const { inputs } = ctx;
  const file = inputs.string('model-file');
  const spec = file ? loadModelSpec(resolve(file)) : undefined;
  const map = (name: string) => {
    const text = inputs.string(name);
    return text === undefined ? undefined : parseKeyValues(text, name);
  };
  const plan = buildModelVersion(
    spec,
    {
      name: inputs.string('model-name'),
      version: inputs.string('model-version'),
      type: inputs.string('model-type'),
      path: inputs.string('model-path'),
      description: inputs.string('description'),
      tags: map('tags'),
      properties: map('properties'),
      datastore: inputs.string('datastore'),
      stage: inputs.string('stage'),
    },
    {
      inputNames: {
        name: 'model-name',
        version: 'model-version',
        type: 'model-type',
        path: 'model-path',
        description: 'description',
        tags: 'tags',
        properties: 'properties',
        datastore: 'datastore',
        stage: 'stage',
      },
    },
  );
  return plan;
}

interface Decision {
  version: string;
  action: 'create' | 'update' | 'unchanged';
  changed?: string[];
  live?: ModelVersion;
}

/**
 * What the workspace holds for the plan's model: the given version, or (no version given) the latest one. Needs
 * only the name, so it is read together with the workspace and the datastore.
 */
function readLive(conn: WorkspaceConnection, plan: ModelVersionPlan): Promise<ModelVersion | undefined> {
  const { client, scope } = conn;
  return plan.version !== undefined
    ? client.getModelVersion(scope.resourceGroup, scope.workspaceName, plan.name, plan.version)
    : latestModelVersion(client, scope.resourceGroup, scope.workspaceName, plan.name);
}

async function decide(conn: WorkspaceConnection, plan: ModelVersionPlan, desired: ReturnType<typeof resolveModelVersionBody>, found: ModelVersion | undefined): Promise<Decision> {
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  if (plan.version !== undefined) {
    const live = found;
    if (!live) return { version: plan.version, action: 'create' };
    const d = compareModelVersion(desired, live);
    if (d.action === 'conflict') {
      throw new StepError('conflict', `Model ${plan.name} version ${plan.version} already exists and ${d.reason}.`, {
        input: plan.sources.version?.kind === 'input' ? 'model-version' : undefined,
        hint: 'Model versions are immutable: register the new content as a new version (leave model-version empty to take the next free one).',
      });
    }
    return { version: plan.version, action: d.action === 'update' ? 'update' : 'unchanged', changed: d.action === 'update' ? d.changed : undefined, live };
  }
  // No version given: the latest version when it already holds exactly this, else the next free one.
  return planAutomaticVersion(client, rg, ws, plan.name, desired, { latest: found });
}

/** Metrics from the `metrics` file are recorded on the version (`metrics.<name>` properties) for later gates. */
function recordMetrics(plan: ModelVersionPlan, gate: GateSettings): void {
  if (!gate.metrics) return;
  const props = plan.body.properties.properties;
  for (const [k, v] of Object.entries(metricsAsProperties(gate.metrics))) if (!(k in props)) props[k] = v;
}

/** The registry inputs, checked before anything is sent (sign-in starts right after the local checks). */
export function checkRegistryInputs(ctx: StepContext, registry: string): void {
  checkRegistryName(registry, 'registry');
  const rg = ctx.inputs.string('registry-resource-group');
  if (rg !== undefined) checkResourceGroup(rg, 'registry-resource-group');
  const sub = ctx.inputs.string('registry-subscription-id');
  if (sub !== undefined) checkSubscriptionId(sub, 'registry-subscription-id');
}

export async function registerModel(ctx: StepContext): Promise<void> {
  const { host } = ctx;
  // 1. Inputs, files and content: all checked before anything is sent.
  workspaceInputs(ctx);
  const plan = readPlan(ctx);
  const gate = readGateSettings(ctx.inputs);
  recordMetrics(plan, gate);
  const registry = ctx.inputs.string('registry');
  if (registry !== undefined && plan.path.kind !== 'local') {
    throw new StepError('input', `Input 'registry' needs a local model path; '${plan.path.raw}' is not one.`, {
      input: 'registry',
      hint: 'Register the model in a workspace first, then copy it with promote-model.',
    });
  }
  if (registry !== undefined) checkRegistryInputs(ctx, registry);
  // Signing in runs while the content is hashed (reading files mostly waits on the disk, signing in on the network
  // and on loading @azure/identity). A problem with the content is reported first, at once: signing in stops.
  const contentFailed = new AbortController();
  let connecting: Promise<WorkspaceConnection>;
  try {
    // One ARM connection for each of the planning reads that go out together (workspace, datastore, latest version).
    const connection: ConnectionPlan = planConnection(ctx, { armConnections: 3 });
    connecting = connectWorkspace(ctx, connection, AbortSignal.any([ctx.deadline.signal, contentFailed.signal]));
  } catch (e) {
    connecting = Promise.reject(e);
  }
  connecting.catch(() => undefined); // awaited below, unless the content's error comes first
  let content: LocalContent | undefined;
  if (plan.path.kind === 'local') {
    const local = plan.path;
    try {
      content = await host.group(`Hashing ${local.absolutePath}`, () => hashLocalContent(local.absolutePath, host, ctx.deadline.signal));
    } catch (e) {
      contentFailed.abort(e);
      throw e;
    }
  }
  const conn = await connecting;
  const { client, scope } = conn;
  if (registry !== undefined) {
    const { registerModelInRegistry } = await import('./into-registry');
    return registerModelInRegistry(ctx, conn, plan, content!, gate, registry);
  }
  host.info(`Signing in as ${conn.principal}; workspace ${scope.workspaceName} in ${scope.resourceGroup} (${conn.cloud.name}).`);

  // 2. Plan against the live workspace: its independent reads together, their errors in this order.
  const [workspace, , ds, live] = await inOrder([
    client.getWorkspace(scope.resourceGroup, scope.workspaceName),
    checkPathDatastoreExists(plan.path, plan.sources.path ?? { kind: 'input', input: 'model-path' }, scope, async (name) =>
      (await client.findDatastore(scope.resourceGroup, scope.workspaceName, name)) !== undefined,
    ),
    !content
      ? Promise.resolve(undefined)
      : plan.sources.datastore
        ? client.getDatastore(scope.resourceGroup, scope.workspaceName, plan.datastore)
        : client.getDefaultDatastore(scope.resourceGroup, scope.workspaceName),
    readLive(conn, plan),
  ] as const);
  if (content && ds) content.datastore = ds;
  const desired = resolveModelVersionBody({ ...plan, datastore: ds?.name ?? plan.datastore }, scope, content?.uploadPath);
  const decision = await decide(conn, plan, desired, live);
  const verb = { create: 'create', update: `update ${decision.changed?.join(', ')} of`, unchanged: 'leave unchanged' }[decision.action];
  host.info(`Plan: ${verb} model ${plan.name} version ${decision.version} → ${desired.properties.modelUri}`);

  const outcome: RegisterOutcome = {
    name: plan.name,
    version: decision.version,
    action: decision.action,
    changed: decision.changed,
    modelUri: desired.properties.modelUri!,
    modelType: desired.properties.modelType,
    id: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}/models/${plan.name}/versions/${decision.version}`,
    workspace: scope.workspaceName,
    location: workspace.location,
    tags: desired.properties.tags,
    dryRun: conn.dryRun,
    upload: undefined,
    source: plan.path.kind === 'local' ? plan.path.absolutePath : plan.path.raw,
    run: host.run,
  };

  // The gate runs on the plan, before anything is written (a dry run shows its verdict too).
  const store = workspaceModels(client, scope.resourceGroup, scope.workspaceName);
  let gateOutcome: GateOutcome = { forced: false, markdown: '' };
  if (decision.action !== 'unchanged') {
    gateOutcome = await checkGate(gate, store, plan.name, { version: decision.version, recorded: decision.live }, host);
  }

  if (conn.dryRun) {
    host.info('Dry run: nothing was uploaded or registered.');
  } else if (decision.action === 'unchanged') {
    host.info(`Model ${plan.name}:${decision.version} is already registered with this content and metadata; nothing to do.`);
  } else {
    // 3. Apply.
    if (content && decision.action === 'create') {
      const { uploadLocalModel } = await import('../../assets/model-upload');
      outcome.upload = await host.group('Uploading model files', () => uploadLocalModel(client, scope, content!, host, ctx.deadline.signal));
    }
    // A metadata update keeps what cannot or should not change: properties, and the aliases and promotion markers.
    const live = decision.live?.properties;
    const body = decision.action === 'update' && live
      ? {
          properties: {
            ...desired.properties,
            properties: { ...(live.properties ?? {}), ...desired.properties.properties },
            tags: { ...managedTags(live.tags), ...desired.properties.tags },
          },
        }
      : desired;
    // A create races other runs registering the same model: it may end on a later version, or find this content there.
    const { resource, version, action } =
      decision.action === 'create'
        ? await createModelVersion({
            client,
            resourceGroup: scope.resourceGroup,
            workspace: scope.workspaceName,
            name: plan.name,
            version: decision.version,
            body,
            automatic: plan.version === undefined,
            logger: host,
            signal: ctx.deadline.signal,
          })
        : { ...(await client.createOrUpdateModelVersion(scope.resourceGroup, scope.workspaceName, plan.name, decision.version, body)), version: decision.version, action: decision.action };
    if (version !== decision.version) {
      decision.version = version;
      outcome.version = version;
      outcome.id = outcome.id.replace(/\/versions\/[^/]+$/, `/versions/${version}`);
    }
    outcome.action = decision.action = action;
    outcome.id = resource.id ?? outcome.id;
    // 4. Verify what the service now holds.
    const check = await client.getModelVersion(scope.resourceGroup, scope.workspaceName, plan.name, decision.version);
    if (!check || compareModelVersion(body, check).action !== 'unchanged') {
      throw new StepError('service', `Model ${plan.name}:${decision.version} was written but reads back differently; check the workspace.`);
    }
    if (action !== 'unchanged') host.info(`${action === 'create' ? 'Registered' : 'Updated'} ${plan.name}:${decision.version}.`);
  }
  if (gate.alias && !conn.dryRun) {
    outcome.alias = await moveAlias(store, plan.name, decision.version, gate.alias, { logger: host });
  }

  host.setOutput('model-name', outcome.name);
  host.setOutput('model-version', outcome.version);
  host.setOutput('model-id', outcome.id);
  host.setOutput('model-ref', `azureml:${outcome.name}:${outcome.version}`);
  host.setOutput('model-uri', outcome.modelUri);
  host.setOutput('result', conn.dryRun ? 'dry-run' : outcome.action === 'create' ? 'created' : outcome.action === 'update' ? 'updated' : 'unchanged');
  host.setOutput('gate', gate.rules ? (gateOutcome.forced ? 'failed-forced' : 'passed') : 'none');
  await host.summary([registerSummary(outcome), gateOutcome.markdown].filter(Boolean).join('\n\n'));
}

