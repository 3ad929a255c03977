/**
 * Traffic and mirror maps of an online endpoint (`traffic`, `mirrorTraffic`: deployment name → percent).
 * Azure accepts a traffic map that sums to 0 (no traffic) or 100, and a mirror map that sums to at most 50 with
 * one deployment at most; a deployment takes live or mirrored traffic, never both. Zero entries mean nothing:
 * maps are compared and shown without them.
 */

export type TrafficMap = Readonly<Record<string, number>>;

/** What the rollout needs to know about the endpoint before it starts. */
export interface EndpointState {
  /** The endpoint's `traffic` map (empty when the endpoint is new or has no traffic). */
  traffic: TrafficMap;
  /** The endpoint's `mirrorTraffic` map. */
  mirror: TrafficMap;
  /** Names of the deployments that exist under the endpoint. */
  deployments: readonly string[];
}

/** The map without zero entries, keys sorted (for comparison and display). */
export function normalizeMap(map: TrafficMap): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(map).sort()) if (map[name]! !== 0) out[name] = map[name]!;
  return out;
}

export function mapTotal(map: TrafficMap): number {
  return Object.values(map).reduce((a, b) => a + b, 0);
}

export function sameMap(a: TrafficMap, b: TrafficMap): boolean {
  const x = normalizeMap(a);
  const y = normalizeMap(b);
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

/** Deployments with a positive share of the map. */
export function liveIn(map: TrafficMap): string[] {
  return Object.keys(normalizeMap(map));
}

/** "blue=90 green=10", as `az ml online-endpoint update --traffic` takes it; "none" for an empty map. */
export function formatMap(map: TrafficMap): string {
  const n = normalizeMap(map);
  const parts = Object.keys(n).map((k) => `${k}=${n[k]}`);
  return parts.length === 0 ? 'none' : parts.join(' ');
}

/**
 * `percent` to `target`, the rest (100 - percent) shared among the deployments of `previous` in proportion to
 * their weights, rounded to whole percents by largest remainder (ties in name order), so the map sums to 100.
 */
export function shiftTraffic(previous: TrafficMap, target: string, percent: number): Record<string, number> {
  const others = normalizeMap(previous);
  delete others[target];
  const names = Object.keys(others);
  const weight = mapTotal(others);
  const rest = 100 - percent;
  const out: Record<string, number> = {};
  if (names.length === 0 || weight === 0 || rest === 0) return percent === 0 ? out : { [target]: percent };
  const exact = names.map((n) => (others[n]! * rest) / weight);
  const floors = exact.map(Math.floor);
  let left = rest - floors.reduce((a, b) => a + b, 0);
  const order = names.map((_, i) => i).sort((i, j) => exact[j]! - floors[j]! - (exact[i]! - floors[i]!) || i - j);
  for (const i of order) {
    if (left === 0) break;
    floors[i]! += 1;
    left--;
  }
  names.forEach((n, i) => {
    if (floors[i]! > 0) out[n] = floors[i]!;
  });
  if (percent > 0) out[target] = percent;
  return out;
}

/** Problems with a map Azure would reject, as sentences; empty when it is acceptable. */
export function mapProblems(traffic: TrafficMap, mirror: TrafficMap): string[] {
  const problems: string[] = [];
  const total = mapTotal(traffic);
  if (total !== 0 && total !== 100) problems.push(`traffic sums to ${total}%, not 0% or 100%`);
  const mirrored = liveIn(mirror);
  if (mirrored.length > 1) problems.push(`${mirrored.length} deployments receive mirrored traffic; Azure allows one`);
  if (mapTotal(mirror) > 50) problems.push(`mirrored traffic is ${mapTotal(mirror)}%, over Azure's 50% limit`);
  for (const d of mirrored) if ((traffic[d] ?? 0) > 0) problems.push(`'${d}' would receive both live and mirrored traffic`);
  for (const [d, p] of [...Object.entries(traffic), ...Object.entries(mirror)]) {
    if (!Number.isInteger(p) || p < 0 || p > 100) problems.push(`'${d}' has ${p}%, not a whole percent from 0 to 100`);
  }
  return problems;
}
