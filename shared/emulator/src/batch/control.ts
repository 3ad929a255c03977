/**
 * Control-surface routes for batch endpoints (`/_emulator/batch/...`, JSON, no auth, loopback only):
 *
 *   POST /_emulator/batch/computes  {name, workspaceId?, vmSize?, minNodeCount?, maxNodeCount?, vmPriority?}
 *        → 201 {id}: an AmlCompute cluster in the workspace (ARM id; default: the default workspace), as the
 *        seeded cpu-cluster / gpu-cluster are (ARM itself does not create AmlCompute clusters in the emulator).
 *   GET  /_emulator/batch/jobs                     → {jobs: [...]} every batch job as stored (status, spec, counts)
 *   POST /_emulator/batch/jobs/{name}/cancel       → 200 {status}: a NotStarted job is Canceled at once; a Queued or
 *        Running one when its runner next looks (its scoring processes are killed); 409 when it already ended. (The
 *        service cancels a batch job through the workspace's job API, which the emulator does not serve.)
 */
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { key } from '../state/model';
import type { Reply } from '../http';
import { isObject, json, parseJson } from '../http';
import { ML_PROVIDER, rgId } from '../arm/target';
import { addAmlCompute } from '../arm/aml-computes';
import { batch, TERMINAL } from './state';

const COMPUTE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

function bad(message: string, status = 400): Reply {
  return json(status, { error: { code: status === 404 ? 'NotFound' : status === 409 ? 'Conflict' : 'BadRequest', message } });
}

async function addCompute(store: JsonStore<ArmState>, v: unknown): Promise<Reply> {
  if (!isObject(v) || typeof v.name !== 'string' || !COMPUTE_NAME.test(v.name)) return bad("'name' is required: 3-24 characters, a letter first, then letters, digits and '-'");
  for (const f of ['minNodeCount', 'maxNodeCount'] as const) {
    if (v[f] !== undefined && (typeof v[f] !== 'number' || !Number.isInteger(v[f]) || (v[f] as number) < 0)) return bad(`'${f}' must be a non-negative integer`);
  }
  const min = (v.minNodeCount as number | undefined) ?? 0;
  const max = (v.maxNodeCount as number | undefined) ?? 4;
  if (min > max) return bad("'minNodeCount' must not exceed 'maxNodeCount'");
  if (v.vmPriority !== undefined && v.vmPriority !== 'Dedicated' && v.vmPriority !== 'LowPriority') return bad("'vmPriority' must be Dedicated or LowPriority");
  return store.update((s) => {
    const d = s.defaults;
    const wsId = typeof v.workspaceId === 'string' ? v.workspaceId : d ? `${rgId(d.subscriptionId, d.resourceGroup)}/providers/${ML_PROVIDER}/workspaces/${d.workspace}` : '';
    const ws = s.resources[key(wsId)];
    if (!ws || ws.type !== `${ML_PROVIDER}/workspaces`) return bad(`workspace '${wsId}' does not exist`, 404);
    const res = addAmlCompute(s, ws, { name: String(v.name), vmSize: typeof v.vmSize === 'string' ? v.vmSize : 'Standard_DS3_v2', minNodeCount: min, maxNodeCount: max, vmPriority: v.vmPriority as 'Dedicated' | undefined }, Date.now());
    return json(201, { id: res.id });
  });
}

async function cancel(store: JsonStore<ArmState>, name: string): Promise<Reply> {
  return store.update((s) => {
    const job = batch(s).jobs[name.toLowerCase()];
    if (!job) return bad(`no batch job '${name}'`, 404);
    if (TERMINAL.includes(job.status)) return bad(`batch job '${name}' already ended (${job.status})`, 409);
    if (job.status === 'NotStarted') {
      job.status = 'Canceled';
      job.endedAt = new Date().toISOString();
    } else job.cancelRequested = true;
    return json(200, { status: job.status, cancelRequested: !!job.cancelRequested });
  });
}

export async function handleBatchControl(store: JsonStore<ArmState>, method: string, url: URL, body: Buffer): Promise<Reply | undefined> {
  const route = url.pathname.replace(/\/+$/, '');
  if (!route.startsWith('/_emulator/batch/')) return undefined;
  const parsed = parseJson(body);
  if (parsed.error) return bad(`invalid JSON: ${parsed.error}`);
  if (method === 'POST' && route === '/_emulator/batch/computes') return addCompute(store, parsed.value);
  if (method === 'GET' && route === '/_emulator/batch/jobs') return json(200, { jobs: Object.values(batch(store.read()).jobs) });
  const m = /^\/_emulator\/batch\/jobs\/([^/]+)\/cancel$/.exec(route);
  if (method === 'POST' && m) return cancel(store, decodeURIComponent(m[1]));
  return bad(`No control route ${method} ${url.pathname}.`, 404);
}
