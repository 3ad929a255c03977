/** `engine: azure-load-testing` on a load check: what the loader keeps, and what it refuses at file:line. */
import { parsePolicyText, parseSetLines } from '../../../../shared/src/checks/policy';
import type { LoadCheck } from '../../../../shared/src/checks/policy/types';
import { FILE, problem, problems } from './helpers';

const lines = (...l: string[]) => l.join('\n') + '\n';
/** The check starts on line 3. */
const load = (...l: string[]) => lines('version: 1', 'checks:', '  - name: latency', '    type: load', '    request: {body: {data: [[1, 2]]}}', ...l);
const ID = '/subscriptions/0000/resourceGroups/rg-demo/providers/Microsoft.LoadTestService/loadTests/lt-demo';

function only(text: string): LoadCheck {
  return parsePolicyText(text, FILE).checks[0] as LoadCheck;
}

function expectAt(text: string, line: number, message: RegExp): void {
  const all = problems(problem(text));
  const hit = all.find((p) => message.test(p.message));
  expect(all.map((p) => p.message)).toContainEqual(expect.stringMatching(message));
  expect(hit!.kind).toBe('input');
  expect(hit!.message.startsWith(`${FILE}:${line}:`)).toBe(true);
}

describe('load check engine', () => {
  test('default and explicit local engine', () => {
    expect(only(load('    concurrency: 2', '    duration: 5s')).engine).toEqual({ kind: 'local' });
    expect(only(load('    engine: local', '    concurrency: 2', '    duration: 5s')).engine).toEqual({ kind: 'local' });
  });

  test('azure-load-testing by ARM id, with instances, ramp-up and a Key Vault secret', () => {
    const c = only(load('    engine: azure-load-testing', `    load_test_resource: ${ID}`, '    engine_instances: 3', '    ramp_up: 10s', '    endpoint_secret: https://kv1.vault.azure.net/secrets/key/0123abcd', '    concurrency: 4', '    duration: 1m', '    slo: [p95 <= 300ms, p90 < 200ms]'));
    expect(c.engine).toMatchObject({ kind: 'azure-load-testing', resource: { id: ID }, engineInstances: 3, rampUpMs: 10_000, keyVaultSecret: 'https://kv1.vault.azure.net/secrets/key/0123abcd' });
    expect(c.engine?.kind === 'azure-load-testing' && c.engine.at.line).toBe(6);
  });

  test('azure-load-testing by name, default group and instances', () => {
    const c = only(load('    engine: azure-load-testing', '    load_test_resource: lt-demo', '    concurrency: 1', '    duration: 10s'));
    expect(c.engine).toMatchObject({ kind: 'azure-load-testing', resource: { name: 'lt-demo' }, engineInstances: 1, rampUpMs: 0 });
    const g = only(load('    engine: azure-load-testing', '    load_test_resource: lt-demo', '    load_test_resource_group: rg-load', '    concurrency: 1', '    duration: 10s'));
    expect(g.engine).toMatchObject({ resource: { name: 'lt-demo', resourceGroup: 'rg-load' } });
  });

  const alt = (...l: string[]) => load('    engine: azure-load-testing', '    load_test_resource: lt-demo', ...l);

  test.each([
    ['a rate', alt('    rate: 5', '    duration: 10s'), 8, /'rate' is for the local engine/],
    ['a request count', alt('    concurrency: 1', '    requests: 100'), 9, /a number of 'requests' is for the local engine/],
    ['a warm-up', alt('    concurrency: 1', '    duration: 10s', '    warmup: 2s'), 10, /'warmup' is for the local engine/],
    ['a fractional duration', alt('    concurrency: 1', '    duration: 1500ms'), 9, /whole seconds/],
    ['a percentile the service does not report', alt('    concurrency: 1', '    duration: 10s', '    slo:', '      - p95 <= 1s', '      - p99.9 <= 2s'), 12, /SLO 'p99\.9 <= 2s': Azure Load Testing reports p50, p90, p95 and p99 only/],
    ['too many engine instances', alt('    engine_instances: 46', '    concurrency: 1', '    duration: 10s'), 8, /engine_instances/],
    ['a ramp-up in milliseconds', alt('    ramp_up: 500ms', '    concurrency: 1', '    duration: 10s'), 8, /JMeter ramps up in whole seconds/],
    ['a secret that is not a Key Vault URI', alt('    endpoint_secret: hunter2', '    concurrency: 1', '    duration: 10s'), 8, /'endpoint_secret' must be a Key Vault secret URI/],
    ['a body JMeter would expand', lines('version: 1', 'checks:', '  - name: l', '    type: load', '    engine: azure-load-testing', '    load_test_resource: lt', '    request: {body: {text: "${x}"}}', '    concurrency: 1', '    duration: 1s'), 7, /the body holds '\$\{'/],
    ['a group with an ARM id', load('    engine: azure-load-testing', `    load_test_resource: ${ID}`, '    load_test_resource_group: rg', '    concurrency: 1', '    duration: 1s'), 8, /goes with a resource name, not with an ARM id/],
    ['an id of another type', load('    engine: azure-load-testing', '    load_test_resource: /subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x', '    concurrency: 1', '    duration: 1s'), 7, /is not the ARM id of a load testing resource/],
    ['no resource', load('    engine: azure-load-testing', '    concurrency: 1', '    duration: 1s'), 3, /load_test_resource/],
    ['engine keys with the local engine', load('    engine_instances: 2', '    concurrency: 1', '    duration: 1s'), 6, /'engine_instances' goes with engine: azure-load-testing/],
    ['an unknown engine', load('    engine: k6', '    concurrency: 1', '    duration: 1s'), 6, /unknown engine 'k6'/],
  ])('refuses %s at its line', (_what, text, line, message) => expectAt(text, line, message));
});

test('a set line can move a load check to Azure Load Testing, and the keys are still checked', () => {
  const text = load('    concurrency: 2', '    duration: 5s');
  const set = parseSetLines('checks.latency.engine=azure-load-testing\nchecks.latency.load_test_resource=lt-demo\nchecks.latency.engine_instances=3');
  const c = parsePolicyText(text, FILE, { overrides: { set } }).checks[0] as LoadCheck;
  expect(c.engine).toMatchObject({ kind: 'azure-load-testing', resource: { name: 'lt-demo' }, engineInstances: 3 });
  const bad = problems(problem(text, { overrides: { set: parseSetLines('checks.latency.engine=azure-load-testing') } }));
  expect(bad.map((p) => p.message).join('\n')).toMatch(/load_test_resource/);
});
