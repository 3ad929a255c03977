import { delongInterval, delongTest, midranks } from '../../../../shared/src/checks/stats/delong';
import { agreementRate, mcnemar, mcnemarFromCounts } from '../../../../shared/src/checks/stats/paired';
import { binomialHalfCdf, chiSquaredSf, normalCdf, normalQuantile } from '../../../../shared/src/checks/stats/special';

describe('special functions (values from scipy 1.17.1)', () => {
  test('chi-squared survival function', () => {
    expect(chiSquaredSf(2.769230769230769, 1)).toBeCloseTo(0.0960923294556734, 14);
    expect(chiSquaredSf(50, 1) / 1.537459794428033e-12).toBeCloseTo(1, 12);
    expect(chiSquaredSf(0.01, 1)).toBeCloseTo(0.920344325445942, 14);
    expect(chiSquaredSf(7, 4)).toBeCloseTo(0.13588822540043327, 14);
    expect(chiSquaredSf(0, 1)).toBe(1);
  });

  test('binomial(n, 1/2) CDF, exact for small n and in log space for large n', () => {
    expect(binomialHalfCdf(3, 13)).toBe(378 / 8192);
    expect(binomialHalfCdf(30, 80)).toBeCloseTo(0.016496309213238095, 13);
    expect(binomialHalfCdf(400, 1000) / 1.3642320780329735e-10).toBeCloseTo(1, 11);
    expect(binomialHalfCdf(70, 100)).toBeCloseTo(0.9999839199923521, 13);
    expect(binomialHalfCdf(-1, 5)).toBe(0);
    expect(binomialHalfCdf(5, 5)).toBe(1);
  });

  test('normal CDF and quantile', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 11);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });
});

describe("McNemar's test", () => {
  test('the reference vector b=10, c=3: exact, corrected and uncorrected χ²', () => {
    expect(mcnemarFromCounts(10, 3, { method: 'exact' })).toMatchObject({ method: 'exact', statistic: 3, pValue: 0.09228515625 });
    const corrected = mcnemarFromCounts(10, 3, { method: 'chi2' });
    expect(corrected.correction).toBe(true);
    expect(corrected.statistic).toBeCloseTo(2.769230769, 9);
    expect(corrected.pValue).toBeCloseTo(0.0960923294556734, 14);
    const plain = mcnemarFromCounts(10, 3, { method: 'chi2', correction: false });
    expect(plain.statistic).toBeCloseTo(3.769230769, 9);
    expect(plain.pValue).toBeCloseTo(0.0522036353413146, 14);
  });

  test('auto: exact while b + c < 25, corrected χ² from 25 on', () => {
    expect(mcnemarFromCounts(10, 3).method).toBe('exact');
    expect(mcnemarFromCounts(12, 12).method).toBe('exact');
    const big = mcnemarFromCounts(40, 20);
    expect(big).toMatchObject({ method: 'chi2', correction: true });
    expect(big.pValue).toBeCloseTo(0.014171388254012323, 14); // scipy chi2.sf(19²/60, 1)
    expect(mcnemarFromCounts(12, 13).method).toBe('chi2');
    expect(mcnemarFromCounts(12, 13, { exactBelow: 100 }).method).toBe('exact');
  });

  test('exact with many discordant rows (2·binom.cdf(30, 75, 0.5) in scipy)', () => {
    expect(mcnemarFromCounts(30, 45, { method: 'exact' }).pValue).toBeCloseTo(0.10534226887460482, 12);
    // Symmetric in b and c.
    expect(mcnemarFromCounts(45, 30, { method: 'exact' }).pValue).toBe(mcnemarFromCounts(30, 45, { method: 'exact' }).pValue);
  });

  test('no discordant rows: p = 1', () => {
    expect(mcnemarFromCounts(0, 0).pValue).toBe(1);
    const chi2 = mcnemarFromCounts(0, 0, { method: 'chi2' });
    expect(chi2.pValue).toBe(1);
    expect(chi2.statistic).toBeNaN();
    expect(() => mcnemarFromCounts(1.5, 2)).toThrow(/whole numbers/);
  });

  test('from per-row correctness', () => {
    const champion = [1, 1, 1, 0, 0, 1, 0, 1];
    const challenger = [1, 0, 0, 1, 0, 1, 0, 0];
    const t = mcnemar(champion, challenger);
    expect(t).toMatchObject({ bothRight: 2, b: 3, c: 1, bothWrong: 2, method: 'exact' });
    expect(t.pValue).toBeCloseTo(Math.min(1, (2 * (1 + 4)) / 16), 15);
    expect(() => mcnemar([1], [1, 0])).toThrow(/rows/);
  });
});

describe('prediction agreement', () => {
  test('share of equal predictions, weighted', () => {
    expect(agreementRate(['a', 'b', 'a', 'c'], ['a', 'a', 'a', 'c'])).toBe(0.75);
    expect(agreementRate(['a', 'b'], ['a', 'a'], [3, 1])).toBe(0.75);
    expect(agreementRate([], [])).toBeNaN();
  });
});

describe("DeLong's test", () => {
  test('the reference vector: AUC 0.92 vs 0.80, var 0.0168, z 0.92582, p 0.35454', () => {
    const y = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]);
    const s1 = [0.9, 0.8, 0.7, 0.4, 0.5, 0.3, 0.2, 0.1, 0.6, 0.65];
    const s2 = [0.6, 0.7, 0.4, 0.3, 0.5, 0.35, 0.2, 0.45, 0.1, 0.8];
    const r = delongTest(y, s1, s2);
    expect(r.aucA).toBeCloseTo(0.92, 14);
    expect(r.aucB).toBeCloseTo(0.8, 14);
    expect(r.variance).toBeCloseTo(0.0168, 14);
    expect(r.z).toBeCloseTo(0.92582, 5);
    expect(r.pValue).toBeCloseTo(0.35454, 5);
    const [lo, hi] = delongInterval(r, 0.95);
    expect(lo).toBeCloseTo(0.12 - 1.959963984540054 * Math.sqrt(0.0168), 10);
    expect(hi).toBeCloseTo(0.12 + 1.959963984540054 * Math.sqrt(0.0168), 10);
  });

  test('midranks share tied ranks; identical scores give a zero difference', () => {
    expect(Array.from(midranks([0.3, 0.1, 0.3, 0.2]))).toEqual([3.5, 1, 3.5, 2]);
    const y = Uint8Array.from([1, 0, 1, 0, 1]);
    const s = [0.9, 0.4, 0.4, 0.1, 0.7];
    expect(delongTest(y, s, s)).toMatchObject({ difference: 0, z: 0, pValue: 1 });
  });
});
