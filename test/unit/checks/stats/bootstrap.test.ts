import { drawCounts, pairedBootstrap, quantileSorted } from '../../../../shared/src/checks/stats/bootstrap';
import type { EvaluationSet } from '../../../../shared/src/checks/stats/evaluation-set';
import { computeMetric, prepareMetric } from '../../../../shared/src/checks/stats/metrics';
import { Xoshiro128 } from '../../../../shared/src/checks/stats/prng';

/**
 * 1000 rows: the champion is right on rows 0–799 (accuracy 0.80), the challenger on rows 0–749 and 800–899
 * (0.85). The true difference on this population is exactly +0.05; b = 50, c = 100, so the per-row difference
 * has variance 0.15 − 0.05² and the standard error is √(0.1475/1000) ≈ 0.01215.
 */
function constructed(): EvaluationSet {
  const n = 1000;
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const flip = (y: number) => 1 - y;
  const champion = labels.map((y, i) => (i < 800 ? y : flip(y)));
  const challenger = labels.map((y, i) => (i < 750 || (i >= 800 && i < 900) ? y : flip(y)));
  return { task: 'classification', labels, challenger: { predictions: challenger }, champion: { predictions: champion } };
}

function accuracyBootstrap(seed: number, resamples = 2000) {
  const set = constructed();
  return pairedBootstrap(prepareMetric('accuracy', set, 'challenger'), prepareMetric('accuracy', set, 'champion'), 1000, { seed, resamples });
}

describe('paired bootstrap', () => {
  test('the same seed gives the same interval', () => {
    const a = accuracyBootstrap(11);
    const b = accuracyBootstrap(11);
    expect(a.ci).toEqual(b.ci);
    expect(a.standardError).toBe(b.standardError);
    expect(a).toMatchObject({ seed: 11, resamples: 2000, method: 'percentile', confidence: 0.95, redrawn: 0 });
  });

  test('different seeds give different intervals, both covering the true difference +0.05', () => {
    const a = accuracyBootstrap(11);
    const b = accuracyBootstrap(12);
    expect(a.ci).not.toEqual(b.ci);
    for (const r of [a, b]) {
      expect(r.estimate).toBeCloseTo(0.05, 12);
      expect(r.challengerValue).toBeCloseTo(0.85, 12);
      expect(r.championValue).toBeCloseTo(0.8, 12);
      expect(r.ci[0]).toBeLessThan(0.05);
      expect(r.ci[1]).toBeGreaterThan(0.05);
      // Close to the normal interval 0.05 ± 1.96 · 0.01215, and excluding 0 (the challenger is truly better).
      expect(r.ci[0]).toBeGreaterThan(0.015);
      expect(r.ci[0]).toBeLessThan(0.035);
      expect(r.ci[1]).toBeGreaterThan(0.065);
      expect(r.ci[1]).toBeLessThan(0.085);
      expect(r.standardError).toBeGreaterThan(0.0121 * 0.9);
      expect(r.standardError).toBeLessThan(0.0121 * 1.1);
    }
  });

  test('AUC resamples with a single class are drawn again and counted', () => {
    // One positive in twelve rows: about 1 resample in 3 draws no positive.
    const labels = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const set: EvaluationSet = {
      task: 'classification',
      labels,
      challenger: { scores: [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.1, 0.2, 0.3, 0.4, 0.95] },
      champion: { scores: [0.8, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.2, 0.3, 0.4, 0.5] },
    };
    const chall = prepareMetric('roc_auc', set, 'challenger');
    const champ = prepareMetric('roc_auc', set, 'champion');
    const r = pairedBootstrap(chall, champ, 12, { resamples: 300, seed: 3 });
    expect(r.redrawn).toBeGreaterThan(50);
    expect(Number.isFinite(r.ci[0]) && Number.isFinite(r.ci[1])).toBe(true);
    const capped = pairedBootstrap(chall, champ, 12, { resamples: 300, seed: 3, maxRedraws: 0 });
    expect(capped.ci[0]).toBeNaN();
  });

  test('an undefined estimate gives an undefined interval; bad options are refused', () => {
    const nan = () => Number.NaN;
    expect(pairedBootstrap(nan, () => 0, 5).ci.every(Number.isNaN)).toBe(true);
    expect(() => pairedBootstrap(() => 0, () => 0, 5, { resamples: 0 })).toThrow(/resamples/);
    expect(() => pairedBootstrap(() => 0, () => 0, 5, { confidence: 1 })).toThrow(/confidence/);
  });

  test('draws are n rows with replacement', () => {
    const counts = drawCounts(Xoshiro128.fromSeed(5), 50);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(counts.some((c) => c === 0)).toBe(true); // ≈ 37% of rows are left out of a draw
  });

  test('percentiles interpolate linearly like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 15);
    expect(quantileSorted(Array.from({ length: 10 }, (_, i) => i + 1), 0.975)).toBeCloseTo(9.775, 12);
    expect(quantileSorted([7], 0.5)).toBe(7);
  });
});

describe('metrics on an evaluation set', () => {
  const set: EvaluationSet = {
    task: 'classification',
    labels: [1, 0, 1, 1, 0, 0],
    challenger: { scores: [0.9, 0.6, 0.4, 0.7, 0.2, 0.5] },
  };

  test('predictions come from scores at the decision threshold when absent', () => {
    // Predicted 1, 1, 0, 1, 0, 1 at 0.5: TP 2, FP 2, FN 1, TN 1.
    expect(computeMetric('accuracy', set)).toBeCloseTo(3 / 6, 15);
    expect(computeMetric('precision', set)).toBeCloseTo(2 / 4, 15);
    expect(computeMetric('recall', set)).toBeCloseTo(2 / 3, 15);
    expect(computeMetric('false_positive_rate', set)).toBeCloseTo(2 / 3, 15);
    expect(computeMetric('selection_rate', set)).toBeCloseTo(4 / 6, 15);
    expect(computeMetric('roc_auc', set)).toBeCloseTo(7 / 9, 15);
    expect(computeMetric('precision', { ...set, decisionThreshold: 0.65 })).toBe(1);
  });

  test('bootstrap weights equal an evaluation on the repeated rows', () => {
    const counts = [2, 0, 1, 3, 1, 0];
    const rows = counts.flatMap((c, i) => new Array<number>(c).fill(i));
    const repeated: EvaluationSet = {
      task: 'classification',
      labels: rows.map((i) => set.labels[i]!),
      challenger: { scores: rows.map((i) => set.challenger.scores![i]!) },
    };
    for (const m of ['accuracy', 'f1', 'roc_auc', 'log_loss'] as const) {
      expect(prepareMetric(m, set, 'challenger')(counts)).toBeCloseTo(computeMetric(m, repeated), 14);
    }
  });

  test('a metric of the wrong task or without what it needs is an input error', () => {
    expect(() => computeMetric('rmse', set)).toThrow(/regression/);
    expect(() => computeMetric('f1_macro', set)).toThrow(/predictions/);
    expect(() => computeMetric('roc_auc', { ...set, challenger: { predictions: [1, 0, 1, 1, 0, 0] } })).toThrow(/scores/);
    expect(() => computeMetric('accuracy', set, 'champion')).toThrow(/no champion/);
  });
});
