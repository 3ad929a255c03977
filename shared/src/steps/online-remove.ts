/**
 * `strategy: remove` of the online-endpoint steps (deploy-online, deploy-arc): delete a named deployment that serves
 * no traffic, e.g. a pull request's preview or a staged deployment whose checks failed. The deployment-name and the
 * endpoint (endpoint-name, or the deployment file's endpoint_name) are all it reads; a deployment that still takes
 * live or mirrored traffic is refused before anything is written, and a rerun after it is gone says so and succeeds.
 */
import { inputError, StepError } from '../core/errors';
import { readRegularFile } from '../core/files';
import { resolve } from 'node:path';
import { facts, section } from '../report/markdown';
import { checkDeploymentName } from '../rollout/inputs';
import { formatMap } from '../rollout';
import { endpointNameProblem } from '../specs/common/names';
import type { StepContext } from './definition';
import { topLevelNames } from './online-plan';
import { connectWorkspace } from './workspace';

export interface RemovalPlan {
  endpoint: string;
  deployment: string;
}

/** Whether the strategy input asks for a removal (read before the rollout inputs, which do not know it). */
export const isRemoval = (ctx: StepContext): boolean => ctx.inputs.string('strategy')?.trim() === 'remove';

export function readRemovalPlan(ctx: StepContext): RemovalPlan {
  const { inputs } = ctx;
  const file = inputs.string('deployment-file');
  const top = file ? topLevelNames(readRegularFile(resolve(file), { input: 'deployment-file' })) : {};
  const deployment = inputs.string('deployment-name') ?? top.name;
  if (!deployment || deployment === 'auto') {
    throw inputError("strategy remove deletes one named deployment: give 'deployment-name' (not auto).", { input: 'deployment-name' });
  }
  checkDeploymentName(deployment, 'deployment-name');
  const endpoint = inputs.string('endpoint-name') ?? top.endpoint;
  if (!endpoint) throw inputError("strategy remove needs the endpoint: 'endpoint-name', or endpoint_name in the deployment file.", { input: 'endpoint-name' });
  const problem = endpointNameProblem(endpoint, 'endpoint');
  if (problem) throw inputError(`Input 'endpoint-name': ${problem}.`, { input: 'endpoint-name' });
  return { endpoint, deployment };
}

export async function removeDeployment(ctx: StepContext, step: string): Promise<void> {
  const { host } = ctx;
  const plan = readRemovalPlan(ctx);
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const endpoint = await client.online.getEndpoint(rg, ws, plan.endpoint);
  const live = endpoint ? (await client.online.listDeployments(rg, ws, plan.endpoint)).find((d) => d.name?.toLowerCase() === plan.deployment.toLowerCase()) : undefined;
  const traffic = endpoint?.properties.traffic ?? {};
  const report = async (result: 'removed' | 'unchanged' | 'dry-run', line: string) => {
    host.info(line);
    host.setOutput('endpoint-name', plan.endpoint);
    host.setOutput('deployment-name', plan.deployment);
    host.setOutput('traffic', JSON.stringify(traffic));
    host.setOutput('result', result);
    const headline = { removed: '🗑️ Removed', unchanged: '✅ Nothing to remove', 'dry-run': '📝 Dry run: nothing was written' }[result];
    await host.summary(section(`${headline}: ${step}`, line, facts([['Endpoint', plan.endpoint], ['Deployment', plan.deployment], ['Traffic', formatMap(traffic)]])));
  };
  if (!live) {
    return report('unchanged', endpoint ? `Deployment ${plan.deployment} is not on endpoint ${plan.endpoint}: nothing to remove.` : `Endpoint ${plan.endpoint} does not exist: nothing to remove.`);
  }
  const name = live.name!;
  const share = (m: Record<string, number> | undefined) => Object.entries(m ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
  if (share(traffic) > 0 || share(endpoint?.properties.mirrorTraffic) > 0) {
    throw new StepError('conflict', `Deployment ${name} still serves ${share(traffic)}% of ${plan.endpoint}'s traffic (mirror ${share(endpoint?.properties.mirrorTraffic)}%): it is not removed.`, {
      input: 'deployment-name',
      hint: 'Move its traffic to another deployment first (a blue-green or canary run); nothing was written.',
    });
  }
  if (conn.dryRun) return report('dry-run', `Would delete deployment ${name} of ${plan.endpoint} (no traffic).`);
  host.info(`Deleting deployment ${name} of ${plan.endpoint} (no traffic)…`);
  await client.online.deleteDeployment(rg, ws, plan.endpoint, name);
  return report('removed', `Deleted deployment ${name} of ${plan.endpoint}; traffic ${formatMap(traffic)} unchanged.`);
}
