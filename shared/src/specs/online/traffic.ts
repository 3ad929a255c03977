/**
 * Endpoint `traffic` and `mirror_traffic` maps: read as az ml does (keys lower-cased, 0 entries dropped,
 * reference §2) and checked against the REST contract (live traffic sums to 100, or is empty; mirror traffic
 * at most 50 to at most one deployment, never one that also takes live traffic).
 */
import { isMap, type Node } from 'yaml';
import type { MapEntry } from '../yaml-source';
import { endpointNameProblem } from '../common/names';
import type { SpecReader } from './reader';

export type TrafficMap = Record<string, number>;

export interface TrafficProblem {
  message: string;
  /** Which map the problem is about, and the deployment when it is about one entry. */
  map: 'traffic' | 'mirror_traffic';
  deployment?: string;
}

/** Every problem with a pair of traffic maps (for the loader and for traffic updates the step makes). */
export function trafficProblems(traffic: TrafficMap, mirror: TrafficMap = {}): TrafficProblem[] {
  const out: TrafficProblem[] = [];
  for (const [map, values, max] of [['traffic', traffic, 100], ['mirror_traffic', mirror, 50]] as const) {
    for (const [deployment, v] of Object.entries(values)) {
      if (!Number.isInteger(v) || v < 0 || v > max) out.push({ map, deployment, message: `'${map}.${deployment}' is ${v}; it must be a whole percentage from 0 to ${max}` });
    }
  }
  const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (sum !== 0 && sum !== 100) out.push({ map: 'traffic', message: `the traffic percentages sum to ${sum}; they must sum to 100 (or be left empty)` });
  const mirrored = Object.entries(mirror).filter(([, v]) => v > 0);
  if (mirrored.length > 1) out.push({ map: 'mirror_traffic', message: `mirror traffic goes to ${mirrored.length} deployments (${mirrored.map(([d]) => d).join(', ')}); at most one deployment can receive mirrored traffic` });
  for (const [d] of mirrored) {
    if ((traffic[d] ?? 0) > 0) out.push({ map: 'mirror_traffic', deployment: d, message: `deployment '${d}' takes both live traffic (${traffic[d]}%) and mirrored traffic; mirror only to a deployment without live traffic` });
  }
  return out;
}

/** Reads a traffic map: names lower-cased, 0 entries dropped; `nodes` maps each kept name to its value node. */
export function readTrafficMap(r: SpecReader, e: MapEntry | undefined, key: 'traffic' | 'mirror_traffic', nodes: Record<string, Node | undefined>): TrafficMap {
  const out: TrafficMap = {};
  if (!e || r.isNull(e.value)) return out;
  if (!isMap(e.value)) {
    r.fail(e.value, `'${key}' must be a mapping of deployment names to percentages`);
    return out;
  }
  for (const x of r.yaml.entries(e.value)) {
    const problem = endpointNameProblem(x.key, 'deployment');
    if (problem) r.fail(x.keyNode, `'${key}': ${problem}`);
    const n = r.int(x, `${key}.${x.key}`);
    if (n === undefined || n === 0) continue;
    const name = x.key.toLowerCase();
    out[name] = (out[name] ?? 0) + n;
    nodes[`${key}.${name}`] = x.value ?? x.keyNode;
  }
  nodes[key] = e.value;
  return out;
}
