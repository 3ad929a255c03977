/**
 * Test behaviour layered on top of a deployment's real scoring (set through the control surface, shared by
 * every emulator process in <stateDir>/scoring/behaviour.json): added latency (fixed, or drawn from a
 * log-normal fitted to {p50, p99}), an error rate (fraction answered with `errorStatus`, default 500, as if the
 * script had answered it), and a fixed output. `seed` makes routing and these draws reproducible.
 */
import { join } from 'node:path';
import { JsonStore } from '../state/json-store';
import { isObject } from '../http';
import { scoringRoot } from './records';

export interface Behaviour {
  latencyMs?: number;
  latency?: { p50: number; p99: number };
  errorRate?: number;
  errorStatus?: number;
  output?: unknown;
}

export interface BehaviourDoc {
  /** Keyed by `<endpoint>/<deployment>`, lower case. */
  deployments: Record<string, Behaviour>;
  seed?: number;
}

export function behaviourStore(stateDir: string): JsonStore<BehaviourDoc> {
  return new JsonStore<BehaviourDoc>(join(scoringRoot(stateDir), 'behaviour.json'), () => ({ deployments: {} }));
}

export const behaviourKey = (endpoint: string, deployment: string) => `${endpoint}/${deployment}`.toLowerCase();

export function validateBehaviour(v: Record<string, unknown>): Behaviour | string {
  const out: Behaviour = {};
  const num = (k: string, min: number, max: number) => {
    const x = v[k];
    if (x === undefined) return undefined;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) throw new Error(`${k} must be a number between ${min} and ${max}`);
    return x;
  };
  try {
    out.latencyMs = num('latencyMs', 0, 600000);
    out.errorRate = num('errorRate', 0, 1);
    out.errorStatus = num('errorStatus', 100, 599);
    if (v.latency !== undefined) {
      const l = v.latency;
      if (!isObject(l) || typeof l.p50 !== 'number' || typeof l.p99 !== 'number' || l.p50 < 0 || l.p99 < l.p50) throw new Error('latency must be {p50, p99} with 0 <= p50 <= p99');
      out.latency = { p50: l.p50, p99: l.p99 };
    }
  } catch (e) {
    return (e as Error).message;
  }
  if ('output' in v) out.output = v.output;
  for (const k of Object.keys(out) as (keyof Behaviour)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random source for one process: Math.random, or a generator reseeded whenever the stored seed changes. */
export class Dice {
  private seed: number | undefined;
  private rng: () => number = Math.random;

  next(doc: Readonly<BehaviourDoc>): number {
    if (doc.seed !== this.seed) {
      this.seed = doc.seed;
      this.rng = doc.seed === undefined ? Math.random : seededRandom(doc.seed);
    }
    return this.rng();
  }
}

/** Extra latency for one request: fixed, or log-normal with the given median and 99th percentile. */
export function drawLatency(b: Behaviour, u1: number, u2: number): number {
  let ms = b.latencyMs ?? 0;
  if (b.latency) {
    const { p50, p99 } = b.latency;
    const mu = Math.log(Math.max(p50, 0.001));
    const sigma = p99 > p50 ? (Math.log(p99) - mu) / 2.326 : 0;
    const z = Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
    ms += Math.exp(mu + sigma * z);
  }
  return ms;
}
