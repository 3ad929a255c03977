import { accuracy, f1, logLoss, precision, recall, rocAuc } from '../../../../shared/src/checks/stats/classification';
import { mae, mse, r2, rmse } from '../../../../shared/src/checks/stats/regression';

describe('accuracy, precision, recall, F1', () => {
  // TP = 3 (rows 0, 1, 5), FN = 1 (row 2), FP = 2 (rows 3, 6), TN = 2 (rows 4, 7).
  const y = [1, 1, 1, 0, 0, 1, 0, 0];
  const p = [1, 1, 0, 1, 0, 1, 1, 0];

  test('hand-computed binary case', () => {
    expect(accuracy(y, p)).toBeCloseTo(5 / 8, 15);
    expect(precision(y, p)).toBeCloseTo(3 / 5, 15);
    expect(recall(y, p)).toBeCloseTo(3 / 4, 15);
    expect(f1(y, p)).toBeCloseTo(6 / 9, 15); // 2TP / (2TP + FP + FN)
  });

  test('weights count rows that many times', () => {
    const w = [2, 1, 1, 1, 1, 1, 1, 3];
    const repeat = (a: number[]) => a.flatMap((v, i) => new Array<number>(w[i]!).fill(v));
    const yy = repeat(y);
    const pp = repeat(p);
    expect(yy).toHaveLength(11);
    expect(accuracy(y, p, w)).toBeCloseTo(accuracy(yy, pp), 15);
    expect(precision(y, p, { weights: w })).toBeCloseTo(precision(yy, pp), 15);
    expect(recall(y, p, { weights: w })).toBeCloseTo(recall(yy, pp), 15);
  });

  test('zero denominators give 0, as scikit-learn does by default', () => {
    expect(precision([1, 0], [0, 0])).toBe(0); // nothing predicted positive
    expect(recall([0, 0], [1, 0])).toBe(0); // no positives
    expect(f1([0, 0], [0, 0])).toBe(0);
  });

  test('labels: booleans equal 0/1, {-1, 1} is accepted, anything else needs posLabel', () => {
    expect(precision([true, true, false], [1, 0, 1])).toBeCloseTo(0.5, 15);
    expect(recall([-1, 1, 1], [1, 1, -1])).toBeCloseTo(0.5, 15);
    expect(() => recall(['yes', 'no'], ['yes', 'yes'])).toThrow(/\{0, 1\} or \{-1, 1\}/);
    expect(recall(['yes', 'no', 'yes'], ['yes', 'yes', 'no'], { posLabel: 'yes' })).toBeCloseTo(0.5, 15);
    // A string "1" is not the number 1.
    expect(() => recall(['1', '0'], ['1', '1'])).toThrow(/posLabel|positive label/);
    expect(() => precision([0, 1, 2], [0, 1, 2])).toThrow(/at most two distinct labels/);
    expect(() => recall(['yes', 'no'], ['yes', 'no'], { posLabel: 'Yes' })).toThrow(/positive label Yes is not among the labels yes, no/);
    expect(recall(['no', 'no'], ['no', 'no'], { posLabel: 'yes' })).toBe(0); // one class without the positive label
  });

  test('macro averaging over three classes (and accuracy for any labels)', () => {
    const yt = ['a', 'a', 'b', 'b', 'c', 'c'];
    const yp = ['a', 'b', 'b', 'b', 'c', 'a'];
    // a: P 1/2 R 1/2; b: P 2/3 R 1; c: P 1 R 1/2.
    expect(precision(yt, yp, { average: 'macro' })).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 15);
    expect(recall(yt, yp, { average: 'macro' })).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 15);
    expect(f1(yt, yp, { average: 'macro' })).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 15);
    expect(accuracy(yt, yp)).toBeCloseTo(4 / 6, 15);
  });

  test('mismatched lengths are an input error', () => {
    expect(() => accuracy([1, 0], [1])).toThrow(/different lengths/);
  });
});

describe('ROC AUC', () => {
  test("scikit-learn's documented example", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 15);
  });

  test('ties count one half (hand-computed)', () => {
    // Positives 0.5, 0.9, 0.5; negatives 0.5, 0.2: pairs 0.5, 1, 1, 1, 0.5, 1 → 5/6.
    expect(rocAuc([0, 1, 0, 1, 1], [0.5, 0.5, 0.2, 0.9, 0.5])).toBeCloseTo(5 / 6, 15);
    expect(rocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  test('agrees with the Mann-Whitney U statistic on a case with many ties', () => {
    // scipy.stats.mannwhitneyu(pos, neg).statistic = 44 with 8 positives and 7 negatives.
    const y = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1];
    const s = [0.2, 0.7, 0.7, 0.7, 0.4, 0.1, 0.4, 0.9, 0.4, 0.3, 0.55, 0.2, 0.55, 0.05, 1.0];
    expect(rocAuc(y, s)).toBeCloseTo(44 / 56, 15);
    // Reversed scores give 1 − AUC.
    expect(rocAuc(y, s.map((v) => -v))).toBeCloseTo(1 - 44 / 56, 15);
  });

  test('weights equal repeated rows; one class gives NaN; non-finite scores are refused', () => {
    const auc = rocAuc([0, 1, 0, 1], [0.2, 0.6, 0.6, 0.1], { weights: [1, 2, 1, 3] });
    expect(auc).toBeCloseTo(rocAuc([0, 1, 1, 0, 1, 1, 1], [0.2, 0.6, 0.6, 0.6, 0.1, 0.1, 0.1]), 15);
    expect(rocAuc([1, 1, 1], [0.2, 0.3, 0.4])).toBeNaN();
    expect(() => rocAuc([0, 1], [0.2, Number.NaN])).toThrow(/finite/);
  });
});

describe('log loss', () => {
  test('hand-computed and clipped like scikit-learn', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    // numpy with np.clip(p, eps, 1 − eps): 12.29381408219549 (a 1.0 for a negative and a 0.0 for a positive).
    expect(logLoss([1, 0, 1, 1, 0, 1], [0.9, 0.2, 0.65, 0.4, 1.0, 0.0])).toBeCloseTo(12.29381408219549, 12);
    expect(() => logLoss([1, 0], [1.2, 0.1])).toThrow(/\[0, 1\]/);
  });
});

describe('regression metrics', () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];

  test("scikit-learn's documented examples", () => {
    expect(mae(y, p)).toBeCloseTo(0.5, 15);
    expect(mse(y, p)).toBeCloseTo(0.375, 15);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(r2(y, p)).toBeCloseTo(0.9486081370449679, 14);
  });

  test('weighted (numpy np.average with weights)', () => {
    const w = [1, 2, 0.5, 1.5];
    expect(mae(y, p, w)).toBeCloseTo(0.6, 14);
    expect(rmse(y, p, w)).toBeCloseTo(0.6708203932499369, 14);
    expect(r2(y, p, w)).toBeCloseTo(0.9536560247167868, 14);
  });

  test('R² on constant truth is 1 when perfect, else 0; fewer than two rows is NaN', () => {
    expect(r2([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2([2, 2, 2], [2, 2, 3])).toBe(0);
    expect(r2([2], [2])).toBeNaN();
    expect(() => mae([1, Number.NaN], [1, 2])).toThrow(/finite number/);
  });
});
