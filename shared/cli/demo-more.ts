/**
 * The demo's last steps. The Kubernetes one: the promoted champion (its workspace version: Kubernetes deployments take workspace
 * assets) goes to a Kubernetes online endpoint on the emulator's Arc cluster, attaching the cluster as a compute
 * first (after checking its Azure ML extension), checked by the probe at 0%.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, runGitHubAction, runNode } from './runners';
import type { DeployDemoContext } from './demo-deploy';

export async function runArcDemo(c: DeployDemoContext, banner: string): Promise<boolean> {
  const online = join(c.root, 'shared', 'demo', 'online');
  c.banner(banner);
  const clusterId = `/subscriptions/${c.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${c.env.AML_RESOURCE_GROUP}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`;
  const r = await runGitHubAction(
    join(c.root, 'actions', 'deploy-arc'),
    {
      ...c.workspaceInputs,
      'compute-name': 'arc-inference',
      'cluster-id': clusterId,
      namespace: 'azureml',
      'instance-types': 'cpu-small:\n  requests: {cpu: 500m, memory: 1Gi}\n  limits: {cpu: "1", memory: 2Gi}\n',
      'deployment-file': join(online, 'k8s-deployment.yml'),
      'probe-file': join(online, 'probe.yml'),
      model: 'azureml:credit-default:1',
      'bake-time': '3s',
    },
    baseEnv({ ...c.env, SYSTEM_OIDCREQUESTURI: undefined }),
  );
  return c.report('deploy to Arc', r);
}

/** The demo's batch step: the champion (workspace version) batch-scores a sample of applicants, then becomes the default. */
export async function runBatchDemo(c: DeployDemoContext, banner: string): Promise<boolean> {
  const dir = join(c.root, 'shared', 'demo', 'batch');
  c.banner(banner);
  const summaryFile = join(c.stateDir, 'batch-cli-summary.md');
  writeFileSync(summaryFile, '');
  const args = ['deploy-batch', '--deployment-file', join(dir, 'deployment.yml'), '--model', 'azureml:credit-default:1', '--test-input', join(dir, 'sample'), '--set-default', 'true'];
  const r = await runNode(
    join(c.root, 'shared', 'dist', 'cli', 'index.js'),
    args,
    baseEnv({ ...c.env, ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, SYSTEM_OIDCREQUESTURI: undefined, AZURE_CLIENT_SECRET: c.clientSecret, AML_SUMMARY_FILE: summaryFile }),
  );
  let outputs: Record<string, string> = {};
  try {
    outputs = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n{') + 1)) as Record<string, string>;
  } catch {
    /* reported below */
  }
  return c.report('batch-score', { ...r, outputs, summary: readFileSync(summaryFile, 'utf8') });
}
