// Column selection and typing (check-metrics.md §1.2), thresholds and the alert rule (§1.1, §1.6), prediction
// drift (§1.7) and the KS row limit.
import {
  breaches,
  commonColumns,
  evaluateDrift,
  evaluatePredictionDrift,
  featureType,
  resolveThreshold,
  rowsSource,
  selectFeatures,
  columnsSource,
  type Cell,
} from '../../../../shared/src/checks/data';

describe('common columns', () => {
  it('keeps same-name columns of the same type, float with float as double, integer with integer as bigint', () => {
    const { columns, skipped } = commonColumns(
      [
        { name: 'a', dtype: 'float' },
        { name: 'b', dtype: 'int' },
        { name: 'c', dtype: 'string' },
        { name: 'd', dtype: 'bigint' },
        { name: 'only_base', dtype: 'double' },
      ],
      [
        { name: 'a', dtype: 'double' },
        { name: 'b', dtype: 'smallint' },
        { name: 'c', dtype: 'string' },
        { name: 'd', dtype: 'double' },
        { name: 'only_target', dtype: 'double' },
      ],
    );
    expect(columns.map((c) => [c.name, c.dtype])).toEqual([
      ['a', 'double'],
      ['b', 'bigint'],
      ['c', 'string'],
    ]);
    expect(skipped).toEqual([
      { name: 'd', reason: 'type bigint in the baseline but double in the target' },
      { name: 'only_base', reason: 'not in the target data' },
      { name: 'only_target', reason: 'not in the baseline data' },
    ]);
    expect(() => commonColumns([{ name: 'a.b', dtype: 'double' }], [])).toThrow(/has a '\.' in its name/);
  });

  it('top N by importance: descending, ties in the given order, then ∩ common columns', () => {
    const common = commonColumns(
      ['a', 'b', 'c', 'd'].map((name) => ({ name, dtype: 'double' as const })),
      ['a', 'b', 'c', 'd'].map((name) => ({ name, dtype: 'double' as const })),
    ).columns;
    const ranking = [
      { feature: 'c', importance: 0.2 },
      { feature: 'gone', importance: 0.9 },
      { feature: 'a', importance: 0.5 },
      { feature: 'd', importance: 0.2 },
    ];
    const { selected, skipped } = selectFeatures(common, { topN: 3, ranking });
    expect(selected.map((c) => c.name)).toEqual(['a', 'c']);
    expect(skipped.map((s) => s.name)).toEqual(['gone', 'b', 'd']);
  });
});

describe('numerical or categorical', () => {
  it("integers are categorical when distinct/rows < 0.05, null counted as a value; overrides win; strings are categorical", () => {
    expect(featureType('k', 'bigint', 4, 100)).toBe('categorical');
    expect(featureType('k', 'bigint', 5, 100)).toBe('numerical');
    expect(featureType('k', 'bigint', 5, 100, { categorical: ['k'] })).toBe('categorical');
    expect(featureType('s', 'string', 100, 100)).toBe('categorical');
    expect(featureType('s', 'boolean', 2, 2)).toBe('categorical');
    expect(featureType('f', 'float', 1, 100)).toBe('numerical');
    expect(featureType('f', 'double', 1, 100, { categorical: ['f'] })).toBe('categorical');
    expect(featureType('n', 'unsupported', 1, 100)).toBeUndefined();
  });

  it('decides an integer column on the baseline pass: 4 values + null in 100 rows is 5 % → numerical', async () => {
    const make = (withNull: boolean) => {
      const rows: Cell[][] = Array.from({ length: 100 }, (_, i) => [i % 4]);
      if (withNull) rows[0] = [null];
      return rowsSource(['k'], rows, { dtypes: { k: 'bigint' } });
    };
    const without = await evaluateDrift(make(false), make(false));
    expect(without.features).toEqual([{ name: 'k', type: 'categorical', dtype: 'bigint' }]);
    expect(without.rows[0]!.metric).toBe('JensenShannonDistance');
    const withNull = await evaluateDrift(make(true), make(false));
    expect(withNull.features).toEqual([{ name: 'k', type: 'numerical', dtype: 'bigint' }]);
    expect(withNull.rows[0]!.metric).toBe('NormalizedWassersteinDistance');
  });

  it('categories are str(value): True/False, integers without a fraction, floats as Python prints them', async () => {
    const base = rowsSource(['b', 'f'], [[true, 1], [false, 2.5], [true, 1e16]], { dtypes: { b: 'boolean', f: 'double' } });
    const target = rowsSource(['b', 'f'], [[true, 1], [true, 2.5], [false, 1e-5]], { dtypes: { b: 'boolean', f: 'double' } });
    const r = await evaluateDrift(base, target, { overrides: { categorical: ['f'] } });
    const f = r.rows.find((x) => x.feature === 'f')!;
    expect(f.detail).toMatchObject({ categories: 4, unseen: ['1e-05'] });
  });
});

describe('thresholds and the alert rule', () => {
  it('distances alert above, p-values below, compared as float32', () => {
    expect(breaches('JensenShannonDistance', 0.1000000001, 0.1)).toBe(false); // equal as float32
    expect(breaches('JensenShannonDistance', 0.1001, 0.1)).toBe(true);
    expect(breaches('PearsonsChiSquaredTest', 0.04, 0.05)).toBe(true);
    expect(breaches('TwoSampleKolmogorovSmirnovTest', 0.05, 0.05)).toBe(false);
    expect(breaches('JensenShannonDistance', NaN, 0.1)).toBe(true);
    expect(breaches('PearsonsChiSquaredTest', NaN, 0.05)).toBe(false);
  });

  it('per feature beats per type beats default beats the SDK value', () => {
    const o = { default: { JensenShannonDistance: 0.3 }, categorical: { JensenShannonDistance: 0.2 }, features: { z: { JensenShannonDistance: 0.05 } } };
    expect(resolveThreshold(o, 'z', 'categorical', 'JensenShannonDistance', 0.1)).toBe(0.05);
    expect(resolveThreshold(o, 'y', 'categorical', 'JensenShannonDistance', 0.1)).toBe(0.2);
    expect(resolveThreshold(o, 'y', 'numerical', 'JensenShannonDistance', 0.1)).toBe(0.3);
    expect(resolveThreshold({}, 'y', 'numerical', 'JensenShannonDistance', 0.1)).toBe(0.1);
    expect(resolveThreshold({ features: { y: { PopulationStabilityIndex: 0 } } }, 'y', 'numerical', 'PopulationStabilityIndex', 0.5)).toBe(0);
  });

  it('overridden thresholds change the verdict per feature and per metric', async () => {
    const base = columnsSource({ a: [1, 2, 3, 4, 5, 6, 7, 8], b: [1, 2, 3, 4, 5, 6, 7, 8] });
    const shifted = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5]; // W1 0.5, NWD 0.5/2.449 = 0.204
    const target = columnsSource({ a: shifted, b: shifted });
    const r = await evaluateDrift(base, target, {
      numericalMetrics: ['NormalizedWassersteinDistance', 'PopulationStabilityIndex'],
      thresholds: { features: { b: { NormalizedWassersteinDistance: 0.5 } }, default: { PopulationStabilityIndex: 0.2 } },
    });
    const nwd = r.rows.filter((x) => x.metric === 'NormalizedWassersteinDistance').map((x) => [x.feature, x.threshold, x.passed]);
    expect(nwd).toEqual([
      ['a', 0.1, false],
      ['b', 0.5, true],
    ]);
    expect(r.rows.filter((x) => x.metric === 'PopulationStabilityIndex').every((x) => x.threshold === 0.2)).toBe(true);
  });
});

describe('Kolmogorov-Smirnov row limit', () => {
  it('at 10,000 rows the p-value is refused as Azure refuses it; D is still reported', async () => {
    const big = Array.from({ length: 10_000 }, (_, i) => i);
    const r = await evaluateDrift(columnsSource({ x: big }), columnsSource({ x: big.map((v) => v + 500) }), { numericalMetrics: ['TwoSampleKolmogorovSmirnovTest'] });
    expect(r.rows[0]).toMatchObject({ value: null, passed: false });
    expect(r.rows[0]!.statistic).toBeCloseTo(0.05, 12);
    expect(r.rows[0]!.error).toMatch(/Cannot calculate two-sample Kolmogorov-Smirnov test on dataset with more than 10000 entries/);
  });
});

describe('prediction drift', () => {
  it('compares only the output columns; integer labels made categorical by override', async () => {
    const base = rowsSource(['feature', 'label'], Array.from({ length: 40 }, (_, i) => [i, i % 2]), { dtypes: { feature: 'bigint', label: 'bigint' } });
    const target = rowsSource(['feature', 'label'], Array.from({ length: 40 }, (_, i) => [i, i % 4 === 0 ? 1 : 0]), { dtypes: { feature: 'bigint', label: 'bigint' } });
    const r = await evaluatePredictionDrift(base, target, { columns: ['label'], overrides: { categorical: ['label'] }, categoricalMetrics: ['JensenShannonDistance', 'PearsonsChiSquaredTest'] });
    expect(r.signal).toBe('prediction-drift');
    expect(r.features).toEqual([{ name: 'label', type: 'categorical', dtype: 'bigint' }]);
    expect(r.rows.map((x) => x.metric)).toEqual(['JensenShannonDistance', 'PearsonsChiSquaredTest']);
    expect(r.skipped).toContainEqual({ name: 'feature', reason: 'not selected' });
    expect(r.rows[1]!.value).toBeLessThan(0.5);
  });
});
