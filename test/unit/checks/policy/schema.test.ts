/** The JSON Schema editors complete the policy with agrees with the loader: what one accepts, the other does too. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { CHECK_TYPES, KEYS_BY_TYPE, parsePolicyText, POLICY_KEYS } from '../../../../shared/src/checks/policy';
import { FILE, FIXTURES } from './helpers';

const SCHEMA_FILE = join(__dirname, '../../../../shared/schemas/staging-policy.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, any>;
// strict: unknown keywords and misplaced ones fail the compile.
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);

const lines = (...l: string[]) => l.join('\n') + '\n';
const head = ['version: 1', 'data: {train: train.csv, eval: eval.csv}', 'scoring: {features: [a, b]}', 'checks:'];
const policy = (...l: string[]) => lines(...head, ...l);

const VALID: Record<string, string> = {
  example: readFileSync(join(FIXTURES, 'policy.yml'), 'utf8'),
  'smoke with a list of statuses': policy('  - name: s', '    type: smoke', '    requests:', '      - body_file: requests/one.json', '        expect: {status: [200, 201], values: [{path: "", equals: [0.5]}]}'),
  'load by request count': policy('  - name: l', '    type: load', '    requests: 500', '    request: {body: {data: [[1, 2]]}}', '    rate: 20', '    slo: p99 <= 1s'),
  'load on Azure Load Testing by id': policy('  - name: l', '    type: load', '    engine: azure-load-testing', '    load_test_resource: /subscriptions/0000/resourceGroups/rg-demo/providers/Microsoft.LoadTestService/loadTests/lt-demo', '    engine_instances: 2', '    ramp_up: 5s', '    request: {body: {data: [[1, 2]]}}', '    concurrency: 4', '    duration: 30s', '    slo: [p95 <= 300ms, error_rate <= 1%]'),
  'load on Azure Load Testing by name with a Key Vault secret': policy('  - name: l', '    type: load', '    engine: azure-load-testing', '    load_test_resource: lt-demo', '    load_test_resource_group: rg-load', '    endpoint_secret: https://kv-demo.vault.azure.net/secrets/endpoint-key', '    request: {body: 1}', '    concurrency: 1', '    duration: 1m'),
  'load with engine local': policy('  - {name: l, type: load, engine: local, request: {body: 1}, concurrency: 1, duration: 1s}'),
  'load with a request list': policy('  - name: l', '    type: load', '    requests: [{body: 1}, {body: 2}]', '    concurrency: 2', '    duration: 1m30s', '    warmup: 500ms'),
  'drift with per-feature thresholds': policy(
    '  - name: d',
    '    type: data_drift',
    '    baseline: train',
    '    target: eval',
    '    metric_thresholds:',
    '      numerical: {population_stability_index: 0.2, jensen_shannon_distance: }',
    '      features: {a: {jensen_shannon_distance: 0.3}}',
  ),
  'champion challenger from columns': policy(
    '  - name: c',
    '    type: champion_challenger',
    '    data: eval',
    '    task: regression',
    '    label: y',
    '    challenger: {prediction: new}',
    '    champion: {deployment: blue}',
    '    rules: [{metric: rmse, margin: 0.5, slices: region}, {metric: r2, threshold: 0.1, model: champion}]',
  ),
  'drift run on a compute cluster': policy('  - {name: d, type: data_drift, baseline: train, target: eval, run_on: {compute: cpu-cluster, environment: "azureml:node-env:3"}}'),
  'quality run on a compute cluster': policy('  - {name: q, type: data_quality, baseline: train, target: eval, run_on: {compute: cpu-cluster}}'),
  'fairness with a warn severity': lines('version: 1', 'defaults: {severity: warn}', 'data: {eval: azureml://datastores/x/paths/e.csv}', 'checks:', '  - {name: f, type: fairness, data: eval, label: y, challenger: {score: s}, rules: [{metric: equal_opportunity_ratio, sensitive: sex, threshold: 0.8}]}'),
};

const INVALID: Record<string, string> = {
  'unknown check type': policy('  - {name: s, type: smok, requests: [{body: 1}]}'),
  'unknown key': policy('  - {name: s, type: smoke, requests: [{body: 1}], retries: 2}'),
  'unknown top-level key': lines('version: 1', 'check: []', 'checks: [{name: s, type: smoke, requests: [{body: 1}]}]'),
  'version 2': lines('version: 2', 'checks: [{name: s, type: smoke, requests: [{body: 1}]}]'),
  'threshold as text': policy('  - {name: d, type: data_drift, baseline: train, target: eval, metric_thresholds: {numerical: {jensen_shannon_distance: "<= 0.1"}}}'),
  'duration without a unit': policy('  - {name: l, type: load, request: {body: 1}, concurrency: 1, duration: 20}'),
  'body and body_file': policy('  - {name: s, type: smoke, requests: [{body: 1, body_file: requests/one.json}]}'),
  'neither body nor body_file': policy('  - {name: s, type: smoke, requests: [{name: x}]}'),
  'concurrency and rate': policy('  - {name: l, type: load, request: {body: 1}, concurrency: 1, rate: 2, duration: 1s}'),
  'bad JSON pointer': policy('  - {name: s, type: smoke, requests: [{body: 1, expect: {values: [{path: a, equals: 1}]}}]}'),
  'bad check name': policy('  - {name: "a b", type: smoke, requests: [{body: 1}]}'),
  'non-fairness rule in a fairness check': policy('  - {name: f, type: fairness, data: eval, label: y, challenger: {prediction: p}, rules: [{metric: accuracy, threshold: 0.5}]}'),
  'drift metric under the wrong type': policy('  - {name: d, type: data_drift, baseline: train, target: eval, metric_thresholds: {categorical: {normalized_wasserstein_distance: 0.1}}}'),
  'azure-load-testing without a resource': policy('  - {name: l, type: load, engine: azure-load-testing, request: {body: 1}, concurrency: 1, duration: 10s}'),
  'azure-load-testing with a rate': policy('  - {name: l, type: load, engine: azure-load-testing, load_test_resource: lt, request: {body: 1}, rate: 5, duration: 10s}'),
  'azure-load-testing with a warm-up': policy('  - {name: l, type: load, engine: azure-load-testing, load_test_resource: lt, request: {body: 1}, concurrency: 1, duration: 10s, warmup: 1s}'),
  'azure-load-testing with a request count': policy('  - {name: l, type: load, engine: azure-load-testing, load_test_resource: lt, request: {body: 1}, concurrency: 1, requests: 100}'),
  'engine_instances with the local engine': policy('  - {name: l, type: load, request: {body: 1}, concurrency: 1, duration: 10s, engine_instances: 2}'),
  'too many engine instances': policy('  - {name: l, type: load, engine: azure-load-testing, load_test_resource: lt, engine_instances: 46, request: {body: 1}, concurrency: 1, duration: 10s}'),
  'unknown engine': policy('  - {name: l, type: load, engine: k6, request: {body: 1}, concurrency: 1, duration: 10s}'),
  'endpoint_secret not a Key Vault URI': policy('  - {name: l, type: load, engine: azure-load-testing, load_test_resource: lt, endpoint_secret: hunter2, request: {body: 1}, concurrency: 1, duration: 10s}'),
  'run_on without a compute': policy('  - {name: d, type: data_drift, baseline: train, target: eval, run_on: {environment: "azureml:e:1"}}'),
  'run_on with an environment label': policy('  - {name: d, type: data_drift, baseline: train, target: eval, run_on: {compute: cpu-cluster, environment: "azureml:e@latest"}}'),
  'run_on with an unknown key': policy('  - {name: d, type: data_drift, baseline: train, target: eval, run_on: {compute: cpu-cluster, instances: 2}}'),
  'run_on scoring through the deployment': policy('  - {name: p, type: prediction_drift, baseline: train, target: eval, features: [a], target_from_deployment: true, run_on: {compute: cpu-cluster}}'),
  'run_on on a fairness check': policy('  - {name: f, type: fairness, data: eval, label: y, challenger: {prediction: p}, rules: [{metric: demographic_parity_difference, sensitive: s, threshold: 0.1}], run_on: {compute: c1}}'),
  'empty checks': lines('version: 1', 'checks: []'),
  'prediction drift over all columns': policy('  - {name: p, type: prediction_drift, baseline: train, target: eval, features: all}'),
};

function loads(text: string): boolean {
  try {
    parsePolicyText(text, FILE);
    return true;
  } catch {
    return false;
  }
}

describe('staging-policy.schema.json', () => {
  test.each(Object.entries(VALID))('valid: %s passes the schema and the loader', (_name, text) => {
    const ok = validate(parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(loads(text)).toBe(true);
  });

  test.each(Object.entries(INVALID))('invalid: %s fails the schema and the loader', (_name, text) => {
    expect(validate(parse(text))).toBe(false);
    expect(loads(text)).toBe(false);
  });

  test('the schema knows the same keys as the loader', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...POLICY_KEYS].sort());
    for (const type of CHECK_TYPES) {
      expect(Object.keys(schema.$defs[type].properties).sort()).toEqual([...KEYS_BY_TYPE[type]].sort());
    }
  });

  test('every property has a description, and objects refuse unknown keys', () => {
    const missing: string[] = [];
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      // Object schemas (constraint-only subschemas under allOf/oneOf/not have no type and declare nothing).
      if (o.type === 'object' && o.properties && typeof o.properties === 'object') {
        if (o.additionalProperties !== false) open.push(path);
        for (const [k, v] of Object.entries(o.properties as Record<string, Record<string, unknown>>)) {
          if (typeof v.description !== 'string' || v.description === '') missing.push(`${path}/properties/${k}`);
        }
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
    expect(open).toEqual([]);
  });
});
