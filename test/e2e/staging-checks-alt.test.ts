/**
 * staging-checks with `engine: azure-load-testing`, end to end through the GitHub action bundle: the load check runs
 * as an Azure Load Testing test run on the emulator's seeded lt-demo (a generated JMeter plan, driven by the
 * emulator at the deployment's scoring URI with the endpoint key as the test's secret) and gives the same SLO
 * verdict as the same check run locally; injected latency breaks its p95 objective; a load testing resource that
 * does not exist is refused before anything is written or sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGitHubAction } from '../../shared/cli/runners';
import { during } from '../support/arm-reader';
import { Capture, githubEnv, uniqueName, workspaceInputs } from '../support/e2e';
import { JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { deploy, errorsOf, registerModel } from '../support/deploy-online';
import { CHALLENGER, CHAMPION, writeModel, writeStagingData } from '../support/staging-data';

const ACTION = join(REPO, 'actions', 'staging-checks');
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'staging-checks');
const MODEL = 'credit-scorer';

let t: TestEmulator;
let ep: string;
const capture = new Capture();
const record = capture.record.bind(capture);
const dir = mkdtempSync(join(tmpdir(), 'staging-alt-e2e-'));

const load = (engine: string, slo: string, extra = '') => `version: 1
checks:
  - name: latency
    type: load
${engine}    request: {body: {data: [[52, 0.31, 41, 0, 0, 1]]}}
    concurrency: 2
    duration: 3s
    slo: ${slo}
${extra}`;
const ALT = '    engine: azure-load-testing\n    load_test_resource: lt-demo\n';
const SLO = '[p95 <= 2s, p99 <= 3s, error_rate <= 1%, throughput >= 1/s, mean <= 2s]';

function policyFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const inputs = (policy: string) => ({
  ...workspaceInputs(t),
  'policy-file': policy,
  'endpoint-name': ep,
  'deployment-name': 'green',
  'result-file': join(dir, `${uniqueName('result')}.json`),
  'junit-file': join(dir, `${uniqueName('junit')}.xml`),
});
const runAction = (i: Record<string, string>) => during(t, async () => record(await runGitHubAction(ACTION, i, githubEnv(t))));
const isScoring = (e: { method: string; path: string }) => e.method === 'POST' && /\/score$/.test(e.path);
const isLoadTesting = (e: { path: string }) => e.path.startsWith('/loadtesting/');

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  writeStagingData(dir);
  for (const [name, w] of [['champion', CHAMPION], ['challenger', CHALLENGER]] as const) await registerModel(t, writeModel(dir, name, w), MODEL);
  // blue: the champion at 100%; green: the challenger staged at 0%.
  ep = uniqueName('ep');
  const base = { 'deployment-file': join(FIXTURES, 'deployment.yml'), 'bake-time': '1s' };
  for (const [name, version, strategy] of [['blue', 1, 'blue-green'], ['green', 2, 'stage']] as const) {
    const r = await deploy(t, ep, { ...base, 'deployment-name': name, model: `azureml:${MODEL}:${version}`, strategy });
    if (r.exitCode !== 0) throw new Error(`deploy ${name} failed:\n${errorsOf(r)}\n${r.stdout.slice(-2000)}`);
  }
}, 240_000);
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.call('DELETE', '/_emulator/scoring/behaviour');
});

type Check = { name: string; status: string; rows: { metric: string; expected: string; status: string }[]; facts: Record<string, string> };
const checkOf = (file: string): Check => (JSON.parse(readFileSync(file, 'utf8')) as { checks: Check[] }).checks[0]!;

describe('staging-checks on Azure Load Testing', () => {
  test('a load check as an Azure Load Testing run: the same SLO verdict as the local engine, the run named with its portal URL', async () => {
    const local = inputs(policyFile('local.yml', load('', SLO)));
    const { result: l } = await runAction(local);
    expect(errorsOf(l)).toBe('');
    const alt = inputs(policyFile('alt.yml', load(ALT, SLO)));
    const { result: r, journal } = await runAction(alt);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: 'passed', 'failed-checks': '' });
    const [a, b] = [checkOf(local['result-file']), checkOf(alt['result-file'])];
    expect(b.status).toBe(a.status);
    expect(b.rows.map((x) => [x.metric, x.expected, x.status])).toEqual(a.rows.map((x) => [x.metric, x.expected, x.status]));
    expect(b.facts['Azure Load Testing run']).toMatch(/^staging-checks-.*-latency-\w+ \(test staging-checks-.*-latency on lt-demo\)$/);
    expect(b.facts.portal).toMatch(/^https:\/\/.*\/testruns\//);
    expect(b.facts['service verdict']).toMatch(/^PASSED on 5 pass\/fail criteria \(of 5 objectives\)/);
    expect(b.facts['virtual users']).toMatch(/^2 \(2 × 1 engine instance\)/);
    // The data plane, in order: the test, its JMX, the run; the emulator's engine scored the deployment.
    const calls = journal.filter(isLoadTesting).map((e) => `${e.method} ${e.path.replace(/^\/loadtesting\/[^/]+/, '')}`);
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual([
      expect.stringMatching(/^PATCH \/tests\/staging-checks-/),
      expect.stringMatching(/^PUT \/tests\/staging-checks-.*\/files\/staging-checks\.jmx$/),
      expect.stringMatching(/^PATCH \/test-runs\/staging-checks-/),
    ]);
    expect(journal.filter(isScoring).length).toBeGreaterThan(5);
    expect(r.stdout).toMatch(/Azure Load Testing: test run '.*' (EXECUTING|PROVISIONING)/);
    expect(`${visibleLog(r.stdout)}${visibleLog(r.stderr)}${r.summary}${readFileSync(alt['result-file'], 'utf8')}`).not.toMatch(JWT);
  }, 120_000);

  test('injected latency breaks the p95 objective measured by the service', async () => {
    await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: 'green', latencyMs: 250 });
    const i = inputs(policyFile('alt-latency.yml', load(ALT, '[p95 <= 200ms, error_rate <= 1%]')));
    const { result: r } = await runAction(i);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['failed-checks']).toBe('latency');
    expect(errorsOf(r)).toMatch(/latency \(1 of 2 objectives failed: deployment green p95 \d+ ms \(want <= 200ms\)/);
    const c = checkOf(i['result-file']);
    expect(c.facts['service verdict']).toMatch(/^FAILED/);
  }, 120_000);

  test('a load testing resource that does not exist is refused before any write or request', async () => {
    const policy = policyFile('alt-missing.yml', load('    engine: azure-load-testing\n    load_test_resource: lt-missing\n', SLO));
    const { result: r, journal } = await runAction(inputs(policy));
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(/alt-missing\.yml:5:\d+: check 'latency': the load testing resource \/subscriptions\/.*\/loadTests\/lt-missing does not exist/);
    expect(journal.filter(isLoadTesting)).toEqual([]);
    expect(journal.filter(isScoring)).toEqual([]);
    expect(journal.filter((e) => e.method !== 'GET' && !/\/(listKeys|token)$/.test(e.path) && !e.path.includes('/entra/') && !e.path.includes('oauth2'))).toEqual([]);
  }, 60_000);
});
