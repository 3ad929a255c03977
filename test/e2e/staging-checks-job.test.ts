/**
 * staging-checks with `run_on:`: a data check sent to an AmlCompute cluster as an Azure ML command job (the
 * emulator runs it with its own Node from the bundles' check-job program), its rows equal to the same check run on
 * the runner, in the GitHub action, the packaged Azure DevOps task and the CLI; a job that fails puts its error and
 * log tail in the summary; an unknown compute is refused at its policy line before anything is written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { stagingChecksStep } from '../../shared/src/steps/staging-checks/definition';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv, githubEnv, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { errorsOf } from '../support/deploy-online';
import { writeStagingData } from '../support/staging-data';

const ACTION = join(REPO, 'actions', 'staging-checks');
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const TASK = packageTask(REPO, stagingChecksStep);

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);
const dir = mkdtempSync(join(tmpdir(), 'staging-job-e2e-'));

const DRIFT = (name: string, runOn: string, extra = '') => `  - name: ${name}
    type: data_drift
    baseline: training
    target: shifted
    features: [income_k, debt_ratio, age, region]
    numerical_features: [age]${extra}
    metric_thresholds:
      numerical: {normalized_wasserstein_distance: 0.1, population_stability_index: 0.2}
${runOn}`;

const policy = (name: string, checks: string, data = '  training: train.csv\n  shifted: shifted.csv\n') => {
  const file = join(dir, name);
  writeFileSync(file, `version: 1\ndata:\n${data}checks:\n${checks}`);
  return file;
};

const inputs = (file: string, extra: Record<string, string> = {}) => ({
  ...workspaceInputs(t),
  'policy-file': file,
  'result-file': join(dir, `${uniqueName('result')}.json`),
  'junit-file': join(dir, `${uniqueName('junit')}.xml`),
  ...extra,
});

type Check = { name: string; status: string; rows: unknown[]; facts: Record<string, string | number>; headline: string; error?: string };
const checks = (file: string): Check[] => JSON.parse(readFileSync(file, 'utf8')).checks;
const isJobPut = (e: { method: string; path: string }) => e.method === 'PUT' && /\/workspaces\/[^/]+\/jobs\/[^/]+$/.test(e.path);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  writeStagingData(dir);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe('staging-checks run_on', () => {
  test('GitHub action: the drift check runs as a command job on cpu-cluster; its rows equal the same check run on the runner', async () => {
    const file = policy('job.yml', DRIFT('on-cluster', '    run_on: {compute: cpu-cluster}\n') + DRIFT('here', ''));
    const i = inputs(file);
    const { result: r, journal } = await during(t, async () => record(await runGitHubAction(ACTION, i, githubEnv(t))));
    expect(r.exitCode).toBe(1); // the shifted sample drifts: both checks fail, the gate fails the step
    expect(r.outputs['failed-checks']).toBe('on-cluster,here');
    const [job, local] = checks(i['result-file']);
    expect(job!.status).toBe('failed');
    expect(job!.rows.length).toBeGreaterThan(4);
    expect(job!.rows).toEqual(local!.rows);
    expect(job!.headline).toBe(local!.headline);
    const { job: name, compute, 'job link': link, ...facts } = job!.facts;
    expect(facts).toEqual(local!.facts);
    expect(compute).toBe('cpu-cluster');
    expect(String(name)).toMatch(/^staging-on-cluster-[0-9a-f]{8}$/);
    expect(String(link)).toMatch(/^https:\/\/ml\.azure\.com\/runs\/staging-on-cluster-/);
    // The job as submitted: the check-job command, on the cluster, the two uploaded files as uri_file inputs.
    const put = journal.find(isJobPut)!;
    expect(put.path).toMatch(new RegExp(`/jobs/${name}$`));
    const submitted = (await arm<{ properties: Record<string, any> }>(t, 'GET', `${workspacePath(t)}/jobs/${name}`)).json.properties; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(submitted).toMatchObject({ jobType: 'Command', status: 'Completed', experimentName: 'staging-checks', computeId: `${workspacePath(t)}/computes/cpu-cluster` });
    expect(submitted.command).toBe('node index.js --spec spec.json --baseline ${{inputs.baseline}} --target ${{inputs.target}} --out ${{outputs.result}}');
    expect(submitted.inputs.baseline).toMatchObject({ jobInputType: 'uri_file', uri: expect.stringMatching(/^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/.+\/train\.csv$/) });
    expect(submitted.environmentId).toMatch(/\/environments\/aml-lifecycle-check-node\/versions\/[0-9a-f]{12}$/);
    expect(r.stdout).toMatch(new RegExp(`on-cluster: job ${name} (NotStarted|Queued|Starting|Running) \\(\\d+s\\)`));
    expect(r.stdout).toMatch(new RegExp(`on-cluster: job ${name} Completed \\(\\d+s\\)`));
    expect(r.summary).toMatch(new RegExp(`job link.*https://ml\\.azure\\.com/runs/${name}`));
  }, 120_000);

  test('the packaged task and the CLI upload the same program: same rows; code and environment are reused', async () => {
    const file = policy('job-hosts.yml', DRIFT('on-cluster', '    run_on: {compute: cpu-cluster}\n'));
    const ado = inputs(file);
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const a = record(await runAdoTask(TASK, ado, connection, agentEnv(t), t.world.identity.adoConnections[0].systemAccessToken));
    expect(a.outputs).toMatchObject({ verdict: 'failed' });
    expect(checks(ado['result-file']).map((x) => `${x.name}:${x.status}:${String(x.facts.compute)}`)).toEqual(['on-cluster:failed:cpu-cluster']);
    const cli = inputs(file);
    const args = Object.entries(cli).flatMap(([k, v]) => [`--${k}`, v]);
    const { result: c, journal } = await during(t, async () => record(await runNode(CLI, ['staging-checks', ...args], cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0]?.value }))));
    expect(c.exitCode).toBe(1);
    const rows = (f: string) => checks(f).map((x) => x.rows);
    expect(rows(cli['result-file'])).toEqual(rows(ado['result-file']));
    // Second run of the same check: the job is new, the code, environment and uploaded data are not.
    expect(journal.filter(isArmWrite).map((e) => `${e.method} ${e.path.replace(/^.*\/workspaces\/[^/]+\//, '')}`)).toEqual([expect.stringMatching(/^PUT jobs\/staging-on-cluster-[0-9a-f]{8}$/)]);
  }, 180_000);

  test('a job that fails: the check is an error with the job\'s message and log tail in the summary', async () => {
    // A datastore file (read where it is: no preflight on the runner), and a column it lacks: the job's own preflight fails.
    const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${workspacePath(t)}/datastores/workspaceblobstore`)).json.properties;
    const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
    const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
    const text = readFileSync(join(dir, 'shifted.csv'));
    await container.getBlockBlobClient('e2e-jobs/shifted.csv').upload(text, text.length);
    const file = policy(
      'job-fails.yml',
      '  - name: broken\n    type: data_drift\n    baseline: training\n    target: shifted\n    features: [income_k, no_such_column]\n    run_on: {compute: cpu-cluster}\n',
      '  training: train.csv\n  shifted: azureml://datastores/workspaceblobstore/paths/e2e-jobs/shifted.csv\n',
    );
    const i = inputs(file);
    const r = record(await runGitHubAction(ACTION, i, githubEnv(t)));
    expect(r.exitCode).toBe(1);
    const [broken] = checks(i['result-file']);
    expect(broken!.status).toBe('error');
    expect(broken!.error).toMatch(/^job staging-broken-[0-9a-f]{8} ended Failed: Execution failed: the command exited with code 1: Check could not run: .*job-fails\.yml:10:\d+: column 'no_such_column' is not in/);
    expect(r.summary).toMatch(/could not run: job staging-broken-[0-9a-f]{8} ended Failed/);
    expect(r.summary).toMatch(/Last lines of the job's log/);
    expect(r.summary).toMatch(/Check broken \(data_drift\): baseline /);
    expect(errorsOf(r)).toMatch(/broken \(could not run: job staging-broken-/);
  }, 120_000);

  test('an unknown compute is refused at its policy line before anything is written', async () => {
    const file = policy('job-no-compute.yml', DRIFT('on-cluster', '    run_on: {compute: no-such-cluster}\n'));
    const { result: r, journal } = await during(t, async () => record(await runGitHubAction(ACTION, inputs(file), githubEnv(t))));
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(/job-no-compute\.yml:14:\d+: compute 'no-such-cluster' does not exist in workspace/);
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(journal.filter((e) => e.area === 'blob' && e.method === 'PUT')).toEqual([]);
  }, 60_000);
});
