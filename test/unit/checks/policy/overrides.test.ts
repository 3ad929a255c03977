import { join } from 'node:path';
import { loadPolicy, parseDataLines, parsePolicyText, parseSetLines, policyError, type DataDriftCheck, type DataQualityCheck, type LoadCheck, type SmokeCheck } from '../../../../shared/src/checks/policy';
import { caught, FILE, FIXTURES, problem, problems } from './helpers';

const POLICY = join(FIXTURES, 'policy.yml');
const BASE = [
  'version: 1',
  'target: {deployment: green}',
  'data: {train: train.csv, eval: eval.csv}',
  'checks:',
  '  - name: score.v2',
  '    type: load',
  '    request: {body: {}}',
  '    concurrency: 2',
  '    duration: 10s',
  '  - name: smoke',
  '    type: smoke',
  '    requests: [{body: {a: 1}}]',
  '  - name: drift',
  '    type: data_drift',
  '    baseline: train',
  '    target: eval',
].join('\n');

describe('parseSetLines / parseDataLines', () => {
  test('lines, comments and blank lines; values kept as written', () => {
    expect(parseSetLines('# tune\nchecks.latency.duration=60s\n\n target.endpoint = e-1 \n', 'set')).toEqual([
      { line: 2, path: 'checks.latency.duration', value: '60s', input: 'set' },
      { line: 4, path: 'target.endpoint', value: 'e-1', input: 'set' },
    ]);
    expect(parseDataLines('staging=out/s.parquet\n# x\neval="azureml:e:1"\n')).toEqual({ staging: 'out/s.parquet', eval: 'azureml:e:1' });
  });

  test('syntax errors name the input and the line', () => {
    const e1 = caught(() => parseSetLines('target.endpoint=e1\nchecks.duration', 'checks-set'));
    expect(e1.message).toBe("Input 'checks-set' line 2: cannot read 'checks.duration': expected path=value");
    expect(e1.input).toBe('checks-set');
    expect(caught(() => parseSetLines('versions.x=1')).message).toMatch(/^Input 'set' line 1: 'versions\.x' must start with one of target, scoring, data, defaults, checks/);
    expect(caught(() => parseSetLines('checks.latency=1')).message).toMatch(/must name a key of the check/);
    expect(caught(() => parseSetLines('checks.a.body={a: [1}')).message).toMatch(/^Input 'set' line 1: cannot read the value/);
    expect(caught(() => parseSetLines('checks.a.b=*x')).message).toMatch(/aliases/);
    const e2 = caught(() => parseDataLines('a=x.csv\na=y.csv', 'datasets'));
    expect(e2.message).toBe("Input 'datasets' line 2: dataset 'a' is given twice (also on line 1)");
    expect(e2.input).toBe('datasets');
    expect(caught(() => parseDataLines('bad name=x.csv')).message).toMatch(/^Input 'data' line 1: 'bad name' is not a dataset name/);
  });
});

describe('overrides applied before validation', () => {
  test('set lines change checks (by name, even with dots), create missing keys, and a later line wins', () => {
    const p = parsePolicyText(BASE, FILE, {
      overrides: {
        set: parseSetLines(
          [
            'checks.score.v2.duration=60s',
            'checks.score.v2.concurrency=3',
            'checks.score.v2.concurrency=8',
            'checks.smoke.requests.0.body={data: [[1, 2]]}',
            'checks.smoke.requests.0.expect.status=[200, 202]',
            'checks.drift.metric_thresholds.numerical.population_stability_index=0.2',
            'target.endpoint=credit-2',
          ].join('\n'),
        ),
      },
    });
    const [load, smoke, drift] = p.checks as [LoadCheck, SmokeCheck, DataDriftCheck];
    expect(load).toMatchObject({ durationMs: 60_000, mode: { kind: 'concurrency', connections: 8 } });
    expect(smoke.requests[0]).toMatchObject({ body: '{"data":[[1,2]]}', status: [200, 202] });
    expect(drift.numericalMetrics).toEqual(['PopulationStabilityIndex']);
    expect(drift.thresholds.numerical).toEqual({ PopulationStabilityIndex: 0.2 });
    expect(p.target.endpoint).toEqual({ value: 'credit-2', at: { file: FILE, input: 'set', inputLine: 7 } });
  });

  test('an empty value unsets a key (its default applies)', () => {
    const p = parsePolicyText(BASE.replace('    duration: 10s', '    duration: 10s\n    warmup: 5s'), FILE, { overrides: { set: parseSetLines('checks.score.v2.warmup=') } });
    expect((p.checks[0] as LoadCheck).warmupMs).toBe(0);
  });

  test('single-value inputs win over set lines and the file', () => {
    const p = parsePolicyText(BASE, FILE, { overrides: { set: parseSetLines('target.deployment=blue'), deployment: 'red-2', endpoint: 'ep-1', champion: 'blue' } });
    expect(p.target.deployment).toEqual({ value: 'red-2', at: { file: FILE, input: 'deployment' } });
    expect(p.target.endpoint?.value).toBe('ep-1');
    expect(p.target.champion?.value).toBe('blue');
  });

  test('the data input replaces or adds datasets, relative to its base folder, not confined to the policy folder', () => {
    const p = parsePolicyText(BASE, FILE, { overrides: { data: parseDataLines('eval=../elsewhere/e.parquet\ntrain=azureml:credit-train:2'), dataBaseDir: '/runner/work' } });
    expect(p.data.get('eval')).toEqual({ name: 'eval', path: '/runner/elsewhere/e.parquet', kind: 'local', format: 'parquet', at: { file: FILE, input: 'data', inputLine: 1 } });
    expect(p.data.get('train')).toMatchObject({ kind: 'remote', path: 'azureml:credit-train:2' });
    const added = parsePolicyText(BASE.replace('data: {train: train.csv, eval: eval.csv}', 'data: {train: train.csv}'), FILE, { overrides: { data: { eval: 'x.csv' } } });
    expect((added.checks[2] as DataDriftCheck).target.value).toBe('eval');
    expect(added.data.get('eval')?.at).toEqual({ file: FILE, input: 'data' });
  });

  test('the example policy takes overrides too', () => {
    const p = loadPolicy(POLICY, { overrides: { set: parseSetLines('checks.quality.metric_thresholds.numerical.null_value_rate=0.05\ndefaults.severity=warn') } });
    const q = p.checks.find((c) => c.name === 'quality') as DataQualityCheck;
    expect(q.thresholds.numerical).toEqual({ NullValueRate: 0.05 });
    expect(q.severity).toBe('warn');
    expect(p.checks.find((c) => c.name === 'latency')?.severity).toBe('warn');
  });
});

describe('override errors name the input and line', () => {
  test('an overridden value is validated like a written one', () => {
    const e = problem(BASE, { overrides: { set: parseSetLines('checks.score.v2.concurrency=8\nchecks.score.v2.duration=20x') } });
    expect(e.message).toMatch(/^Input 'set' line 2: bad duration: 'duration': cannot read '20x'/);
    expect(e.input).toBe('set');
    expect(e.location).toBeUndefined();
    const t = problem(BASE, { overrides: { set: parseSetLines('checks.drift.metric_thresholds.numerical.jensen_shannon_distance=0.1x') } });
    expect(t.message).toMatch(/^Input 'set' line 1: bad threshold syntax/);
    const u = problem(BASE, { overrides: { set: parseSetLines('checks.smoke.deploymnet=x') } });
    expect(u.message).toMatch(/^Input 'set' line 1: Unknown field 'deploymnet' in 'smoke check'\. Did you mean 'deployment'\?/);
  });

  test('paths that do not fit the policy', () => {
    expect(problem(BASE, { overrides: { set: parseSetLines('checks.latency.duration=1s') } }).message).toBe("Input 'set' line 1: no check is named 'latency' (checks: score.v2, smoke, drift)");
    expect(problem(BASE, { overrides: { set: parseSetLines('checks.smoke.requests.5.body=1') } }).message).toMatch(/^Input 'set' line 1: 'checks\.smoke\.requests' has 1 items: index 5 is past its end/);
    expect(problem(BASE, { overrides: { set: parseSetLines('checks.drift.baseline.path=x') } }).message).toMatch(/^Input 'set' line 1: 'checks\.drift\.baseline' is 'train', not a mapping/);
  });

  test('single-value inputs and the data input', () => {
    const e = problem(BASE, { overrides: { deployment: 'x' } });
    expect(e.message).toMatch(/^Input 'deployment': the deployment name 'x' is 1 characters long/);
    expect(e.input).toBe('deployment');
    const d = problem(BASE, { overrides: { data: parseDataLines('eval=x.csv\nevl=y.csv', 'datasets') } });
    expect(d.message).toBe("Input 'datasets' line 2: dataset 'evl' is neither defined under 'data:' nor used by a check (checks use: train, eval)");
    expect(d.input).toBe('datasets');
    expect(problem(BASE, { overrides: { data: { eval: 'x.unknown' } } }).message).toMatch(/^Input 'data': dataset 'eval': cannot tell the format/);
  });

  test('problems from the file come first, then those from inputs', () => {
    const e = problem(BASE.replace('duration: 10s', 'duration: 10'), { overrides: { deployment: 'x' } });
    const [first, second] = problems(e).map((p) => p.message);
    expect(first?.startsWith(`${FILE}:9:15: bad duration`)).toBe(true);
    expect(second).toMatch(/^Input 'deployment': /);
    expect(e.location).toMatchObject({ file: FILE, line: 9 });
  });

  test('policyError makes the same errors for the runner', () => {
    expect(policyError({ file: FILE, input: 'data', inputLine: 3 }, 'missing').message).toBe("Input 'data' line 3: missing");
    const e = policyError({ file: FILE, line: 4, column: 2 }, 'missing');
    expect(e.message).toBe(`${FILE}:4:2: missing`);
    expect(e.location).toEqual({ file: FILE, line: 4, column: 2 });
  });
});
