// Binning edge cases (check-metrics.md §1.3) and what reaches the metrics: constant and single-value columns,
// all-null columns, target values outside the baseline's range, Spark's even and uneven histogram paths.
import { binEdges, columnsSource, evaluateDrift, SparkHistogram, sturgesBins, type DriftResult } from '../../../../shared/src/checks/data';

const metric = (r: DriftResult, m: string, feature = 'x') => r.rows.find((x) => x.metric === m && x.feature === feature)!;
const all = { numericalMetrics: ['JensenShannonDistance', 'PopulationStabilityIndex', 'NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest'] as const };

describe('Sturges on the smaller sample', () => {
  it('k = ceil(log2 n + 1), exactly at powers of two', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 10, 1024, 1025, 1500].map(sturgesBins)).toEqual([1, 2, 3, 3, 4, 4, 5, 5, 11, 12, 12]);
    for (let n = 1; n < 5000; n++) expect(sturgesBins(n)).toBe(Math.ceil(Math.log2(n) + 1));
    expect(() => sturgesBins(0)).toThrow(RangeError);
  });
});

describe('edges', () => {
  it('a single value gets one bin of ±0.5 % (±0.005 around 0)', () => {
    expect(binEdges(4, 4, 100)).toEqual([4 - 0.02, 4 + 0.02]);
    expect(binEdges(-200, -200, 3)).toEqual([-201, -199]);
    expect(binEdges(0, 0, 10)).toEqual([-0.005, 0.005]);
  });

  it('Spark counting: [e_i, e_i+1) with the last bin closed, outside values skipped, uneven edges by bisection', () => {
    const even = new SparkHistogram([0, 1, 2, 3]);
    for (const v of [-0.1, 0, 0.999, 1, 2.5, 3, 3.0000001, NaN]) even.add(v);
    expect(even.counts()).toEqual([2, 1, 2]);
    const uneven = new SparkHistogram([0, 1, 10, 100]);
    for (const v of [0, 1, 9.99, 10, 100, 101]) uneven.add(v);
    expect(uneven.counts()).toEqual([1, 2, 2]);
    expect(() => new SparkHistogram([1, 1, 2])).toThrow(/increasing and distinct/);
  });
});

describe('constant and single-value columns', () => {
  it('both sides constant and equal: one bin, every distance 0, KS p = 1; NWD uses the 0.001 floor', async () => {
    const r = await evaluateDrift(columnsSource({ x: [5, 5, 5, 5] }), columnsSource({ x: [5, 5, 5] }), all);
    expect(metric(r, 'JensenShannonDistance').detail).toMatchObject({ edges: [4.975, 5.025], baseline: [4], target: [3] });
    expect(metric(r, 'JensenShannonDistance').value).toBe(0);
    expect(metric(r, 'PopulationStabilityIndex').value).toBe(0);
    expect(metric(r, 'NormalizedWassersteinDistance').value).toBe(0);
    expect(metric(r, 'TwoSampleKolmogorovSmirnovTest').value).toBe(1);
    expect(r.passed).toBe(true);
  });

  it('a constant baseline against a shifted target: W1 over the 0.001 floor (std 0)', async () => {
    const r = await evaluateDrift(columnsSource({ x: [2, 2, 2, 2] }), columnsSource({ x: [2, 2, 3, 3] }), all);
    // W1 = 0.5; NWD = 0.5 / 0.001
    expect(metric(r, 'NormalizedWassersteinDistance').value).toBeCloseTo(500, 9);
    expect(metric(r, 'NormalizedWassersteinDistance').detail).toMatchObject({ wasserstein: 0.5, baselineStd: 0 });
    const bins = metric(r, 'JensenShannonDistance').detail as { edges: number[]; baseline: number[]; target: number[] };
    expect(bins.edges).toEqual([2, 2 + 1 / 3, 2 + 2 / 3, 3]);
    expect(bins.baseline).toEqual([4, 0, 0]);
    expect(bins.target).toEqual([2, 0, 2]);
  });

  it('one row on a side: k = 1, a null stddev gives the 0.001 floor', async () => {
    const r = await evaluateDrift(columnsSource({ x: [1] }), columnsSource({ x: [1, 2, 3] }), all);
    expect(metric(r, 'JensenShannonDistance').detail).toMatchObject({ edges: [1, 3], baseline: [1], target: [3] });
    expect(metric(r, 'JensenShannonDistance').value).toBe(0);
    expect(metric(r, 'NormalizedWassersteinDistance').value).toBeCloseTo(1 / 0.001, 9);
    expect(metric(r, 'NormalizedWassersteinDistance').detail).toMatchObject({ baselineStd: null });
  });
});

describe('target values outside the baseline range', () => {
  it('widen the edges (combined range), so the baseline is empty in the new bins', async () => {
    const base = Array.from({ length: 16 }, (_, i) => i); // 0..15
    const target = Array.from({ length: 16 }, (_, i) => i * 4); // 0..60
    const r = await evaluateDrift(columnsSource({ x: base }), columnsSource({ x: target }), all);
    const bins = metric(r, 'JensenShannonDistance').detail as { edges: number[]; baseline: number[]; target: number[] };
    expect(bins.edges).toEqual([0, 12, 24, 36, 48, 60]);
    expect(bins.baseline).toEqual([12, 4, 0, 0, 0]);
    expect(bins.target).toEqual([3, 3, 3, 3, 4]);
    expect(metric(r, 'JensenShannonDistance').value).toBeGreaterThan(0.5);
    expect(metric(r, 'PopulationStabilityIndex').value).toBeGreaterThan(1);
  });
});

describe('missing values', () => {
  it('an all-null feature leaves no rows after the row-wise dropna: every row fails with the reason', async () => {
    const r = await evaluateDrift(columnsSource({ x: [1, 2, 3], y: [null, null, null] }), columnsSource({ x: [1, 2], y: [1, 2] }), all);
    expect(r.baselineRowCount).toBe(0);
    expect(r.rows).toHaveLength(8);
    for (const row of r.rows) {
      expect(row.value).toBeNull();
      expect(row.passed).toBe(false);
      expect(row.error).toMatch(/no baseline rows left after removing rows with a missing value/);
    }
  });

  it('a null or NaN in any feature drops the whole row for every feature', async () => {
    const r = await evaluateDrift(
      columnsSource({ x: [1, 2, 3, 4, 100], y: [1, null, 3, NaN, 5] }),
      columnsSource({ x: [1, 2, 3], y: [1, 2, 3] }),
      all,
    );
    // rows 2 (y null) and 4 (y NaN) go: x keeps [1, 3, 100]
    expect(r.baselineRowCount).toBe(3);
    expect(r.baselineRows).toBe(5);
    expect(metric(r, 'JensenShannonDistance').detail).toMatchObject({ edges: [1, 34, 67, 100], baseline: [2, 0, 1], target: [3, 0, 0] });
    expect(metric(r, 'JensenShannonDistance', 'y').detail).toMatchObject({ baseline: [1, 1, 1] });
  });
});
