/**
 * DeLong's test for two correlated ROC AUCs on the same rows (DeLong, DeLong and Clarke-Pearson 1988), computed
 * with midranks in O(n log n) (Sun and Xu 2014). With m positives and n negatives, and per model:
 *   AUC = (Σ_pos tz − m(m+1)/2)/(mn), V10_i = (tz_i − tx_i)/n, V01_j = 1 − (tz_j − ty_j)/m,
 * tz the midranks among all rows, tx among positives, ty among negatives. S = cov(V10)/m + cov(V01)/n (n − 1
 * denominators, across the two models), var(Δ) = S11 + S22 − 2·S12, z = Δ/√var(Δ), p = 2·(1 − Φ(|z|)).
 * Unweighted.
 */
import { inputError } from '../../core/errors';
import { normalQuantile, normalSf } from './special';

/** 1-based midranks (ties share the mean of their ranks). */
export function midranks(values: readonly number[]): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const rank = (i + 1 + j) / 2; // mean of i+1 … j
    for (let k = i; k < j; k++) ranks[order[k]!] = rank;
    i = j;
  }
  return ranks;
}

export interface DeLongResult {
  /** AUC of the first scores (the challenger) and the second (the champion) */
  aucA: number;
  aucB: number;
  /** aucA − aucB */
  difference: number;
  variance: number;
  z: number;
  pValue: number;
}

function components(truth: Uint8Array, scores: readonly number[]): { auc: number; v10: number[]; v01: number[] } {
  const pos: number[] = [];
  const neg: number[] = [];
  truth.forEach((t, i) => (t ? pos : neg).push(scores[i]!));
  const m = pos.length;
  const n = neg.length;
  const tx = midranks(pos);
  const ty = midranks(neg);
  const tz = midranks([...pos, ...neg]);
  let sumPos = 0;
  for (let i = 0; i < m; i++) sumPos += tz[i]!;
  const auc = (sumPos - (m * (m + 1)) / 2) / (m * n);
  const v10 = Array.from({ length: m }, (_, i) => (tz[i]! - tx[i]!) / n);
  const v01 = Array.from({ length: n }, (_, j) => 1 - (tz[m + j]! - ty[j]!) / m);
  return { auc, v10, v01 };
}

function covariance(a: readonly number[], b: readonly number[]): number {
  const k = a.length;
  if (k < 2) return Number.NaN;
  const ma = a.reduce((s, v) => s + v, 0) / k;
  const mb = b.reduce((s, v) => s + v, 0) / k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (k - 1);
}

/** DeLong's test of AUC(a) − AUC(b); `truth` is 1 for positives. */
export function delongTest(truth: Uint8Array, scoresA: readonly number[], scoresB: readonly number[]): DeLongResult {
  if (scoresA.length !== truth.length || scoresB.length !== truth.length) throw inputError('DeLong: the labels and both score arrays need the same length');
  const a = components(truth, scoresA);
  const b = components(truth, scoresB);
  const m = a.v10.length;
  const n = a.v01.length;
  if (m === 0 || n === 0) return { aucA: Number.NaN, aucB: Number.NaN, difference: Number.NaN, variance: Number.NaN, z: Number.NaN, pValue: Number.NaN };
  const s = (x: 'v10' | 'v01', p: typeof a, q: typeof a) => covariance(p[x], q[x]);
  const sAA = s('v10', a, a) / m + s('v01', a, a) / n;
  const sBB = s('v10', b, b) / m + s('v01', b, b) / n;
  const sAB = s('v10', a, b) / m + s('v01', a, b) / n;
  const variance = sAA + sBB - 2 * sAB;
  const difference = a.auc - b.auc;
  const z = variance > 0 ? difference / Math.sqrt(variance) : difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
  return { aucA: a.auc, aucB: b.auc, difference, variance, z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/** The normal-approximation interval Δ ± z·√var(Δ) from DeLong's variance. */
export function delongInterval(result: DeLongResult, confidence = 0.95): [number, number] {
  const half = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(result.variance);
  return [result.difference - half, result.difference + half];
}
