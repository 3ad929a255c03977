import { StepError } from '../../../../shared/src/core/errors';
import { latencyHistogram } from '../../../../shared/src/checks/load/histogram';
import { evaluateSlos, formatMs, formatPercent, formatRate, parseSloRules, type SloSubject } from '../../../../shared/src/checks/load/slo';

function parseError(text: string): StepError {
  try {
    parseSloRules(text, 'slo');
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

/** A subject whose latencies are 1 ms, 2 ms … n ms. */
function subject(n: number, rest: Partial<SloSubject> = {}): SloSubject {
  const histogram = latencyHistogram();
  for (let i = 1; i <= n; i++) histogram.recordValue(i * 1000);
  return { histogram, errorRate: 0, throughput: 100, completed: n, dropped: 0, ...rest };
}

describe('parseSloRules', () => {
  test('latency percentiles, mean and max in ms, s or µs; error rate in %; throughput a second or a minute', () => {
    const rules = parseSloRules('p95 <= 300ms\np99 <= 1s\np99.9 < 2.5 s\nmean <= 120\nmax<=500us\nerror_rate <= 1%\nthroughput >= 50/s\nrps > 50 rps\nthroughput >= 3000/min\np50 <= 800µs', 'slo');
    expect(rules.map((r) => [r.metric, r.operator, r.threshold])).toEqual([
      [{ kind: 'percentile', percentile: 95 }, '<=', 300],
      [{ kind: 'percentile', percentile: 99 }, '<=', 1000],
      [{ kind: 'percentile', percentile: 99.9 }, '<', 2500],
      [{ kind: 'mean' }, '<=', 120],
      [{ kind: 'max' }, '<=', 0.5],
      [{ kind: 'error_rate' }, '<=', 0.01],
      [{ kind: 'throughput' }, '>=', 50],
      [{ kind: 'throughput' }, '>', 50],
      [{ kind: 'throughput' }, '>=', 50],
      [{ kind: 'percentile', percentile: 50 }, '<=', 0.8],
    ]);
    expect(rules[2]!.text).toBe('p99.9 < 2.5 s');
  });

  test('several rules a line, comments and blank lines; each rule knows its line', () => {
    const rules = parseSloRules('# latency\np95 <= 300ms\n\nerror_rate <= 1%; throughput >= 5, P99 <= 1s # tail\n', 'slo');
    expect(rules.map((r) => [r.line, r.text])).toEqual([
      [2, 'p95 <= 300ms'],
      [4, 'error_rate <= 1%'],
      [4, 'throughput >= 5'],
      [4, 'P99 <= 1s'],
    ]);
    expect(parseSloRules('  \n# none\n', 'slo')).toEqual([]);
  });

  test('errors name the input, the line and the rule, and say what is wrong', () => {
    const e = parseError('p95 <= 300ms\np99 <= fast');
    expect(e.message).toBe("Input 'slo', line 2: 'p99 <= fast': expected a number, got 'fast'");
    expect(e.kind).toBe('input');
    expect(e.input).toBe('slo');
    expect(e.hint).toMatch(/p50, p95, p99/);
  });

  test.each([
    ['latency <= 3ms', /unknown metric 'latency'/],
    ['p95', /expected an operator .* after 'p95'/],
    ['p95 <=', /expected a value after the operator/],
    ['p95 = 300ms', /operator '=' is not supported \(use <=, <, >=, >\)/],
    ['p95 =< 300ms', /did you mean '<='\?/],
    ['throughput => 5', /did you mean '>='\?/],
    ['p95 == 300ms', /operator '==' is not supported/],
    ['p95 <= 3 minutes', /unknown unit 'minutes' for a latency/],
    ['error_rate <= 1', /as a percentage, e.g. 'error_rate <= 1%'/],
    ['error_rate <= 0.5 ms', /unknown unit 'ms' for an error rate/],
    ['error_rate <= 150%', /at most 100%/],
    ['throughput >= 5/h', /unknown unit '\/h' for a throughput/],
    ['p999 <= 1s', /ambiguous: write p99.9/],
    ['p0 <= 1s', /above 0 and at most 100/],
    ['p101 <= 1s', /above 0 and at most 100/],
    ['<= 1s', /expected a metric name first/],
    ['p95 <= -1ms', /expected a number, got '-1ms'/],
  ])('%s is refused', (text, why) => {
    expect(parseError(text).message).toMatch(why);
  });
});

describe('evaluateSlos', () => {
  test('latency rules measured on the histogram, to its precision', () => {
    const rows = evaluateSlos(parseSloRules('p50 <= 50.1ms; p95 <= 100ms; p99 < 90ms; mean <= 51ms; max <= 99ms; p99.9 <= 101ms', 'slo'), subject(100));
    expect(rows.map((r) => [r.rule, r.passed])).toEqual([
      ['p50 <= 50.1ms', true],
      ['p95 <= 100ms', true],
      ['p99 < 90ms', false],
      ['mean <= 51ms', true],
      ['max <= 99ms', false], // 100 ms was recorded
      ['p99.9 <= 101ms', true],
    ]);
    expect(rows[1]!.measured).toBeCloseTo(95, 1);
    expect(rows[1]!.measuredText).toBe('95 ms');
    expect(rows[2]!.measuredText).toBe('99 ms');
  });

  test('error rate and throughput, the boundary passing for <= and >= and failing for < and >', () => {
    const s = subject(10, { errorRate: 0.005, throughput: 50 });
    const rows = evaluateSlos(parseSloRules('error_rate <= 0.5%; error_rate < 0.5%; error_rate <= 1%; throughput >= 50/s; throughput > 50; throughput >= 3000/min', 'slo'), s);
    expect(rows.map((r) => r.passed)).toEqual([true, false, true, true, false, true]);
    expect(rows[0]!.measuredText).toBe('0.5%');
    expect(rows[3]!.measuredText).toBe('50/s');
    expect(evaluateSlos(parseSloRules('throughput >= 50/s', 'slo'), subject(1, { throughput: 49.9 }))[0]).toMatchObject({ passed: false, measuredText: '49.9/s' });
  });

  test('a rule with nothing to measure on does not pass', () => {
    const rows = evaluateSlos(parseSloRules('p95 <= 1s; max <= 1s; error_rate <= 100%; throughput >= 0/s', 'slo'), subject(0, { completed: 0, throughput: 0 }));
    expect(rows).toEqual([
      { rule: 'p95 <= 1s', measuredText: 'no answers', passed: false },
      { rule: 'max <= 1s', measuredText: 'no answers', passed: false },
      { rule: 'error_rate <= 100%', measuredText: 'no requests', passed: false },
      { rule: 'throughput >= 0/s', measured: 0, measuredText: '0/s', passed: true },
    ]);
  });

  test('dropped requests count as requests for the error rate', () => {
    const [row] = evaluateSlos(parseSloRules('error_rate <= 1%', 'slo'), subject(0, { completed: 0, dropped: 5, errorRate: 1 }));
    expect(row).toMatchObject({ measured: 1, measuredText: '100%', passed: false });
  });
});

test('figures for people', () => {
  expect([formatMs(0.0421), formatMs(4.567), formatMs(45.67), formatMs(456.7), formatMs(4567)]).toEqual(['0.04 ms', '4.57 ms', '45.7 ms', '457 ms', '4.57 s']);
  expect([formatRate(3.25), formatRate(99.94), formatRate(1234.5)]).toEqual(['3.3/s', '99.9/s', '1235/s']);
  expect([formatPercent(0), formatPercent(0.00123), formatPercent(0.2), formatPercent(1)]).toEqual(['0%', '0.12%', '20%', '100%']);
});
