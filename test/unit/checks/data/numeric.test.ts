// The exact KS p-value against brute-force lattice-path counting, the χ² survival function against known critical
// values, and the correctly rounded logarithm.
import { chiSquaredSf, gcd, ksOutsideBand, ksOutsideSquare, ksTwoSided, log, logGamma } from '../../../../shared/src/checks/data/numeric';

/** P(D ≥ h/lcm) by counting monotone lattice paths that stay strictly inside the band, in exact integers. */
function bruteKs(m: number, n: number, h: number): number {
  const l = (m / gcd(m, n)) * n;
  const inside = (i: number, j: number) => Math.abs(i * (l / m) - j * (l / n)) < h;
  let row: bigint[] = Array.from({ length: n + 1 }, () => 0n);
  for (let i = 0; i <= m; i++) {
    const next: bigint[] = [];
    for (let j = 0; j <= n; j++) {
      if (!inside(i, j)) next.push(0n);
      else if (i === 0 && j === 0) next.push(1n);
      else next.push((i > 0 ? row[j]! : 0n) + (j > 0 ? next[j - 1]! : 0n));
    }
    row = next;
  }
  let total = 1n;
  for (let k = 1; k <= n; k++) total = (total * BigInt(m + k)) / BigInt(k);
  // 1 − inside/total, to about 1e-15
  const scale = 10n ** 30n;
  return 1 - Number((row[n]! * scale) / total) / 1e30;
}

describe('two-sample KS, exact two-sided p-value', () => {
  it('matches brute force for unequal sizes (the band recursion) and equal sizes (the Horner form)', () => {
    for (const [m, n] of [
      [10, 12],
      [7, 3],
      [20, 15],
      [13, 13],
      [25, 4],
      [30, 30],
    ] as const) {
      const l = (m / gcd(m, n)) * n;
      for (let h = 1; h <= l; h += Math.max(1, Math.floor(l / 9))) {
        const expected = bruteKs(m, n, h);
        const got = ksTwoSided(m, n, h).pvalue;
        expect(Math.abs(got - expected)).toBeLessThan(1e-13 + 1e-12 * expected);
      }
    }
  });

  it('h = 0 gives p = 1; the statistic is h/lcm', () => {
    expect(ksTwoSided(10, 12, 0)).toEqual({ statistic: 0, pvalue: 1, method: 'exact' });
    expect(ksTwoSided(10, 12, 20).statistic).toBe(1 / 3);
    expect(ksOutsideSquare(5, 5)).toBeCloseTo(bruteKs(5, 5, 5), 14);
    expect(ksOutsideBand(12, 10, 2, 20)).toBe(0.4769564800524554);
  });
});

describe('χ² survival function', () => {
  it('gives 0.05 at the 95 % critical values; df 2 is exp(−x/2); ∞ gives 0', () => {
    expect(chiSquaredSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14);
    expect(chiSquaredSf(5.991464547107979, 2)).toBeCloseTo(0.05, 15);
    expect(chiSquaredSf(18.307038053275146, 10)).toBeCloseTo(0.05, 13);
    expect(chiSquaredSf(124.34211340400407, 100)).toBeCloseTo(0.05, 12);
    expect(chiSquaredSf(4 / 3, 2)).toBeCloseTo(Math.exp(-2 / 3), 15);
    expect(chiSquaredSf(Infinity, 3)).toBe(0);
    expect(chiSquaredSf(0, 3)).toBe(1);
    expect(chiSquaredSf(1, 0)).toBeNaN();
  });

  it('ln Γ to 1e-14', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    expect(logGamma(171) / 706.5730622457874).toBeCloseTo(1, 14); // ln 170!
  });
});

describe('log', () => {
  it('is correctly rounded where V8 and the C library differ (ln 60/17) and agrees elsewhere', () => {
    // the exact value is 1.26113121816588455…, nearer 1.2611312181658845 than V8's 1.2611312181658847
    expect(log(60 / 17)).toBe(1.2611312181658845);
    // a C library miss: ln(1.1004081312847687) = 0.095681139430992524686…
    expect(log(1.1004081312847687)).toBe(0.09568113943099252);
    for (const x of [1, 2, 0.5, Math.E, 10, 1e-300, 1e300, 5e-324, 1.7976931348623157e308]) expect(Math.abs(log(x) - Math.log(x))).toBeLessThanOrEqual(Math.abs(Math.log(x)) * 2.3e-16);
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
  });
});
