import { evaluateGate, type GateChampion } from '../../../shared/src/gate/evaluate';
import { parseGateRules } from '../../../shared/src/gate/rules';
import { gateFailure, gateTable } from '../../../shared/src/gate/summary';

const rules = (text: string) => parseGateRules(text, 'gate');
const champion = (metrics: Record<string, number>): GateChampion => ({ label: 'credit:3', metrics });

describe('evaluateGate', () => {
  test('constants: pass and fail with the values in the reason', () => {
    const r = evaluateGate(rules('auc >= 0.8; rmse <= 2.5'), { auc: 0.85, rmse: 3.1 }, undefined);
    expect(r.passed).toBe(false);
    expect(r.rules[0]).toMatchObject({ metric: 'auc', passed: true, skipped: false, threshold: 0.8, candidateValue: 0.85, reason: '0.85 >= 0.8' });
    expect(r.rules[1]).toMatchObject({ metric: 'rmse', passed: false, threshold: 2.5, candidateValue: 3.1, reason: '3.1 is not <= 2.5' });
  });

  test('against the champion, with tolerance, subtraction and multiplication', () => {
    const r = evaluateGate(
      rules('accuracy >= champion - 0.01; latency_ms <= champion * 1.1; f1 > champion'),
      { accuracy: 0.91, latency_ms: 120, f1: 0.8 },
      champion({ accuracy: 0.92, latency_ms: 100, f1: 0.8 }),
    );
    // 0.92 - 0.01 is 0.9100000000000001 in binary floating point: equal within tolerance, so >= holds.
    expect(r.rules[0]).toMatchObject({ passed: true, championValue: 0.92, reason: '0.91 >= 0.91 (champion 0.92 - 0.01)' });
    expect(r.rules[1]).toMatchObject({ passed: false, championValue: 100, reason: '120 is not <= 110 (champion 100 * 1.1)' });
    // Strictly greater: equal values fail.
    expect(r.rules[2]).toMatchObject({ passed: false, reason: '0.8 is not > 0.8 (champion 0.8)' });
    expect(r.passed).toBe(false);
    expect(r.champion?.label).toBe('credit:3');
  });

  test('strict and equality operators at the tolerance boundary', () => {
    const c = champion({ a: 0.3 });
    expect(evaluateGate(rules('a == champion'), { a: 0.1 + 0.2 }, c).passed).toBe(true);
    expect(evaluateGate(rules('a < champion'), { a: 0.1 + 0.2 }, c).passed).toBe(false);
    expect(evaluateGate(rules('a < champion'), { a: 0.29 }, c).passed).toBe(true);
    expect(evaluateGate(rules('a > champion'), { a: 0.300001 }, c).passed).toBe(true);
    expect(evaluateGate(rules('a <= champion + 0.1'), { a: 0.4 }, c).passed).toBe(true);
    expect(evaluateGate(rules('a <= champion + 0.1'), { a: 0.41 }, c).passed).toBe(false);
  });

  test('champion.<metric> compares with another metric of the champion', () => {
    const r = evaluateGate(rules('auc >= champion.auc_macro'), { auc: 0.7 }, champion({ auc_macro: 0.75, auc: 0.1 }));
    expect(r.rules[0]).toMatchObject({ passed: false, championValue: 0.75, reason: '0.7 is not >= 0.75 (champion.auc_macro 0.75)' });
  });

  test('no champion: champion rules pass with reason "no champion", constants still apply', () => {
    const r = evaluateGate(rules('accuracy >= champion - 0.01; auc >= 0.9'), { accuracy: 0.5, auc: 0.8 }, undefined);
    expect(r.rules[0]).toMatchObject({ passed: true, skipped: true, reason: 'no champion', candidateValue: 0.5 });
    expect(r.rules[1]!.passed).toBe(false);
    expect(r.champion).toBeUndefined();
  });

  test('a metric missing on the candidate fails, naming what it has', () => {
    const r = evaluateGate(rules('auc >= 0.8; f1 >= champion'), { accuracy: 0.9, rmse: 1 }, undefined);
    expect(r.passed).toBe(false);
    expect(r.rules[0]).toMatchObject({ passed: false, skipped: false, reason: "the candidate has no metric 'auc' (it has accuracy, rmse)" });
    // Even with no champion: the candidate must carry the metric.
    expect(r.rules[1]).toMatchObject({ passed: false, reason: "the candidate has no metric 'f1' (it has accuracy, rmse)" });
    expect(evaluateGate(rules('auc >= 0.8'), {}, undefined).rules[0]!.reason).toMatch(/it has no metrics/);
  });

  test('a champion without the metric passes, marked skipped, naming the champion', () => {
    const r = evaluateGate(rules('auc >= champion'), { auc: 0.7 }, champion({ accuracy: 0.9 }));
    expect(r.passed).toBe(true);
    expect(r.rules[0]).toMatchObject({ skipped: true, reason: "the champion credit:3 has no metric 'auc' to compare with" });
  });

  test('no rules pass', () => {
    expect(evaluateGate([], { a: 1 }, undefined)).toEqual({ passed: true, rules: [] });
  });
});

describe('gateTable and gateFailure', () => {
  test('a failing gate: headline, one row per rule, challenger and champion values', () => {
    const result = evaluateGate(rules('accuracy >= champion - 0.01; rmse <= 2.5; auc >= champion'), { accuracy: 0.85, rmse: 2 }, champion({ accuracy: 0.92, auc: 0.8 }));
    const md = gateTable(result);
    const lines = md.split('\n');
    expect(lines[0]).toBe('**Gate failed**: 2 of 3 rules fail (against champion credit:3).');
    expect(lines[2]).toBe('| Rule | Challenger | Champion credit:3 | Threshold | Result |');
    expect(lines[4]).toBe('| `accuracy >= champion - 0.01` | 0.85 | 0.92 | 0.91 | ❌ 0.85 is not >= 0.91 (champion 0.92 - 0.01) |');
    expect(lines[5]).toBe('| `rmse <= 2.5` | 2 | — | 2.5 | ✅ 2 <= 2.5 |');
    expect(lines[6]).toBe("| `auc >= champion` | — | 0.8 | champion | ❌ the candidate has no metric 'auc' (it has accuracy, rmse) |");
  });

  test('a passing gate with no champion, and a forced failure', () => {
    const ok = gateTable(evaluateGate(rules('f1 > champion'), { f1: 0.5 }, undefined));
    expect(ok.split('\n')[0]).toBe('**Gate passed** (1 rule, with no champion yet (first model)).');
    expect(ok).toContain('| `f1 > champion` | 0.5 | — | champion | ⚠️ passed: no champion |');
    const forced = gateTable(evaluateGate(rules('f1 > 0.9'), { f1: 0.5 }, undefined), { forced: true });
    expect(forced.split('\n')[0]).toMatch(/^⚠️ \*\*Gate failed\*\*: 1 of 1 rule fails .* skipped because `force` is true\.$/);
  });

  test('the failure error names the failing rules and points at force', () => {
    const result = evaluateGate(rules('auc >= 0.8; rmse <= 2.5'), { auc: 0.7, rmse: 1 }, undefined);
    const e = gateFailure(result, 'the promotion of credit:4');
    expect(e.kind).toBe('input');
    expect(e.code).toBe('GateFailed');
    expect(e.message).toBe("The gate stopped the promotion of credit:4: 1 of 2 rules failed: 'auc >= 0.8': 0.7 is not >= 0.8. Nothing was written.");
    expect(e.hint).toMatch(/'force: true'/);
  });
});
