/** Azure Load Testing pieces: the JMeter plan, SLOs as pass/fail criteria, a run's statistics as SLO rows. */
import { LoadTestingClient } from '../../../shared/src/loadtesting/client';
import { buildJmx, ENDPOINT_SECRET_NAME } from '../../../shared/src/loadtesting/jmx';
import { criterionFor, passFailMetrics } from '../../../shared/src/loadtesting/criteria';
import { figuresOf } from '../../../shared/src/loadtesting/run';
import { parseSloRules } from '../../../shared/src/checks/load/slo';
import { evaluateSlosOnFigures } from '../../../shared/src/checks/load/slo-figures';
import { sloResultRows } from '../../../shared/src/checks/runners/load';
import { serviceId } from '../../../shared/src/steps/staging-checks/load-service';
import { readJmx } from '../../../shared/emulator/src/loadtesting/jmx-read';

const plan = {
  name: 'latency <&>',
  url: 'https://ep.eastus.inference.ml.azure.com/score?x=1&y=2',
  deployment: 'green',
  headers: { 'x-trace': 'a"b' },
  bodies: ['{"data": [[1, 2]]}', '{"data": "<b>"}'],
  threads: 4,
  rampUpS: 5,
  durationS: 30,
  timeoutMs: 10_000,
  secretName: ENDPOINT_SECRET_NAME,
};

describe('buildJmx', () => {
  const jmx = buildJmx(plan);
  test('one thread group with the threads, ramp-up and scheduler duration', () => {
    expect(jmx).toContain('<stringProp name="ThreadGroup.num_threads">4</stringProp>');
    expect(jmx).toContain('<stringProp name="ThreadGroup.ramp_time">5</stringProp>');
    expect(jmx).toContain('<boolProp name="ThreadGroup.scheduler">true</boolProp>');
    expect(jmx).toContain('<stringProp name="ThreadGroup.duration">35</stringProp>');
  });
  test('bodies, headers and names XML-escaped; the credential only as a secret reference', () => {
    expect(jmx).toContain('testname="latency &lt;&amp;&gt;"');
    expect(jmx).toContain('{&quot;data&quot;: &quot;&lt;b&gt;&quot;}');
    expect(jmx).toContain('<stringProp name="Header.value">Bearer ${__GetSecret(endpoint-credential)}</stringProp>');
    expect(jmx).toContain('<stringProp name="Header.value">green</stringProp>');
    expect(jmx).toContain('<stringProp name="HTTPSampler.path">/score?x=1&amp;y=2</stringProp>');
  });
  test('the emulator reads back exactly what was generated', () => {
    const r = readJmx(jmx);
    expect(r).toEqual({
      ok: true,
      plan: {
        threads: 4,
        rampUpS: 5,
        durationS: 35,
        samplers: plan.bodies.map((body) => ({ url: plan.url, method: 'POST', body, timeoutMs: 10_000 })),
        headers: { 'Content-Type': 'application/json', 'x-trace': 'a"b', 'azureml-model-deployment': 'green', Authorization: 'Bearer ${__GetSecret(endpoint-credential)}' },
      },
    });
  });
  test('the emulator refuses other JMeter elements and broken XML', () => {
    const withTimer = buildJmx(plan).replace('<HeaderManager', '<ConstantTimer guiclass="x" testclass="ConstantTimer" testname="t"><stringProp name="ConstantTimer.delay">300</stringProp></ConstantTimer><hashTree/><HeaderManager');
    expect(readJmx(withTimer)).toEqual({ ok: false, message: expect.stringMatching(/ConstantTimer/) });
    expect(readJmx('<jmeterTestPlan><hashTree>')).toEqual({ ok: false, message: expect.stringMatching(/not well-formed|unclosed/i) });
    expect(readJmx('hello')).toMatchObject({ ok: false });
  });
  test('no bodies is an error', () => expect(() => buildJmx({ ...plan, bodies: [] })).toThrow(/at least one/));
});

describe('pass/fail criteria from SLOs', () => {
  const rules = parseSloRules('p95 <= 300ms\np99 < 1s\nmean <= 120.5ms\nerror_rate <= 1%\nthroughput >= 50/s\nmax <= 2s\np90 >= 1ms', 'slo');
  test('what maps, as the condition under which the run fails', () => {
    expect(rules.map(criterionFor)).toEqual([
      { clientmetric: 'response_time_ms', aggregate: 'p95', condition: '>', value: 300, action: 'continue' },
      undefined,
      undefined,
      { clientmetric: 'error', aggregate: 'percentage', condition: '>', value: 1, action: 'continue' },
      { clientmetric: 'requests_per_sec', aggregate: 'avg', condition: '<', value: 50, action: 'continue' },
      { clientmetric: 'response_time_ms', aggregate: 'max', condition: '>', value: 2000, action: 'continue' },
      { clientmetric: 'response_time_ms', aggregate: 'p90', condition: '<', value: 1, action: 'continue' },
    ]);
    expect(Object.keys(passFailMetrics(rules))).toEqual(['slo-1', 'slo-4', 'slo-5', 'slo-6', 'slo-7']);
  });
});

describe('a run statistics as SLO rows', () => {
  const run = {
    testRunId: 'r',
    status: 'DONE',
    testRunStatistics: {
      Total: { transaction: 'Total', sampleCount: 1000, errorCount: 5, errorPct: 0.5, meanResTime: 42.5, medianResTime: 40, maxResTime: 900, pct1ResTime: 80, pct2ResTime: 120, pct3ResTime: 310, throughput: 33.3 },
    },
  };
  test('figures from the Total statistics (2022-11-01 names)', () => {
    expect(figuresOf(run)).toEqual({ samples: 1000, errors: 5, errorRate: 0.005, throughput: 33.3, meanMs: 42.5, maxMs: 900, percentilesMs: { 50: 40, 90: 80, 95: 120, 99: 310 }, source: 'Azure Load Testing' });
    expect(figuresOf({ testRunId: 'x', testRunStatistics: { Total: { sampleCount: 2, pct95ResTime: 7 } } }).percentilesMs).toEqual({ 95: 7 });
  });
  test('rows: passes, a breach, and a figure the service did not report', () => {
    const rules = parseSloRules('p95 <= 300ms\np99 <= 300ms\nerror_rate <= 1%\nthroughput >= 30/s\nmean <= 50ms', 'slo');
    const rows = sloResultRows(evaluateSlosOnFigures(rules, figuresOf(run)), 'green');
    expect(rows.map((r) => [r.metric, r.measured, r.expected, r.status])).toEqual([
      ['p95', '120 ms', '<= 300ms', 'passed'],
      ['p99', '310 ms', '<= 300ms', 'failed'],
      ['error_rate', '0.5%', '<= 1%', 'passed'],
      ['throughput', '33.3/s', '>= 30/s', 'passed'],
      ['mean', '42.5 ms', '<= 50ms', 'passed'],
    ]);
    const none = evaluateSlosOnFigures(parseSloRules('p90 <= 1s', 'slo'), { ...figuresOf(run), percentilesMs: {} });
    expect(none).toEqual([{ rule: 'p90 <= 1s', measuredText: 'Azure Load Testing reported no p90', passed: false }]);
    expect(evaluateSlosOnFigures(rules.slice(0, 1), { ...figuresOf(run), samples: 0 })[0]).toMatchObject({ measuredText: 'no answers', passed: false });
  });
});

test('service ids: lower case, 2-50 characters', () => {
  expect(serviceId('staging-checks-Credit_EP-Latency check!')).toBe('staging-checks-credit_ep-latency-check');
  expect(serviceId('x'.repeat(80))).toHaveLength(50);
  expect(serviceId('A')).toBe('t-a');
});

test('a data plane URI from the service is used only when it is a plain https origin (it receives a token)', () => {
  const token = async () => 't';
  expect(new LoadTestingClient({ dataPlaneUri: 'abc.eastus.cnt-prod.loadtesting.azure.com', token }).base).toBe('https://abc.eastus.cnt-prod.loadtesting.azure.com');
  for (const bad of ['https://user:pw@evil.example', 'abc.example/x?y=1', 'https://abc.example/#frag', 'a b.example']) {
    expect(() => new LoadTestingClient({ dataPlaneUri: bad, token })).toThrow(/unusable data plane URI/);
  }
});
