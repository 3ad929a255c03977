/**
 * The Azure Pipelines CD chain, run as the agent would run it: in a repository made by `aml-lifecycle init --ci
 * azure-pipelines`, its pipeline (azure-pipelines-cd.yml) includes the stages template templates/aml-cd.yml; parameters,
 * the variable group's values, stage and job output variables (`stageDependencies…outputs['job.step.var']`) are
 * resolved from the template text (test/support/ado-pipeline-runner.ts) and every task is a packaged task run with
 * the workload identity service connection. A failing policy stops the chain before Production; the fixed rerun
 * ends promoted (the environment's approver recorded as lineage), with all traffic on the new deployment, monitored.
 * With `target: batch` the Stage stage is skipped and the approved version becomes the batch endpoint's tested default;
 * with `target: arc` it is staged at 0% on a Kubernetes endpoint of the attached Arc cluster, checked there and rolled
 * out by canary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageTask } from '../../shared/cli/task-package';
import { steps } from '../../shared/src/steps';
import { runStagesTemplate, type PipelineRun } from '../support/ado-pipeline-runner';
import { addBatchDeployment, prepareArcRelease, retrain, seedChampion, writeCallerRepo } from '../support/caller-repo';
import { startRecorder, type Recorder } from '../support/http-recorder';
import { arm, workspacePath } from '../support/arm-reader';
import { agentEnv, serviceConnection } from '../support/e2e';
import { REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { readEndpoint } from '../support/deploy-online';

let t: TestEmulator;
let ado: Recorder;
let collection: string;
let repo: string;
const approvals: string[] = [];
const tasks = new Map<string, string>();

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  for (const s of steps) tasks.set(`${s.task.name}@${s.task.version.major}`, packageTask(REPO, s));
  // Azure DevOps' approvals API as the Production job reads it (the run is build 77).
  const body = { count: 2, value: [
    { id: 'a1', status: 'approved', pipeline: { id: 5, name: 'credit-cd', owner: { id: 76 } }, steps: [{ status: 'approved', actualApprover: { uniqueName: 'someone-else@contoso.com' } }] },
    { id: 'a2', status: 'approved', pipeline: { id: 5, name: 'credit-cd', owner: { id: 77 } }, steps: [{ status: 'approved', actualApprover: { uniqueName: 'ada@contoso.com' } }] },
  ] };
  ado = await startRecorder((r) =>
    r.url?.startsWith('/contoso/Credit/_apis/pipelines/approvals?') && r.headers.authorization === `Bearer ${t.world.identity.adoConnections[0].systemAccessToken}` ? { status: 200, body } : { status: 401, body: { message: 'unauthorized' } },
  );
  collection = `${ado.url}/contoso/`;

  repo = await writeCallerRepo('azure-pipelines');
  await seedChampion(t, repo);
}, 300_000);
afterAll(async () => {
  await ado?.close();
  await t?.stop();
});

async function runChain(overrides: Record<string, string>): Promise<PipelineRun> {
  // The pipeline and the template as init wrote them into the repository.
  const pipeline = parse(readFileSync(join(repo, 'azure-pipelines-cd.yml'), 'utf8')) as { variables: { group: string }[]; stages: { template: string; parameters: Record<string, string> }[] };
  expect(pipeline.variables).toEqual([{ group: 'aml-lifecycle' }]);
  const use = pipeline.stages[0]!;
  expect(use.template).toBe('templates/aml-cd.yml');
  const group = {
    AML_RESOURCE_GROUP: t.env.AML_RESOURCE_GROUP!,
    AML_WORKSPACE: t.env.AML_WORKSPACE!,
    AML_REGISTRY: t.env.AML_REGISTRY_NAME!,
    AML_REGISTRY_RESOURCE_GROUP: t.env.AML_REGISTRY_RESOURCE_GROUP!,
    AML_REGISTRY_SUBSCRIPTION_ID: t.env.AML_REGISTRY_SUBSCRIPTION_ID!,
  };
  const token = t.world.identity.adoConnections[0].systemAccessToken;
  return runStagesTemplate(join(repo, use.template), {
    parameters: { ...use.parameters, ...overrides },
    variables: { ...group, 'Build.BuildId': '77', 'Build.SourceVersion': 'abc123', 'System.CollectionUri': collection, 'System.TeamProject': 'Credit', 'System.AccessToken': token },
    workspace: repo,
    env: agentEnv(t),
    taskFor: (task) => tasks.get(task),
    connection: (name) => {
      expect(name).toBe('aml-prod');
      return serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    },
    systemAccessToken: token,
    approve: (environment, job) => approvals.push(`${environment}:${job}`),
    builtIn: ['PublishTestResults@2'],
  });
}

const results = (r: PipelineRun) => Object.fromEntries(Object.entries(r.stages).map(([k, v]) => [k, v.result]));
const failures = (r: PipelineRun) =>
  Object.values(r.stages)
    .flatMap((s) => Object.values(s.jobs).flatMap((j) => j.steps.filter((x) => x.result === 'Failed').map((x) => `${x.name ?? x.task}:\n${x.run ? x.run.stdout.slice(-3000) : x.log}`)))
    .join('\n');

test('a failing policy stops the pipeline before Production; the champion keeps the traffic', async () => {
  retrain(repo, -1.25);
  const policy = join(repo, 'staging', 'policy.yml');
  const good = readFileSync(policy, 'utf8');
  writeFileSync(policy, good.replace('{path: /0, equals: 0.035, tolerance: 0.01}', '{path: /0, equals: 0.5, tolerance: 0.01}'));
  const r = await runChain({ bakeTime: '2s' });
  writeFileSync(policy, good);
  expect(results(r)).toEqual({ Register: 'Succeeded', Stage: 'Failed', Production: 'Skipped', Monitors: 'Skipped' });
  expect(r.stages.Register!.jobs.register!.outputs['register.modelRef']).toBe('azureml:credit-default:2');
  expect(r.stages.Stage!.jobs.checks!.outputs['checks.verdict']).toBe('failed');
  expect((await readEndpoint(t, 'credit-default-ep'))!.properties.traffic).toEqual({ blue: 100 });
  expect(approvals).toEqual(['staging:staging']);
}, 600_000);

test('the fixed rerun: promoted with the approver as lineage, all traffic on the new deployment, monitored', async () => {
  approvals.length = 0;
  const r = await runChain({ bakeTime: '2s' });
  expect(failures(r)).toBe('');
  expect(results(r)).toEqual({ Register: 'Succeeded', Stage: 'Succeeded', Production: 'Succeeded', Monitors: 'Succeeded' });
  expect(approvals).toEqual(['staging:staging', 'production:production']);
  const prod = r.stages.Production!.jobs.production!.outputs;
  const green = r.stages.Stage!.jobs.staging!.outputs['staging.stage.deploymentName']!;
  expect(prod['production.online.deploymentName']).toBe(green);
  expect(prod['production.approval.approver']).toBe('ada@contoso.com');
  const ep = (await readEndpoint(t, 'credit-default-ep'))!;
  expect(Object.entries(ep.properties.traffic ?? {}).filter(([, v]) => v > 0)).toEqual([[green, 100]]);
  const asset = prod['production.promote.assetId']!;
  const registryModel = await arm<{ properties: { properties?: Record<string, string>; tags?: Record<string, string> } }>(
    t,
    'GET',
    asset.replace(/^azureml:\/\/registries\/([^/]+)\//, `/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_REGISTRY_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/registries/$1/`),
  );
  expect({ ...registryModel.json.properties.tags, ...registryModel.json.properties.properties }['lineage.approver']).toBe('ada@contoso.com');
  expect(r.stages.Monitors!.jobs.monitors!.outputs['monitors.monitoredDeployment']).toBe(green);
  const schedule = await arm<{ properties: { action: { monitorDefinition: { monitoringTarget: { deploymentId: string } } } } }>(t, 'GET', `${workspacePath(t)}/schedules/credit-default-monitor`);
  expect(schedule.json.properties.action.monitorDefinition.monitoringTarget.deploymentId).toMatch(new RegExp(`/deployments/${green}$`));
}, 900_000);

test('target: batch — Stage skipped, Production runs after approval, the batch deployment becomes the tested default', async () => {
  addBatchDeployment(repo);
  retrain(repo, -1.2);
  approvals.length = 0;
  const r = await runChain({ target: 'batch', batchDeploymentFile: 'batch/deployment.yml', batchTestInput: 'batch/sample' });
  expect(failures(r)).toBe('');
  expect(results(r)).toEqual({ Register: 'Succeeded', Stage: 'Skipped', Production: 'Succeeded', Monitors: 'Skipped' });
  expect(approvals).toEqual(['production:production']);
  const prod = r.stages.Production!.jobs.production!.outputs;
  expect(prod['production.batch.defaultDeployment']).toBe('nightly');
  expect(prod['production.online.deploymentName']).toBeUndefined();
  expect(prod['production.promote.assetId']).toMatch(/\/models\/credit-default\/versions\/\d+$/);
}, 900_000);

test('target: arc — staged at 0% on the Kubernetes endpoint, checked there, promoted after approval, canary to 100%, monitored', async () => {
  const arc = await prepareArcRelease(t, repo);
  approvals.length = 0;
  const r = await runChain({ target: 'arc', computeName: arc.compute, clusterId: arc.clusterId, endpointName: arc.endpoint, deploymentFile: 'deploy/k8s-deployment.yml', bakeTime: '2s' });
  expect(failures(r)).toBe('');
  expect(results(r)).toEqual({ Register: 'Succeeded', Stage: 'Succeeded', Production: 'Succeeded', Monitors: 'Succeeded' });
  expect(approvals).toEqual(['staging:staging', 'production:production']);
  const staged = r.stages.Stage!.jobs.staging!.outputs['staging.stageArc.deploymentName']!;
  expect(staged).toMatch(/\S/);
  expect(staged).not.toBe('blue');
  const prod = r.stages.Production!.jobs.production!.outputs;
  expect(prod['production.arc.deploymentName']).toBe(staged);
  expect(prod['production.promote.assetId']).toMatch(/\/models\/credit-default\/versions\/\d+$/);
  const ep = (await readEndpoint(t, arc.endpoint))!;
  expect(Object.entries(ep.properties.traffic ?? {}).filter(([, v]) => v > 0)).toEqual([[staged, 100]]);
  const deployment = await arm<{ properties: { endpointComputeType: string } }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints/${arc.endpoint}/deployments/${staged}`);
  expect(deployment.json.properties.endpointComputeType).toBe('Kubernetes');
  expect(r.stages.Monitors!.jobs.monitors!.outputs['monitors.monitoredDeployment']).toBe(staged);
}, 900_000);
