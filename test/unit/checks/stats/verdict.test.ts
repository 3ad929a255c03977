import type { EvaluationSet } from '../../../../shared/src/checks/stats/evaluation-set';
import { parseCheckRules } from '../../../../shared/src/checks/stats/rules';
import { evaluateChecks, formatValue, meets } from '../../../../shared/src/checks/stats/verdict';

const REGIONS = ['eu', 'us', 'apac'];

/**
 * 1200 rows, 400 per region, labels alternating 0/1. The champion is right on 16 rows in 20 everywhere (0.80).
 * The challenger is right on 17 in 20 in eu and apac (0.85) but only 13 in 20 in us (0.65): overall it is
 * 0.05/3 ≈ 0.017 worse, within a 0.05 margin, while in us it is 0.15 worse.
 */
function regionalSet(): EvaluationSet {
  const labels: number[] = [];
  const champion: number[] = [];
  const challenger: number[] = [];
  const region: string[] = [];
  for (let i = 0; i < 1200; i++) {
    const r = REGIONS[Math.floor(i / 400)]!;
    const j = i % 20;
    const y = i % 2;
    labels.push(y);
    region.push(r);
    champion.push(j < 16 ? y : 1 - y);
    challenger.push(j < (r === 'us' ? 13 : 17) ? y : 1 - y);
  }
  return { task: 'classification', labels, champion: { predictions: champion }, challenger: { predictions: challenger }, columns: { region } };
}

describe('evaluateChecks', () => {
  test('a challenger that regresses on one slice only fails, naming the slice', () => {
    const rules = parseCheckRules([{ metric: 'accuracy', margin: 0.05, ci: 0.95, slices: ['region'], seed: 7 }]);
    const verdict = evaluateChecks(rules, regionalSet());
    expect(verdict.rows.map((r) => [r.slice, r.rows, r.passed])).toEqual([
      // Slices in sorted order of their values.
      [undefined, 1200, true],
      ['region=apac', 400, true],
      ['region=eu', 400, true],
      ['region=us', 400, false],
    ]);
    expect(verdict.passed).toBe(false);
    expect(verdict.failed).toHaveLength(1);
    const us = verdict.failed[0]!;
    expect(us).toMatchObject({ check: 'accuracy vs champion', slice: 'region=us', op: '>=', threshold: -0.05, skipped: false });
    expect(us.measured).toBeCloseTo(-0.15, 12);
    expect(us.ci![1]).toBeLessThan(-0.1);
    expect(us.detail).toMatch(/challenger 0\.65 − champion 0\.8 = −0\.15; 95% CI \[−0\.\d+, −0\.\d+\] \(paired bootstrap, B=2000, seed \d+\)/);
    expect(us.detail).toMatch(/lower bound −0\.\d+ is not >= −0\.05: the challenger may be worse than the champion by more than the margin/);
    const overall = verdict.rows[0]!;
    expect(overall.measured).toBeCloseTo(-0.05 / 3, 12);
    expect(overall.ci![0]).toBeGreaterThan(-0.05);
    expect(overall.ci![0]).toBeLessThan(overall.measured);
  });

  test('the verdict is reproducible: same rules and data, same intervals; slices get their own seeds', () => {
    const rules = parseCheckRules([{ metric: 'accuracy', margin: 0.05, slices: ['region'], resamples: 500 }]);
    const a = evaluateChecks(rules, regionalSet());
    const b = evaluateChecks(rules, regionalSet());
    expect(a.rows.map((r) => r.ci)).toEqual(b.rows.map((r) => r.ci));
    const seeds = a.rows.map((r) => /seed (\d+)/.exec(r.detail)![1]);
    expect(seeds[0]).toBe('0');
    expect(new Set(seeds).size).toBe(4);
  });

  test('McNemar: not significant overall, significantly worse in us, significantly better in eu', () => {
    const verdict = evaluateChecks(parseCheckRules([{ test: 'mcnemar', slices: ['region'] }]), regionalSet());
    const [overall, , eu, us] = verdict.rows;
    // Overall b = 60 (us), c = 40 (eu, apac): corrected χ² (19²/100 = 3.61), p ≈ 0.0574.
    expect(overall!.detail).toMatch(/b=60, .* c=40; chi2 \(continuity corrected\) p=0\.05743/);
    expect(overall!.passed).toBe(true);
    expect(eu!.detail).toMatch(/b=0, .* c=20; exact p=1\.907e-6; significant at alpha 0\.05, in the challenger's favour/);
    expect(eu!.passed).toBe(true);
    expect(us!.passed).toBe(false);
    expect(us!.detail).toMatch(/b=60, .* c=0; .*the challenger is significantly less accurate/);
    expect(verdict.failed.map((r) => r.slice)).toEqual(['region=us']);
  });

  test('absolute thresholds and prediction agreement', () => {
    const verdict = evaluateChecks(
      parseCheckRules([
        { metric: 'accuracy', threshold: 0.7, slices: ['region'] },
        { metric: 'accuracy', threshold: 0.8, model: 'champion' },
        { metric: 'prediction_agreement', threshold: 0.9 },
      ]),
      regionalSet(),
    );
    expect(verdict.rows.map((r) => [r.check, r.slice, r.passed])).toEqual([
      ['accuracy', undefined, true],
      ['accuracy', 'region=apac', true],
      ['accuracy', 'region=eu', true],
      ['accuracy', 'region=us', false],
      ['accuracy (champion)', undefined, true],
      ['prediction agreement', undefined, true],
    ]);
    expect(verdict.rows[3]!.detail).toBe('0.65 is not >= 0.7');
    expect(verdict.rows[5]!.measured).toBeCloseTo(1100 / 1200, 15);
  });

  test('without a champion, champion rules are skipped and pass; absolute rules still apply', () => {
    const { champion: _, ...first } = regionalSet();
    const verdict = evaluateChecks(
      parseCheckRules([{ metric: 'accuracy', margin: 0.01 }, { test: 'mcnemar' }, { metric: 'accuracy', threshold: 0.9 }]),
      first,
    );
    expect(verdict.rows.map((r) => [r.passed, r.skipped])).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
    expect(verdict.rows[0]!.detail).toBe('no champion to compare with');
  });

  test('an undefined metric fails its row; small slices can be skipped with min_rows', () => {
    // In slice b every label is 0: AUC is not defined there.
    const set: EvaluationSet = {
      task: 'classification',
      labels: [1, 0, 1, 0, 0, 0, 1, 0],
      challenger: { scores: [0.9, 0.2, 0.8, 0.3, 0.6, 0.1, 0.7, 0.4] },
      champion: { scores: [0.8, 0.3, 0.7, 0.2, 0.5, 0.2, 0.6, 0.5] },
      columns: { part: ['a', 'a', 'a', 'a', 'b', 'b', 'c', 'c'] },
    };
    const verdict = evaluateChecks(parseCheckRules([{ metric: 'auc', threshold: 0.7, slices: ['part'] }]), set);
    const b = verdict.rows.find((r) => r.slice === 'part=b')!;
    expect(b).toMatchObject({ passed: false, skipped: false });
    expect(b.measured).toBeNaN();
    expect(b.detail).toBe('roc_auc (the rows hold only one class) is not defined on these rows');
    const skipping = evaluateChecks(parseCheckRules([{ metric: 'auc', threshold: 0.7, slices: ['part'], min_rows: 3 }]), set);
    expect(skipping.rows.map((r) => [r.slice, r.passed, r.skipped])).toEqual([
      [undefined, true, false],
      ['part=a', true, false],
      ['part=b', true, true],
      ['part=c', true, true],
    ]);
    expect(skipping.rows[2]!.detail).toBe('2 rows, fewer than min_rows 3');
  });

  test('AUC against the champion with DeLong and point intervals, and the score distribution', () => {
    const set: EvaluationSet = {
      task: 'classification',
      labels: [1, 1, 1, 1, 0, 0, 0, 0, 0, 1],
      challenger: { scores: [0.9, 0.8, 0.7, 0.4, 0.5, 0.3, 0.2, 0.1, 0.6, 0.65] },
      champion: { scores: [0.6, 0.7, 0.4, 0.3, 0.5, 0.35, 0.2, 0.45, 0.1, 0.8] },
    };
    const verdict = evaluateChecks(
      parseCheckRules([
        { metric: 'auc', interval: 'delong', margin: 0 },
        { metric: 'auc', interval: 'point', margin: 0 },
        { metric: 'score_jsd', threshold: 0.1 },
      ]),
      set,
    );
    const [delong, point, jsd] = verdict.rows;
    expect(delong!.measured).toBeCloseTo(0.12, 14);
    expect(delong!.ci![0]).toBeCloseTo(0.12 - 1.959963984540054 * Math.sqrt(0.0168), 9);
    expect(delong!.passed).toBe(false); // the lower bound is below 0: not shown to be no worse
    expect(delong!.detail).toMatch(/DeLong, p=0\.3545/);
    expect(point!.passed).toBe(true);
    expect(point!.ci).toBeUndefined();
    expect(point!.detail).toMatch(/point estimate\); difference \+0\.12 >= \+0/);
    expect(jsd!.kind).toBe('score_divergence');
    expect(Number.isFinite(jsd!.measured)).toBe(true);
    expect(jsd!.detail).toMatch(/\(base 2, 5 bins\)$/); // ⌈log2(10) + 1⌉ = 5
  });

  test('fairness rules: Fairlearn values, the groups at the extremes, and zero-denominator notes', () => {
    const set: EvaluationSet = {
      task: 'classification',
      labels: [1, 1, 0, 0, 1, 0, 1, 0, 0, 0],
      challenger: { predictions: [1, 0, 0, 1, 1, 0, 0, 0, 1, 0] },
      columns: { A: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c'] },
    };
    const verdict = evaluateChecks(
      parseCheckRules([
        { metric: 'demographic_parity_difference', sensitive: ['A'], threshold: 0.1 },
        { metric: 'equalized_odds_difference', sensitive: ['A'], threshold: 0.6 },
      ]),
      set,
    );
    const [dpd, eod] = verdict.rows;
    // Selection rates a 0.5, b 0.25, c 0.5.
    expect(dpd).toMatchObject({ check: 'demographic_parity_difference by A', measured: 0.25, op: '<=', threshold: 0.1, passed: false });
    expect(dpd!.detail).toBe('0.25 is not <= 0.1 (between_groups); selection_rate max 0.5 (A=a; A=c), min 0.25 (A=b)');
    // Group c has no positives: TPR 0 as in Fairlearn, so the TPR part is 0.5 − 0 = 0.5; FPR part 0.5 − 0 = 0.5.
    expect(eod).toMatchObject({ measured: 0.5, passed: true });
    expect(eod!.detail).toMatch(/A=c has no positives: its true_positive_rate is taken as 0 \(Fairlearn\)/);
    expect(verdict.failed).toEqual([dpd]);
  });

  test('input problems are reported before anything is computed', () => {
    const set = regionalSet();
    expect(() => evaluateChecks(parseCheckRules([{ metric: 'accuracy', threshold: 0.5, slices: ['country'] }]), set)).toThrow(
      /no column 'country'/,
    );
    expect(() => evaluateChecks(parseCheckRules([{ metric: 'rmse', threshold: 1 }]), set)).toThrow(/regression/);
    expect(() => evaluateChecks([], { ...set, challenger: { predictions: [1] } })).toThrow(/1 predictions for 1200 labels/);
    expect(() => evaluateChecks(parseCheckRules([{ metric: 'score_jsd', threshold: 0.1 }]), set)).toThrow(/scores/);
  });
});

describe('comparison and formatting helpers', () => {
  test('a relative tolerance of 1e-9; NaN never meets a threshold', () => {
    expect(meets(0.1 + 0.2, '<=', 0.3)).toBe(true);
    expect(meets(0.30000001, '<=', 0.3)).toBe(false);
    expect(meets(0.3, '<', 0.3)).toBe(false);
    expect(meets(Number.NaN, '>=', 0)).toBe(false);
  });

  test('values print with four significant digits and a real minus sign', () => {
    expect(formatValue(-0.0123456)).toBe('−0.01235');
    expect(formatValue(0.05, true)).toBe('+0.05');
    expect(formatValue(Number.NaN)).toBe('undefined');
    expect(formatValue(1.907348632812e-6)).toBe('1.907e-6');
    expect(formatValue(1e-5)).toBe('1e-5');
    expect(formatValue(0)).toBe('0');
  });
});
