import { join } from 'node:path';
import { loadPolicy, parsePolicyText, type DataDriftCheck, type DataQualityCheck, type LoadCheck, type ModelCheck, type SmokeCheck } from '../../../../shared/src/checks/policy';
import { FILE, FIXTURES } from './helpers';

const POLICY = join(FIXTURES, 'policy.yml');

describe('loadPolicy: the example policy', () => {
  const p = loadPolicy(POLICY);
  const check = <T>(name: string) => p.checks.find((c) => c.name === name) as T;

  test('top sections', () => {
    expect(p.version).toBe(1);
    expect(p.folder).toBe(FIXTURES);
    expect(p.target.endpoint).toEqual({ value: 'credit-endpoint', at: { file: POLICY, line: 4, column: 13 } });
    expect(p.target.deployment?.value).toBe('green');
    expect(p.target.champion?.value).toBe('blue');
    expect(p.scoring).toMatchObject({ batchSize: 100, inputKey: 'data', rowFormat: 'rows', outputPointer: '', outputKind: 'score' });
    expect(p.scoring?.features.map((f) => f.value)).toEqual(['income', 'debt_ratio', 'age', 'late_payments_12m']);
    expect(p.defaultSeverity).toBe('gate');
    expect(p.checks.map((c) => `${c.name}:${c.type}:${c.severity}`)).toEqual([
      'smoke:smoke:gate',
      'latency:load:warn',
      'throughput:load:gate',
      'quality:data_quality:gate',
      'drift:data_drift:gate',
      'score-drift:prediction_drift:gate',
      'fairness:fairness:gate',
      'challenger:champion_challenger:gate',
    ]);
  });

  test('datasets: local paths resolved against the folder, formats from the extension, remote URIs as written', () => {
    expect([...p.data.values()]).toEqual([
      { name: 'training', path: join(FIXTURES, 'data/train.csv'), kind: 'local', format: 'csv', at: { file: POLICY, line: 15, column: 13 } },
      { name: 'staging', path: join(FIXTURES, 'data/staging.parquet'), kind: 'local', format: 'parquet', at: { file: POLICY, line: 16, column: 19 } },
      { name: 'eval', path: 'azureml:credit-eval:3', kind: 'remote', at: { file: POLICY, line: 17, column: 9 } },
    ]);
  });

  test('smoke: bodies as JSON text, body_file bytes, headers, expectations', () => {
    const smoke = check<SmokeCheck>('smoke');
    expect(smoke.deployment).toBe('green');
    const [one, file] = smoke.requests;
    expect(one).toMatchObject({
      name: 'one applicant',
      body: '{"data":[[52000,0.31,41,0]]}',
      headers: { 'x-trace': '1' },
      status: [200],
      schema: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 } },
      values: [{ pointer: '/0', equals: 0.12, tolerance: 0.05, at: { file: POLICY, line: 32, column: 15 } }],
    });
    expect(file).toMatchObject({ name: 'from a file', body: '{"data": [[52000, 0.31, 41, 0]]}\n', status: [200, 201], schema: { type: 'array', minItems: 1 }, values: [] });
  });

  test('load: concurrency and rate modes, durations, SLOs at their lines', () => {
    const latency = check<LoadCheck>('latency');
    expect(latency).toMatchObject({ mode: { kind: 'concurrency', connections: 4 }, durationMs: 20_000, warmupMs: 2000, timeoutMs: 30_000 });
    expect(latency.requestCount).toBeUndefined();
    expect(latency.requests).toEqual([{ name: 'request 1', body: '{"data":[[52000,0.31,41,0]]}', headers: {}, at: { file: POLICY, line: 41, column: 14 } }]);
    expect(latency.slo.map((s) => [s.text, s.line, s.threshold])).toEqual([
      ['p95 <= 300ms', 46, 300],
      ['error_rate <= 1%', 46, 0.01],
    ]);
    const tp = check<LoadCheck>('throughput');
    expect(tp).toMatchObject({ mode: { kind: 'rate', rps: 50, maxInFlight: 16 }, durationMs: 90_000, warmupMs: 0, timeoutMs: 30_000 });
    expect(tp.requests.map((r) => r.name)).toEqual(['request 1', 'request 2']);
    expect(tp.slo).toMatchObject([{ metric: { kind: 'throughput' }, operator: '>=', threshold: 40, line: 56 }]);
  });

  test('data quality: metric names and thresholds mapped onto the library', () => {
    const q = check<DataQualityCheck>('quality');
    expect(q.baseline).toEqual({ value: 'training', at: { file: POLICY, line: 59, column: 15 } });
    expect(q.features).toBe('all');
    expect(q.metrics).toEqual(['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate', 'DuplicateRowRate', 'UnseenCategoryRate']);
    expect(q.thresholds).toEqual({
      numerical: { NullValueRate: 0.01 },
      categorical: { UnseenCategoryRate: 0 },
      default: { DuplicateRowRate: 0.02 },
      features: { income: { NullValueRate: 0.05 } },
    });
    expect(q.thresholdFeatures?.map((f) => f.value)).toEqual(['income']);
    expect(q.categorical.map((c) => c.value)).toEqual(['late_payments_12m']);
    expect(q.numerical).toEqual([]);
  });

  test('drift: the metrics under numerical / categorical are the ones computed; defaults otherwise', () => {
    const d = check<DataDriftCheck>('drift');
    expect(d.numericalMetrics).toEqual(['JensenShannonDistance', 'TwoSampleKolmogorovSmirnovTest']);
    expect(d.categoricalMetrics).toEqual(['PearsonsChiSquaredTest']);
    expect(d.thresholds).toEqual({ numerical: { JensenShannonDistance: 0.1, TwoSampleKolmogorovSmirnovTest: 0.05 }, categorical: { PearsonsChiSquaredTest: 0.05 } });
    expect(Array.isArray(d.features) && d.features.map((f) => f.value)).toEqual(['income', 'debt_ratio', 'age']);
    const s = check<DataDriftCheck>('score-drift');
    expect(s).toMatchObject({ numericalMetrics: ['NormalizedWassersteinDistance'], categoricalMetrics: ['JensenShannonDistance'], thresholds: {}, targetFromDeployment: true });
  });

  test('model checks: outputs sources, rules with positions, the columns they name', () => {
    const f = check<ModelCheck>('fairness');
    expect(f).toMatchObject({ data: { value: 'eval' }, task: 'classification', label: { value: 'default' }, posLabel: 1, decisionThreshold: 0.5 });
    expect(f.challenger).toEqual({ kind: 'deployment', at: { file: POLICY, line: 91, column: 17 } });
    expect(f.champion).toEqual({ kind: 'none' });
    expect(f.rules.map((r) => r.kind === 'fairness' && [r.metric, r.op, r.threshold])).toEqual([
      ['demographic_parity_difference', '<=', 0.1],
      ['equalized_odds_ratio', '>=', 0.8],
    ]);
    expect(f.ruleAt.map((a) => a.line)).toEqual([93, 94]);
    expect(f.columns).toEqual([
      { value: 'sex', at: { file: POLICY, line: 93, column: 9 } },
      { value: 'age_band', at: { file: POLICY, line: 94, column: 9 } },
    ]);
    const c = check<ModelCheck>('challenger');
    expect(c.champion).toEqual({ kind: 'live', at: { file: POLICY, line: 100, column: 15 } });
    expect(c.rules.map((r) => r.kind)).toEqual(['versus_champion', 'mcnemar', 'threshold']);
    expect(c.rules[0]).toMatchObject({ metric: 'roc_auc', margin: 0.01, slices: ['region'] });
    expect(c.columns.map((x) => `${x.value}@${x.at.line}`)).toEqual(['region@102', 'sex@104']);
  });
});

describe('parsePolicyText: defaults', () => {
  test('severity from defaults, outputs from columns, numeric text thresholds, formats as written', () => {
    const p = parsePolicyText(
      [
        'version: 1',
        'defaults: {severity: warn}',
        'data: {eval: {path: eval.data, format: jsonl}, remote: "https://example.org/x.csv"}',
        'checks:',
        '  - name: cc',
        '    type: champion_challenger',
        '    data: eval',
        '    label: 7',
        '    challenger: {prediction: pred, score: p1}',
        '    champion: {prediction: old}',
        '    rules: [{metric: accuracy, threshold: 1e-3}]',
        '  - name: q',
        '    type: data_quality',
        '    severity: gate',
        '    baseline: eval',
        '    target: remote',
      ].join('\n'),
      FILE,
    );
    const [cc, q] = p.checks as [ModelCheck, DataQualityCheck];
    expect(cc.severity).toBe('warn');
    expect(q.severity).toBe('gate');
    expect(cc.label.value).toBe('7');
    expect(cc.challenger).toMatchObject({ kind: 'column', prediction: { value: 'pred' }, score: { value: 'p1' } });
    expect(cc.champion).toMatchObject({ kind: 'column', prediction: { value: 'old' } });
    // PyYAML-compatible parsing keeps 1e-3 as text; a threshold still reads it as the number.
    expect(cc.rules[0]).toMatchObject({ kind: 'threshold', threshold: 0.001 });
    expect(q.metrics).toHaveLength(5);
    expect(p.data.get('eval')).toMatchObject({ kind: 'local', format: 'jsonl' });
    expect(p.data.get('remote')).toMatchObject({ kind: 'remote', path: 'https://example.org/x.csv' });
    expect(p.scoring).toBeUndefined();
  });
});
