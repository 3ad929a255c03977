import { parse } from 'yaml';
import { parseCheckRules } from '../../../../shared/src/checks/stats/rules';

describe('parseCheckRules', () => {
  test('a model metric without a threshold is judged against the champion, with defaults filled in', () => {
    const [rule] = parseCheckRules([{ metric: 'auc', op: '>=', margin: 0.01, ci: 0.95, slices: ['region'] }]);
    expect(rule).toEqual({
      kind: 'versus_champion',
      metric: 'roc_auc',
      op: '>=',
      margin: 0.01,
      interval: 'bootstrap',
      ci: 0.95,
      resamples: 2000,
      seed: 0,
      slices: ['region'],
      min_rows: 1,
    });
    // A metric where lower is better compares the upper bound by default.
    expect(parseCheckRules([{ metric: 'log_loss', margin: 0.02 }])[0]).toMatchObject({ kind: 'versus_champion', op: '<=', margin: 0.02 });
    expect(parseCheckRules([{ metric: 'f1', versus: 'champion' }])[0]).toMatchObject({ kind: 'versus_champion', margin: 0, ci: 0.95 });
  });

  test('with a threshold it is an absolute check, the operator following the metric direction', () => {
    const rules = parseCheckRules([
      { metric: 'accuracy', threshold: 0.8 },
      { metric: 'rmse', threshold: 2.5, slices: 'region', min_rows: 30 },
      { metric: 'recall', threshold: 0.5, op: '>', model: 'champion' },
    ]);
    expect(rules[0]).toEqual({ kind: 'threshold', metric: 'accuracy', op: '>=', threshold: 0.8, model: 'challenger', slices: [], min_rows: 1 });
    expect(rules[1]).toMatchObject({ kind: 'threshold', metric: 'rmse', op: '<=', slices: ['region'], min_rows: 30 });
    expect(rules[2]).toMatchObject({ op: '>', model: 'champion' });
  });

  test('McNemar, agreement, score divergence and fairness rules', () => {
    const rules = parseCheckRules([
      { test: 'mcnemar' },
      { metric: 'prediction_agreement', threshold: 0.9 },
      { metric: 'score_jsd', threshold: 0.1, bins: 20 },
      { metric: 'demographic_parity_difference', sensitive: 'sex', threshold: 0.1 },
      { metric: 'equalized_odds_ratio', sensitive: ['sex', 'age_band'], threshold: 0.8, method: 'to_overall', agg: 'mean' },
    ]);
    expect(rules[0]).toEqual({ kind: 'mcnemar', alpha: 0.05, method: 'auto', slices: [], min_rows: 1 });
    expect(rules[1]).toMatchObject({ kind: 'agreement', op: '>=', threshold: 0.9 });
    expect(rules[2]).toMatchObject({ kind: 'score_divergence', op: '<=', threshold: 0.1, bins: 20 });
    expect(rules[3]).toEqual({
      kind: 'fairness',
      metric: 'demographic_parity_difference',
      sensitive: ['sex'],
      op: '<=',
      threshold: 0.1,
      method: 'between_groups',
      agg: 'worst_case',
      model: 'challenger',
      zero_division: 'fairlearn',
    });
    expect(rules[4]).toMatchObject({ op: '>=', method: 'to_overall', agg: 'mean', sensitive: ['sex', 'age_band'] });
  });

  test('a YAML policy maps onto the rules, and normalized rules read back unchanged', () => {
    const policy = parse(`
rules:
  - metric: auc
    margin: 0.01
    slices: [region]
  - test: mcnemar
    alpha: 0.01
  - metric: demographic_parity_difference
    sensitive: [sex]
    threshold: 0.1
  - metric: prediction_agreement
    threshold: 0.95
  - metric: score_jsd
    threshold: 0.1
  - metric: mae
    threshold: 3
`) as { rules: unknown };
    const rules = parseCheckRules(policy.rules, 'policy.rules');
    expect(rules.map((r) => r.kind)).toEqual(['versus_champion', 'mcnemar', 'fairness', 'agreement', 'score_divergence', 'threshold']);
    expect(parseCheckRules(JSON.parse(JSON.stringify(rules)))).toEqual(rules);
  });

  test('mistakes are input errors naming the rule', () => {
    const bad = (raw: unknown) => () => parseCheckRules([{ metric: 'accuracy', threshold: 0.8 }, raw]);
    expect(bad({ metric: 'accuracy', treshold: 0.8 })).toThrow(/rules\[1\]: unknown key 'treshold'/);
    expect(bad({ metric: 'acuracy', threshold: 0.8 })).toThrow(/unknown metric 'acuracy'/);
    expect(bad({ metric: 'accuracy', threshold: 0.8, margin: 0.1 })).toThrow(/either 'threshold'/);
    expect(bad({ metric: 'accuracy', threshold: '0.8' })).toThrow(/'threshold' must be a number/);
    expect(bad({ metric: 'accuracy', op: '=>', threshold: 0.8 })).toThrow(/'op' must be one of/);
    expect(bad({ metric: 'demographic_parity_ratio', threshold: 0.8 })).toThrow(/needs 'sensitive'/);
    expect(bad({ metric: 'demographic_parity_ratio', threshold: 0.8, sensitive: ['sex'], slices: ['region'] })).toThrow(/take no 'slices'/);
    expect(bad({ metric: 'accuracy', interval: 'delong' })).toThrow(/roc_auc only/);
    expect(bad({ metric: 'auc', ci: 95 })).toThrow(/'ci' must be between 0 and 1/);
    expect(bad({ metric: 'auc', resamples: 10.5 })).toThrow(/whole number/);
    expect(bad({ metric: 'auc', versus: 'champion', threshold: 0.8 })).toThrow(/use 'margin'/);
    expect(bad({ metric: 'accuracy', threshold: 0.8, kind: 'fairness' })).toThrow(/does not match/);
    expect(bad({ metric: 'prediction_agreement' })).toThrow(/'threshold' is required/);
    expect(bad('accuracy >= 0.8')).toThrow(/a mapping/);
    expect(bad({ threshold: 0.8 })).toThrow(/needs a 'metric'/);
    expect(() => parseCheckRules({ metric: 'auc' })).toThrow(/a list of rules/);
    expect(parseCheckRules(undefined)).toEqual([]);
  });
});
