/** Each kind of mistake is reported once, at the file:line:col of the value (or key) it is about. */
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../../../shared/src/checks/policy';
import { caught, FILE, problem, problems } from './helpers';

const lines = (...l: string[]) => l.join('\n') + '\n';
/** A policy whose checks are the given lines (check lines start at line 3). */
const withChecks = (...l: string[]) => lines('version: 1', 'data: {train: train.csv, eval: eval.csv}', 'checks:', ...l);

function expectOne(text: string, line: number, column: number | undefined, message: RegExp): void {
  const e = problem(text);
  expect(problems(e).map((p) => p.message)).toHaveLength(1);
  expect(e.kind).toBe('input');
  expect(e.location).toMatchObject({ file: FILE, line, ...(column === undefined ? {} : { column }) });
  expect(e.message.startsWith(`${FILE}:${line}:`)).toBe(true);
  expect(e.message).toMatch(message);
}

const smoke = (...l: string[]) => withChecks('  - name: s', '    type: smoke', ...l);
const load = (...l: string[]) => withChecks('  - name: l', '    type: load', '    request: {body: {}}', ...l);
const drift = (...l: string[]) => withChecks('  - name: d', '    type: data_drift', '    baseline: train', '    target: eval', ...l);
const fairness = (...l: string[]) => withChecks('  - name: f', '    type: fairness', '    data: eval', '    label: y', '    challenger: {prediction: p}', ...l);

describe('policy errors at file:line', () => {
  test('unknown check type, with a did-you-mean', () => {
    expectOne(withChecks('  - name: a', '    type: smok', '    requests: [{body: 1}]'), 5, 11, /unknown check type 'smok'\. Did you mean 'smoke'\?/);
  });

  test('unknown keys, at top level and in a check', () => {
    expectOne(lines('version: 1', 'chekcs: []', 'checks: [{name: s, type: smoke, requests: [{body: 1}]}]'), 2, 1, /Unknown field 'chekcs'\. Did you mean 'checks'\?/);
    expectOne(smoke('    requests: [{body: 1}]', '    deploymnet: green'), 7, 5, /Unknown field 'deploymnet' in 'smoke check'\. Did you mean 'deployment'\?/);
    expectOne(drift('    metric_thresholds: {numerical: {jensen_shanon_distance: 0.1}}'), 8, 37, /unknown metric 'jensen_shanon_distance'.*Did you mean 'jensen_shannon_distance'/);
  });

  test('bad threshold syntax: text where a number goes', () => {
    expectOne(drift('    metric_thresholds:', '      numerical: {jensen_shannon_distance: "<= 0.1"}'), 9, 44, /bad threshold syntax: 'jensen_shannon_distance' must be a number, not '<= 0\.1'/);
    expectOne(fairness('    rules:', '      - {metric: demographic_parity_difference, sensitive: [sex], threshold: 0.1x}'), 10, 78, /bad threshold syntax: 'threshold' must be a number, not '0\.1x'/);
  });

  test('rule problems found by the stats library are located at the rule', () => {
    expectOne(fairness('    rules:', '      - {metric: demographic_parity_difference, threshold: 0.1}'), 10, 9, /^\S+:10:9: 'demographic_parity_difference' needs 'sensitive'/);
    expectOne(fairness('    rules:', '      - {metric: roc_auc, threshold: 0.7}'), 10, 9, /'roc_auc' is not a fairness metric/);
    expectOne(fairness('    task: regression', '    rules:', '      - {metric: demographic_parity_difference, sensitive: [sex], threshold: 0.1}'), 11, 9, /classification metric, but the check's task is regression/);
  });

  test('a rule against the champion needs a champion, and score metrics need scores', () => {
    const cc = (...l: string[]) => withChecks('  - name: c', '    type: champion_challenger', '    data: eval', '    label: y', ...l);
    expectOne(cc('    challenger: {prediction: p}', '    champion: none', '    rules: [{test: mcnemar}]'), 10, 13, /reads the champion's outputs, but the check has no champion/);
    expectOne(cc('    challenger: {prediction: p}', '    champion: {score: q}', '    rules: [{metric: roc_auc}]'), 10, 13, /'roc_auc' needs the challenger's scores/);
  });

  test('bad SLO, at the list item', () => {
    expectOne(load('    concurrency: 1', '    duration: 1s', '    slo:', '      - p95 <= 300ms', '      - p95 <== 300ms'), 11, 9, /bad SLO: 'p95 <== 300ms': operator '<==' is not supported/);
  });

  test('bad durations', () => {
    expectOne(load('    concurrency: 1', '    duration: 20'), 8, 15, /bad duration: 'duration': '20' has no unit/);
    expectOne(load('    concurrency: 1', '    duration: 20s', '    warmup: 2 seconds'), 9, 13, /bad duration: 'warmup': cannot read '2 seconds'/);
  });

  test('load modes and lengths: exactly one of each', () => {
    expectOne(load('    concurrency: 1', '    rate: 5', '    duration: 1s'), 8, 5, /'concurrency'.*or 'rate'.*not both/);
    expectOne(load('    concurrency: 1', '    duration: 1s', '    requests: 10'), 9, 5, /'duration' or a number of 'requests', not both/);
    expectOne(load('    concurrency: 1'), 4, 5, /needs a 'duration'/);
  });

  test('duplicate check names, at the second, naming the first', () => {
    expectOne(withChecks('  - name: a', '    type: smoke', '    requests: [{body: 1}]', '  - name: a', '    type: smoke', '    requests: [{body: 2}]'), 7, 11, /duplicate check name 'a' \(also at \S+:4:11\)/);
  });

  test('undefined dataset, at the reference', () => {
    expectOne(withChecks('  - name: q', '    type: data_quality', '    baseline: trainn', '    target: eval'), 6, 15, /dataset 'trainn' is not defined under 'data:'\. Did you mean 'train'\?/);
  });

  test('body and body_file both', () => {
    expectOne(smoke('    requests:', '      - body: {}', '        body_file: requests/one.json'), 8, 9, /give 'body' or 'body_file', not both/);
  });

  test('paths escaping the folder', () => {
    expectOne(lines('version: 1', 'data:', '  t: ../outside.csv', 'checks:', '  - {name: q, type: data_quality, baseline: t, target: t}'), 3, 6, /dataset 't': the path '\.\.\/outside\.csv' is outside the folder/);
    expectOne(lines('version: 1', 'data: {t: /etc/x.csv}', 'checks:', '  - {name: q, type: data_quality, baseline: t, target: t}'), 2, 11, /outside the folder/);
    expectOne(smoke('    requests:', '      - body_file: ../../policy/fixtures/../../../../../package.json'), 7, 20, /'body_file': File .* is outside the folder/);
    expectOne(smoke('    requests:', '      - body_file: requests/missing.json'), 7, 20, /'body_file': File '.*missing\.json' does not exist/);
  });

  test('a symbolic link out of the folder is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.json'), '{"a": 1}');
    mkdirSync(join(dir, 'requests'));
    symlinkSync(join(outside, 'secret.json'), join(dir, 'requests', 'one.json'));
    writeFileSync(join(dir, 'p.yml'), smoke('    requests:', '      - body_file: requests/one.json'));
    const e = caught(() => loadPolicy(join(dir, 'p.yml')));
    expect(e.location).toMatchObject({ line: 7, column: 20 });
    expect(e.message).toMatch(/is a link to .*secret\.json, outside the folder/);
  });

  test('bad JSON pointers', () => {
    expectOne(smoke('    requests:', '      - body: {}', '        expect:', '          values: [{path: "0", equals: 1}]'), 9, 27, /'0' is not a JSON pointer/);
    expectOne(lines('version: 1', 'scoring: {features: [a], output: /a~2}', 'checks:', '  - {name: s, type: smoke, requests: [{body: 1}]}'), 2, 34, /'~' must be followed by 0/);
  });

  test('scoring through a deployment without scoring:, at the check', () => {
    expectOne(withChecks('  - name: c', '    type: champion_challenger', '    data: eval', '    label: y', '    rules: [{metric: accuracy, margin: 0}]'), 4, 5, /check 'c' needs the 'scoring:' section: the challenger and the champion are scored through a deployment/);
    expectOne(withChecks('  - name: p', '    type: prediction_drift', '    baseline: train', '    target: eval', '    features: [score]', '    target_from_deployment: true'), 4, 5, /needs the 'scoring:' section: 'target_from_deployment: true'/);
  });

  test('version, names and types of values', () => {
    expectOne(lines('version: 2', 'checks:', '  - {name: s, type: smoke, requests: [{body: 1}]}'), 1, 10, /'version' is 2/);
    expectOne(lines('checks:', '  - {name: s, type: smoke, requests: [{body: 1}]}'), 1, 1, /'version' is required/);
    expectOne(withChecks('  - name: "bad name"', '    type: smoke', '    requests: [{body: 1}]'), 4, 11, /check name 'bad name' must be 1-64/);
    expectOne(lines('version: 1', 'target: {deployment: g}', 'checks:', '  - {name: s, type: smoke, requests: [{body: 1}]}'), 2, 22, /deployment name 'g' is 1 characters long/);
    expectOne(lines('version: 1', 'scoring: {features: [a], batch_size: 0}', 'checks:', '  - {name: s, type: smoke, requests: [{body: 1}]}'), 2, 38, /'batch_size' must be at least 1, not 0/);
    expectOne(smoke('    requests: [{body: 1, expect: {status: 700}}]'), 6, 43, /'status' must be at most 599/);
    expectOne(smoke('    requests: [{body: 1, headers: {Authorization: x}}]'), 6, 36, /the 'Authorization' header is set by the step/);
    expectOne(smoke('    requests: [{body: .inf}]'), 6, 23, /holds Infinity, which JSON cannot carry/);
  });

  test('every problem is listed in one error, in file order, located at the first', () => {
    const e = problem(lines('version: 3', 'checks:', '  - name: a', '    type: smok', '  - name: b', '    type: load', '    request: {body: 1}', '    concurrency: 0', '    duration: 5'));
    const list = problems(e);
    expect(e.message).toMatch(/^4 problems in policy /);
    expect(list.map((p) => p.location?.line)).toEqual([1, 4, 8, 9]);
    expect(e.location).toMatchObject({ line: 1, column: 10 });
  });
});
