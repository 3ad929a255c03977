/**
 * Special functions the tests need: log-gamma, the regularized incomplete gamma, chi-squared and normal tail
 * probabilities, and the binomial(n, 1/2) CDF used by the exact McNemar test. Accurate to about 1e-14 relative
 * in the ranges a staging check meets; written here to avoid a dependency for a few functions.
 */

// Lanczos approximation, g = 7, nine coefficients (the widely published set).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x); // reflection
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10000;

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** The regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), for a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** The chi-squared survival function P(X ≥ x) with `df` degrees of freedom (scipy `chi2.sf`). */
export function chiSquaredSf(x: number, df: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** The standard normal quantile z with P(Z ≤ z) = p, by bisection refined with Newton steps. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  let z = (lo + hi) / 2;
  for (let i = 0; i < 3; i++) {
    const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    if (density === 0) break;
    z -= (normalCdf(z) - p) / density;
  }
  return z;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2). Exact (integer binomial coefficients over a power of two) for n ≤ 50;
 * otherwise summed in log space from the largest term.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k)) return Number.NaN;
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 50) {
    let c = 1; // C(n, 0)
    let sum = 1;
    for (let i = 1; i <= k; i++) {
      c = (c * (n - i + 1)) / i; // exact: C(n, i) is an integer below 2^53 here
      sum += c;
    }
    return sum / 2 ** n;
  }
  if (k > n / 2) return 1 - binomialHalfCdf(n - k - 1, n);
  // Terms rise up to k (k ≤ n/2): sum t_i / t_k downwards, then scale by t_k.
  let ratio = 1;
  let sum = 1;
  for (let i = k; i > 0; i--) {
    ratio *= i / (n - i + 1); // t_{i-1} / t_k
    sum += ratio;
    if (ratio < sum * EPS) break;
  }
  const lnTk = lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) - n * Math.LN2;
  return Math.min(1, Math.exp(lnTk) * sum);
}
