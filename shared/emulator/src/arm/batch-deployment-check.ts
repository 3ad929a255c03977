/**
 * What the service checks on a batch deployment PUT (BatchDeployment, REST contract §4.5), and the defaults it
 * fills once the deployment succeeded: miniBatchSize 10, maxConcurrencyPerInstance 1, errorThreshold -1,
 * outputAction AppendRow, outputFileName predictions.csv (AppendRow only: a SummaryOnly deployment writes no file),
 * loggingLevel Info, retrySettings {maxRetries 3, timeout PT30S}, resources {instanceCount 1}.
 *
 * Enums are taken in any casing and stored in the REST casing (az ml sends `logging_level` verbatim, e.g. `info`, and
 * the service accepts it): loggingLevel Info | Warning | Debug, outputAction AppendRow | SummaryOnly,
 * deploymentConfigurationType Model | PipelineComponent, referenceType Id | DataPath | OutputPath.
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall } from './call';
import { getResource, propertiesOf } from './resource-helpers';
import { armError, userError } from './errors';
import { lastName } from './render';
import { isReply, resolveAsset } from './asset-refs';
import { DEPLOYMENT_NAME, isoSeconds } from './online-deployment-check';
import { isAmlCompute } from './aml-computes';
import { bad } from './batch-endpoints';

export const LOGGING_LEVELS = ['Info', 'Warning', 'Debug'];
export const OUTPUT_ACTIONS = ['AppendRow', 'SummaryOnly'];
const CONFIG_TYPES = ['Model', 'PipelineComponent'];
const REFERENCE_TYPES = ['Id', 'DataPath', 'OutputPath'];
const COMPUTE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/computes\/([^/]+)$/i;
const DATASTORE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/datastores\/[^/]+$/i;

export const BATCH_DEFAULTS = {
  miniBatchSize: 10,
  maxConcurrencyPerInstance: 1,
  errorThreshold: -1,
  outputAction: 'AppendRow',
  outputFileName: 'predictions.csv',
  loggingLevel: 'Info',
  retrySettings: { maxRetries: 3, timeout: 'PT30S' },
};

export function enumOf(field: string, v: unknown, allowed: string[]): string | Reply {
  const hit = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  return hit ?? bad(`'${field}' must be one of ${allowed.join(', ')}; got '${String(v)}'.`);
}

export function checkInt(field: string, v: unknown, min: number): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) return bad(`'${field}' must be an integer of at least ${min}; got ${JSON.stringify(v)}.`);
  return undefined;
}

function stringMap(field: string, v: unknown): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string') ? undefined : bad(`'${field}' must be a map of string to string.`);
}

/** retrySettings {maxRetries ≥ 0, timeout: an ISO 8601 duration > 0}. */
export function checkRetry(field: string, v: unknown): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return bad(`'${field}' must be an object with 'maxRetries' and 'timeout'.`);
  const r = checkInt(`${field}.maxRetries`, v.maxRetries, 0);
  if (r) return r;
  if (v.timeout !== undefined && v.timeout !== null) {
    const s = isoSeconds(v.timeout);
    if (s === undefined || s <= 0) return bad(`'${field}.timeout' must be an ISO 8601 duration longer than zero, such as 'PT30S'; got ${JSON.stringify(v.timeout)}.`);
  }
  return undefined;
}

/** outputFileName: a file name (no folders), never with SummaryOnly. */
export function checkOutputFileName(field: string, v: unknown, outputAction: string | undefined): Reply | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v.trim() || /[\\/]/.test(v)) return bad(`'${field}' must be a file name (no folders), such as 'predictions.csv'; got ${JSON.stringify(v)}.`);
  if (outputAction === 'SummaryOnly') {
    return bad(`'${field}' cannot be given when outputAction is 'SummaryOnly': a SummaryOnly deployment writes no output file. Remove it, or use outputAction 'AppendRow'.`);
  }
  return undefined;
}

/** `compute`: the ARM id of an AmlCompute cluster of this workspace; returns the canonical id. */
function checkComputeRef(c: ArmCall, v: unknown): Reply | string {
  const m = typeof v === 'string' ? COMPUTE_ID.exec(v.trim()) : null;
  if (!m) {
    return bad(`'properties.compute' must be the ARM id of an AmlCompute cluster in the workspace (/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/computes/{name}); got ${JSON.stringify(v)}.`);
  }
  const ws = lastName(c.workspace!.id);
  const wsPrefix = c.workspace!.id.toLowerCase();
  const id = String(v).trim();
  if (!id.toLowerCase().startsWith(`${wsPrefix}/computes/`)) return bad(`Compute '${id}' is not in workspace '${ws}': a batch deployment runs on a compute of its own workspace.`);
  const res = getResource(c.state, `${c.workspace!.id}/computes/${m[2]}`);
  if (!res) {
    const message = `Compute '${m[2]}' was not found in workspace '${ws}'. Create the AmlCompute cluster first, or name an existing one in 'properties.compute'.`;
    return userError(message, { code: 'ComputeNotFound', message });
  }
  if (!isAmlCompute(res)) {
    return bad(`Compute '${lastName(res.id)}' has computeType '${String(propertiesOf(res.body).computeType)}'; batch deployments run on AmlCompute clusters.`);
  }
  if (propertiesOf(res.body).provisioningState !== 'Succeeded') return bad(`Compute '${lastName(res.id)}' is not ready (provisioningState ${String(propertiesOf(res.body).provisioningState)}).`);
  return res.id;
}

/** `model` (AssetReferenceBase): {referenceType: Id, assetId} of an existing model, or DataPath / OutputPath. */
function checkModelRef(c: ArmCall, v: unknown): Reply | { ref: Json; model?: StoredResource } {
  if (!isObject(v)) {
    return bad("'properties.model' must be an asset reference object: {referenceType: 'Id', assetId: <model version id>}, {referenceType: 'DataPath', datastoreId, path} or {referenceType: 'OutputPath', jobId, path}.");
  }
  const t = enumOf('properties.model.referenceType', v.referenceType, REFERENCE_TYPES);
  if (typeof t !== 'string') return t;
  if (t === 'Id') {
    const m = resolveAsset(c.state, 'properties.model.assetId', 'models', v.assetId);
    if (isReply(m)) return m;
    return { ref: { ...v, referenceType: t }, model: 'resource' in m ? m.resource : undefined };
  }
  if (t === 'DataPath') {
    if (typeof v.datastoreId !== 'string' || !DATASTORE_ID.test(v.datastoreId)) return bad("'properties.model.datastoreId' must be the ARM id of a datastore (.../workspaces/{workspace}/datastores/{name}).");
    if (!getResource(c.state, v.datastoreId)) return bad(`The datastore '${v.datastoreId}' named in 'properties.model.datastoreId' was not found.`);
    if (typeof v.path !== 'string' || !v.path) return bad("'properties.model.path' is required with referenceType 'DataPath'.");
    return { ref: { ...v, referenceType: t } };
  }
  if (typeof v.jobId !== 'string' || !v.jobId) return bad("'properties.model.jobId' is required with referenceType 'OutputPath'.");
  if (v.path !== undefined && v.path !== null && typeof v.path !== 'string') return bad("'properties.model.path' must be a string.");
  return { ref: { ...v, referenceType: t } };
}

function checkPipelineConfig(c: ArmCall, v: Json): Reply | Json {
  const id = v.componentId;
  if (!isObject(id)) return bad("'properties.deploymentConfiguration.componentId' is required for a PipelineComponent deployment: {referenceType: 'Id', assetId: <component version id>}.");
  const t = enumOf('properties.deploymentConfiguration.componentId.referenceType', id.referenceType, ['Id']);
  if (typeof t !== 'string') return t;
  const r = resolveAsset(c.state, 'properties.deploymentConfiguration.componentId.assetId', 'components', id.assetId);
  if (isReply(r)) return r;
  const spec = 'resource' in r ? propertiesOf(r.resource.body).componentSpec : undefined;
  const kind = isObject(spec) && typeof spec.type === 'string' ? spec.type : undefined;
  if (kind && kind.toLowerCase() !== 'pipeline') return bad(`Component '${String(id.assetId)}' is a '${kind}' component; a PipelineComponent deployment needs a pipeline component (componentSpec.type 'pipeline').`);
  const bad2 = stringMap('properties.deploymentConfiguration.settings', v.settings) ?? stringMap('properties.deploymentConfiguration.tags', v.tags);
  if (bad2) return bad2;
  if (v.description !== undefined && v.description !== null && typeof v.description !== 'string') return bad("'properties.deploymentConfiguration.description' must be a string.");
  return { ...v, deploymentConfigurationType: 'PipelineComponent', componentId: { ...id, referenceType: t } };
}

function retryWithDefaults(v: unknown): Json {
  const r = isObject(v) ? v : {};
  return { ...r, maxRetries: r.maxRetries ?? BATCH_DEFAULTS.retrySettings.maxRetries, timeout: r.timeout ?? BATCH_DEFAULTS.retrySettings.timeout };
}

export interface CheckedBatchDeployment {
  /** The body as stored while the operation runs (normalised enums, no service defaults). */
  echo: Json;
  /** The body installed on success (with the defaults the service fills). */
  desired: Json;
}

export function checkBatchDeployment(c: ArmCall, incoming: Json): Reply | CheckedBatchDeployment {
  const name = c.names[2];
  if (!DEPLOYMENT_NAME.test(name) || name.length < 3 || name.length > 32) {
    return bad(`Invalid deployment name '${name}': it must be 3-32 characters, start with a letter, contain only letters, digits and '-', and not end with '-'.`);
  }
  if (typeof incoming.location !== 'string' || !incoming.location) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!isObject(incoming.properties)) return bad("The 'properties' field is required.");
  if (incoming.tags !== undefined && incoming.tags !== null && !isObject(incoming.tags)) return bad("'tags' must be a map of string to string.");
  const p: Json = { ...incoming.properties };

  let pipeline = false;
  if (p.deploymentConfiguration !== undefined && p.deploymentConfiguration !== null) {
    const dc = p.deploymentConfiguration;
    if (!isObject(dc)) return bad("'properties.deploymentConfiguration' must be an object with 'deploymentConfigurationType'.");
    const t = enumOf('properties.deploymentConfiguration.deploymentConfigurationType', dc.deploymentConfigurationType, CONFIG_TYPES);
    if (typeof t !== 'string') return t;
    pipeline = t === 'PipelineComponent';
    const checked = pipeline ? checkPipelineConfig(c, dc) : { ...dc, deploymentConfigurationType: t };
    if (isReply(checked)) return checked;
    p.deploymentConfiguration = checked;
  }

  if (p.compute !== undefined && p.compute !== null) {
    const compute = checkComputeRef(c, p.compute);
    if (typeof compute !== 'string') return compute;
    p.compute = compute;
  } else if (!pipeline) {
    return bad("'properties.compute' is required: the ARM id of the AmlCompute cluster the deployment's jobs run on (.../workspaces/{workspace}/computes/{name}).");
  }

  let model: StoredResource | undefined;
  if (p.model !== undefined && p.model !== null) {
    const m = checkModelRef(c, p.model);
    if (isReply(m)) return m;
    p.model = m.ref;
    model = m.model;
  }
  if (p.environmentId !== undefined && p.environmentId !== null) {
    const e = resolveAsset(c.state, 'properties.environmentId', 'environments', p.environmentId);
    if (isReply(e)) return e;
  }
  const code = p.codeConfiguration;
  if (code !== undefined && code !== null) {
    if (!isObject(code)) return bad("'properties.codeConfiguration' must be an object with 'codeId' and 'scoringScript'.");
    if (typeof code.scoringScript !== 'string' || !code.scoringScript.length) return bad("'properties.codeConfiguration.scoringScript' is required and must not be empty.");
    if (code.codeId !== undefined && code.codeId !== null) {
      const cd = resolveAsset(c.state, 'properties.codeConfiguration.codeId', 'codes', code.codeId);
      if (isReply(cd)) return cd;
    }
  }
  const mlflow = !!model && /^mlflow/i.test(String(propertiesOf(model.body).modelType ?? ''));
  if (!pipeline) {
    if (!p.codeConfiguration && !mlflow) {
      return bad("'properties.codeConfiguration' (codeId and scoringScript) is required for a model that is not an MLflow model (modelType mlflow_model): the batch driver script says how to score the files.");
    }
    if (p.codeConfiguration && (p.environmentId === undefined || p.environmentId === null)) {
      return bad("'properties.environmentId' is required with a scoring script (codeConfiguration): only an MLflow model without a scoring script can be deployed without an environment.");
    }
  }

  if (p.resources !== undefined && p.resources !== null) {
    const r = p.resources;
    if (!isObject(r)) return bad("'properties.resources' must be an object (instanceCount, instanceType, properties).");
    const n = checkInt('properties.resources.instanceCount', r.instanceCount, 1);
    if (n) return n;
    if (r.instanceType !== undefined && r.instanceType !== null && typeof r.instanceType !== 'string') return bad("'properties.resources.instanceType' must be a string.");
    if (r.properties !== undefined && r.properties !== null && !isObject(r.properties)) return bad("'properties.resources.properties' must be an object.");
  }
  const ints =
    checkInt('properties.miniBatchSize', p.miniBatchSize, 1) ??
    checkInt('properties.maxConcurrencyPerInstance', p.maxConcurrencyPerInstance, 1) ??
    checkInt('properties.errorThreshold', p.errorThreshold, -1);
  if (ints) return ints;
  for (const [field, allowed] of [['loggingLevel', LOGGING_LEVELS], ['outputAction', OUTPUT_ACTIONS]] as const) {
    if (p[field] === undefined || p[field] === null) continue;
    const v = enumOf(`properties.${field}`, p[field], allowed);
    if (typeof v !== 'string') return v;
    p[field] = v;
  }
  const other =
    checkOutputFileName('properties.outputFileName', p.outputFileName, p.outputAction as string | undefined) ??
    checkRetry('properties.retrySettings', p.retrySettings) ??
    stringMap('properties.environmentVariables', p.environmentVariables) ??
    stringMap('properties.properties', p.properties);
  if (other) return other;
  if (p.description !== undefined && p.description !== null && typeof p.description !== 'string') return bad("'properties.description' must be a string.");

  const echo: Json = { ...incoming, location: String(c.workspace!.body.location), tags: incoming.tags ?? {}, properties: p };
  const base: Json = { description: null, properties: {}, ...p };
  const desiredProps: Json = pipeline
    ? base
    : {
        environmentVariables: {},
        ...base,
        resources: { instanceCount: 1, properties: {}, ...(p.resources as Json | undefined) },
        miniBatchSize: p.miniBatchSize ?? BATCH_DEFAULTS.miniBatchSize,
        maxConcurrencyPerInstance: p.maxConcurrencyPerInstance ?? BATCH_DEFAULTS.maxConcurrencyPerInstance,
        errorThreshold: p.errorThreshold ?? BATCH_DEFAULTS.errorThreshold,
        loggingLevel: p.loggingLevel ?? BATCH_DEFAULTS.loggingLevel,
        outputAction: p.outputAction ?? BATCH_DEFAULTS.outputAction,
        ...((p.outputAction ?? BATCH_DEFAULTS.outputAction) === 'AppendRow' ? { outputFileName: p.outputFileName ?? BATCH_DEFAULTS.outputFileName } : {}),
        retrySettings: retryWithDefaults(p.retrySettings),
      };
  return { echo, desired: { ...echo, properties: desiredProps } };
}
