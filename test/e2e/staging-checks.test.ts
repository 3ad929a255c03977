/**
 * staging-checks end to end: the committed bundles (GitHub action with OIDC, Azure DevOps task with workload
 * identity, the CLI with a client secret) run policies against an endpoint whose blue deployment (the champion)
 * holds the traffic and whose other deployments sit at 0%, each scored by the emulator running the fixture score.py
 * with its own model weights: a passing policy with the same verdict and JSON in all three hosts, a failing smoke
 * assertion, a p95 SLO breach from injected latency, drift on a shifted sample, a fairness gap, a challenger worse on
 * one slice, a warn-only failure, and bad policies refused at file:line before any request.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { stagingChecksStep } from '../../shared/src/steps/staging-checks/definition';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv, githubEnv, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { deploy, endpointPath, errorsOf, registerModel } from '../support/deploy-online';
import { CHALLENGER, CHAMPION, SLICED, UNFAIR, writeModel, writeStagingData } from '../support/staging-data';

const ACTION = join(REPO, 'actions', 'staging-checks');
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const TASK = packageTask(REPO, stagingChecksStep);
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'staging-checks');
const MODEL = 'credit-scorer';

let t: TestEmulator;
let ep: string;
const capture = new Capture();
const record = capture.record.bind(capture);
const dir = mkdtempSync(join(tmpdir(), 'staging-e2e-'));

const SCORING = `scoring:
  features: [income_k, debt_ratio, age, late_payments, region_code, sex_code]
  batch_size: 200
data:
  training: train.csv
  staging: staging.csv
  shifted: shifted.csv
  eval: eval.csv
`;

const SMOKE = `  - name: smoke
    type: smoke
    requests:
      - name: low-risk applicant
        body: {data: [[80, 0.1, 45, 0, 0, 0]]}
        expect:
          status: 200
          schema: {type: array, minItems: 1, maxItems: 1, items: {type: number, minimum: 0, maximum: 1}}
          values:
            - {path: /0, equals: 0.018, tolerance: 0.005}
`;

const PASSING = `version: 1
${SCORING}checks:
${SMOKE}  - name: latency
    type: load
    request: {body: {data: [[52, 0.31, 41, 0, 0, 1]]}}
    concurrency: 2
    requests: 40
    slo: [p95 <= 2s, error_rate <= 1%]
  - name: quality
    type: data_quality
    baseline: training
    target: staging
    numerical_features: [age]
  - name: drift
    type: data_drift
    baseline: training
    target: staging
    features: [income_k, debt_ratio, age, region]
    numerical_features: [age]
  - name: fairness
    type: fairness
    data: eval
    label: default
    challenger: deployment
    rules:
      - {metric: demographic_parity_difference, sensitive: [sex], threshold: 0.1}
  - name: challenger
    type: champion_challenger
    data: eval
    label: default
    challenger: deployment
    champion: live
    rules:
      - {metric: accuracy, margin: 0.05, slices: [region]}
      - {test: mcnemar, alpha: 0.01}
`;

function policyFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const inputs = (policy: string, deployment: string, extra: Record<string, string> = {}) => ({
  ...workspaceInputs(t),
  'policy-file': policy,
  'endpoint-name': ep,
  'deployment-name': deployment,
  'result-file': join(dir, `${uniqueName('result')}.json`),
  'junit-file': join(dir, `${uniqueName('junit')}.xml`),
  ...extra,
});
const isScoring = (e: { method: string; path: string }) => e.method === 'POST' && /\/score$/.test(e.path);
const runAction = (i: Record<string, string>) => during(t, async () => record(await runGitHubAction(ACTION, i, githubEnv(t))));

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  writeStagingData(dir);
  const models = dir;
  for (const [name, w] of [['champion', CHAMPION], ['challenger', CHALLENGER], ['sliced', SLICED], ['unfair', UNFAIR]] as const) {
    await registerModel(t, writeModel(models, name, w), MODEL);
  }
  // blue: the champion at 100%; green, sliced, unfair: challengers staged at 0%.
  ep = uniqueName('ep');
  const base = { 'deployment-file': join(FIXTURES, 'deployment.yml'), 'bake-time': '1s' };
  for (const [name, version, strategy] of [['blue', 1, 'blue-green'], ['green', 2, 'stage'], ['sliced', 3, 'stage'], ['unfair', 4, 'stage']] as const) {
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

/** The result file with what differs run to run left out: durations and the load check's measurements. */
function stable(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { checks: { type: string; durationMs?: number; rows: unknown[]; facts: unknown; extra?: unknown; headline: string }[] };
  return { ...r, checks: r.checks.map((c) => (c.type === 'load' ? { ...c, durationMs: 0, rows: [], facts: {}, extra: {}, headline: '' } : { ...c, durationMs: 0 })) };
}

describe('staging-checks', () => {
  test('GitHub action: a passing policy against green at 0%; verdict, result JSON, JUnit, summary; traffic untouched', async () => {
    const policy = policyFile('passing.yml', PASSING);
    const i = inputs(policy, 'green');
    const { result: r, journal } = await runAction(i);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: 'passed', 'result-file': i['result-file'], 'junit-file': i['junit-file'], 'failed-checks': '' });
    // Nothing written to Azure; the checks only read and score.
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(journal.filter(isScoring).length).toBeGreaterThan(40);
    const result = JSON.parse(readFileSync(i['result-file'], 'utf8'));
    expect(result).toMatchObject({ verdict: 'passed', target: { endpoint: ep, deployment: 'green', champion: 'blue' } });
    expect(result.checks.find((c: { name: string }) => c.name === 'challenger').facts).toMatchObject({ challenger: 'deployment green (800 rows in 4 requests)', champion: 'deployment blue (800 rows in 4 requests)' });
    expect(result.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual(['smoke:passed', 'latency:passed', 'quality:passed', 'drift:passed', 'fairness:passed', 'challenger:passed']);
    const junit = readFileSync(i['junit-file'], 'utf8');
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toMatch(/<testsuite name="challenger"[^>]* failures="0"/);
    expect(r.summary.split('\n')[0]).toMatch(/passed/i);
    expect(r.summary).toMatch(/```mermaid\nxychart-beta/);
    expect(r.stdout).toMatch(/\[6\/6\] challenger: passed/);
    expect(`${visibleLog(r.stdout)}${visibleLog(r.stderr)}${r.summary}${junit}${JSON.stringify(result)}`).not.toMatch(JWT);
    const traffic = (await arm<{ properties: { traffic: Record<string, number> } }>(t, 'GET', endpointPath(t, ep))).json.properties.traffic;
    expect(traffic.blue).toBe(100);
    expect(traffic.green ?? 0).toBe(0);
  }, 120_000);

  test('the same policy gives the same verdict and the same JSON in Azure DevOps and the CLI', async () => {
    const policy = policyFile('passing-hosts.yml', PASSING);
    const gh = inputs(policy, 'green');
    expect((await runAction(gh)).result.exitCode).toBe(0);
    const ado = inputs(policy, 'green');
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const a = record(await runAdoTask(TASK, ado, connection, agentEnv(t), t.world.identity.adoConnections[0].systemAccessToken));
    expect(a.stdout).not.toMatch(/##vso\[task\.logissue type=error/);
    expect(a.exitCode).toBe(0);
    expect(a.outputs).toMatchObject({ verdict: 'passed' });
    const cli = inputs(policy, 'green');
    const args = Object.entries(cli).flatMap(([k, v]) => [`--${k}`, v]);
    const c = record(await runNode(CLI, ['staging-checks', ...args], cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0]?.value })));
    expect(c.exitCode).toBe(0);
    expect(stable(ado['result-file'])).toEqual(stable(gh['result-file']));
    expect(stable(cli['result-file'])).toEqual(stable(gh['result-file']));
  }, 180_000);

  test('a failing smoke assertion fails the step with the request and the value', async () => {
    const policy = policyFile('smoke-fail.yml', `version: 1\n${SCORING}checks:\n${SMOKE.replace('equals: 0.018', 'equals: 0.5')}`);
    const { result: r } = await runAction(inputs(policy, 'green'));
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ verdict: 'failed', 'failed-checks': 'smoke' });
    expect(errorsOf(r)).toMatch(/Checks failed: smoke \(1 of 3 assertions failed: low-risk applicant \/0/);
    expect(r.summary).toMatch(/low-risk applicant/);
  }, 60_000);

  test('injected latency on the deployment breaks the p95 objective', async () => {
    await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: 'green', latencyMs: 250 });
    const policy = policyFile(
      'latency.yml',
      `version: 1\nchecks:\n  - name: latency\n    type: load\n    request: {body: {data: [[52, 0.31, 41, 0, 0, 1]]}}\n    concurrency: 1\n    requests: 12\n    slo: [p95 <= 200ms, error_rate <= 1%]\n`,
    );
    const { result: r } = await runAction(inputs(policy, 'green'));
    expect(r.exitCode).toBe(1);
    expect(r.outputs['failed-checks']).toBe('latency');
    expect(errorsOf(r)).toMatch(/latency \(1 of 2 objectives failed: deployment green p95/);
  }, 60_000);

  test('drift on a shifted sample, and a warn-only check that fails without failing the step', async () => {
    const drift = (severity: string) =>
      `version: 1\n${SCORING}checks:\n  - name: drift\n    type: data_drift\n    severity: ${severity}\n    baseline: training\n    target: shifted\n    features: [income_k, debt_ratio, region]\n    metric_thresholds:\n      numerical: {normalized_wasserstein_distance: 0.1}\n`;
    const { result: gate } = await runAction(inputs(policyFile('drift.yml', drift('gate')), 'green'));
    expect(gate.exitCode).toBe(1);
    expect(errorsOf(gate)).toMatch(/drift \(drift on 2 of 3 columns: income_k NormalizedWassersteinDistance/);
    const { result: warn } = await runAction(inputs(policyFile('drift-warn.yml', drift('warn')), 'green'));
    expect(warn.exitCode).toBe(0);
    expect(warn.outputs).toMatchObject({ verdict: 'warned', 'failed-checks': 'drift' });
    expect(warn.stdout).toMatch(/::warning::.*drift: FAILED \(warn only\)/);
  }, 60_000);

  test('a fairness gap on one deployment, a challenger worse on one slice on another', async () => {
    const policy = policyFile('model-checks.yml', PASSING);
    const { result: unfair } = await runAction(inputs(policy, 'unfair', { set: 'checks.challenger.severity=warn' }));
    expect(unfair.exitCode).toBe(1);
    expect(unfair.outputs['failed-checks']).toMatch(/^fairness/);
    expect(errorsOf(unfair)).toMatch(/fairness \(1 of 1 rules failed: all rows demographic_parity_difference by sex/);
    const { result: sliced } = await runAction(inputs(policy, 'sliced'));
    expect(sliced.exitCode).toBe(1);
    const result = JSON.parse(readFileSync(sliced.outputs['result-file'], 'utf8'));
    const challenger = result.checks.find((c: { name: string }) => c.name === 'challenger');
    expect(challenger.status).toBe('failed');
    expect(challenger.rows.filter((r: { status: string }) => r.status === 'failed').map((r: { subject: string }) => r.subject)).toContain('region=us');
    expect(challenger.rows.find((r: { subject: string; metric: string }) => r.subject === 'all rows' && r.metric === 'accuracy vs champion').status).toBe('passed');
  }, 120_000);


  test('datasets from the workspace: a uri_file data asset and a datastore file, given through the data input', async () => {
    const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${workspacePath(t)}/datastores/workspaceblobstore`)).json.properties;
    const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
    const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
    for (const f of ['train.csv', 'shifted.csv']) {
      const text = readFileSync(join(dir, f));
      await container.getBlockBlobClient(`e2e-staging/${f}`).upload(text, text.length);
    }
    const asset = `${workspacePath(t)}/data/credit-training/versions/1`;
    expect((await arm(t, 'PUT', asset, { properties: { dataType: 'uri_file', dataUri: 'azureml://datastores/workspaceblobstore/paths/e2e-staging/train.csv' } })).status).toBeLessThan(300);
    const policy = policyFile(
      'remote.yml',
      `version: 1\ndata:\n  training: train.csv\n  target: staging.csv\nchecks:\n  - name: drift\n    type: data_drift\n    baseline: training\n    target: target\n    features: [income_k, debt_ratio, region]\n`,
    );
    const { result: r, journal } = await runAction({
      ...inputs(policy, 'green'),
      data: 'training=azureml:credit-training:1\ntarget=azureml://datastores/workspaceblobstore/paths/e2e-staging/shifted.csv',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['failed-checks']).toBe('drift');
    expect(errorsOf(r)).toMatch(/drift \(drift on 2 of 3 columns: income_k/);
    expect(r.stdout).toMatch(/Downloading dataset training from azureml:\/\/datastores\/workspaceblobstore\/paths\/e2e-staging\/train\.csv/);
    expect(journal.filter((e) => e.area === 'blob' && e.method === 'GET' && /e2e-staging\/(train|shifted)\.csv$/.test(e.path))).toHaveLength(2);
    expect(journal.filter(isScoring)).toEqual([]);
  }, 60_000);


  test('dry run: the policy, files, columns and endpoint are checked; no check runs, nothing is scored', async () => {
    const policy = policyFile('dry.yml', PASSING);
    const { result: r, journal } = await runAction(inputs(policy, 'green', { 'dry-run': 'true' }));
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.verdict).toBe('dry-run');
    expect(r.summary).toMatch(/dry run \(nothing was run\)/);
    expect(r.summary).toMatch(/\| challenger \| champion_challenger \| gate \| sends requests to green \|/);
    expect(journal.filter(isScoring)).toEqual([]);
  }, 60_000);

  test.each([
    ['an unknown check type', PASSING.replace('type: fairness', 'type: fairnes'), /bad\.yml:\d+:\d+: .*fairnes/],
    ['bad threshold syntax', PASSING.replace('threshold: 0.1', 'threshold: "<= 0.1"'), /bad\.yml:\d+:\d+: .*threshold/],
    ['a column the data lacks', PASSING.replace('sensitive: [sex]', 'sensitive: [gender]'), /bad\.yml:\d+:\d+: column 'gender' is not in /],
  ])('a bad policy (%s) is refused at file:line before any request', async (_what, text, message) => {
    const policy = policyFile('bad.yml', text);
    const { result: r, journal } = await runAction(inputs(policy, 'green'));
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(message);
    expect(journal.filter(isScoring)).toEqual([]);
  }, 60_000);
});
