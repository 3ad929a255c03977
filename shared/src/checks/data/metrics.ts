/**
 * The drift metrics of Azure ML model monitoring (check-metrics.md §1.4, §1.5), computed in scipy's order of
 * operations: sums over bins and over the Wasserstein terms are numpy's pairwise sums.
 */
import { binEdges, SparkHistogram } from './binning';
import { chiSquaredSf, gcd, ksTwoSided, log, numpySum, StreamingNumpySum } from './numeric';
import type { SortedValues } from './value-store';

/** C `rel_entr(x, y)` as scipy.special has it. */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * `scipy.spatial.distance.jensenshannon(P, Q, base=2)` with P = counts_b/n_b and Q = counts_p/n_p: both are
 * renormalized to sum 1 first (so values dropped by the binning still leave a distribution). NaN when a side has
 * no counts at all.
 */
export function jensenShannonDistance(countsB: readonly number[], countsP: readonly number[], nB: number, nP: number): number {
  const P = countsB.map((c) => c / nB);
  const Q = countsP.map((c) => c / nP);
  const sp = numpySum(P);
  const sq = numpySum(Q);
  const p = P.map((v) => v / sp);
  const q = Q.map((v) => v / sq);
  const m = p.map((v, i) => (v + q[i]!) / 2);
  const left = numpySum(p.map((v, i) => relEntr(v, m[i]!)));
  const right = numpySum(q.map((v, i) => relEntr(v, m[i]!)));
  const js = (left + right) / Math.LN2;
  return Math.sqrt(js / 2);
}

/** PSI with Laplace smoothing: (c+1)/(n+B) per bin or category, Σ (pp − pb)·ln(pp/pb). */
export function populationStabilityIndex(countsB: readonly number[], countsP: readonly number[], nB: number, nP: number): number {
  const bins = countsB.length;
  const terms = countsB.map((cb, i) => {
    const pb = (cb + 1) / (nB + bins);
    const pp = (countsP[i]! + 1) / (nP + bins);
    return (pp - pb) * log(pp / pb);
  });
  return numpySum(terms);
}

export interface ChiSquared {
  statistic: number;
  pvalue: number;
  df: number;
}

/**
 * `scipy.stats.chisquare(f_obs, f_exp)` with f_obs = production counts and f_exp = (count_b/n_b)·n_p over the union
 * of categories: a category the baseline never had gives E = 0, a statistic of ∞ and a p-value of 0.
 */
export function pearsonChiSquared(countsB: readonly number[], countsP: readonly number[], nB: number, nP: number): ChiSquared {
  const terms = countsP.map((o, i) => {
    const e = (countsB[i]! / nB) * nP;
    const d = o - e;
    return (d * d) / e;
  });
  const statistic = numpySum(terms);
  const df = countsP.length - 1;
  return { statistic, pvalue: df > 0 ? chiSquaredSf(statistic, df) : NaN, df };
}

export interface NumericalComparison {
  edges: number[];
  countsB: number[];
  countsP: number[];
  /** scipy.stats.wasserstein_distance of the raw values. */
  wasserstein: number;
  /** max |F_b − F_p| over the pooled values, as scipy computes it in floating point. */
  ksStatistic: number;
  /** round(D·lcm(n_b, n_p)) from exact integer counts (undefined when the product is too large to be exact). */
  ksLattice?: number;
}

/**
 * One merged walk over both samples in ascending order: the histogram counts on the shared edges, the Wasserstein
 * distance ∫|F_b − F_p| as scipy's `_cdf_distance` sums it (one term per pooled value but the last, zero for ties,
 * |F_b − F_p|·Δx after each distinct value), and the KS statistic.
 */
export function compareNumerical(b: SortedValues, p: SortedValues): NumericalComparison {
  const n1 = b.count;
  const n2 = p.count;
  if (n1 === 0 || n2 === 0) throw new RangeError('both samples need at least one value');
  const edges = binEdges(Math.min(b.min, p.min), Math.max(b.max, p.max), Math.min(n1, n2));
  const histB = new SparkHistogram(edges);
  const histP = new SparkHistogram(edges);
  const sum = new StreamingNumpySum(n1 + n2 - 1);
  const g = gcd(n1, n2);
  const exact = (n1 / g) * n2 <= Number.MAX_SAFE_INTEGER / 2;
  const wB = n2 / g;
  const wP = n1 / g;
  let maxLattice = 0;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  const cb = b.cursor();
  const cp = p.cursor();
  let seenB = 0;
  let seenP = 0;
  // the previous distinct value and F_b − F_p after it (none before the first)
  let havePending = false;
  let pendingValue = 0;
  let pendingDiff = 0;
  try {
    while (!cb.done || !cp.done) {
      let v: number;
      if (cb.done) v = cp.peek();
      else if (cp.done) v = cb.peek();
      else {
        const x = cb.peek();
        const y = cp.peek();
        v = x < y ? x : y;
      }
      let gb = 0;
      let gp = 0;
      while (!cb.done && cb.peek() === v) {
        cb.advance();
        gb++;
      }
      while (!cp.done && cp.peek() === v) {
        cp.advance();
        gp++;
      }
      if (gb) histB.add(v, gb);
      if (gp) histP.add(v, gp);
      if (havePending) sum.add((pendingDiff < 0 ? -pendingDiff : pendingDiff) * (v - pendingValue));
      for (let z = 1; z < gb + gp; z++) sum.add(0);
      seenB += gb;
      seenP += gp;
      const diff = seenB / n1 - seenP / n2;
      if (diff > maxDiff) maxDiff = diff;
      if (diff < minDiff) minDiff = diff;
      if (exact) {
        const lattice = seenB * wB - seenP * wP;
        if (lattice > maxLattice) maxLattice = lattice;
        else if (-lattice > maxLattice) maxLattice = -lattice;
      }
      havePending = true;
      pendingValue = v;
      pendingDiff = diff;
    }
  } finally {
    cb.close();
    cp.close();
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return {
    edges,
    countsB: histB.counts(),
    countsP: histP.counts(),
    wasserstein: sum.result(),
    ksStatistic: Math.max(minS, maxDiff),
    ksLattice: exact ? maxLattice : undefined,
  };
}

/** Azure runs the KS test only when both samples have fewer than 10,000 rows (it raises otherwise). */
export const KS_MAX_ROWS = 10_000;

/** The exact two-sided KS p-value for the walk's statistic; undefined at or over Azure's 10,000-row limit. */
export function ksPValue(cmp: NumericalComparison, n1: number, n2: number): { statistic: number; pvalue: number } | undefined {
  if (n1 >= KS_MAX_ROWS || n2 >= KS_MAX_ROWS || cmp.ksLattice === undefined) return undefined;
  const r = ksTwoSided(n1, n2, cmp.ksLattice);
  return { statistic: r.statistic, pvalue: r.pvalue };
}

/** W1 / max(stddev_samp(baseline), 0.001); the floor also when the baseline has a single row (stddev is null). */
export function normalizedWasserstein(w1: number, baselineStd: number | undefined): number {
  const norm = baselineStd === undefined || Number.isNaN(baselineStd) ? 0.001 : Math.max(baselineStd, 0.001);
  return w1 / norm;
}

/** Spark's `stddev_samp` update (CentralMomentAgg): n, mean and M2 one value at a time in data order. */
export class SampleMoments {
  n = 0;
  mean = 0;
  m2 = 0;

  add(x: number): void {
    const n = this.n + 1;
    const delta = x - this.mean;
    const deltaN = delta / n;
    this.mean += deltaN;
    this.m2 += delta * (delta - deltaN);
    this.n = n;
  }

  /** The sample standard deviation; undefined (Spark null) for fewer than two values. */
  get std(): number | undefined {
    return this.n < 2 ? undefined : Math.sqrt(this.m2 / (this.n - 1));
  }
}
