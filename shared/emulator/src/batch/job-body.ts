/**
 * The body of a batch invocation (BatchJobResource, REST contract §6.2) and what a job needs to run. Keys are read in
 * any casing: the docs write `InputData` / `OutputData` / `JobInputType` / `Uri`, the SDK sends `inputData` /
 * `outputData` / `jobInputType` / `uri`.
 *   - Inputs: `JobInputType` UriFolder | UriFile (`uri_folder` / `uri_file` too); a model deployment takes exactly one.
 *     `Uri`: a datastore path (`azureml://datastores/<ds>/paths/<p>`, or the long form with subscription, resource
 *     group and workspace), a data asset (`azureml:<name>:<version>`, `azureml:<name>@latest`, its ARM id or its
 *     `azureml://locations/<loc>/workspaces/<guid>/data/<name>/versions/<v>` id), or an https URL of the emulator's
 *     blob storage. Other URLs are refused: the emulator reads no outside storage.
 *   - Output: at most one, `JobOutputType` UriFile only, `Uri` a datastore path (or blob URL) of the output file.
 *     Without one the file is `azureml://datastores/workspaceblobstore/paths/azureml/<job name>/score/<outputFileName>`.
 *   - `miniBatchSize`, `errorThreshold`, `loggingLevel`, `outputFileName`, `retrySettings` in the body override the
 *     deployment's for this job (BatchJob has them), checked as on the deployment.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { BlobLocation } from '../registry-copy-job';
import { childrenOf, getResource, propertiesOf } from '../arm/resource-helpers';
import { lastName } from '../arm/render';
import { isReply, resolveAsset } from '../arm/asset-refs';
import { resolveModelUri } from '../arm/blob-location';
import { isoSeconds } from '../arm/online-deployment-check';
import { bad } from '../arm/batch-endpoints';
import { LOGGING_LEVELS, checkInt, checkOutputFileName, checkRetry, enumOf } from '../arm/batch-deployment-check';
import { isAmlCompute } from '../arm/aml-computes';
import type { BatchInput, BatchJobSpec } from './state';

const WORKSPACE_OF = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/workspaces\/[^/]+)\//i;

/** obj[name] with the key matched case-insensitively. */
function field(obj: Json, name: string): unknown {
  const k = Object.keys(obj).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

function kindOf(v: unknown, allowed: string[]): string | undefined {
  const norm = typeof v === 'string' ? v.replace(/_/g, '').toLowerCase() : '';
  return allowed.find((a) => a.toLowerCase() === norm);
}

export function locate(state: ArmState, ws: StoredResource, what: string, given: string): BlobLocation | Reply {
  const uri = /^azureml:\/subscriptions\//i.test(given) ? given.slice('azureml:'.length) : given;
  let target = uri;
  let scope = ws.id;
  const dataRef = /^azureml:(?!\/\/)([^:@/]+)(?::([^:@/]+)|@(latest))?$/i.exec(uri);
  const isDataId = /\/data\/[^/]+\/versions\/[^/]+$/i.test(uri);
  if (dataRef || isDataId) {
    let ref = uri;
    if (dataRef) {
      const [, name, version, latest] = dataRef;
      if (!version && !latest) return bad(`${what}: the data asset '${uri}' needs a version ('azureml:${name}:<version>' or 'azureml:${name}@latest').`);
      const versions = childrenOf(state, `${ws.id}/data/${name}`, 'versions');
      const v = version ?? (versions.length ? lastName(versions[versions.length - 1].id) : '');
      ref = `${ws.id}/data/${name}/versions/${v || 'latest'}`;
    }
    const r = resolveAsset(state, what, 'data', ref);
    if (isReply(r)) return r;
    if (!('resource' in r)) return bad(`${what}: '${uri}' is not a data asset of a workspace.`);
    target = String(propertiesOf(r.resource.body).dataUri ?? '');
    scope = WORKSPACE_OF.exec(r.resource.id)?.[1] ?? ws.id;
  } else if (/^https?:\/\//i.test(uri)) {
    const loc = resolveModelUri(state, uri, scope);
    if (typeof loc === 'string') return bad(`${what}: '${uri}' cannot be read: the emulator reads only its own blob storage (${loc}).`);
    return loc;
  } else if (!/^azureml:\/\//i.test(uri)) {
    return bad(`${what}: '${uri}' is not a datastore path (azureml://datastores/<datastore>/paths/<path>), a data asset (azureml:<name>:<version>) or an https URL.`);
  }
  const loc = resolveModelUri(state, target, scope);
  return typeof loc === 'string' ? bad(`${what}: '${uri}' cannot be read: ${loc}.`) : loc;
}

function checkInputs(state: ArmState, ws: StoredResource, v: unknown): Reply | BatchInput[] {
  if (!isObject(v) || !Object.keys(v).length) {
    return bad("'properties.InputData' is required: a map of input name to {JobInputType: 'UriFolder' | 'UriFile', Uri}.");
  }
  const out: BatchInput[] = [];
  for (const [name, input] of Object.entries(v)) {
    if (!isObject(input)) return bad(`Input '${name}' must be an object with 'JobInputType' and 'Uri'.`);
    const type = kindOf(field(input, 'JobInputType'), ['UriFolder', 'UriFile']);
    if (!type) return bad(`Input '${name}': 'JobInputType' must be UriFolder or UriFile; got '${String(field(input, 'JobInputType'))}'.`);
    const uri = field(input, 'Uri');
    if (typeof uri !== 'string' || !uri.trim()) return bad(`Input '${name}': 'Uri' is required.`);
    const blob = locate(state, ws, `Input '${name}'`, uri.trim());
    if (isReply(blob)) return blob;
    out.push({ name, type: type as BatchInput['type'], uri: uri.trim(), blob });
  }
  return out;
}

type Output = BatchJobSpec['output'] & { name: string };

function checkOutput(state: ArmState, ws: StoredResource, v: unknown, defaultUri: string): Reply | Output {
  if (v === undefined || v === null || (isObject(v) && !Object.keys(v).length)) {
    const blob = locate(state, ws, 'The default output', defaultUri);
    return isReply(blob) ? blob : { name: 'score', uri: defaultUri, blob };
  }
  if (!isObject(v)) return bad("'properties.OutputData' must be a map of output name to {JobOutputType: 'UriFile', Uri}.");
  const entries = Object.entries(v);
  if (entries.length > 1) return bad(`A batch job of a model deployment takes at most one output; got ${entries.length} (${entries.map(([k]) => `'${k}'`).join(', ')}).`);
  const [name, output] = entries[0];
  if (!isObject(output)) return bad(`Output '${name}' must be an object with 'JobOutputType' and 'Uri'.`);
  if (kindOf(field(output, 'JobOutputType'), ['UriFile']) !== 'UriFile') {
    return bad(`Output '${name}': 'UriFile' is the only supported value for JobOutputType; got '${String(field(output, 'JobOutputType'))}'.`);
  }
  const uri = field(output, 'Uri');
  if (typeof uri !== 'string' || !uri.trim()) return bad(`Output '${name}': 'Uri' is required (the output file, e.g. azureml://datastores/workspaceblobstore/paths/<folder>/predictions.csv).`);
  if (!/^(azureml:\/\/|https:\/\/)/i.test(uri.trim())) return bad(`Output '${name}': 'Uri' must be a datastore path (azureml://datastores/<datastore>/paths/<folder>/<file>); got '${uri}'.`);
  const blob = locate(state, ws, `Output '${name}'`, uri.trim());
  if (isReply(blob)) return blob;
  if (!blob.path || uri.trim().endsWith('/')) return bad(`Output '${name}': 'Uri' must name a file (UriFile), not a folder; got '${uri}'.`);
  return { name, uri: uri.trim(), blob };
}

function fileOf(state: ArmState, ws: StoredResource, kind: 'codes' | 'models', ref: unknown, uriField: string): BlobLocation | string {
  const r = resolveAsset(state, kind, kind, ref);
  if (isReply(r) || !('resource' in r)) return `the ${kind === 'codes' ? 'code' : 'model'} '${String(ref)}' no longer exists`;
  const uri = String(propertiesOf(r.resource.body)[uriField] ?? '');
  const loc = resolveModelUri(state, uri, WORKSPACE_OF.exec(r.resource.id)?.[1] ?? ws.id);
  return typeof loc === 'string' ? `its ${uriField} '${uri}' cannot be read (${loc})` : loc;
}

/** The deployment's part of the spec; `cannotRun` when the emulator cannot run it. */
function fromDeployment(state: ArmState, ws: StoredResource, dep: StoredResource): Omit<BatchJobSpec, 'inputs' | 'output'> {
  const p = propertiesOf(dep.body);
  const name = lastName(dep.id);
  const resources = isObject(p.resources) ? p.resources : {};
  const retry = isObject(p.retrySettings) ? p.retrySettings : {};
  const base: Omit<BatchJobSpec, 'inputs' | 'output'> = {
    miniBatchSize: Number(p.miniBatchSize ?? 10),
    processes: Number(resources.instanceCount ?? 1) * Number(p.maxConcurrencyPerInstance ?? 1),
    errorThreshold: Number(p.errorThreshold ?? -1),
    outputAction: p.outputAction === 'SummaryOnly' ? 'SummaryOnly' : 'AppendRow',
    outputFileName: String(p.outputFileName ?? 'predictions.csv'),
    maxRetries: Number(retry.maxRetries ?? 3),
    timeoutMs: Math.round((isoSeconds(retry.timeout) ?? 30) * 1000),
    loggingLevel: String(p.loggingLevel ?? 'Info'),
    environmentVariables: isObject(p.environmentVariables) ? (p.environmentVariables as Record<string, string>) : undefined,
  };
  const cannot = (code: string, message: string) => ({ ...base, cannotRun: { code, message } });
  const dc = isObject(p.deploymentConfiguration) ? p.deploymentConfiguration : {};
  if (dc.deploymentConfigurationType === 'PipelineComponent') {
    return cannot('NotSupported', `The emulator runs batch jobs of model deployments only: deployment '${name}' is a PipelineComponent deployment, which the service runs as a pipeline job.`);
  }
  const compute = getResource(state, String(p.compute ?? ''));
  if (!isAmlCompute(compute)) return cannot('UserError', `The compute '${String(p.compute)}' of deployment '${name}' no longer exists.`);
  const code = isObject(p.codeConfiguration) ? p.codeConfiguration : undefined;
  if (!code || typeof code.codeId !== 'string') {
    return cannot('NotSupported', `Deployment '${name}' has no scoring script (codeConfiguration with a code asset): the emulator runs scoring scripts only, not the service's generated MLflow driver.`);
  }
  const codeLoc = fileOf(state, ws, 'codes', code.codeId, 'codeUri');
  if (typeof codeLoc === 'string') return cannot('UserError', `The code of deployment '${name}' cannot be fetched: ${codeLoc}.`);
  let model: BlobLocation | undefined;
  const m = isObject(p.model) ? p.model : undefined;
  if (m?.referenceType === 'Id') {
    const loc = fileOf(state, ws, 'models', m.assetId, 'modelUri');
    if (typeof loc === 'string') return cannot('UserError', `The model of deployment '${name}' cannot be fetched: ${loc}.`);
    model = loc;
  } else if (m?.referenceType === 'DataPath') {
    const ds = getResource(state, String(m.datastoreId));
    const dp = ds ? propertiesOf(ds.body) : {};
    if (!ds || typeof dp.accountName !== 'string') return cannot('UserError', `The datastore '${String(m.datastoreId)}' of deployment '${name}''s model no longer exists.`);
    model = { account: dp.accountName, container: String(dp.containerName), path: String(m.path).replace(/^\/+|\/+$/g, '') };
  } else if (m?.referenceType === 'OutputPath') {
    return cannot('NotSupported', `Deployment '${name}' takes its model from a job output (referenceType OutputPath), which the emulator cannot read.`);
  }
  return { ...base, code: codeLoc, scoringScript: String(code.scoringScript), model };
}

export interface AcceptedJob {
  /** The job resource's properties as echoed (inputs, outputs and the settings in force). */
  properties: Json;
  spec: BatchJobSpec;
}

export function acceptJob(state: ArmState, ws: StoredResource, dep: StoredResource, body: unknown, jobName: string): Reply | AcceptedJob {
  if (!isObject(body) || !isObject(body.properties)) {
    return bad("The request body must be a BatchJobResource: {properties: {InputData: {<name>: {JobInputType, Uri}}, OutputData: {<name>: {JobOutputType: 'UriFile', Uri}}}}.");
  }
  const props = body.properties;
  const inputs = checkInputs(state, ws, field(props, 'InputData'));
  if (isReply(inputs)) return inputs;
  if (inputs.length > 1) return bad(`A model deployment takes exactly one input; got ${inputs.length} (${inputs.map((i) => `'${i.name}'`).join(', ')}).`);
  const spec = fromDeployment(state, ws, dep);
  const overrides: Json = {};
  for (const [f, min] of [['miniBatchSize', 1], ['errorThreshold', -1]] as const) {
    const v = field(props, f);
    const r = checkInt(`properties.${f}`, v, min);
    if (r) return r;
    if (typeof v === 'number') overrides[f] = v;
  }
  const level = field(props, 'loggingLevel');
  if (level !== undefined && level !== null) {
    const l = enumOf('properties.loggingLevel', level, LOGGING_LEVELS);
    if (typeof l !== 'string') return l;
    overrides.loggingLevel = l;
  }
  const fileName = field(props, 'outputFileName');
  const retry = field(props, 'retrySettings');
  const r = checkOutputFileName('properties.outputFileName', fileName, spec.outputAction) ?? checkRetry('properties.retrySettings', retry);
  if (r) return r;
  if (typeof fileName === 'string') overrides.outputFileName = fileName;
  if (isObject(retry)) {
    if (typeof retry.maxRetries === 'number') spec.maxRetries = retry.maxRetries;
    if (retry.timeout) spec.timeoutMs = Math.round(isoSeconds(retry.timeout)! * 1000);
  }
  Object.assign(spec, overrides);
  const output = checkOutput(state, ws, field(props, 'OutputData'), `azureml://datastores/workspaceblobstore/paths/azureml/${jobName}/score/${spec.outputFileName}`);
  if (isReply(output)) return output;
  // The output file is what OutputData names: its file name is the job's outputFileName.
  spec.outputFileName = output.blob.path.slice(output.blob.path.lastIndexOf('/') + 1);
  const full: BatchJobSpec = { ...spec, inputs, output: { uri: output.uri, blob: output.blob } };
  const echoInputs = Object.fromEntries(inputs.map((i) => [i.name, { jobInputType: i.type, uri: i.uri }]));
  return {
    spec: full,
    properties: {
      inputData: echoInputs,
      outputData: { [output.name]: { jobOutputType: 'UriFile', uri: output.uri } },
      compute: String(propertiesOf(dep.body).compute ?? ''),
      miniBatchSize: full.miniBatchSize,
      errorThreshold: full.errorThreshold,
      loggingLevel: full.loggingLevel,
      outputFileName: full.outputFileName,
      retrySettings: { maxRetries: full.maxRetries, timeout: `PT${full.timeoutMs / 1000}S` },
      properties: isObject(props.properties) ? props.properties : {},
      tags: isObject(props.tags) ? props.tags : {},
    },
  };
}
