import { StepError } from '../../../shared/src/core/errors';
import { describeThreshold, parseGateRules } from '../../../shared/src/gate/rules';

function parseError(text: string): StepError {
  try {
    parseGateRules(text, 'gate');
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe('parseGateRules', () => {
  test('constants and champion thresholds, with every operator', () => {
    const rules = parseGateRules('accuracy >= champion - 0.01\nrmse <= 2.5\nauc>0.8\nf1 > champion\nlatency_ms <= champion * 1.1\nloss < 0.3\nclasses == 2', 'gate');
    expect(rules.map((r) => [r.metric, r.operator, r.threshold])).toEqual([
      ['accuracy', '>=', { kind: 'champion', metric: 'accuracy', adjust: { operator: '-', operand: 0.01 } }],
      ['rmse', '<=', { kind: 'constant', value: 2.5 }],
      ['auc', '>', { kind: 'constant', value: 0.8 }],
      ['f1', '>', { kind: 'champion', metric: 'f1' }],
      ['latency_ms', '<=', { kind: 'champion', metric: 'latency_ms', adjust: { operator: '*', operand: 1.1 } }],
      ['loss', '<', { kind: 'constant', value: 0.3 }],
      ['classes', '==', { kind: 'constant', value: 2 }],
    ]);
    expect(rules[0]!.text).toBe('accuracy >= champion - 0.01');
  });

  test('rules separated by semicolons, commas and lines; comments and blanks skipped', () => {
    const rules = parseGateRules('# quality\naccuracy >= 0.9; auc >= 0.8,  rmse <= 3 # error\n\n  ;\n', 'gate');
    expect(rules.map((r) => r.text)).toEqual(['accuracy >= 0.9', 'auc >= 0.8', 'rmse <= 3']);
  });

  test('empty text gives no rules', () => {
    expect(parseGateRules('', 'gate')).toEqual([]);
    expect(parseGateRules('  \n# nothing\n', 'gate')).toEqual([]);
  });

  test('champion.<metric> names another metric; hyphens inside names; division and addition', () => {
    const [a, b, c, d] = parseGateRules('auc >= champion.auc_macro + 0.005; f1-score >= champion.f1-score - 0.02; t <= champion / 2; x >= CHAMPION', 'g');
    expect(a!.threshold).toEqual({ kind: 'champion', metric: 'auc_macro', adjust: { operator: '+', operand: 0.005 } });
    expect(b!.metric).toBe('f1-score');
    expect(b!.threshold).toEqual({ kind: 'champion', metric: 'f1-score', adjust: { operator: '-', operand: 0.02 } });
    expect(c!.threshold).toEqual({ kind: 'champion', metric: 't', adjust: { operator: '/', operand: 2 } });
    expect(d!.threshold).toEqual({ kind: 'champion', metric: 'x' });
  });

  test('metric names with dots, slashes and colons; signed and exponent numbers', () => {
    const [a, b, c] = parseGateRules('val/accuracy >= .9; metrics.loss:avg < 1e-3; delta > -0.5', 'g');
    expect(a).toMatchObject({ metric: 'val/accuracy', threshold: { kind: 'constant', value: 0.9 } });
    expect(b).toMatchObject({ metric: 'metrics.loss:avg', threshold: { kind: 'constant', value: 0.001 } });
    expect(c).toMatchObject({ metric: 'delta', threshold: { kind: 'constant', value: -0.5 } });
  });

  test.each([
    ['accuracy', /rule 'accuracy': expected an operator/],
    ['accuracy 0.9', /expected an operator \(>=, <=, >, <, ==\) after 'accuracy'/],
    ['accuracy = 0.9', /operator '=' is not supported; did you mean '=='\?/],
    ['accuracy => 0.9', /did you mean '>='\?/],
    ['accuracy != 0.9', /operator '!=' is not supported/],
    ['accuracy >= ', /expected a number or 'champion' after '>='$/],
    ['accuracy >= high', /expected a number or 'champion' after '>=', got 'high'/],
    ['accuracy >= champion -', /expected a number after 'champion -'/],
    ['accuracy >= champion - x', /expected a number after 'champion -'/],
    ['accuracy >= champion / 0', /cannot divide by zero/],
    ['accuracy >= champion.', /expected a metric name after 'champion.'/],
    ['accuracy >= 0.9 extra', /unexpected 'extra' at the end/],
    ['accuracy >= 0.9 0.8', /unexpected '0.8' at the end/],
    ['>= 0.9', /expected a metric name first/],
    ['accuracy >= champion_score', /expected a number or 'champion'/],
  ])('%s is rejected with a reason', (text, reason) => {
    const e = parseError(text);
    expect(e.kind).toBe('input');
    expect(e.input).toBe('gate');
    expect(e.message).toMatch(/^Input 'gate': /);
    expect(e.message).toMatch(reason);
    expect(e.hint).toMatch(/champion/);
  });

  test('errors say which rule when there are several', () => {
    const e = parseError('auc >= 0.8\nrmse <<= 2');
    expect(e.message).toMatch(/^Input 'gate': rule 2 'rmse <<= 2': /);
  });

  test('describeThreshold renders the right side as written', () => {
    const [a, b, c] = parseGateRules('auc >= champion.auc_macro - 0.01; f1 > champion; rmse <= 2.5', 'g');
    expect(describeThreshold(a!.threshold, 'auc')).toBe('champion.auc_macro - 0.01');
    expect(describeThreshold(b!.threshold, 'f1')).toBe('champion');
    expect(describeThreshold(c!.threshold, 'rmse')).toBe('2.5');
  });
});
