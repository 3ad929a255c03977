/**
 * Numerical building blocks: numpy's summation order (so sums over bins and over the Wasserstein terms round as
 * scipy's do), the chi-squared survival function, and the exact two-sided two-sample Kolmogorov-Smirnov p-value
 * (Hodges' lattice-path "inside" method in Viehmann's 1 − p form, and the closed Horner form for equal sizes), the
 * algorithms scipy's `ks_2samp(method='exact')` uses (check-metrics.md §1.4).
 */

const PW_BLOCK = 128;

/**
 * numpy's pairwise sum of a float64 array (`np.sum`): blocks of at most 128 values are summed with 8 interleaved
 * accumulators (fewer than 8 values in order), larger arrays are split in two at a multiple of 8 below the half.
 */
export function numpySum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i]!;
    return res;
  }
  if (n <= PW_BLOCK) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += values[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(values, start, n2) + numpySum(values, start + n2, n - n2);
}

/**
 * The same sum fed one value at a time, for a length known in advance: the split points depend only on the length,
 * so the leaves and the order they are combined in are planned first (post-order: a leaf size > 0, or 0 = add the
 * two results on top of the stack).
 */
export class StreamingNumpySum {
  private readonly plan: number[] = [];
  private step = 0;
  private readonly stack: number[] = [];
  private leafSize = 0;
  private pos = 0;
  private readonly r = new Float64Array(8);
  private res = 0;
  private fed = 0;

  constructor(readonly length: number) {
    if (length > 0) {
      this.planNode(length);
      this.startLeaf();
    }
  }

  private planNode(n: number): void {
    if (n <= PW_BLOCK) {
      this.plan.push(n);
      return;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    this.planNode(n2);
    this.planNode(n - n2);
    this.plan.push(0);
  }

  private startLeaf(): void {
    this.leafSize = this.plan[this.step]!;
    this.pos = 0;
    this.res = 0;
  }

  private blockSum(): number {
    const r = this.r;
    return r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
  }

  add(x: number): void {
    const s = this.leafSize;
    const p = this.pos++;
    if (s < 8) this.res += x;
    else if (p < 8) this.r[p] = x;
    else if (p < s - (s % 8)) this.r[p & 7]! += x;
    else {
      if (p === s - (s % 8)) this.res = this.blockSum();
      this.res += x;
    }
    if (++this.fed > this.length) throw new Error('StreamingNumpySum: more values than planned');
    if (this.pos === s) this.finishLeaf();
  }

  private finishLeaf(): void {
    const s = this.leafSize;
    let value = this.res;
    if (s >= 8 && s % 8 === 0) value = this.blockSum();
    this.stack.push(value);
    this.step++;
    while (this.step < this.plan.length && this.plan[this.step] === 0) {
      const b = this.stack.pop()!;
      const a = this.stack.pop()!;
      this.stack.push(a + b);
      this.step++;
    }
    if (this.step < this.plan.length) this.startLeaf();
  }

  /** The sum (0 for an empty array); every planned value must have been added. */
  result(): number {
    if (this.length === 0) return 0;
    if (this.fed !== this.length) throw new Error(`StreamingNumpySum: ${this.fed} of ${this.length} values added`);
    return 0 + this.stack[0]!;
  }
}

// ---- a correctly rounded logarithm ---------------------------------------------------------------------------

// V8's Math.log (fdlibm) is sometimes 1 ulp away from the C library's log that numpy and scipy call (ln(60/17):
// 1.2611312181658847 against 1.2611312181658845), which shows in the last digit of a PSI or JSD. This one works in
// double-double precision (about 100 bits) and rounds once at the end.

const SPLIT = 134217729; // 2^27 + 1
const LN2_HI = 6.93147180369123816490e-1; // ln 2 with the low 32 bits zero: k·LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10;

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** ln x, correctly rounded in all but vanishingly rare cases (x > 0). */
export function log(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  let k = 0;
  if (x < 2 ** -1000) {
    x *= 2 ** 100; // subnormals and near them: scale into the normal range
    k = -100;
  }
  let e = Math.min(1023, Math.floor(Math.log2(x))); // log2 of the largest doubles rounds to 1024
  let m = x / 2 ** e;
  if (m < 1) {
    m *= 2;
    e--;
  } else if (m >= 2) {
    m /= 2;
    e++;
  }
  if (m > Math.SQRT2) {
    m /= 2;
    e++;
  }
  k += e;
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172
  const f = m - 1; // exact
  const [dh, dl] = twoSum(2, f);
  const sh = f / dh;
  const [ph, pl] = twoProd(sh, dh);
  const sl = (f - ph - pl - sh * dl) / dh;
  // atanh(s) = s + s³/3 + s³·(s²/5 + s⁴/7 + …): the first two terms in double-double, the rest (< 1e-4·s) in double
  const [s2h, s2e] = twoProd(sh, sh);
  const s2l = s2e + 2 * sh * sl;
  const [s3h, s3e] = twoProd(s2h, sh);
  const s3l = s3e + s2h * sl + s2l * sh;
  const t1h = s3h / 3;
  const [p3, p3e] = twoProd(t1h, 3);
  const t1l = (s3h - p3 - p3e + s3l) / 3;
  let series = 0;
  let power = s2h;
  for (let n = 5; n < 80; n += 2) {
    const term = power / n;
    series += term;
    if (term < 1e-20 * series) break;
    power *= s2h;
  }
  const [a, ae] = twoSum(sh, t1h);
  const [lh, ll0] = twoSum(2 * a, 2 * (ae + sl + t1l + s3h * series));
  const [hi, lo] = twoSum(k * LN2_HI, lh);
  return hi + (lo + ll0 + k * LN2_LO);
}

// ---- gamma functions ------------------------------------------------------------------------------------------

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0: the Stirling series for x ≥ 15, shifted there by the recurrence below (~1e-15 relative). */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 0;
  let prod = 1;
  while (x < 15) {
    prod *= x;
    x += 1;
    if (prod > 1e280) {
      shift += Math.log(prod);
      prod = 1;
    }
  }
  shift += Math.log(prod);
  const z = 1 / (x * x);
  const series =
    (1 / 12 + z * (-1 / 360 + z * (1 / 1260 + z * (-1 / 1680 + z * (1 / 1188 + z * (-691 / 360360 + z * (1 / 156))))))) / x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
}

const EPS = 2 ** -53;
const MAX_ITER = 2000;
const BIG = 2 ** 52;

/** Γ(a) by the recurrence from Γ(1) = 1 or Γ(1/2) = √π, for the integer and half-integer a of χ² (a = df/2). */
function gammaOfHalfInteger(a: number): number {
  let g = Number.isInteger(a) ? 1 : Math.sqrt(Math.PI);
  for (let k = Number.isInteger(a) ? 1 : 0.5; k < a; k++) g *= k;
  return g;
}

/** x^a e^{-x} / Γ(a). */
function gammaFactor(a: number, x: number): number {
  if (Number.isInteger(2 * a) && a < 150) {
    const v = Math.exp(a * Math.log(x) - x);
    if (v > 0 && Number.isFinite(v)) return v / gammaOfHalfInteger(a);
  }
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** P(a, x) by its power series (good for x < a + 1). */
function lowerSeries(a: number, x: number): number {
  const ax = gammaFactor(a, x);
  if (ax === 0) return 0;
  let r = a;
  let c = 1;
  let sum = 1;
  for (let i = 0; i < MAX_ITER; i++) {
    r += 1;
    c *= x / r;
    sum += c;
    if (c / sum <= EPS) break;
  }
  return (sum * ax) / a;
}

/** Q(a, x) by its continued fraction (good for x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const ax = gammaFactor(a, x);
  if (ax === 0) return 0;
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  for (let i = 0; i < MAX_ITER; i++) {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    let t = 1;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 /= BIG;
      pkm1 /= BIG;
      qkm2 /= BIG;
      qkm1 /= BIG;
    }
    if (t <= EPS) break;
  }
  return ans * ax;
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperFraction(a, x);
}

/** `scipy.stats.chi2.sf(x, df)`: P(χ²_df > x); 0 for x = ∞ (a category the baseline never had). */
export function chiSquaredSf(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (df <= 0) return NaN;
  return gammaQ(df / 2, x / 2);
}

// ---- two-sample Kolmogorov-Smirnov ----------------------------------------------------------------------------

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** P(D_{n,n} ≥ h/n): 2·Σ_k (−1)^{k−1} C(2n, n−kh)/C(2n, n), in the Horner form that avoids cancellation. */
export function ksOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm(m,n), computed column by
 * column on a sliding window as probabilities (1 − p directly, so there is no large binomial to divide by).
 */
export function ksOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1]!;
}

/** The limiting Kolmogorov distribution's survival function, 2·Σ (−1)^{k−1} e^{−2k²y²}. */
export function kolmogorovSf(y: number): number {
  if (y < 1.1e-16) return 1;
  let p = 0;
  for (let k = 1; k < 200; k++) {
    const t = Math.exp(-2 * k * k * y * y);
    p += (k % 2 === 1 ? 1 : -1) * t;
    if (t < 1e-17 * Math.abs(p) || t === 0) break;
  }
  return Math.min(1, Math.max(0, 2 * p));
}

export interface KsResult {
  /** D = max |F1 − F2|, as h/lcm(n1, n2). */
  statistic: number;
  pvalue: number;
  /** 'exact', or 'asymptotic' when the exact recursion left [0, 1] (not seen below 10,000 rows). */
  method: 'exact' | 'asymptotic';
}

/** The exact two-sided p-value of the two-sample KS test for sizes n1, n2 and D = h/lcm(n1, n2). */
export function ksTwoSided(n1: number, n2: number, h: number): KsResult {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const statistic = h / lcm;
  if (h === 0) return { statistic, pvalue: 1, method: 'exact' };
  const p = n1 === n2 ? ksOutsideSquare(n1, h) : ksOutsideBand(n1, n2, g, h);
  if (p >= 0 && p <= 1) return { statistic, pvalue: p, method: 'exact' };
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic, pvalue: kolmogorovSf(Math.sqrt(en) * statistic), method: 'asymptotic' };
}
