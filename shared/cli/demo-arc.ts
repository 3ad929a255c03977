/**
 * The demo's Kubernetes step: the promoted champion (its workspace version: Kubernetes deployments take workspace
 * assets) goes to a Kubernetes online endpoint on the emulator's Arc cluster, attaching the cluster as a compute
 * first (after checking its Azure ML extension), checked by the probe at 0%.
 */
import { join } from 'node:path';
import { baseEnv, runGitHubAction } from './runners';
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
