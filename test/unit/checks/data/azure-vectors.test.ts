// The Azure-parity test vectors of check-metrics.md §1.11, through the public evaluation API and the metric
// functions. Values stated to 17 significant digits are asserted to 15 decimal places (|Δ| < 5e-16): the vectors'
// last digits come from their author's re-implementation, and ours follow scipy's order of operations, which rounds
// differently in the 16th–17th digit for some of them (see the notes by each case).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  binEdges,
  columnsSource,
  compareNumerical,
  evaluateDrift,
  jensenShannonDistance,
  ksPValue,
  pearsonChiSquared,
  populationStabilityIndex,
  rowsSource,
  type CheckRow,
  type DriftResult,
} from '../../../../shared/src/checks/data';
import { sortedArray } from '../../../../shared/src/checks/data/value-store';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const value = (r: DriftResult, metric: string, feature = 'x'): CheckRow => {
  const found = r.rows.find((x) => x.metric === metric && x.feature === feature);
  if (!found) throw new Error(`no ${metric} row for ${feature}`);
  return found;
};
const allNumerical = ['JensenShannonDistance', 'PopulationStabilityIndex', 'NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest'] as const;

describe('§1.11 A: numerical, base 1..10, production 3..14', () => {
  let r: DriftResult;
  beforeAll(async () => {
    r = await evaluateDrift(columnsSource({ x: range(1, 10) }), columnsSource({ x: range(3, 14) }), { numericalMetrics: allNumerical });
  });

  it('bins: k = 5 over the combined range [1, 14], counts b=[3,3,2,2,0], p=[1,3,2,3,3]', () => {
    const bins = value(r, 'JensenShannonDistance').detail as { edges: number[]; baseline: number[]; target: number[] };
    expect(bins.edges).toEqual([1, 3.6, 6.2, 8.8, 11.4, 14]);
    expect(bins.baseline).toEqual([3, 3, 2, 2, 0]);
    expect(bins.target).toEqual([1, 3, 2, 3, 3]);
  });

  it('JSD 0.42027421865791514, PSI 0.3472132903588206, NWD 0.9908673886137245, KS p 0.4769564800524554 with D = 1/3', () => {
    expect(value(r, 'JensenShannonDistance').value).toBeCloseTo(0.42027421865791514, 15);
    // PSI and the KS p-value agree to the last bit
    expect(value(r, 'PopulationStabilityIndex').value).toBe(0.3472132903588206);
    expect(value(r, 'NormalizedWassersteinDistance').value).toBeCloseTo(0.9908673886137245, 15);
    const ks = value(r, 'TwoSampleKolmogorovSmirnovTest');
    expect(ks.value).toBe(0.4769564800524554);
    expect(ks.statistic).toBe(1 / 3);
    expect(r.baselineRowCount).toBe(10);
    expect(r.targetRowCount).toBe(12);
  });

  it('scipy order: W1 sums to 3.0000000000000004 (the vector assumes exactly 3), and JSD rounds to ...152', () => {
    const cmp = compareNumerical(sortedArray(Float64Array.from(range(1, 10))), sortedArray(Float64Array.from(range(3, 14))));
    expect(cmp.wasserstein).toBe(3.0000000000000004);
    expect(value(r, 'NormalizedWassersteinDistance').value).toBe(0.9908673886137247);
    expect(value(r, 'JensenShannonDistance').value).toBe(0.4202742186579152);
  });

  it('the default signal computes NWD only, with the SDK threshold 0.1, and alerts', async () => {
    const d = await evaluateDrift(columnsSource({ x: range(1, 10) }), columnsSource({ x: range(3, 14) }));
    expect(d.rows.map((x) => [x.metric, x.threshold, x.passed])).toEqual([['NormalizedWassersteinDistance', 0.1, false]]);
    expect(d.passed).toBe(false);
  });
});

describe('§1.11 A2: the last edge rounds below the maximum and drops it', () => {
  const b = [10.15, 12, 15.5, 18, 20, 22.5, 25, 28.24];
  const p = [11, 13, 16, 19, 21, 24, 27, 28.24];

  it('edges [10.15, 14.6725, 19.195, 23.7175, 28.239999999999995]; counts b=[2,2,2,1], p=[2,2,1,2]', () => {
    // lo + 3·w is 23.717499999999998 in float64 (Python gives the same; the vector prints it rounded)
    expect(binEdges(10.15, 28.24, 8)).toEqual([10.15, 14.6725, 19.195, 23.717499999999998, 28.239999999999995]);
    expect(binEdges(10.15, 28.24, 8)[4]).toBeLessThan(28.24);
    const cmp = compareNumerical(sortedArray(Float64Array.from(b)), sortedArray(Float64Array.from(p)));
    expect(cmp.countsB).toEqual([2, 2, 2, 1]);
    expect(cmp.countsP).toEqual([2, 2, 1, 2]);
  });

  it('JSD 0.18712581628280073 (renormalized over the 7 values kept), PSI 0.06757751801802742', async () => {
    const r = await evaluateDrift(columnsSource({ x: b }), columnsSource({ x: p }), { numericalMetrics: ['JensenShannonDistance', 'PopulationStabilityIndex'] });
    expect(value(r, 'JensenShannonDistance').value).toBeCloseTo(0.18712581628280073, 15);
    // scipy's jensenshannon on these counts (numpy's sums, the C library's log) gives 0.1871258162828006
    expect(value(r, 'JensenShannonDistance').value).toBe(0.1871258162828006);
    expect(value(r, 'PopulationStabilityIndex').value).toBe(0.06757751801802742);
    // PSI's denominators are the row counts (8), not the 7 values binned
    expect(populationStabilityIndex([2, 2, 2, 1], [2, 2, 1, 2], 8, 8)).toBe(0.06757751801802742);
  });
});

function categorical(counts: Record<string, number>): { c: string }[] {
  return Object.entries(counts).flatMap(([k, n]) => Array.from({ length: n }, () => ({ c: k })));
}
const catMetrics = ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'] as const;

describe('§1.11 B: categorical with a category the baseline never had', () => {
  it('JSD 0.23241293654355824, PSI 0.2515527729633066, χ² p = 0 (E = 0 gives an infinite statistic)', async () => {
    const r = await evaluateDrift(
      rowsSource(['c'], categorical({ a: 50, b: 30, c: 20 })),
      rowsSource(['c'], categorical({ a: 40, b: 30, c: 20, d: 10 })),
      { categoricalMetrics: catMetrics, features: 'all' },
    );
    expect(value(r, 'JensenShannonDistance', 'c').value).toBeCloseTo(0.23241293654355824, 15);
    expect(value(r, 'JensenShannonDistance', 'c').value).toBe(0.2324129365435581); // scipy's order
    expect(value(r, 'PopulationStabilityIndex', 'c').value).toBe(0.2515527729633066);
    const chi = value(r, 'PearsonsChiSquaredTest', 'c');
    expect(chi.value).toBe(0);
    expect(chi.statistic).toBe(Infinity);
    expect(chi.passed).toBe(false);
    expect(r.features).toEqual([{ name: 'c', type: 'categorical', dtype: 'string' }]);
  });
});

describe('§1.11 C: categorical, same categories', () => {
  it('JSD 0.04835450581959278, PSI 0.012267765543990032, χ² p 0.5134171190325921', async () => {
    const r = await evaluateDrift(
      rowsSource(['c'], categorical({ a: 50, b: 30, c: 20 })),
      rowsSource(['c'], categorical({ a: 45, b: 35, c: 20 })),
      { categoricalMetrics: catMetrics },
    );
    // the exact value is 0.0483545058195919624…; the vector is 8e-16 above it, scipy's order 5.9e-16
    expect(value(r, 'JensenShannonDistance', 'c').value).toBeCloseTo(0.04835450581959278, 15);
    expect(value(r, 'JensenShannonDistance', 'c').value).toBe(0.04835450581959255); // scipy's order
    expect(value(r, 'PopulationStabilityIndex', 'c').value).toBe(0.012267765543990032);
    const chi = value(r, 'PearsonsChiSquaredTest', 'c');
    expect(chi.value).toBeCloseTo(0.5134171190325921, 15);
    expect(chi.statistic).toBeCloseTo(4 / 3, 15);
    // the default χ² threshold is the component's 0.5: p = 0.513 is not below it
    expect(chi.threshold).toBe(0.5);
    expect(chi.passed).toBe(true);
    expect(pearsonChiSquared([50, 30, 20], [45, 35, 20], 100, 100).df).toBe(2);
    expect(jensenShannonDistance([50, 30, 20], [45, 35, 20], 100, 100)).toBe(value(r, 'JensenShannonDistance', 'c').value);
  });
});

describe('§1.11 E: normal samples (numpy default_rng(0), N(50,15) × 2000 against N(53,15) × 1500)', () => {
  const data = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/checks/normal-rng0.json'), 'utf8')) as { baseline: number[]; target: number[] };

  it('k = 12; JSD 0.10583, PSI 0.05756, NWD 0.21360, KS p 1.95e-5', async () => {
    const r = await evaluateDrift(columnsSource({ x: data.baseline }), columnsSource({ x: data.target }), { numericalMetrics: allNumerical });
    const bins = value(r, 'JensenShannonDistance').detail as { edges: number[] };
    expect(bins.edges).toHaveLength(13);
    expect(value(r, 'JensenShannonDistance').value).toBeCloseTo(0.10583, 5);
    expect(value(r, 'PopulationStabilityIndex').value).toBeCloseTo(0.05756, 5);
    expect(value(r, 'NormalizedWassersteinDistance').value).toBeCloseTo(0.2136, 5);
    const ks = value(r, 'TwoSampleKolmogorovSmirnovTest');
    expect(Number(ks.value!.toPrecision(3))).toBe(1.95e-5);
    // JSD 0.106 is above the 0.1 threshold where Evidently's natural-log JS (0.084) would not be
    expect(value(r, 'JensenShannonDistance').passed).toBe(false);
    const direct = ksPValue(
      compareNumerical(sortedArray(Float64Array.from(data.baseline)), sortedArray(Float64Array.from(data.target))),
      data.baseline.length,
      data.target.length,
    );
    expect(direct?.pvalue).toBe(ks.value);
  });
});
