/**
 * The load service for `engine: azure-load-testing` checks: each check's Microsoft.LoadTestService/loadTests
 * resource read through ARM (api-version 2022-12-01) before any check runs, so a missing one is refused before
 * anything is written; then, per check, a test named after the endpoint and the check, a generated JMeter plan
 * (shared/src/loadtesting/jmx.ts) and a test run whose statistics become the check's figures.
 *
 * The endpoint credential reaches the test as its secret `endpoint-credential`: the Key Vault secret URI of the
 * check's `endpoint_secret` (type AKV_SECRET_URI, read by the resource's system-assigned identity) when given, else
 * the endpoint's current key or token as a SECRET_VALUE secret (stored by the service as a secret, never in the plan
 * or in environment variables). An AML or Entra token expires (about an hour): for runs near that long, or to keep
 * the key out of the service altogether, put it in Key Vault and name it with `endpoint_secret`.
 */
import { formatLocation, StepError } from '../../core/errors';
import type { LoadServicePort, ServiceLoadRun, DeploymentPort } from '../../checks/runners';
import type { AzureLoadTestingEngine, LoadCheck, Policy } from '../../checks/policy/types';
import { LOAD_TESTING_AUDIENCE, LoadTestingClient } from '../../loadtesting/client';
import { passFailMetrics } from '../../loadtesting/criteria';
import { buildJmx, ENDPOINT_SECRET_NAME, JMX_FILE_NAME } from '../../loadtesting/jmx';
import { figuresOf, runOnService } from '../../loadtesting/run';
import type { WorkspaceConnection } from '../workspace';

export const LOAD_TEST_RESOURCE_API_VERSION = '2022-12-01';

interface Resolved {
  id: string;
  name: string;
  client: LoadTestingClient;
}

function resourceId(conn: WorkspaceConnection, r: AzureLoadTestingEngine['resource']): string {
  if ('id' in r) return r.id;
  return `/subscriptions/${conn.scope.subscriptionId}/resourceGroups/${r.resourceGroup ?? conn.scope.resourceGroup}/providers/Microsoft.LoadTestService/loadTests/${r.name}`;
}

/** Lower-case letters, digits, '-' and '_', 2-50 characters, as test and test run ids must be. */
export function serviceId(text: string, max = 50): string {
  const s = text.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return (s.length >= 2 ? s : `t-${s}`).slice(0, max).replace(/-+$/, '');
}

function tokenSource(conn: WorkspaceConnection): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.until) return cached.token;
    const t = await conn.credential.getToken(`${LOAD_TESTING_AUDIENCE}/.default`);
    if (!t?.token) throw new StepError('auth', `No Microsoft Entra token for Azure Load Testing (${LOAD_TESTING_AUDIENCE}).`);
    conn.client.core.onSecret?.(t.token);
    cached = { token: t.token, until: Math.min(t.expiresOnTimestamp - 120_000, Date.now() + 30 * 60_000) };
    return t.token;
  };
}

/** Reads every load testing resource the policy names; undefined when no check runs on the service. */
export async function bindLoadService(conn: WorkspaceConnection, policy: Policy, port: DeploymentPort, endpoint: string, signal: AbortSignal): Promise<LoadServicePort | undefined> {
  const checks = policy.checks.filter((c): c is LoadCheck => c.type === 'load' && c.engine?.kind === 'azure-load-testing');
  if (checks.length === 0) return undefined;
  const token = tokenSource(conn);
  const resolved = new Map<string, Resolved>();
  for (const check of checks) {
    const engine = check.engine as AzureLoadTestingEngine;
    const id = resourceId(conn, engine.resource);
    if (resolved.has(id.toLowerCase())) continue;
    const name = id.slice(id.lastIndexOf('/') + 1);
    const res = await conn.client.core.rawGet<{ properties?: { dataPlaneURI?: string; provisioningState?: string } }>(
      id,
      { operation: 'get the load testing resource', ref: { kind: 'load testing resource', name, scope: id.replace(/\/providers\/.*$/, '') } },
      LOAD_TEST_RESOURCE_API_VERSION,
    );
    if (!res) {
      throw new StepError('not-found', `${formatLocation(engine.at)}: check '${check.name}': the load testing resource ${id} does not exist.`, {
        location: engine.at,
        hint: 'Create it (az load create --name <name> --resource-group <group>) or name another one in load_test_resource.',
      });
    }
    const uri = res.properties?.dataPlaneURI;
    if (!uri) throw new StepError('service', `The load testing resource ${id} reports no data plane URI (provisioning state ${res.properties?.provisioningState ?? 'unknown'}).`);
    resolved.set(id.toLowerCase(), { id, name, client: new LoadTestingClient({ dataPlaneUri: uri, token, signal }) });
  }

  return {
    async run(check, deployment, progress, runSignal): Promise<ServiceLoadRun> {
      const engine = check.engine as AzureLoadTestingEngine;
      const r = resolved.get(resourceId(conn, engine.resource).toLowerCase())!;
      if (check.mode.kind !== 'concurrency' || check.durationMs === undefined) throw new Error('an Azure Load Testing run needs concurrency and duration');
      const testId = serviceId(`staging-checks-${endpoint}-${check.name}`);
      const testRunId = serviceId(`${testId.slice(0, 36)}-${Date.now().toString(36)}`);
      const threads = check.mode.connections;
      const jmx = buildJmx({
        name: `staging-checks ${check.name}`,
        url: port.scoringUri,
        deployment,
        headers: check.requests[0]?.headers ?? {},
        bodies: check.requests.map((q) => q.body ?? ''),
        threads,
        rampUpS: engine.rampUpMs / 1000,
        durationS: check.durationMs / 1000,
        timeoutMs: check.timeoutMs,
        secretName: ENDPOINT_SECRET_NAME,
      });
      const criteria = passFailMetrics(check.slo);
      const secret = engine.keyVaultSecret ? { type: 'AKV_SECRET_URI' as const, value: engine.keyVaultSecret } : { type: 'SECRET_VALUE' as const, value: await port.bearer() };
      progress(`  ${check.name}: Azure Load Testing on ${r.name}: ${threads} thread${threads === 1 ? '' : 's'} × ${engine.engineInstances} engine instance${engine.engineInstances === 1 ? '' : 's'} for ${check.durationMs / 1000} s${engine.rampUpMs ? ` after a ${engine.rampUpMs / 1000} s ramp-up` : ''}`);
      const run = await runOnService(
        r.client,
        {
          testId,
          testRunId,
          displayName: `staging-checks ${check.name}`.slice(0, 50),
          description: `staging-checks: ${check.name} against ${endpoint}/${deployment}`.slice(0, 100),
          engineInstances: engine.engineInstances,
          jmx,
          fileName: JMX_FILE_NAME,
          secretName: ENDPOINT_SECRET_NAME,
          secret,
          passFailMetrics: criteria,
        },
        { progress, signal: runSignal, progressEveryMs: 5000 },
      );
      const facts: Record<string, string | number> = {
        'Azure Load Testing run': `${testRunId} (test ${testId} on ${r.name})`,
        'virtual users': `${threads * engine.engineInstances} (${threads} × ${engine.engineInstances} engine instance${engine.engineInstances === 1 ? '' : 's'})`,
      };
      if (run.portalUrl) facts['portal'] = run.portalUrl;
      if (run.testResult) facts['service verdict'] = `${run.testResult} on ${Object.keys(criteria).length} pass/fail criteria (of ${check.slo.length} objectives)`;
      return { figures: figuresOf(run), facts };
    },
  };
}
