/**
 * deploy-batch end to end: the committed bundles (GitHub action with OIDC, Azure DevOps task with workload identity,
 * the CLI with a client secret) deploy the fixture `az ml batch-deployment` YAML to the emulator's batch endpoints and
 * score a sample with real python3 jobs: a first deployment checked against an expected output and made the default,
 * an unchanged rerun, a challenger that agrees with the default and takes over, one that disagrees and does not, a
 * scoring script that fails, and a compute that does not exist (nothing written).
 */
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { deployBatchStep } from '../../shared/src/steps/deploy-batch/definition';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv, githubEnv, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { errorsOf, registerModel } from '../support/deploy-online';

const ACTION = join(REPO, 'actions', 'deploy-batch');
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const TASK = packageTask(REPO, deployBatchStep);
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'deploy-batch');
const MODEL = 'batch-model';

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  for (const v of ['v1', 'v2', 'v3']) await registerModel(t, join(FIXTURES, v, 'model'), MODEL);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const inputs = (endpoint: string, extra: Record<string, string> = {}) => ({
  ...workspaceInputs(t),
  'endpoint-name': endpoint,
  'deployment-file': join(FIXTURES, 'deployment.yml'),
  'test-input': join(FIXTURES, 'sample'),
  ...extra,
});
const runAction = async (endpoint: string, extra: Record<string, string> = {}) => during(t, async () => record(await runGitHubAction(ACTION, inputs(endpoint, extra), githubEnv(t))));
const endpointDefault = async (ep: string) =>
  (await arm<{ properties: { defaults?: { deploymentName?: string } } }>(t, 'GET', `${workspacePath(t)}/batchEndpoints/${ep}`)).json.properties.defaults?.deploymentName;

/** An endpoint whose default is blue (credit model v1), made once. */
let shared: string | undefined;
async function blueEndpoint(): Promise<string> {
  if (shared) return shared;
  const ep = uniqueName('batch');
  const { result: r } = await runAction(ep, { 'expected-output': join(FIXTURES, 'expected.csv'), 'set-default': 'true' });
  expect(errorsOf(r)).toBe('');
  expect(r.exitCode).toBe(0);
  shared = ep;
  return ep;
}

describe('deploy-batch', () => {
  test('GitHub action: endpoint, deployment, a test job whose output matches the expected file, then the default', async () => {
    const ep = uniqueName('batch');
    const { result: r, journal } = await runAction(ep, { 'expected-output': join(FIXTURES, 'expected.csv'), 'set-default': 'true' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    shared = ep;
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'blue', 'default-deployment': 'blue', result: 'deployed' });
    expect(r.outputs['job-name']).toMatch(/\S/);
    expect(r.outputs['output-uri']).toMatch(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/.*\/predictions\.csv$/);
    const dep = journal.find((e) => e.method === 'PUT' && /\/batchEndpoints\/[^/]+\/deployments\/blue$/.test(e.path))!;
    expect(dep.requestBody).toMatchObject({ properties: { compute: expect.stringMatching(/\/computes\/cpu-cluster$/), miniBatchSize: 2, model: { referenceType: 'Id', assetId: expect.stringMatching(/\/models\/batch-model\/versions\/1$/) } } });
    // The default is switched after the job, never before.
    const endpointPuts = journal.filter((e) => e.method === 'PUT' && new RegExp(`/batchEndpoints/${ep}$`).test(e.path));
    expect(endpointPuts.map((e) => (e.requestBody as { properties: { defaults?: unknown } }).properties.defaults ?? null)).toEqual([null, { deploymentName: 'blue' }]);
    const jobPost = journal.findIndex((e) => e.method === 'POST' && /\/batch\//.test(e.path));
    expect(jobPost).toBeGreaterThan(journal.indexOf(endpointPuts[0]!));
    expect(jobPost).toBeLessThan(journal.indexOf(endpointPuts[1]!));
    expect(await endpointDefault(ep)).toBe('blue');
    expect(r.summary).toMatch(/deploy-batch: ✅ Deployed — blue on/);
    expect(r.summary).toMatch(/Against the expected output: ✅ matches \(3 rows, 3 expected; paired by key\)/);
  }, 120_000);

  test('Azure DevOps task: the same inputs again are unchanged and write nothing', async () => {
    const ep = await blueEndpoint();
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const { result: r, journal } = await during(t, async () =>
      record(await runAdoTask(TASK, inputs(ep, { 'expected-output': join(FIXTURES, 'expected.csv'), 'set-default': 'true' }), connection, agentEnv(t), t.world.identity.adoConnections[0].systemAccessToken)),
    );
    expect(r.stdout).not.toMatch(/##vso\[task\.logissue type=error/);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'unchanged', defaultDeployment: 'blue' });
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(journal.filter((e) => e.method === 'POST' && /\/batch\//.test(e.path))).toEqual([]);
  }, 60_000);

  test('CLI: a challenger that agrees with the default on the sample becomes the default', async () => {
    const ep = await blueEndpoint();
    const summaryFile = join(t.stateDir, `batch-${ep}.md`);
    const args = Object.entries(inputs(ep, { 'deployment-name': 'green', model: `azureml:${MODEL}:2`, 'compare-with-default': 'true', comparison: 'agreement >= 100%\nmae <= 0.001', 'set-default': 'true' })).flatMap(([k, v]) => [`--${k}`, v]);
    const r = record(await runNode(CLI, ['deploy-batch', ...args], cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0]?.value, AML_SUMMARY_FILE: summaryFile })));
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n{') + 1))).toMatchObject({ 'default-deployment': 'green', result: 'deployed' });
    expect(await endpointDefault(ep)).toBe('green');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/Challenger vs current default \(3 rows paired by key; agreement 100\.0%\)/);
  }, 120_000);

  test('a challenger that disagrees: checks-failed, exit 1, the default stays; the summary shows what was measured', async () => {
    const ep = uniqueName('batch');
    expect((await runAction(ep, { 'set-default': 'true' })).result.exitCode).toBe(0);
    const { result: r } = await runAction(ep, { 'deployment-name': 'red', model: `azureml:${MODEL}:3`, 'compare-with-default': 'true', comparison: 'agreement >= 95%', 'set-default': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ result: 'checks-failed', 'default-deployment': 'blue' });
    expect(errorsOf(r)).toMatch(/The challenger comparison failed: agreement >= 95% \(measured 0\.0%\)\. The default stays blue\./);
    expect(await endpointDefault(ep)).toBe('blue');
    expect(r.summary).toMatch(/\| agreement >= 95% \| 0\.0% \| ❌ fail \|/);
  }, 120_000);

  test('a scoring script that fails: the job ends Failed with the traceback in the summary; the default stays', async () => {
    const ep = await blueEndpoint();
    const before = await endpointDefault(ep);
    const { result: r } = await runAction(ep, { 'deployment-name': 'broken', set: 'settings.environment_variables.BROKEN=1', 'set-default': 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.result).toBe('checks-failed');
    expect(errorsOf(r)).toMatch(/The test invocation ended Failed/);
    expect(r.summary).toMatch(/\*\*Why it failed: run\(\) failed on every mini-batch\.\*\*/);
    expect(r.summary).toMatch(/User log \(tail\)/);
    expect(r.summary).toMatch(/RuntimeError: the scoring script is broken on purpose/);
    expect(await endpointDefault(ep)).toBe(before);
  }, 120_000);

  test('the legacy flat YAML (no type): settings from the top level; its own output file name', async () => {
    const ep = await blueEndpoint();
    const { result: r, journal } = await runAction(ep, { 'deployment-file': join(FIXTURES, 'deployment-legacy.yml'), 'expected-output': join(FIXTURES, 'expected.csv') });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    const dep = journal.find((e) => e.method === 'PUT' && /\/deployments\/legacy$/.test(e.path))!;
    expect(dep.requestBody).toMatchObject({ properties: { miniBatchSize: 3, outputFileName: 'scores.csv', retrySettings: { maxRetries: 1, timeout: 'PT30S' } } });
    expect(r.outputs['output-uri']).toMatch(/\/scores\.csv$/);
    // Without set-default the default stays.
    expect(r.outputs['default-deployment']).toBe(await endpointDefault(ep));
    expect(r.outputs['default-deployment']).not.toBe('legacy');
  }, 120_000);

  test('a pipeline component deployment of a registered component becomes the default', async () => {
    const ep = await blueEndpoint();
    const component = `${workspacePath(t)}/components/score-pipeline/versions/1`;
    expect((await arm(t, 'PUT', component, { properties: { componentSpec: { name: 'score-pipeline', type: 'pipeline', jobs: {} } } })).status).toBeLessThan(300);
    const { result: r, journal } = await runAction(ep, { 'deployment-file': join(FIXTURES, 'deployment-pipeline.yml'), 'test-input': '', 'set-default': 'true' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    const dep = journal.find((e) => e.method === 'PUT' && /\/deployments\/scoring-pipeline$/.test(e.path))!;
    expect(dep.requestBody).toMatchObject({
      properties: { deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: expect.stringMatching(/\/components\/score-pipeline\/versions\/1$/) } } },
    });
    expect(await endpointDefault(ep)).toBe('scoring-pipeline');
    shared = undefined; // blue is no longer the default there
  }, 120_000);

  test('a pipeline deployment whose component is a local file: the component is registered first; a rerun writes nothing', async () => {
    const ep = uniqueName('batch');
    const extra = { 'deployment-file': join(FIXTURES, 'deployment-pipeline-local.yml'), 'test-input': '' };
    const { result: r, journal } = await runAction(ep, extra);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    const writes = journal.filter(isArmWrite).map((e) => e.path.replace(/^.*\/workspaces\/[^/]+/, ''));
    expect(writes).toEqual(['/components/local-score-pipeline/versions/1', `/batchEndpoints/${ep}`, `/batchEndpoints/${ep}/deployments/local-pipeline`]);
    expect(journal.find((e) => isArmWrite(e) && /\/components\//.test(e.path))!.requestBody).toMatchObject({ properties: { componentSpec: { name: 'local-score-pipeline', type: 'pipeline' } } });
    const again = await runAction(ep, extra);
    expect(again.result.outputs.result).toBe('unchanged');
    expect(again.journal.filter(isArmWrite)).toEqual([]);
  }, 120_000);

  test('test-input as a datastore URI and as an azureml: data asset: the same output as the local folder', async () => {
    const ep = await blueEndpoint();
    // The local sample was uploaded by the first run under LocalUpload/<content hash>/sample/.
    const upload = (await t.control.journal(0)).find((e) => e.area === 'blob' && e.method === 'PUT' && /\/LocalUpload\/[0-9a-f]+\/sample\/a\.csv$/.test(e.path))!;
    const folder = /\/(LocalUpload\/[0-9a-f]+\/sample)\//.exec(upload.path)![1];
    const uri = `azureml://datastores/workspaceblobstore/paths/${folder}/`;
    const data = `${workspacePath(t)}/data/applicants/versions/1`;
    expect((await arm(t, 'PUT', data, { properties: { dataType: 'uri_folder', dataUri: uri } })).status).toBeLessThan(300);
    for (const input of [uri, 'azureml:applicants:1']) {
      const { result: r, journal } = await runAction(ep, { 'deployment-name': `via-${input.startsWith('azureml:a') ? 'data' : 'uri'}`, 'test-input': input, 'expected-output': join(FIXTURES, 'expected.csv') });
      expect(errorsOf(r)).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.summary).toMatch(/Against the expected output: ✅ matches \(3 rows, 3 expected/);
      // Nothing was uploaded for these inputs.
      expect(journal.filter((e) => e.area === 'blob' && e.method === 'PUT' && /LocalUpload\/[0-9a-f]+\/sample\//.test(e.path))).toEqual([]);
    }
  }, 180_000);

  test('dry run: the plan is printed, nothing is written or scored', async () => {
    const { result: r, journal } = await runAction(uniqueName('batch'), { 'dry-run': 'true', 'set-default': 'true' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('dry-run');
    expect(r.stdout).toMatch(/Then: create batch endpoint/);
    expect(r.stdout).toMatch(/Then: score the test input with blue/);
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(journal.filter((e) => e.method === 'POST' && /\/batch\//.test(e.path))).toEqual([]);
  }, 60_000);

  test('faults while following the job (503s and a dropped connection) are ridden out', async () => {
    const ep = uniqueName('batch');
    await t.control.addFault({ method: 'GET', path: '^/batch/.*/jobs/[^/]+$', status: 503, times: 2 });
    await t.control.addFault({ method: 'GET', path: '^/batch/.*/jobs/[^/]+$', drop: true, times: 1 });
    try {
      const { result: r, journal } = await runAction(ep, { 'expected-output': join(FIXTURES, 'expected.csv'), 'set-default': 'true' });
      expect(errorsOf(r)).toBe('');
      expect(r.exitCode).toBe(0);
      expect(journal.filter((e) => e.method === 'GET' && /\/batch\/.*\/jobs\/[^/]+$/.test(e.path) && e.status === 503)).toHaveLength(2);
      expect(await endpointDefault(ep)).toBe('blue');
    } finally {
      await t.control.clearFaults();
    }
  }, 120_000);

  test('a compute cluster that does not exist: named, nothing written', async () => {
    const { result: r, journal } = await runAction(uniqueName('batch'), { compute: 'no-such-cluster' });
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(/compute: Compute cluster 'no-such-cluster' does not exist in workspace/);
    expect(r.stdout).toMatch(/nothing was written/);
    expect(journal.filter(isArmWrite)).toEqual([]);
  }, 60_000);
});

test('no secret in anything the runs showed', () => {
  expect(capture.texts.length).toBeGreaterThan(0);
  for (const text of capture.texts) expect(text).not.toMatch(JWT);
});
