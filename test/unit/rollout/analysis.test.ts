import type { StepError } from '../../../shared/src/core/errors';
import { checkRecord, describeCheck, evaluateRules } from '../../../shared/src/rollout/analysis';
import { parseAnalysisRules } from '../../../shared/src/rollout/analysis-rules';
import { combineSources } from '../../../shared/src/rollout/metrics';
import { inputErrorOf } from './input-error';

function ruleError(text: string): StepError {
  const e = inputErrorOf(() => parseAnalysisRules(text));
  expect(e.input).toBe('analysis');
  return e;
}

describe('analysis rules', () => {
  test('units convert to the reported unit; lines, ; and comments', () => {
    const rules = parseAnalysisRules(`
      latency.p95 <= 300ms     # server side
      latency.p99 < 1.5s; errors.5xx.rate <= 1%
      cpu <= 80 %
      requests.rate >= 60/min
      requests.count >= 30
    `);
    expect(rules.map((r) => [r.metric, r.operator, r.threshold])).toEqual([
      ['latency.p95', '<=', 300],
      ['latency.p99', '<', 1500],
      ['errors.5xx.rate', '<=', 1],
      ['cpu', '<=', 80],
      ['requests.rate', '>=', 1],
      ['requests.count', '>=', 30],
    ]);
    expect(rules[0]!.text).toBe('latency.p95 <= 300ms');
    expect(parseAnalysisRules('')).toEqual([]);
  });

  test('errors quote the rule as written and say what is wrong', () => {
    expect(ruleError('latency.p95 <= 300').message).toBe("Input 'analysis': rule 'latency.p95 <= 300': latency.p95 takes 'ms' or 's', got no unit");
    expect(ruleError('cpu <= 0.8').message).toMatch(/cpu takes '%', got no unit/);
    expect(ruleError('requests.count >= 3/s').message).toMatch(/requests.count takes a plain count, got '\/s'/);
    expect(ruleError('latency.p95 => 300ms').message).toBe("Input 'analysis': rule 'latency.p95 => 300ms': operator '=>' is not supported; did you mean '>='?");
    expect(ruleError('latency.p95 <= 1ms; throughput >= 3').message).toMatch(/^Input 'analysis': rule 2 'throughput >= 3': unknown metric 'throughput' \(known: latency.p50/);
    expect(ruleError('errors.rate <= champion').message).toMatch(/not with a champion/);
    expect(ruleError('errors.rate <= 120%').message).toMatch(/from 0% to 100%/);
  });
});

describe('evaluating checks', () => {
  const rules = parseAnalysisRules('latency.p95 <= 300ms; errors.5xx.rate <= 1%; requests.count >= 10');

  test('pass, fail and inconclusive (no data) per rule; inconclusive fails the check', () => {
    const r = evaluateRules(rules, { 'latency.p95': 312.5, 'errors.5xx.rate': 0.5 });
    expect(r.map((x) => x.verdict)).toEqual(['fail', 'pass', 'inconclusive']);
    expect(r[0]).toMatchObject({ value: 312.5, threshold: 300, thresholdText: '300ms', reason: '312.5ms is not <= 300ms' });
    expect(r[1]!.reason).toBe('0.5% <= 1%');
    expect(r[2]!.reason).toBe('no data for requests.count (counts as a failure)');
    const window = { start: new Date(0), end: new Date(60_000) };
    const ok = checkRecord(rules, window, { 'latency.p95': 300, 'errors.5xx.rate': 1, 'requests.count': 10 });
    expect(ok.passed).toBe(true);
    expect(checkRecord(rules, window, { 'latency.p95': 1, 'errors.5xx.rate': 0, 'requests.count': undefined }).passed).toBe(false);
  });

  test('a measuring error makes every rule inconclusive, and says why', () => {
    const c = checkRecord(rules, { start: new Date(0), end: new Date(1) }, new Error('Azure Monitor: 403'));
    expect(c.passed).toBe(false);
    expect(c.results.every((r) => r.verdict === 'inconclusive')).toBe(true);
    expect(describeCheck(c, 2)).toMatch(/^check 2: 0 of 3 rules pass; measuring failed: Azure Monitor: 403; latency.p95: no data/);
  });

  test('combined sources: the first that measured a metric wins', async () => {
    const monitor = { measure: async () => ({ cpu: 40, 'latency.p95': undefined }) };
    const probe = { measure: async () => ({ 'latency.p95': 120, cpu: 99 }) };
    expect(await combineSources(monitor, probe).measure('green', { start: new Date(0), end: new Date(1) })).toEqual({ cpu: 40, 'latency.p95': 120 });
  });
});
