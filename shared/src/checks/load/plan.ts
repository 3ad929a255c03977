/** A load run's options checked and turned into what the engine needs: the origin and path, bodies as Buffers, workers. */
import type { LoadMethod, LoadOptions } from './types';

export interface Plan {
  origin: string;
  path: string;
  method: LoadMethod;
  bodies?: Buffer[];
  workers: number;
  connections: number;
  pipelining: number;
  timeoutMs: number;
  warmupMs: number;
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new Error(`Load: ${name} must be a whole number above 0 (got ${v})`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Throws, naming the option, on anything the engine cannot run. */
export function validate(o: LoadOptions): Plan {
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new Error(`Load: '${o.url}' is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`Load: '${o.url}' is not an http(s) URL`);
  if (o.bearer && u.protocol !== 'https:' && !isLoopback(u.hostname)) throw new Error(`Load: refusing to send a credential over plain http to '${u.host}'`);
  if ((o.durationMs === undefined) === (o.requests === undefined)) throw new Error('Load: give either a duration or a number of requests');
  if (o.durationMs !== undefined && !(o.durationMs > 0 && Number.isFinite(o.durationMs))) throw new Error(`Load: the duration must be above 0 ms (got ${o.durationMs})`);
  positiveInt('requests', o.requests);
  const warmupMs = o.warmupMs ?? 0;
  if (!(warmupMs >= 0 && Number.isFinite(warmupMs))) throw new Error(`Load: the warm-up must be 0 ms or more (got ${warmupMs})`);
  const timeoutMs = o.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new Error(`Load: the timeout must be above 0 ms (got ${timeoutMs})`);
  const raw = o.bodies === undefined ? [] : typeof o.bodies === 'string' || o.bodies instanceof Uint8Array ? [o.bodies] : [...o.bodies];
  const bodies = raw.map((b) => (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
  if (o.bodies !== undefined && bodies.length === 0) throw new Error('Load: the body rotation is empty');
  const method = o.method ?? (bodies.length > 0 ? 'POST' : 'GET');
  if ((method === 'GET' || method === 'HEAD') && bodies.length > 0) throw new Error(`Load: a ${method} request has no body`);
  const m = o.mode;
  let workers: number;
  let connections: number;
  let pipelining = 1;
  if (m.kind === 'concurrency') {
    positiveInt('connections', m.connections);
    positiveInt('pipelining', m.pipelining);
    pipelining = m.pipelining ?? 1;
    connections = m.connections;
    workers = connections * pipelining;
  } else if (m.kind === 'rate') {
    if (!(m.rps > 0 && Number.isFinite(m.rps))) throw new Error(`Load: the rate must be above 0 requests a second (got ${m.rps})`);
    positiveInt('maxInFlight', m.maxInFlight);
    positiveInt('connections', m.connections);
    workers = m.maxInFlight;
    connections = Math.min(m.connections ?? m.maxInFlight, m.maxInFlight);
    pipelining = Math.ceil(m.maxInFlight / connections);
  } else {
    throw new Error(`Load: unknown mode '${(m as { kind: string }).kind}'`);
  }
  return { origin: u.origin, path: `${u.pathname}${u.search}`, method, bodies: bodies.length > 0 ? bodies : undefined, workers, connections, pipelining, timeoutMs, warmupMs };
}
