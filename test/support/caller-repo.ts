/**
 * A model repository as a team starts one: `aml-lifecycle init --ci <system>` (the CLI bundle, as a user runs it)
 * writes the CI templates, the model with its az ml model file and metrics, the deployment and probe, the staging
 * policy with sample data and the monitor schedule.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGitHubAction, runNode } from '../../shared/cli/runners';
import { githubEnv, workspaceInputs } from './e2e';
import { REPO, type TestEmulator } from './emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

export async function writeCallerRepo(ci: 'github' | 'azure-pipelines'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'caller-repo-'));
  const r = await runNode(CLI, ['init', '--ci', ci, '--dir', dir], { PATH: process.env.PATH, HOME: process.env.HOME });
  if (r.exitCode !== 0) throw new Error(`init failed:\n${r.stdout}${r.stderr}`);
  return dir;
}

/** Retrains the model in the repository: new weights and their evaluation, so registering it makes a new version. */
export function retrain(dir: string, intercept: number): void {
  const file = join(dir, 'models', 'credit-model', 'model.json');
  const w = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...w, intercept }, null, 2));
  cpSync(join(REPO, 'shared', 'demo', 'metrics-retrained.json'), join(dir, 'models', 'metrics.json'));
}

/** The repository's batch deployment (the demo's, with its code and a sample), beside the deployment's conda file. */
export function addBatchDeployment(dir: string): void {
  const demo = join(REPO, 'shared', 'demo', 'batch');
  mkdirSync(join(dir, 'batch'), { recursive: true });
  cpSync(join(demo, 'code'), join(dir, 'batch', 'code'), { recursive: true });
  cpSync(join(demo, 'sample'), join(dir, 'batch', 'sample'), { recursive: true });
  writeFileSync(join(dir, 'batch', 'deployment.yml'), readFileSync(join(demo, 'deployment.yml'), 'utf8').replace('conda_file: ../online/conda.yml', 'conda_file: ../deploy/conda.yml'));
}

/** The Kubernetes deployment file of the repository (the demo's), beside the managed one, with its code path. */
export function addArcDeployment(dir: string): void {
  const demo = readFileSync(join(REPO, 'shared', 'demo', 'online', 'k8s-deployment.yml'), 'utf8');
  writeFileSync(join(dir, 'deploy', 'k8s-deployment.yml'), demo.replace('code: ../credit-model', 'code: ../models/credit-model'));
}

/**
 * The Kubernetes champion: the emulator's Arc cluster attached as `compute` (with a cpu-small instance type), and
 * blue serving `model` with all traffic on `endpoint`, made with the deploy-arc action.
 */
export async function seedArcChampion(t: TestEmulator, repo: string, o: { compute: string; clusterId: string; endpoint: string; model: string }): Promise<void> {
  const r = await runGitHubAction(
    join(REPO, 'actions', 'deploy-arc'),
    {
      ...workspaceInputs(t),
      'compute-name': o.compute,
      'cluster-id': o.clusterId,
      'instance-types': 'cpu-small:\n  requests: {cpu: 500m, memory: 1Gi}\n  limits: {cpu: "1", memory: 2Gi}\n',
      'deployment-file': 'deploy/k8s-deployment.yml',
      'endpoint-name': o.endpoint,
      'deployment-name': 'blue',
      model: o.model,
      'bake-time': '1s',
    },
    githubEnv(t),
    repo,
  );
  if (r.exitCode !== 0) throw new Error(`the Kubernetes champion was not deployed:\n${r.stdout}`);
}

/**
 * What the chain tests' `target: arc` run starts from: the repository's Kubernetes deployment file, the Kubernetes
 * champion (credit-default:1 on blue) on the emulator's Arc cluster attached as arc-compute, and a retrained model.
 */
export async function prepareArcRelease(t: TestEmulator, repo: string): Promise<{ compute: string; clusterId: string; endpoint: string }> {
  const w = workspaceInputs(t);
  const clusterId = `/subscriptions/${w['subscription-id']}/resourceGroups/${w['resource-group']}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`;
  const arc = { compute: 'arc-compute', clusterId, endpoint: 'credit-default-k8s' };
  addArcDeployment(repo);
  await seedArcChampion(t, repo, { ...arc, model: 'azureml:credit-default:1' });
  retrain(repo, -1.15);
  return arc;
}

/**
 * What a team has before a release: the data its monitor reads (seeded as data assets) and the champion the endpoint
 * already serves (version 1 on blue, all traffic), made with the actions themselves.
 */
export async function seedChampion(t: TestEmulator, repo: string): Promise<void> {
  const w = workspaceInputs(t);
  for (const [name, file] of [['credit-training', 'train.csv'], ['credit-recent-applicants', 'staging.csv']] as const) {
    await t.control.call('PUT', `/_emulator/data/${w['subscription-id']}/${w['resource-group']}/${w.workspace}/${name}/1`, { text: readFileSync(join(repo, 'staging', file), 'utf8'), path: `chain/${name}.csv` });
  }
  const env = githubEnv(t);
  const reg = await runGitHubAction(join(REPO, 'actions', 'register-model'), { ...w, 'model-file': 'models/model.yml', metrics: 'models/metrics.json' }, env, repo);
  if (reg.outputs['model-ref'] !== 'azureml:credit-default:1') throw new Error(`the champion was not registered as version 1:\n${reg.stdout}`);
  const blue = await runGitHubAction(join(REPO, 'actions', 'deploy-online'), { ...w, 'deployment-file': 'deploy/deployment.yml', 'endpoint-name': 'credit-default-ep', 'deployment-name': 'blue', model: 'azureml:credit-default:1', 'bake-time': '1s' }, env, repo);
  if (blue.exitCode !== 0) throw new Error(`the champion was not deployed:\n${blue.stdout}`);
}
