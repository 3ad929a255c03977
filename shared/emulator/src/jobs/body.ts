/**
 * A command job's PUT body (Jobs_CreateOrUpdate, CommandJob) checked as the service checks it, and what the emulator
 * needs to run it:
 *   - `properties.jobType` Command (other job types are refused: the emulator runs command jobs only);
 *   - `command` (required, non-empty); every `${{inputs.<name>}}` / `${{outputs.<name>}}` it names is declared;
 *   - `environmentId` (required): an environment version of the workspace (or a registry's / curated one);
 *   - `computeId` (required): an AmlCompute cluster of the workspace (its ARM id, or its name);
 *   - `codeId` (optional): a code version; its codeUri is where the command runs;
 *   - `inputs`: {jobInputType: uri_file | uri_folder, uri} (a datastore path, a data asset, a blob URL of the
 *     emulator) or {jobInputType: literal, value}; `outputs`: {jobOutputType: uri_folder | uri_file, uri?}; without
 *     a uri an output goes to azureml://datastores/workspaceblobstore/paths/azureml/<job>/<output>/.
 * Problems answer 400 UserError with a BadArgument / NotFound detail, the management front end's shape.
 */
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmState, Json, StoredResource } from '../state/model';
import { isReply, resolveAsset } from '../arm/asset-refs';
import { resolveModelUri } from '../arm/blob-location';
import { isAmlCompute } from '../arm/aml-computes';
import { getResource, propertiesOf } from '../arm/resource-helpers';
import { userError } from '../arm/errors';
import { locate } from '../batch/job-body';
import type { CommandJobInput, CommandJobOutput, CommandJobSpec } from './state';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const REFERENCE = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}/g;

export const bad = (message: string): Reply => userError(message, { code: 'BadArgument', message });
const notFound = (message: string): Reply => userError(message, { code: 'NotFound', message });

function lower(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

function checkCompute(state: ArmState, ws: StoredResource, computeId: unknown): Reply | undefined {
  if (typeof computeId !== 'string' || !computeId.trim()) return bad("'computeId' is required: the ARM id of the compute the job runs on (…/workspaces/<workspace>/computes/<name>).");
  const name = computeId.trim().replace(/^azureml:/i, '');
  const id = name.includes('/') ? name : `${ws.id}/computes/${name}`;
  const res = getResource(state, id);
  const short = id.slice(id.lastIndexOf('/') + 1);
  if (!res) return notFound(`Compute '${short}' was not found in workspace '${ws.id.slice(ws.id.lastIndexOf('/') + 1)}'. Create the compute cluster, or name one the workspace has.`);
  if (!isAmlCompute(res)) return bad(`Compute '${short}' is a ${String(propertiesOf(res.body).computeType)} compute: the emulator runs command jobs on AmlCompute clusters.`);
  return undefined;
}

function codeOf(state: ArmState, ws: StoredResource, codeId: unknown): Reply | CommandJobSpec['code'] | undefined {
  if (codeId === undefined || codeId === null) return undefined;
  const r = resolveAsset(state, 'codeId', 'codes', codeId);
  if (isReply(r)) return r;
  if (!('resource' in r)) return bad(`'codeId' '${String(codeId)}' is not a code version of a workspace.`);
  const uri = String(propertiesOf(r.resource.body).codeUri ?? '');
  const loc = resolveModelUri(state, uri, ws.id);
  return typeof loc === 'string' ? bad(`The code '${String(codeId)}' cannot be read: its codeUri '${uri}' (${loc}).`) : loc;
}

function checkInputs(state: ArmState, ws: StoredResource, v: unknown): Reply | CommandJobInput[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) return bad("'inputs' must be a map of input name to {jobInputType, uri} or {jobInputType: literal, value}.");
  const out: CommandJobInput[] = [];
  for (const [name, input] of Object.entries(v)) {
    if (!NAME.test(name)) return bad(`Input name '${name}' is not valid: letters, digits and '_', not starting with a digit.`);
    if (!isObject(input)) return bad(`Input '${name}' must be an object with 'jobInputType'.`);
    const type = lower(input.jobInputType);
    if (type === 'literal') {
      if (typeof input.value !== 'string') return bad(`Input '${name}': a literal input needs a 'value' (text).`);
      out.push({ name, type, value: input.value });
      continue;
    }
    if (type !== 'uri_file' && type !== 'uri_folder') return bad(`Input '${name}': jobInputType '${String(input.jobInputType)}' is not supported; use uri_file, uri_folder or literal.`);
    if (typeof input.uri !== 'string' || !input.uri.trim()) return bad(`Input '${name}': 'uri' is required.`);
    const blob = locate(state, ws, `Input '${name}'`, input.uri.trim());
    if (isReply(blob)) return blob;
    out.push({ name, type, uri: input.uri.trim(), blob });
  }
  return out;
}

function checkOutputs(state: ArmState, ws: StoredResource, v: unknown, job: string): Reply | CommandJobOutput[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) return bad("'outputs' must be a map of output name to {jobOutputType, uri?}.");
  const out: CommandJobOutput[] = [];
  for (const [name, output] of Object.entries(v)) {
    if (!NAME.test(name)) return bad(`Output name '${name}' is not valid: letters, digits and '_', not starting with a digit.`);
    if (!isObject(output)) return bad(`Output '${name}' must be an object with 'jobOutputType'.`);
    const type = lower(output.jobOutputType);
    if (type !== 'uri_folder' && type !== 'uri_file') return bad(`Output '${name}': jobOutputType '${String(output.jobOutputType)}' is not supported; use uri_folder or uri_file.`);
    const given = typeof output.uri === 'string' && output.uri.trim() ? output.uri.trim() : undefined;
    if (given && !/^(azureml:\/\/|https:\/\/)/i.test(given)) return bad(`Output '${name}': 'uri' must be a datastore path (azureml://datastores/<datastore>/paths/<folder>/); got '${given}'.`);
    const uri = given ?? `azureml://datastores/workspaceblobstore/paths/azureml/${job}/${name}/`;
    const blob = locate(state, ws, `Output '${name}'`, uri);
    if (isReply(blob)) return blob;
    out.push({ name, type, uri, blob });
  }
  return out;
}

/** The spec of a valid body, or the service's answer to an invalid one. */
export function commandJobSpec(state: ArmState, ws: StoredResource, job: string, body: unknown): Reply | { properties: Json; tags?: Json; spec: CommandJobSpec } {
  if (!isObject(body) || !isObject(body.properties)) return bad("'properties' is required: the job's definition (jobType, command, environmentId, computeId, …).");
  const p = body.properties;
  if (lower(p.jobType) !== 'command') {
    return bad(p.jobType === undefined ? "'properties.jobType' is required (Command)." : `The jobType '${String(p.jobType)}' is not supported by the emulator: it runs Command jobs.`);
  }
  if (typeof p.command !== 'string' || !p.command.trim()) return bad("'command' is required: the command the job runs (e.g. python train.py --data ${{inputs.data}}).");
  if (p.environmentId === undefined || p.environmentId === null || p.environmentId === '') return bad("'environmentId' is required: the environment version the job runs in.");
  const env = resolveAsset(state, 'environmentId', 'environments', p.environmentId);
  if (isReply(env)) return env;
  const compute = checkCompute(state, ws, p.computeId);
  if (compute) return compute;
  const code = codeOf(state, ws, p.codeId);
  if (isReply(code)) return code;
  const inputs = checkInputs(state, ws, p.inputs);
  if (isReply(inputs)) return inputs;
  const outputs = checkOutputs(state, ws, p.outputs, job);
  if (isReply(outputs)) return outputs;
  for (const [, kind, name] of p.command.matchAll(REFERENCE)) {
    const known = (kind === 'inputs' ? inputs : outputs).some((x) => x.name === name);
    if (!known) return bad(`The command references \${{${kind}.${name}}}, but the job has no ${kind === 'inputs' ? 'input' : 'output'} named '${name}'.`);
  }
  const vars = isObject(p.environmentVariables) ? Object.fromEntries(Object.entries(p.environmentVariables).map(([k, v]) => [k, String(v)])) : {};
  const artifacts = getResource(state, `${ws.id}/datastores/workspaceartifactstore`);
  const log = artifacts ? resolveModelUri(state, `azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.${job}/user_logs/std_log.txt`, ws.id) : undefined;
  const properties: Json = { ...p, jobType: 'Command', outputs: Object.fromEntries(outputs.map((o) => [o.name, { ...(p.outputs as Json)[o.name] as Json, uri: o.uri }])) };
  delete properties.status;
  delete properties.services;
  return {
    properties,
    ...(isObject(body.tags) ? { tags: body.tags } : {}),
    spec: { command: p.command, ...(code ? { code } : {}), environmentVariables: vars, inputs, outputs, ...(log && typeof log !== 'string' ? { log } : {}) },
  };
}

/** What may differ between a job and a PUT of the same name: tags (replaced) and the read-only fields. */
export function changedFields(before: Json, after: Json): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const ignore = new Set(['tags', 'status', 'services', 'error']);
  return [...keys].filter((k) => !ignore.has(k) && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}
