/**
 * Paired bootstrap of a metric difference between two models evaluated on the same rows.
 *
 * Each resample draws n row indices with replacement (the same draw for both models), turns them into per-row
 * counts, and evaluates Δ* = M(challenger) − M(champion) with those counts as weights. The interval is the
 * percentile interval [q(α/2), q(1 − α/2)] of the Δ*, with numpy's default (linear) quantile interpolation.
 * A resample on which either metric is undefined (e.g. AUC when only one class was drawn) is drawn again; the
 * number of such redraws is reported. The generator is xoshiro128** seeded from `seed`, so the same inputs and
 * seed give the same interval (numpy's stream cannot be reproduced; report the seed, B and the method).
 */
import { inputError } from '../../core/errors';
import { Xoshiro128 } from './prng';
import type { Weights } from './labels';

export interface BootstrapOptions {
  /** B, the number of resamples; default 2000 */
  resamples?: number;
  /** The interval's coverage; default 0.95 */
  confidence?: number;
  /** Default 0 */
  seed?: number;
  /** Redraws of undefined resamples allowed, in all; default B */
  maxRedraws?: number;
}

export interface BootstrapResult {
  /** M(challenger) − M(champion) on the rows as given */
  estimate: number;
  challengerValue: number;
  championValue: number;
  /** [lower, upper]; NaN when the estimate or too many resamples were undefined */
  ci: [number, number];
  confidence: number;
  resamples: number;
  seed: number;
  method: 'percentile';
  /** Resamples drawn again because a metric was undefined on them */
  redrawn: number;
  /** The standard deviation of Δ* (n − 1) */
  standardError: number;
}

export const DEFAULT_RESAMPLES = 2000;

/** numpy `percentile(x, 100q)` with the default linear method; `sorted` ascending. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Per-row counts of one bootstrap draw of n rows. */
export function drawCounts(rng: Xoshiro128, n: number, into?: Float64Array): Float64Array {
  const counts = into ?? new Float64Array(n);
  counts.fill(0);
  for (let j = 0; j < n; j++) counts[rng.nextInt(n)]!++;
  return counts;
}

/**
 * The paired bootstrap interval of challenger − champion. `challenger` and `champion` evaluate a metric on the
 * same n rows under row weights (counts); called without weights they give the metric on the rows as given.
 */
export function pairedBootstrap(
  challenger: (weights?: Weights) => number,
  champion: (weights?: Weights) => number,
  n: number,
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 1) throw inputError(`Bootstrap resamples must be a whole number ≥ 1, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw inputError(`Bootstrap confidence must be between 0 and 1, got ${confidence}`);
  const maxRedraws = options.maxRedraws ?? resamples;
  const challengerValue = challenger();
  const championValue = champion();
  const estimate = challengerValue - championValue;
  const base = { estimate, challengerValue, championValue, confidence, resamples, seed, method: 'percentile' as const };
  const undefinedResult = (redrawn: number): BootstrapResult => ({ ...base, ci: [Number.NaN, Number.NaN], redrawn, standardError: Number.NaN });
  if (!Number.isFinite(estimate) || n === 0) return undefinedResult(0);

  const rng = Xoshiro128.fromSeed(seed);
  const deltas = new Float64Array(resamples);
  const counts = new Float64Array(n);
  let redrawn = 0;
  for (let b = 0; b < resamples; ) {
    drawCounts(rng, n, counts);
    const d = challenger(counts) - champion(counts);
    if (Number.isFinite(d)) {
      deltas[b++] = d;
    } else if (++redrawn > maxRedraws) {
      return undefinedResult(redrawn);
    }
  }
  let mean = 0;
  for (const d of deltas) mean += d;
  mean /= resamples;
  let ss = 0;
  for (const d of deltas) ss += (d - mean) ** 2;
  deltas.sort();
  const alpha = 1 - confidence;
  return {
    ...base,
    ci: [quantileSorted(deltas, alpha / 2), quantileSorted(deltas, 1 - alpha / 2)],
    redrawn,
    standardError: resamples > 1 ? Math.sqrt(ss / (resamples - 1)) : Number.NaN,
  };
}
