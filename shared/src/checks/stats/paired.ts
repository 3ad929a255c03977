/**
 * Paired comparisons of two models on the same rows: McNemar's test on their correctness and the share of rows
 * where they predict the same thing.
 *
 * McNemar (statsmodels `mcnemar` semantics) on the table
 *   [[both right, champion right & challenger wrong (b)], [champion wrong & challenger right (c), both wrong]]:
 * - exact: statistic min(b, c), p = min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, 1/2);
 * - chi2: statistic (|b − c| − 1)²/(b + c) with the continuity correction (without it, (b − c)²/(b + c)),
 *   p = P(χ²₁ ≥ statistic). With no discordant rows (b + c = 0) there is nothing to test: p = 1, statistic NaN.
 * - auto (the default): exact when b + c < 25, the usual rule for when the χ² approximation is good enough,
 *   chi2 with the correction otherwise.
 * The counts are of rows; row weights do not enter McNemar's test.
 */
import { chiSquaredSf, binomialHalfCdf } from './special';
import type { Weights } from './labels';
import { inputError } from '../../core/errors';

export type McNemarMethod = 'auto' | 'exact' | 'chi2';

export interface McNemarOptions {
  method?: McNemarMethod;
  /** auto: use the exact test while b + c is below this; default 25 */
  exactBelow?: number;
  /** chi2: apply the continuity correction; default true */
  correction?: boolean;
}

export interface McNemarResult {
  bothRight: number;
  /** Champion right, challenger wrong */
  b: number;
  /** Champion wrong, challenger right */
  c: number;
  bothWrong: number;
  method: 'exact' | 'chi2';
  correction: boolean;
  statistic: number;
  pValue: number;
}

export const MCNEMAR_EXACT_BELOW = 25;

/** McNemar's test from the discordant counts. */
export function mcnemarFromCounts(b: number, c: number, options: McNemarOptions = {}): Omit<McNemarResult, 'bothRight' | 'bothWrong'> {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) throw inputError(`McNemar counts must be whole numbers ≥ 0, got ${b} and ${c}`);
  const n = b + c;
  const requested = options.method ?? 'auto';
  const method = requested === 'auto' ? (n < (options.exactBelow ?? MCNEMAR_EXACT_BELOW) ? 'exact' : 'chi2') : requested;
  const correction = method === 'chi2' && (options.correction ?? true);
  if (method === 'exact') {
    const k = Math.min(b, c);
    return { b, c, method, correction, statistic: k, pValue: Math.min(1, 2 * binomialHalfCdf(k, n)) };
  }
  if (n === 0) return { b, c, method, correction, statistic: Number.NaN, pValue: 1 };
  const statistic = (Math.abs(b - c) - (correction ? 1 : 0)) ** 2 / n;
  return { b, c, method, correction, statistic, pValue: chiSquaredSf(statistic, 1) };
}

/** McNemar's test from per-row correctness (1 right, 0 wrong) of the champion and the challenger. */
export function mcnemar(championRight: ArrayLike<number>, challengerRight: ArrayLike<number>, options: McNemarOptions = {}): McNemarResult {
  if (championRight.length !== challengerRight.length) {
    throw inputError(`McNemar: ${championRight.length} champion rows but ${challengerRight.length} challenger rows`);
  }
  let bothRight = 0;
  let b = 0;
  let c = 0;
  let bothWrong = 0;
  for (let i = 0; i < championRight.length; i++) {
    const champ = championRight[i] ? 1 : 0;
    const chall = challengerRight[i] ? 1 : 0;
    if (champ && chall) bothRight++;
    else if (champ) b++;
    else if (chall) c++;
    else bothWrong++;
  }
  return { bothRight, bothWrong, ...mcnemarFromCounts(b, c, options) };
}

/** The (weighted) share of rows where the two models predict the same; NaN for no rows. */
export function agreementRate(a: readonly string[], b: readonly string[], weights?: Weights): number {
  if (a.length !== b.length) throw inputError(`Agreement: ${a.length} and ${b.length} predictions`);
  let same = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const w = weights ? weights[i]! : 1;
    total += w;
    if (a[i] === b[i]) same += w;
  }
  return total === 0 ? Number.NaN : same / total;
}
