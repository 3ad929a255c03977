/**
 * The rollout's ports bound to Azure: traffic through a full endpoint PUT (PATCH cannot change traffic), the
 * deployment PUT/PATCH/DELETE with triage on failure, the probe through the scoring URI with the
 * azureml-model-deployment header, and Azure Monitor (with the probe's own observations as a fallback).
 */
import type { AzureMlClient } from '../azureml/client';
import type { OnlineDeploymentBody, OnlineEndpointBody } from '../azureml/online';
import type { OnlineEndpoint } from '../azureml/resources';
import { ScoringClient } from '../azureml/scoring';
import { azureMonitorSource } from '../monitoring/deployment-metrics';
import { combineSources, ProbeRunner, type MetricsSource, type ProbeFile, type RolloutPorts, type TrafficMap } from '../rollout';
import type { OnlineConnection } from './connection';
import { triageDeployment, type Triage } from './triage';

export interface PortsContext {
  conn: OnlineConnection;
  endpointName: string;
  /** The endpoint body to PUT (traffic and mirror are replaced on each traffic change). */
  endpointBody: OnlineEndpointBody;
  /** The new deployment's body (its name is the rollout's deployment). */
  deploymentBody: OnlineDeploymentBody;
  probe?: ProbeFile;
  signal: AbortSignal;
  /** Filled when a deployment write fails: what the summary shows. */
  onTriage: (t: Triage) => void;
}

const BEARER_REFRESH_MS = 10 * 60_000;

/** The endpoint's credential for scoring calls, by auth mode; keys and tokens are masked as they arrive. */
export function bearerFor(conn: OnlineConnection, endpointName: string, authMode: string): () => Promise<string> {
  const { client, scope } = conn;
  let cached: { value: string; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < BEARER_REFRESH_MS) return cached.value;
    let value: string | undefined;
    if (/^key$/i.test(authMode)) value = (await client.online.listKeys(scope.resourceGroup, scope.workspaceName, endpointName)).primaryKey;
    else if (/^amltoken$/i.test(authMode)) value = (await client.online.getToken(scope.resourceGroup, scope.workspaceName, endpointName)).accessToken;
    else {
      value = (await conn.credential.getToken(`${conn.cloud.mlAudience.replace(/\/$/, '')}/.default`))?.token;
      if (value) client.core.onSecret?.(value);
    }
    if (!value) throw new Error(`no ${authMode} credential for endpoint '${endpointName}'`);
    cached = { value, at: Date.now() };
    return value;
  };
}

export interface BoundPorts {
  ports: RolloutPorts;
  /** The probe's observations (for the summary), when there is a probe */
  runner?: ProbeRunner;
  /** The endpoint as the last traffic write left it (its operation's final GET), when there was one. */
  lastEndpoint(): OnlineEndpoint | undefined;
  close(): void;
}

export function bindPorts(p: PortsContext, live: () => Promise<OnlineEndpoint | undefined>): BoundPorts {
  const { client, scope } = p.conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  let scoring: ScoringClient | undefined;
  const scoringClient = async (): Promise<ScoringClient> => {
    if (scoring) return scoring;
    const ep = await live();
    const uri = ep?.properties.scoringUri;
    if (!uri) throw new Error(`endpoint '${p.endpointName}' has no scoring URI yet`);
    scoring = new ScoringClient(uri, bearerFor(p.conn, p.endpointName, ep.properties.authMode), p.signal);
    return scoring;
  };
  const runner = p.probe
    ? new ProbeRunner(p.probe, async (deployment, request, signal) => {
        const c = await scoringClient();
        const r = await c.score({ body: request.body, headers: request.headers, deployment, timeoutMs: 30_000 });
        if (signal.aborted) throw signal.reason;
        if (r.status === 0) throw new Error(r.error ?? 'no answer');
        return { status: r.status, body: r.body, latencyMs: r.latencyMs };
      })
    : undefined;
  const endpointId = `/subscriptions/${scope.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/onlineEndpoints/${p.endpointName}`;
  const monitor = azureMonitorSource({
    credential: p.conn.credential,
    subscriptionId: scope.subscriptionId,
    resourceManager: p.conn.cloud.resourceManager,
    audience: p.conn.cloud.resourceManagerAudience,
    endpointId,
    signal: p.signal,
  });
  // With a probe, Azure Monitor failing to answer is a warning: the probe's own measurements still count. Without
  // one, the error reaches the check, which calls every rule inconclusive (a failure).
  let warned = false;
  const tolerantMonitor: MetricsSource = {
    measure: (deployment, window, signal) =>
      monitor.measure(deployment, window, signal).catch((e: unknown) => {
        if (!warned) p.conn.client.core.logger.warning(`Azure Monitor metrics unavailable (${(e as Error).message}); using the probe's measurements.`);
        warned = true;
        return {};
      }),
  };
  const metrics: MetricsSource = runner ? combineSources(tolerantMonitor, runner) : monitor;

  const withTriage = async (deployment: string, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (e) {
      p.onTriage(await triageDeployment(client, { resourceGroup: rg, workspace: ws, endpoint: p.endpointName, deployment }, e));
      throw e;
    }
  };

  // The client answers to the job's signal; the restore after a cancellation (SIGTERM) runs under the driver's own
  // restore signal, so its writes go through a client bound to that signal instead of being cancelled too.
  const clientFor = async (signal: AbortSignal | undefined): Promise<AzureMlClient> => {
    if (!signal || signal === client.core.signal) return client;
    const { AzureMlClient: Client } = await import('../azureml/client');
    return new Client({ ...client.core.options, signal });
  };

  let lastEndpoint: OnlineEndpoint | undefined;
  const ports: RolloutPorts = {
    async setTraffic(traffic: TrafficMap, mirror: TrafficMap, signal: AbortSignal) {
      const body: OnlineEndpointBody = { ...p.endpointBody, properties: { ...p.endpointBody.properties, traffic: { ...traffic }, mirrorTraffic: { ...mirror } } };
      lastEndpoint = undefined; // an aborted or failed write leaves the endpoint unknown
      lastEndpoint = (await (await clientFor(signal)).online.createOrUpdateEndpoint(rg, ws, p.endpointName, body)).resource;
    },
    createOrUpdateDeployment: (deployment) => withTriage(deployment, () => client.online.createOrUpdateDeployment(rg, ws, p.endpointName, deployment, p.deploymentBody)),
    deleteDeployment: async (deployment, signal) => void (await (await clientFor(signal)).online.deleteDeployment(rg, ws, p.endpointName, deployment)),
    scaleDeployment: (deployment, instances) => withTriage(deployment, () => client.online.updateDeployment(rg, ws, p.endpointName, deployment, { sku: { capacity: instances } })),
    async smoke(deployment, signal) {
      if (!runner) return { passed: true, detail: 'no probe-file: the deployment is provisioned and ready (give probe-file to score requests at 0%)' };
      return runner.smoke(deployment, signal);
    },
    metrics,
    ...(runner ? { load: (deployment: string, signal: AbortSignal) => runner.load(deployment, signal) } : {}),
  };
  return { ports, runner, lastEndpoint: () => lastEndpoint, close: () => scoring?.close() };
}
