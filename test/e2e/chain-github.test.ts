/**
 * The GitHub CD chain, run as GitHub would run it: in a repository made by `aml-lifecycle init --ci github`, its
 * caller workflow (.github/workflows/cd.yml, from workflows-templates/github) calls the reusable .github/workflows/aml-cd.yml; every job's inputs are resolved from the two templates' text and
 * the previous jobs' outputs (test/support/gh-workflow-runner.ts), every step is a committed action bundle, and each
 * job signs in with its environment's OIDC subject (repo:<repo>:environment:<name>). First a retrained version whose
 * staging checks fail: the chain stops before promotion and the champion keeps the traffic. Then, with the policy
 * fixed, the rerun goes through: promoted to the registry with the production approver as lineage, the canary ends
 * with all traffic on the new deployment, and the monitor watches it. With `target: batch` the online staging is
 * skipped and the approved version becomes the batch endpoint's tested default; with `target: arc` the version is
 * staged at 0% on a Kubernetes endpoint of the attached Arc cluster, checked there and rolled out by canary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolate } from '../support/gh-expressions';
import { runWorkflow, type WorkflowRun } from '../support/gh-workflow-runner';
import { callerVars, checkoutAction, environmentOidc, seedGitHubEnvironments, workflowFailures } from '../support/github-caller';
import { addBatchDeployment, prepareArcRelease, retrain, seedChampion, writeCallerRepo } from '../support/caller-repo';
import { startRecorder, type Recorder } from '../support/http-recorder';
import { arm, workspacePath } from '../support/arm-reader';
import { githubEnv } from '../support/e2e';
import { REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { readEndpoint } from '../support/deploy-online';

const REPOSITORY = 'contoso/credit';
const ENVIRONMENTS = ['staging', 'production'];
let t: TestEmulator;
let api: Recorder;
let apiUrl: string;
let repo: string;
const approvals: string[] = [];

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  // One OIDC job per environment, and the federated credentials the template's comments tell teams to create.
  await seedGitHubEnvironments(t, REPOSITORY, ENVIRONMENTS, 'refs/heads/main');
  // GitHub's REST API as the production job reads it: who approved the environment.
  api = await startRecorder((r) =>
    r.url === `/repos/${REPOSITORY}/actions/runs/4242/approvals` && r.headers.authorization === 'Bearer ghs_jobtoken'
      ? { status: 200, body: [{ state: 'approved', user: { login: 'ada-reviewer' }, environments: [{ name: 'production' }] }] }
      : { status: 404, body: { message: 'Not Found' } },
  );
  apiUrl = api.url;

  // The team's repository, the data its monitor reads, and the champion it already serves.
  repo = await writeCallerRepo('github');
  await seedChampion(t, repo);
}, 300_000);
afterAll(async () => {
  await api?.close();
  await t?.stop();
});

/** The caller's job, its `with:` and `secrets:` resolved in the caller's context; then the reusable workflow. */
async function runChain(overrides: Record<string, string>): Promise<WorkflowRun> {
  // The caller as init wrote it into the repository.
  const caller = parse(readFileSync(join(repo, '.github', 'workflows', 'cd.yml'), 'utf8')) as { jobs: Record<string, { uses: string; with: Record<string, string>; secrets?: Record<string, string> }> };
  const job = caller.jobs.release!;
  const m = /^aml-lifecycle\/aml-lifecycle\/(\.github\/workflows\/[\w.-]+\.yml)@v1$/.exec(job.uses);
  expect(m).not.toBeNull();
  const vars = callerVars(t);
  const callerScope = { contexts: { vars, secrets: {}, github: { sha: 'abc123' }, inputs: {} }, status: 'success' as const };
  const inputs = Object.fromEntries(Object.entries(job.with).map(([k, v]) => [k, interpolate(String(v), callerScope)]));
  const secrets = Object.fromEntries(Object.entries(job.secrets ?? {}).map(([k, v]) => [k, interpolate(String(v), callerScope)]));
  const base = githubEnv(t, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, GITHUB_API_URL: apiUrl });
  return runWorkflow(join(REPO, m![1]!), {
    inputs: { ...inputs, ...overrides },
    secrets,
    vars,
    github: { repository: REPOSITORY, sha: 'abc123', run_id: '4242', token: 'ghs_jobtoken' },
    workspace: repo,
    env: base,
    actionFor: checkoutAction,
    oidcFor: environmentOidc(t, '4242', ENVIRONMENTS),
    approve: (environment, name) => approvals.push(`${environment}:${name}`),
  });
}


test('staging checks that fail stop the chain before promotion; the champion keeps the traffic', async () => {
  retrain(repo, -1.25);
  const policy = join(repo, 'staging', 'policy.yml');
  const good = readFileSync(policy, 'utf8');
  writeFileSync(policy, good.replace('{path: /0, equals: 0.035, tolerance: 0.01}', '{path: /0, equals: 0.5, tolerance: 0.01}'));
  const r = await runChain({ 'bake-time': '2s' });
  writeFileSync(policy, good);
  expect(Object.fromEntries(Object.entries(r.jobs).map(([k, v]) => [k, v.result]))).toEqual({ register: 'success', stage: 'success', 'staging-checks': 'failure', production: 'skipped', monitors: 'skipped' });
  expect(r.jobs.register!.outputs['model-ref']).toBe('azureml:credit-default:2');
  expect(r.jobs['staging-checks']!.steps.find((s) => s.id === 'checks')!.outputs).toMatchObject({ verdict: 'failed', 'failed-checks': 'smoke' });
  const staged = r.jobs.stage!.outputs['deployment-name']!;
  expect(staged).not.toBe('blue');
  expect((await readEndpoint(t, 'credit-default-ep'))!.properties.traffic).toEqual({ blue: 100 });
  expect((await arm(t, 'GET', `${workspacePath(t)}/onlineEndpoints/credit-default-ep/deployments/${staged}`)).status).toBe(200);
  const registry = `/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_REGISTRY_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/registries/${t.env.AML_REGISTRY_NAME}`;
  expect((await arm(t, 'GET', `${registry}/models/credit-default/versions/2`)).status).toBe(404);
  expect(approvals).toEqual(['staging:register', 'staging:stage', 'staging:staging-checks']);
}, 600_000);

test('the fixed rerun goes through: promoted with the approver as lineage, all traffic on the new deployment, monitored', async () => {
  approvals.length = 0;
  const r = await runChain({ 'bake-time': '2s' });
  expect(workflowFailures(r)).toBe('');
  expect(r.order).toEqual(['register', 'stage', 'staging-checks', 'production', 'monitors']);
  expect(approvals).toEqual(['staging:register', 'staging:stage', 'staging:staging-checks', 'production:production', 'production:monitors']);
  // The rerun is safe: the same version, the staged deployment reused.
  expect(r.outputs['model-ref']).toBe('azureml:credit-default:2');
  const green = r.jobs.stage!.outputs['deployment-name']!;
  expect(r.outputs).toMatchObject({ 'deployment-name': green, approver: 'ada-reviewer', 'schedule-name': 'credit-default-monitor' });
  expect(r.outputs['registry-model']).toMatch(/^azureml:\/\/registries\/[^/]+\/models\/credit-default\/versions\/\d+$/);
  const ep = (await readEndpoint(t, 'credit-default-ep'))!;
  expect(Object.entries(ep.properties.traffic ?? {}).filter(([, v]) => v > 0)).toEqual([[green, 100]]);
  const registryModel = await arm<{ properties: { properties?: Record<string, string>; tags?: Record<string, string> } }>(
    t,
    'GET',
    r.outputs['registry-model']!.replace(/^azureml:\/\/registries\/([^/]+)\//, `/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_REGISTRY_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/registries/$1/`),
  );
  expect(registryModel.status).toBe(200);
  expect({ ...registryModel.json.properties.tags, ...registryModel.json.properties.properties }['lineage.approver']).toBe('ada-reviewer');
  const deployment = await arm<{ properties: { model: string } }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints/credit-default-ep/deployments/${green}`);
  expect(deployment.json.properties.model.toLowerCase()).toContain('/registries/');
  const schedule = await arm<{ properties: { action: { monitorDefinition: { monitoringTarget: { deploymentId: string } } } } }>(t, 'GET', `${workspacePath(t)}/schedules/credit-default-monitor`);
  expect(schedule.json.properties.action.monitorDefinition.monitoringTarget.deploymentId).toMatch(new RegExp(`/deployments/${green}$`));
}, 900_000);

test('target: batch — no online staging; the approved version is promoted and becomes the tested default of the batch endpoint', async () => {
  addBatchDeployment(repo);
  retrain(repo, -1.2);
  approvals.length = 0;
  const r = await runChain({ target: 'batch', 'batch-deployment-file': 'batch/deployment.yml', 'batch-test-input': 'batch/sample' });
  expect(workflowFailures(r)).toBe('');
  expect(Object.fromEntries(Object.entries(r.jobs).map(([k, v]) => [k, v.result]))).toEqual({ register: 'success', stage: 'skipped', 'staging-checks': 'skipped', production: 'success', monitors: 'skipped' });
  expect(approvals).toEqual(['staging:register', 'production:production']);
  const batch = r.jobs.production!.steps.find((s) => s.id === 'batch')!;
  expect(batch.outputs).toMatchObject({ 'default-deployment': 'nightly', result: expect.stringMatching(/deployed|updated|created/) });
  expect(r.outputs['deployment-name']).toBe('nightly');
  expect(r.outputs['registry-model']).toMatch(/\/models\/credit-default\/versions\/\d+$/);
}, 900_000);

test('target: arc — staged at 0% on the Kubernetes endpoint, checked there, promoted, then the canary moves all traffic on the attached compute', async () => {
  const arc = await prepareArcRelease(t, repo);
  approvals.length = 0;
  const r = await runChain({
    target: 'arc',
    'compute-name': arc.compute,
    'cluster-id': arc.clusterId,
    'endpoint-name': arc.endpoint,
    'deployment-file': 'deploy/k8s-deployment.yml',
    'bake-time': '2s',
  });
  expect(workflowFailures(r)).toBe('');
  expect(Object.fromEntries(Object.entries(r.jobs).map(([k, v]) => [k, v.result]))).toEqual({ register: 'success', stage: 'success', 'staging-checks': 'success', production: 'success', monitors: 'success' });
  expect(r.jobs['staging-checks']!.steps.find((s) => s.id === 'checks')!.outputs).toMatchObject({ verdict: 'passed' });
  const staged = r.jobs.stage!.outputs['deployment-name']!;
  expect(staged).not.toBe('blue');
  expect(r.jobs.production!.steps.find((s) => s.id === 'arc')!.outputs).toMatchObject({ 'deployment-name': staged });
  expect(r.outputs['registry-model']).toMatch(/\/models\/credit-default\/versions\/\d+$/);
  const ep = (await readEndpoint(t, arc.endpoint))!;
  expect(Object.entries(ep.properties.traffic ?? {}).filter(([, v]) => v > 0)).toEqual([[staged, 100]]);
  const deployment = await arm<{ properties: { model: string; endpointComputeType: string } }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints/${arc.endpoint}/deployments/${staged}`);
  expect(deployment.json.properties.endpointComputeType).toBe('Kubernetes');
  expect(deployment.json.properties.model).toMatch(new RegExp(`/workspaces/[^/]+/models/credit-default/versions/${/:(\d+)$/.exec(r.outputs['model-ref']!)![1]}$`, 'i'));
  const schedule = await arm<{ properties: { action: { monitorDefinition: { monitoringTarget: { deploymentId: string } } } } }>(t, 'GET', `${workspacePath(t)}/schedules/credit-default-monitor`);
  expect(schedule.json.properties.action.monitorDefinition.monitoringTarget.deploymentId).toMatch(new RegExp(`/onlineEndpoints/${arc.endpoint}/deployments/${staged}$`));
}, 900_000);
