/**
 * The endpoint the checks send to: read once (scoring URI, auth mode, traffic), the deployment under test confirmed,
 * the champion taken from the input or the traffic map, and a DeploymentPort bound to the scoring URI with the
 * credential the endpoint's auth mode asks for (key, AML token or Entra token; masked as they arrive).
 */
import { ScoringClient } from '../../azureml/scoring';
import type { DeploymentPort } from '../../checks/runners';
import { StepError } from '../../core/errors';
import { bearerFor } from '../../online/ports';
import type { WorkspaceConnection } from '../workspace';

export interface BoundEndpoint {
  port: DeploymentPort;
  traffic: Record<string, number>;
  authMode: string;
  close(): void;
}

export async function bindEndpoint(conn: WorkspaceConnection, names: { endpoint: string; deployment: string; champion?: string }, signal: AbortSignal): Promise<BoundEndpoint> {
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const ep = await client.online.getEndpoint(rg, ws, names.endpoint);
  if (!ep) throw new StepError('not-found', `Online endpoint ${names.endpoint} does not exist in workspace ${ws}.`, { input: 'endpoint-name', hint: 'Deploy it first (deploy-online with strategy: stage puts the new deployment at 0%).' });
  const deployments = await client.online.listDeployments(rg, ws, names.endpoint);
  const known = deployments.map((d) => d.name);
  for (const [name, input] of [[names.deployment, 'deployment-name'], [names.champion, 'champion-deployment']] as const) {
    if (name && !known.includes(name)) {
      throw new StepError('not-found', `Endpoint ${names.endpoint} has no deployment ${name} (it has: ${known.join(', ') || 'none'}).`, { input });
    }
  }
  const uri = ep.properties.scoringUri;
  if (!uri) throw new StepError('service', `Endpoint ${names.endpoint} reports no scoring URI yet (provisioning state ${ep.properties.provisioningState ?? 'unknown'}).`);
  const traffic = { ...(ep.properties.traffic ?? {}) } as Record<string, number>;
  const champion =
    names.champion ??
    Object.entries(traffic)
      .filter(([d, share]) => d !== names.deployment && share > 0)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
  const bearer = bearerFor({ ...conn, dryRun: false }, names.endpoint, ep.properties.authMode);
  const scoring = new ScoringClient(uri, bearer, signal);
  const port: DeploymentPort = {
    target: names.deployment,
    ...(champion ? { champion } : {}),
    scoringUri: uri,
    bearer,
    async score(deployment, body, headers, timeoutMs) {
      const r = await scoring.score({ body, deployment, ...(headers ? { headers } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
      return { status: r.status, body: r.body, latencyMs: r.latencyMs, ...(r.error ? { error: r.error } : {}) };
    },
  };
  return { port, traffic, authMode: ep.properties.authMode, close: () => scoring.close() };
}
