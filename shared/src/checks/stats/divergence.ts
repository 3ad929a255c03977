/**
 * Jensen-Shannon distance between two models' score distributions, binned the way Azure ML model monitoring bins
 * a numerical column for prediction drift (reference §1.3, §1.4), so the number reads like the monitor's:
 * - k = ⌈log2(min(n_a, n_b)) + 1⌉ equal-width bins over the combined range, edges lo + i·((hi − lo)/k) in float64;
 *   a constant column gets the single bin [lo − d, lo + d], d = 0.005·|lo| (0.005 when lo is 0);
 * - counts follow Spark's RDD.histogram: bins [e_i, e_i+1), the last one closed, values outside the edges
 *   (including a maximum that the rounded last edge misses) skipped;
 * - the distance is scipy's jensenshannon(P, Q, base=2) on the counts as shares of each sample's size,
 *   renormalized to sum to 1: √((KL(P‖M) + KL(Q‖M)) / (2 ln 2)), M = (P + Q)/2, 0·ln 0 = 0. Range [0, 1].
 * The data-drift library computes the same binning for feature columns; this copy serves the champion/challenger
 * score comparison until the two are joined.
 */
import { inputError } from '../../core/errors';

/** Sturges' bin count on the smaller sample, as Azure ML computes it. */
export function binCount(nA: number, nB: number): number {
  const n = Math.min(nA, nB);
  if (n < 1) throw inputError('Cannot bin an empty sample');
  return Math.ceil(Math.log2(n) + 1);
}

function finite(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]!);
  return out;
}

/** The shared bin edges for two samples (finite values only). */
export function binEdges(a: ArrayLike<number>, b: ArrayLike<number>, bins?: number): number[] {
  const fa = finite(a);
  const fb = finite(b);
  const k = bins ?? binCount(fa.length, fb.length);
  if (!Number.isInteger(k) || k < 1) throw inputError(`The number of bins must be a whole number ≥ 1, got ${k}`);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of [...fa, ...fb]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Number.POSITIVE_INFINITY) throw inputError('Cannot bin two samples with no finite values');
  if (lo === hi) {
    const d = lo === 0 ? 0.005 : Math.abs(lo) * 0.005;
    return [lo - d, lo + d];
  }
  const width = (hi - lo) / k;
  return Array.from({ length: k + 1 }, (_, i) => lo + i * width);
}

/** Counts per bin with Spark RDD.histogram semantics. */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const k = edges.length - 1;
  if (k < 1) throw inputError('A histogram needs at least two edges');
  const minv = edges[0]!;
  const maxv = edges[k]!;
  const steps = edges.slice(1).map((e, i) => e - edges[i]!);
  const even = Math.max(...steps) - Math.min(...steps) < 1e-10;
  const inc = (maxv - minv) / k;
  const counts = new Array<number>(k + 1).fill(0);
  for (let j = 0; j < values.length; j++) {
    const x = values[j]!;
    if (Number.isNaN(x) || x > maxv || x < minv) continue;
    let idx: number;
    if (even) {
      idx = Math.trunc((x - minv) / inc);
    } else {
      // bisect_right(edges, x) − 1
      let l = 0;
      let h = edges.length;
      while (l < h) {
        const mid = (l + h) >> 1;
        if (x < edges[mid]!) h = mid;
        else l = mid + 1;
      }
      idx = l - 1;
    }
    counts[Math.min(Math.max(idx, 0), k)]!++;
  }
  counts[k - 1]! += counts[k]!;
  counts.length = k;
  return counts;
}

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/** scipy.spatial.distance.jensenshannon(p, q, base=2): both renormalized to sum 1. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw inputError(`Jensen-Shannon: ${p.length} and ${q.length} bins`);
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  if (!(sp > 0 && sq > 0)) return Number.NaN;
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    js += relEntr(pi, m) + relEntr(qi, m);
  }
  return Math.sqrt(Math.max(0, js / Math.LN2 / 2));
}

export interface ScoreDivergence {
  distance: number;
  edges: number[];
  /** Counts per bin of the first and the second sample */
  countsA: number[];
  countsB: number[];
}

/** The Jensen-Shannon distance (base 2) between two score samples over shared bins. */
export function scoreDivergence(a: ArrayLike<number>, b: ArrayLike<number>, options: { bins?: number } = {}): ScoreDivergence {
  const edges = binEdges(a, b, options.bins);
  const countsA = histogram(a, edges);
  const countsB = histogram(b, edges);
  // Shares of each sample's (finite) size, then renormalized inside the distance.
  const na = finite(a).length;
  const nb = finite(b).length;
  return { distance: jensenShannonDistance(countsA.map((c) => c / na), countsB.map((c) => c / nb)), edges, countsA, countsB };
}
