/**
 * The scoring data plane: POST /inference/{workspaceId}/{endpoint}/score (the scoringUri online endpoints hand
 * out). Authenticates by the endpoint's authMode, picks a deployment (the `azureml-model-deployment` header, else
 * weighted by `traffic`), copies a share of unpinned requests to the `mirrorTraffic` deployment (its answer is
 * dropped), and proxies to the deployment's harness. Status codes as the service's troubleshooting guide lists:
 * 401, 404 (no deployment / none with positive weight), 408 (request timeout), 424 (the script answered non-200,
 * with ms-azureml-model-error-statuscode / -reason), 429 (more than 2 × max_concurrent × instances pending).
 * Every request served is recorded for the metrics API, and one line per request that reached a deployment goes
 * to its live InferenceServer log (getLogs).
 */
import { randomUUID } from 'node:crypto';
import { request, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JsonStore } from '../state/json-store';
import type { ArmState, StoredResource } from '../state/model';
import type { IdentityService } from '../identity';
import type { Reply } from '../http';
import type { ExtraRoute } from '../server';
import { needsSettle, settle } from '../lro/settle';
import { getResource, propertiesOf } from '../arm/resource-helpers';
import { isObject } from '../http';
import { checkScoringAuth } from './credentials';
import { behaviourKey, behaviourStore, Dice, drawLatency, type Behaviour, type BehaviourDoc } from './behaviour';
import { MetricsStore, type RequestSample } from './metrics-store';
import { deploymentDir, peekRecord, type RuntimeRecord } from './records';
import { BoundedLog, LOG_FILES } from './logs';

export interface DataPlaneDeps {
  stateDir: string;
  store: JsonStore<ArmState>;
  identity: IdentityService;
}

const SCORE = /^\/inference\/([^/]+)\/([^/]+)\/score\/?$/;
const SERVING = new Set(['Succeeded', 'Updating']);

function message(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return { status, body: { message: text }, headers };
}

interface Served {
  status: number;
  modelStatus?: number;
  body: unknown;
  headers: Record<string, string>;
  bytesOut: number;
  /** Answered in front of the deployment (429, 502): its inference server never saw the request. */
  front?: true;
}

/** The inference server's line for a request it served, as its access log prints one. */
function requestLine(status: number, ms: number): string {
  const level = status >= 500 ? 'ERROR' : status >= 400 ? 'WARNING' : 'INFO';
  return `${new Date().toISOString()} | ${level} | ${status} | POST /score | ${ms.toFixed(1)} ms`;
}

/** POST the body to one harness instance; resolves with its status and text, or an error kind. */
function forward(port: number, body: Buffer, contentType: string, timeoutMs: number): Promise<{ status: number; text: string } | 'timeout' | 'unreachable'> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/score', headers: { 'Content-Type': contentType, 'Content-Length': String(body.length) }, agent: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => done('unreachable'));
      },
    );
    req.setTimeout(Math.max(1, timeoutMs), () => {
      req.destroy();
      done('timeout');
    });
    req.on('error', () => done('unreachable'));
    req.end(body);
  });
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Workspaces by their guid (lower case), per state document (a snapshot or settled copy, never changed after). */
const workspaceIndex = new WeakMap<object, Map<string, StoredResource>>();

function workspaceByGuid(state: ArmState, guid: string): StoredResource | undefined {
  let index = workspaceIndex.get(state);
  if (!index) {
    index = new Map();
    for (const r of Object.values(state.resources)) {
      if (r.type === 'Microsoft.MachineLearningServices/workspaces') index.set(String(propertiesOf(r.body).workspaceId).toLowerCase(), r);
    }
    workspaceIndex.set(state, index);
  }
  return index.get(guid);
}

export function scoringDataPlane(deps: DataPlaneDeps): ExtraRoute {
  const behaviours = behaviourStore(deps.stateDir);
  const metrics = new MetricsStore(deps.stateDir);
  const dice = new Dice();
  const inFlight = new Map<string, number>();
  const roundRobin = new Map<string, number>();
  const sockets = new WeakSet<Socket>();
  let endpointFlight = 0;

  // The settled copy of the last snapshot that needed one, reused (read-only, as the snapshot is) until the file
  // changes or another operation comes due. A finished operation stays unsettled on disk until the next write, so
  // after a rollout every scoring request would otherwise parse and settle the whole state again.
  let settledCopy: { snapshot: object; state: ArmState } | undefined;
  const settled = (snapshot = deps.store.peek()): ArmState => {
    const snap = snapshot as ArmState;
    const now = Date.now();
    if (!needsSettle(snap, now)) return snap;
    if (settledCopy?.snapshot === snap && !needsSettle(settledCopy.state, now)) return settledCopy.state;
    const s = deps.store.read();
    settle(s, now);
    settledCopy = { snapshot: snap, state: s };
    return s;
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

  // The live InferenceServer log of each deployment served (scoring/logs: written once per event-loop turn).
  const logs = new Map<string, BoundedLog>();
  const logOf = (id: string): BoundedLog => {
    let log = logs.get(id);
    if (!log) {
      log = new BoundedLog(join(deploymentDir(deps.stateDir, id), LOG_FILES.InferenceServer));
      if (logs.size >= 512) logs.delete(logs.keys().next().value!);
      logs.set(id, log);
    }
    return log;
  };

  /** One request against one deployment; the request's line goes to the deployment's log when it got there. */
  async function serve(rec: RuntimeRecord, deployment: string, endpoint: string, body: Buffer, contentType: string, doc: BehaviourDoc): Promise<Served> {
    const t0 = performance.now();
    const out = await attempt(rec, deployment, endpoint, body, contentType, doc);
    if (!out.front) logOf(rec.id).line(requestLine(out.modelStatus ?? out.status, performance.now() - t0));
    return out;
  }

  /** Runs one request against one deployment, with the test behaviour layered on. */
  async function attempt(rec: RuntimeRecord, deployment: string, endpoint: string, body: Buffer, contentType: string, doc: BehaviourDoc): Promise<Served> {
    const key = rec.id.toLowerCase();
    const limit = 2 * rec.maxConcurrentRequestsPerInstance * Math.max(1, rec.instances.length);
    const pending = inFlight.get(key) ?? 0;
    if (pending >= limit) {
      const message = `Too many pending requests: the deployment '${deployment}' already has ${pending} (limit ${limit} = 2 × max_concurrent_requests_per_instance × instance_count).`;
      return { status: 429, body: { message }, headers: {}, bytesOut: 0, front: true };
    }
    inFlight.set(key, pending + 1);
    try {
      const b: Behaviour = doc.deployments[behaviourKey(endpoint, deployment)] ?? {};
      const timeout = rec.requestTimeoutMs;
      const extra = drawLatency(b, dice.next(doc), dice.next(doc));
      if (extra >= timeout) {
        await sleep(timeout);
        return { status: 408, body: { message: `Request timed out after ${timeout} ms (request_timeout_ms).` }, headers: {}, bytesOut: 0 };
      }
      const started = Date.now();
      if (extra > 0) await sleep(extra);
      if (b.errorRate !== undefined && dice.next(doc) < b.errorRate) {
        const status = b.errorStatus ?? 500;
        return { status, body: { message: `Injected error (status ${status}) for deployment '${deployment}'.` }, headers: {}, bytesOut: 0 };
      }
      if ('output' in b) return { status: 200, modelStatus: 200, body: b.output, headers: {}, bytesOut: JSON.stringify(b.output ?? null).length };
      const n = roundRobin.get(key) ?? 0;
      roundRobin.set(key, n + 1);
      const inst = rec.instances[n % rec.instances.length];
      let out = await forward(inst.port, body, contentType, timeout - (Date.now() - started));
      if (out === 'unreachable') {
        // A new version may have taken over (its processes replace the old ones once ready): ask it instead.
        const now = peekRecord(deps.stateDir, rec.id);
        const next = now?.status === 'running' ? now.instances[n % Math.max(1, now.instances.length)] : undefined;
        if (next && next.port !== inst.port) out = await forward(next.port, body, contentType, timeout - (Date.now() - started));
      }
      if (out === 'timeout') return { status: 408, body: { message: `Request timed out after ${timeout} ms (request_timeout_ms).` }, headers: {}, bytesOut: 0 };
      if (out === 'unreachable') return { status: 502, body: { message: `The deployment '${deployment}' is not reachable (its inference server is not running).` }, headers: {}, bytesOut: 0, front: true };
      if (out.status === 200) return { status: 200, modelStatus: 200, body: parseMaybe(out.text), headers: {}, bytesOut: out.text.length };
      return {
        status: 424,
        modelStatus: out.status,
        body: parseMaybe(out.text),
        headers: { 'ms-azureml-model-error-statuscode': String(out.status), 'ms-azureml-model-error-reason': STATUS_CODES[out.status] ?? 'Unknown' },
        bytesOut: out.text.length,
      };
    } finally {
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
    }
  }

  function running(endpointRes: StoredResource, state: ArmState, name: string): Readonly<RuntimeRecord> | undefined {
    const dep = getResource(state, `${endpointRes.id}/deployments/${name}`);
    // A deployment whose update failed keeps serving its previous version (as on the service): its record says.
    if (!dep || String(propertiesOf(dep.body).provisioningState) === 'Deleting') return undefined;
    const rec = peekRecord(deps.stateDir, dep.id, true);
    return rec?.status === 'running' && rec.instances.length ? rec : undefined;
  }

  return async (req, url, body, ctx) => {
    const m = SCORE.exec(url.pathname);
    if (!m) return undefined;
    ctx.area = 'scoring';
    const startedAt = Date.now();
    const requestId = randomUUID();
    const base: Record<string, string> = { 'x-request-id': requestId };
    const clientId = req.headers['x-ms-client-request-id'];
    if (typeof clientId === 'string') base['x-ms-client-request-id'] = clientId;
    const newConn = !sockets.has(req.socket);
    sockets.add(req.socket);
    endpointFlight++;
    const flight = endpointFlight;
    try {
      if ((req.method ?? '').toUpperCase() !== 'POST') return message(405, 'Method not allowed: score with POST.', base);
      const state = settled(ctx.snapshot);
      const [workspaceId, endpointName] = [decodeURIComponent(m[1]).toLowerCase(), decodeURIComponent(m[2])];
      const ws = workspaceByGuid(state, workspaceId);
      const ep = ws && getResource(state, `${ws.id}/onlineEndpoints/${endpointName}`);
      if (!ep || !SERVING.has(String(propertiesOf(ep.body).provisioningState))) return message(404, `Endpoint '${endpointName}' was not found.`, base);
      const record = (s: Omit<RequestSample, 'k' | 't' | 'ep' | 'bi' | 'nc' | 'fl'>) =>
        metrics.append({ k: 'r', t: Date.now(), ep: ep.id.toLowerCase(), bi: body.length, ...(newConn ? { nc: 1 as const } : {}), fl: flight, ...s });

      const auth = checkScoringAuth(state, deps.identity, ep, req.headers.authorization);
      if (!auth.ok) {
        record({ s: 401, lat: Date.now() - startedAt, bo: 0 });
        return message(401, auth.message, { ...base, 'WWW-Authenticate': 'Bearer' });
      }
      if (auth.principal) ctx.principal = auth.principal;

      const props = propertiesOf(ep.body);
      const pinned = req.headers['azureml-model-deployment'];
      const doc = behaviours.peek(true);
      let chosen: string | undefined;
      let rec: RuntimeRecord | undefined;
      if (typeof pinned === 'string' && pinned) {
        rec = running(ep, state, pinned);
        if (!rec) {
          record({ s: 404, lat: Date.now() - startedAt, bo: 0 });
          return message(404, `The deployment '${pinned}' does not exist or is not ready to take requests on endpoint '${endpointName}'.`, base);
        }
        chosen = pinned;
      } else {
        const traffic = (isObject(props.traffic) ? props.traffic : {}) as Record<string, number>;
        const weighted = Object.entries(traffic).filter(([, w]) => typeof w === 'number' && w > 0);
        const total = weighted.reduce((a, [, w]) => a + w, 0);
        let roll = dice.next(doc) * total;
        for (const [name, w] of weighted) {
          roll -= w;
          if (roll < 0 || name === weighted[weighted.length - 1][0]) {
            chosen = name;
            break;
          }
        }
        rec = chosen ? running(ep, state, chosen) : undefined;
        if (!chosen || !rec) {
          record({ s: 404, lat: Date.now() - startedAt, bo: 0 });
          return message(404, "The endpoint doesn't have any valid deployment with positive weight.", base);
        }
        // Mirroring: a copy of this (unpinned) request to the shadow deployment; its answer is discarded.
        const mirror = (isObject(props.mirrorTraffic) ? props.mirrorTraffic : {}) as Record<string, number>;
        for (const [name, pct] of Object.entries(mirror)) {
          if (typeof pct !== 'number' || pct <= 0 || name.toLowerCase() === chosen.toLowerCase()) continue;
          if (dice.next(doc) * 100 >= pct) continue;
          const shadow = running(ep, state, name);
          if (!shadow) continue;
          const t0 = Date.now();
          void serve(shadow, name, endpointName, body, String(req.headers['content-type'] ?? 'application/json'), doc)
            .then((out) => record({ d: name, s: out.status, m: out.modelStatus, lat: Date.now() - t0, bo: out.bytesOut, mir: 1 }))
            .catch(() => undefined);
        }
      }
      const out = await serve(rec, chosen, endpointName, body, String(req.headers['content-type'] ?? 'application/json'), doc);
      record({ d: chosen, s: out.status, m: out.modelStatus, lat: Date.now() - startedAt, bo: out.bytesOut });
      return { status: out.status, body: out.body, headers: { ...base, ...out.headers, 'azureml-model-deployment': chosen } };
    } finally {
      endpointFlight--;
    }
  };
}
