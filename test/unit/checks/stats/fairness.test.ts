import {
  demographicParityDifference,
  demographicParityRatio,
  difference,
  equalizedOddsDifference,
  equalizedOddsRatio,
  fairnessMetric,
  groupMax,
  groupMin,
  metricFrame,
  ratio,
  type MetricFrame,
  type MetricFrameInput,
} from '../../../../shared/src/checks/stats/fairness';

// The reference's hand-computed vector (check-metrics.md §4).
const reference: MetricFrameInput = {
  yTrue: [1, 1, 0, 0, 1, 0, 1, 0],
  yPred: [1, 0, 0, 1, 1, 0, 0, 0],
  sensitiveFeatures: { A: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'] },
};

describe('Fairlearn metrics on the reference vector', () => {
  test('per-group rates', () => {
    const frame = metricFrame(['selection_rate', 'true_positive_rate', 'false_positive_rate', 'accuracy', 'count'], reference);
    expect(frame.byGroup.map((g) => g.label)).toEqual(['A=a', 'A=b']);
    expect(frame.byGroup[0]!.values).toEqual({ selection_rate: 0.5, true_positive_rate: 0.5, false_positive_rate: 0.5, accuracy: 0.5, count: 4 });
    expect(frame.byGroup[1]!.values).toEqual({ selection_rate: 0.25, true_positive_rate: 0.5, false_positive_rate: 0, accuracy: 0.75, count: 4 });
    expect(frame.overall).toEqual({ selection_rate: 0.375, true_positive_rate: 0.5, false_positive_rate: 0.25, accuracy: 0.625, count: 8 });
    expect(groupMin(frame, 'selection_rate')).toBe(0.25);
    expect(groupMax(frame, 'selection_rate')).toBe(0.5);
  });

  test('between_groups (the default): DPD 0.25, DPR 0.5, EOD 0.5, EOR 0', () => {
    expect(demographicParityDifference(reference)).toBe(0.25);
    expect(demographicParityRatio(reference)).toBe(0.5);
    expect(equalizedOddsDifference(reference)).toBe(0.5);
    expect(equalizedOddsRatio(reference)).toBe(0);
    expect(fairnessMetric('equal_opportunity_difference', reference).value).toBe(0);
    expect(fairnessMetric('equal_opportunity_ratio', reference).value).toBe(1);
    // agg 'mean': (TPR part + FPR part) / 2.
    expect(equalizedOddsDifference(reference, { agg: 'mean' })).toBe(0.25);
    expect(equalizedOddsRatio(reference, { agg: 'mean' })).toBe(0.5);
  });

  test('to_overall: largest |group − overall|; smallest group/overall ratio, inverted above 1', () => {
    // Selection rates 0.5 and 0.25 against overall 0.375.
    expect(demographicParityDifference(reference, 'to_overall')).toBeCloseTo(0.125, 15);
    expect(demographicParityRatio(reference, 'to_overall')).toBeCloseTo(0.25 / 0.375, 15); // 0.5/0.375 inverts to 0.75
    // TPR 0.5, 0.5 vs 0.5 (part 0); FPR 0.5, 0 vs 0.25 (part 0.25).
    expect(equalizedOddsDifference(reference, { method: 'to_overall' })).toBeCloseTo(0.25, 15);
    expect(equalizedOddsRatio(reference, { method: 'to_overall' })).toBe(0);
  });
});

describe('zero denominators', () => {
  // Group c has no positives.
  const input: MetricFrameInput = {
    yTrue: [1, 0, 1, 0, 0, 0],
    yPred: [1, 0, 1, 1, 0, 1],
    sensitiveFeatures: { g: ['a', 'a', 'a', 'a', 'c', 'c'] },
  };

  test('a group with no positives has TPR 0, as in Fairlearn (scikit-learn nan_to_num), and is listed', () => {
    const frame = metricFrame(['true_positive_rate', 'false_negative_rate', 'false_positive_rate'], input);
    const c = frame.byGroup[1]!;
    expect(c.values).toEqual({ true_positive_rate: 0, false_negative_rate: 0, false_positive_rate: 0.5 });
    expect(c.zeroDenominators).toEqual(['true_positive_rate', 'false_negative_rate']);
    expect(frame.byGroup[0]!.zeroDenominators).toEqual([]);
    expect(equalizedOddsDifference(input)).toBe(1); // TPR 1 vs 0
    expect(fairnessMetric('equal_opportunity_difference', input).value).toBe(1);
  });

  test("zeroDivision 'nan' leaves such groups out of min and max", () => {
    const frame = metricFrame(['true_positive_rate'], { ...input, zeroDivision: 'nan' });
    expect(frame.byGroup[1]!.values.true_positive_rate).toBeNaN();
    expect(equalizedOddsDifference({ ...input, zeroDivision: 'nan' })).toBe(0);
  });

  test('a ratio with every group at 0 is 0/0 = NaN; the difference is 0', () => {
    const none: MetricFrameInput = { yTrue: [1, 0, 1, 0], yPred: [0, 0, 0, 0], sensitiveFeatures: { g: ['a', 'a', 'b', 'b'] } };
    expect(demographicParityRatio(none)).toBeNaN();
    expect(demographicParityRatio(none, 'to_overall')).toBeNaN();
    expect(demographicParityDifference(none)).toBe(0);
  });

  test("equalized odds 'worst_case' follows Python's built-in max/min over [TPR part, FPR part]", () => {
    // TPR 0 in both groups (ratio 0/0 = NaN), FPR 1 and 0 (ratio 0): min([NaN, 0]) is NaN.
    const tprUndefined: MetricFrameInput = { yTrue: [1, 0, 1, 0], yPred: [0, 1, 0, 0], sensitiveFeatures: { g: ['a', 'a', 'b', 'b'] } };
    expect(equalizedOddsRatio(tprUndefined)).toBeNaN();
    expect(equalizedOddsDifference(tprUndefined)).toBe(1);
    expect(equalizedOddsRatio(tprUndefined, { agg: 'mean' })).toBe(0); // pandas mean skips NaN
    // TPR 1 and 0 (ratio 0), FPR 0 in both (NaN): min([0, NaN]) is 0.
    const fprUndefined: MetricFrameInput = { yTrue: [1, 0, 1, 0], yPred: [1, 0, 0, 0], sensitiveFeatures: { g: ['a', 'a', 'b', 'b'] } };
    expect(equalizedOddsRatio(fprUndefined)).toBe(0);
    const r = fairnessMetric('equalized_odds_ratio', fprUndefined);
    expect(r.parts.true_positive_rate).toBe(0);
    expect(r.parts.false_positive_rate).toBeNaN();
  });

  test('to_overall ratio: x/0 is ∞ and inverts to 0; 0/0 is skipped', () => {
    const frame: MetricFrame = {
      features: ['g'],
      metrics: ['selection_rate'],
      overall: { selection_rate: 0 } as MetricFrame['overall'],
      byGroup: [
        { key: { g: 'a' }, label: 'g=a', rows: 1, values: { selection_rate: 0.3 } as MetricFrame['overall'], zeroDenominators: [] },
        { key: { g: 'b' }, label: 'g=b', rows: 1, values: { selection_rate: 0 } as MetricFrame['overall'], zeroDenominators: [] },
      ],
    };
    expect(ratio(frame, 'selection_rate', 'to_overall')).toBe(0);
    expect(difference(frame, 'selection_rate', 'to_overall')).toBeCloseTo(0.3, 15);
  });
});

describe('groups', () => {
  test('several sensitive features give the full Cartesian product; empty combinations are NaN and skipped', () => {
    const input: MetricFrameInput = {
      yTrue: [1, 0, 1, 0, 1],
      yPred: [1, 1, 0, 0, 1],
      sensitiveFeatures: { s1: ['x', 'x', 'y', 'y', 'x'], s2: ['p', 'q', 'p', 'p', 'p'] },
    };
    const frame = metricFrame(['selection_rate', 'count'], input);
    expect(frame.byGroup.map((g) => [g.label, g.rows, g.values.selection_rate])).toEqual([
      ['s1=x, s2=p', 2, 1],
      ['s1=x, s2=q', 1, 1],
      ['s1=y, s2=p', 2, 0],
      ['s1=y, s2=q', 0, Number.NaN],
    ]);
    expect(frame.byGroup[3]!.values.count).toBe(0);
    expect(groupMin(frame, 'selection_rate')).toBe(0);
    expect(groupMax(frame, 'selection_rate')).toBe(1);
    expect(demographicParityDifference(input)).toBe(1);
  });

  test('numeric group values sort numerically; missing values form their own group', () => {
    const frame = metricFrame(['count'], { yTrue: [1, 0, 1, 0], yPred: [1, 0, 0, 1], sensitiveFeatures: { age: [10, 9, null, 10] } });
    expect(frame.byGroup.map((g) => g.label)).toEqual(['age=(missing)', 'age=9', 'age=10']);
    expect(frame.byGroup.map((g) => g.rows)).toEqual([1, 1, 2]);
  });

  test('weights enter the rates', () => {
    const input: MetricFrameInput = { ...reference, weights: [3, 1, 1, 1, 1, 1, 1, 1] };
    // Group a: selected rows 0 (w 3) and 3 (w 1) of weight 6 → 4/6.
    expect(metricFrame(['selection_rate'], input).byGroup[0]!.values.selection_rate).toBeCloseTo(4 / 6, 15);
  });

  test('input errors: no feature, lengths, labels that need a positive label', () => {
    expect(() => metricFrame(['count'], { yTrue: [1], yPred: [1], sensitiveFeatures: {} })).toThrow(/sensitive feature/);
    expect(() => metricFrame(['count'], { yTrue: [1, 0], yPred: [1, 0], sensitiveFeatures: { g: ['a'] } })).toThrow(/different lengths/);
    expect(() => metricFrame(['selection_rate'], { yTrue: ['y', 'n'], yPred: ['y', 'y'], sensitiveFeatures: { g: ['a', 'b'] } })).toThrow(
      /\{0, 1\}/,
    );
    const named = metricFrame(['selection_rate'], { yTrue: ['y', 'n'], yPred: ['y', 'n'], sensitiveFeatures: { g: ['a', 'b'] }, posLabel: 'y' });
    expect(named.byGroup.map((g) => g.values.selection_rate)).toEqual([1, 0]);
  });
});
