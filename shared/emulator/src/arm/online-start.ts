/**
 * What a deployment operation starts: the scoring process of the deployment version (scoring/runtime.ts). Under
 * the state lock the deployment's assets are resolved to blob locations (the code version's codeUri, the model
 * version's modelUri, workspace or registry), the operation is held open (START_HOLD_MS) and a start job is
 * recorded; an emulator process claims the job, starts the process and only then ends the operation
 * (deployment-starter.ts), so the operation never reports Succeeded before the deployment can serve.
 *
 * A deployment is served by a real process when the emulator runs blob storage (Azurite) and the deployment has
 * a codeConfiguration with a code asset; otherwise (no storage, MLflow no-code deployments, inference containers)
 * the operation ends by the clock as before and the deployment has no process.
 */
import type { ArmState, Json } from '../state/model';
import { isObject } from '../http';
import type { ArmCall } from './call';
import type { Operation, OperationError } from '../lro/operation';
import { propertiesOf } from './resource-helpers';
import { isReply, resolveAsset } from './asset-refs';
import { resolveModelUri } from './blob-location';
import { isoSeconds } from './online-deployment-check';
import { START_HOLD_MS, online } from './online-state';
import type { BlobSource, DeploymentSpec } from '../scoring/records';

const WORKSPACE_OF = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/workspaces\/[^/]+)\//i;

/** The blob location an asset version's URI field names, or why it cannot be read. */
function assetFiles(state: ArmState, field: string, kind: 'models' | 'codes', ref: unknown, workspaceId: string, uriField: string) {
  const r = resolveAsset(state, field, kind, ref);
  if (isReply(r) || !('resource' in r)) return `the ${kind === 'models' ? 'model' : 'code'} '${String(ref)}' cannot be resolved`;
  const uri = String(propertiesOf(r.resource.body)[uriField] ?? '');
  const loc = resolveModelUri(state, uri, WORKSPACE_OF.exec(r.resource.id)?.[1] ?? workspaceId);
  return typeof loc === 'string' ? `its ${uriField} '${uri}' cannot be read (${loc})` : loc;
}

/**
 * The scoring process spec of a deployment body (as installed on success), undefined when the deployment is not
 * run by a process, or an error when its files cannot be located.
 */
export function scoringSpec(c: ArmCall, body: Json): DeploymentSpec | OperationError | undefined {
  const p = propertiesOf(body);
  const code = isObject(p.codeConfiguration) ? p.codeConfiguration : undefined;
  if (!c.state.azurite || !code || typeof code.codeId !== 'string' || typeof code.scoringScript !== 'string') return undefined;
  const wsId = c.workspace!.id;
  const fail = (message: string): OperationError => ({ code: 'FilesUnavailable', message: `The storage initializer could not fetch the deployment's files: ${message}.` });
  const codeLoc = assetFiles(c.state, 'properties.codeConfiguration.codeId', 'codes', code.codeId, wsId, 'codeUri');
  if (typeof codeLoc === 'string') return fail(`code: ${codeLoc}`);
  let model: DeploymentSpec['model'];
  if (p.model !== undefined && p.model !== null) {
    const modelLoc = assetFiles(c.state, 'properties.model', 'models', p.model, wsId, 'modelUri');
    if (typeof modelLoc === 'string') return fail(`model: ${modelLoc}`);
    model = { blob: modelLoc };
  }
  const req = isObject(p.requestSettings) ? p.requestSettings : {};
  const timeout = isoSeconds(req.requestTimeout);
  const sku = isObject(body.sku) ? body.sku : {};
  // Kubernetes autoscaling (TargetUtilization) starts at its minimum; otherwise the instance count is sku.capacity.
  const scale = isObject(p.scaleSettings) ? p.scaleSettings : {};
  const instanceCount =
    scale.scaleType === 'TargetUtilization' ? Math.max(1, typeof scale.minInstances === 'number' ? scale.minInstances : 1) : typeof sku.capacity === 'number' ? sku.capacity : 1;
  const env = isObject(p.environmentVariables) ? (p.environmentVariables as Record<string, string>) : undefined;
  const collections = collectionFolders(c, p, wsId);
  return {
    id: c.id,
    code: { blob: codeLoc },
    scoringScript: code.scoringScript,
    model,
    // Azure ML v2 puts a folder model's files under $AZUREML_MODEL_DIR/<folder name>/ (a file model: the file
    // directly in $AZUREML_MODEL_DIR), as the service's "specify model to deploy" docs describe.
    nestModelFolder: true,
    environmentVariables: env && Object.keys(env).length ? env : undefined,
    instanceCount,
    requestTimeoutMs: timeout !== undefined ? Math.round(timeout * 1000) : undefined,
    maxConcurrentRequestsPerInstance: typeof req.maxConcurrentRequestsPerInstance === 'number' ? req.maxConcurrentRequestsPerInstance : undefined,
    ...(collections ? { collections } : {}),
  };
}

/**
 * The blob folder of each enabled collection: its data asset's folder (dataId), else the service's default
 * `modelDataCollector/<endpoint>/<deployment>/<collection>` on workspaceblobstore.
 */
function collectionFolders(c: ArmCall, p: Json, wsId: string): Record<string, BlobSource> | undefined {
  const dc = isObject(p.dataCollector) && isObject(p.dataCollector.collections) ? p.dataCollector.collections : undefined;
  if (!dc) return undefined;
  const [, endpoint, deployment] = /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i.exec(c.id) ?? [];
  const out: Record<string, BlobSource> = {};
  for (const [name, raw] of Object.entries(dc)) {
    const col = isObject(raw) ? raw : {};
    if (String(col.dataCollectionMode ?? '').toLowerCase() !== 'enabled') continue;
    let uri = `azureml://datastores/workspaceblobstore/paths/modelDataCollector/${endpoint}/${deployment}/${name}`;
    if (typeof col.dataId === 'string') {
      const data = resolveAsset(c.state, 'dataId', 'data', col.dataId);
      if (!isReply(data) && 'resource' in data) uri = String(propertiesOf(data.resource.body).dataUri ?? uri);
    }
    const loc = resolveModelUri(c.state, uri, wsId);
    if (typeof loc !== 'string') out[name] = loc;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Holds the operation open until an emulator process has started the deployment's scoring process. */
export function holdForStart(c: ArmCall, op: Operation, spec: DeploymentSpec): void {
  const durationMs = op.durationMs;
  op.durationMs = START_HOLD_MS;
  online(c.state).starts[op.id] = { opId: op.id, deploymentId: c.id, spec, durationMs };
}
