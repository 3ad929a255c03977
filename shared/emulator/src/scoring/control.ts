/**
 * Control routes of the scoring runtime (loopback, no auth, JSON), under /_emulator/scoring/:
 *   POST   deployments  {endpointId | endpoint, deployment, code, scoringScript, model?, environmentVariables?,
 *                        instanceCount?, requestTimeoutMs?, maxConcurrentRequestsPerInstance?,
 *                        collections?: {<name>: {account, container, path}}}   (model data collection folders)
 *          A test seam beside ARM (whose deployment operations start the runtime themselves): stores a deployment
 *          resource (marked `emulatorSeeded`) when none exists, starts the runtime and sets provisioningState
 *          Succeeded / Failed. A deployment created through ARM is left as it is (only the runtime is started).
 *   DELETE deployments?id=…   stop the runtime (and remove a seeded resource)
 *   GET    deployments?id=…   the runtime record (status, instances with pid/port)
 *   GET    logs?id=…&containerType=InferenceServer|StorageInitializer&tail=N
 *   POST   behaviour    {endpoint, deployment, latencyMs?, latency?: {p50, p99}, errorRate?, errorStatus?, output?}
 *                       (replaces that deployment's behaviour; `{endpoint, deployment}` alone clears it)
 *   DELETE behaviour    clear all;   GET behaviour
 *   POST   seed         {seed: number | null}   seeded routing / mirroring / behaviour draws
 *   GET    keys?endpointId=…   the keys Key-mode scoring accepts;   POST token?endpointId=…   an AML token
 *   POST   collected/flush?deploymentId=…   upload what the deployment collected so far (scoring/collector.ts)
 */
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import type { Reply } from '../http';
import { isObject, json, parseJson } from '../http';
import { getResource, propertiesOf, putResource } from '../arm/resource-helpers';
import { ML_PROVIDER } from '../arm/target';
import type { DeploymentRuntime } from './runtime';
import type { ContainerType } from './logs';
import type { DeploymentSpec, FileSource } from './records';
import { behaviourKey, behaviourStore, validateBehaviour } from './behaviour';
import { endpointKeys, issueAmlToken } from './credentials';

export interface ScoringControlDeps {
  stateDir: string;
  store: JsonStore<ArmState>;
  runtime: DeploymentRuntime;
}

export const DEPLOYMENT_TYPE = `${ML_PROVIDER}/workspaces/onlineEndpoints/deployments`;

function bad(message: string, status = 400): Reply {
  return json(status, { error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } });
}

function endpointIdOf(state: ArmState, v: Record<string, unknown>): string | undefined {
  if (typeof v.endpointId === 'string') return v.endpointId;
  if (typeof v.endpoint !== 'string' || !state.defaults) return undefined;
  const d = state.defaults;
  return `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/${ML_PROVIDER}/workspaces/${d.workspace}/onlineEndpoints/${v.endpoint}`;
}

function source(v: unknown): FileSource | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v) && (typeof v.local === 'string' || isObject(v.blob))) return v as FileSource;
  return undefined;
}

async function startDeployment(deps: ScoringControlDeps, v: Record<string, unknown>): Promise<Reply> {
  const state = deps.store.read();
  const endpointId = endpointIdOf(state, v);
  if (!endpointId || typeof v.deployment !== 'string') return bad('need endpointId (or endpoint, in the default workspace) and deployment');
  const endpoint = getResource(state, endpointId);
  if (!endpoint) return bad(`endpoint ${endpointId} does not exist`, 404);
  const code = source(v.code ?? v.codeDir);
  if (!code || typeof v.scoringScript !== 'string') return bad('need code (a local path or {blob: {account, container, path}}) and scoringScript');
  const id = `${endpoint.id}/deployments/${v.deployment}`;
  const spec: DeploymentSpec = {
    id,
    code,
    scoringScript: v.scoringScript,
    model: source(v.model ?? v.modelDir),
    environmentVariables: isObject(v.environmentVariables) ? (v.environmentVariables as Record<string, string>) : undefined,
    instanceCount: typeof v.instanceCount === 'number' ? v.instanceCount : undefined,
    requestTimeoutMs: typeof v.requestTimeoutMs === 'number' ? v.requestTimeoutMs : undefined,
    maxConcurrentRequestsPerInstance: typeof v.maxConcurrentRequestsPerInstance === 'number' ? v.maxConcurrentRequestsPerInstance : undefined,
    startupTimeoutMs: typeof v.startupTimeoutMs === 'number' ? v.startupTimeoutMs : undefined,
    ...(isObject(v.collections) ? { collections: v.collections as DeploymentSpec['collections'] } : {}),
  };
  const setState = (provisioningState: string) =>
    deps.store.update((s) => {
      const prev = getResource(s, id);
      if (prev && !propertiesOf(prev.body).emulatorSeeded) return;
      const props = { ...(prev ? propertiesOf(prev.body) : {}), endpointComputeType: 'Managed', emulatorSeeded: true, provisioningState };
      putResource(s, { id, type: DEPLOYMENT_TYPE, createdSeq: prev?.createdSeq, body: { ...(prev?.body ?? { location: String(endpoint.body.location ?? 'eastus'), sku: { name: 'Default', capacity: spec.instanceCount ?? 1 } }), properties: props } });
    });
  await setState('Creating');
  const out = await deps.runtime.start(spec);
  await setState(out.ok ? 'Succeeded' : 'Failed');
  if (out.ok) return json(201, { id, ok: true, record: out.record });
  return json(201, { id, ok: false, error: { code: out.code, message: out.message }, log: out.log });
}

export async function handleScoringControl(deps: ScoringControlDeps, method: string, url: URL, body: Buffer): Promise<Reply | undefined> {
  const route = url.pathname.replace(/\/+$/, '');
  if (!route.startsWith('/_emulator/scoring/')) return undefined;
  const parsed = parseJson(body);
  if (parsed.error) return bad(`invalid JSON: ${parsed.error}`);
  const v = isObject(parsed.value) ? parsed.value : {};
  const q = (k: string) => url.searchParams.get(k) ?? (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const behaviours = behaviourStore(deps.stateDir);
  switch (`${method} ${route.slice('/_emulator/scoring/'.length)}`) {
    case 'POST deployments':
      return startDeployment(deps, v);
    case 'POST collected/flush': {
      // Uploads what the deployment's scoring script collected so far (otherwise done every second).
      const id = q('deploymentId');
      if (!id) return bad('need deploymentId');
      await deps.runtime.flushCollected(id);
      return json(200, { flushed: true });
    }
    case 'DELETE deployments':
    case 'GET deployments': {
      const id = q('id');
      if (!id) return bad('need id (the deployment ARM id)');
      if (method === 'GET') {
        const rec = deps.runtime.status(id);
        return rec ? json(200, rec) : bad(`no runtime for ${id}`, 404);
      }
      await deps.runtime.stop(id);
      await deps.store.update((s) => {
        const res = getResource(s, id);
        if (res && propertiesOf(res.body).emulatorSeeded) delete s.resources[res.id.toLowerCase()];
      });
      return { status: 204 };
    }
    case 'GET logs': {
      const id = q('id');
      if (!id) return bad('need id (the deployment ARM id)');
      const container = (q('containerType') ?? 'InferenceServer') as ContainerType;
      if (container !== 'InferenceServer' && container !== 'StorageInitializer') return bad('containerType is InferenceServer or StorageInitializer');
      const tail = Number(q('tail') ?? 0) || undefined;
      return json(200, { content: deps.runtime.logs(id, container, tail) });
    }
    case 'POST behaviour': {
      if (typeof v.endpoint !== 'string' || typeof v.deployment !== 'string') return bad('need endpoint and deployment (names)');
      const b = validateBehaviour(v);
      if (typeof b === 'string') return bad(b);
      const k = behaviourKey(v.endpoint, v.deployment);
      await behaviours.update((d) => {
        if (Object.keys(b).length) d.deployments[k] = b;
        else delete d.deployments[k];
      });
      return json(200, behaviours.read());
    }
    case 'DELETE behaviour':
      await behaviours.update((d) => {
        d.deployments = {};
      });
      return { status: 204 };
    case 'GET behaviour':
      return json(200, behaviours.read());
    case 'POST seed': {
      if (v.seed !== null && (typeof v.seed !== 'number' || !Number.isInteger(v.seed))) return bad('seed is an integer or null');
      await behaviours.update((d) => {
        if (v.seed === null) delete d.seed;
        else d.seed = v.seed as number;
      });
      return json(200, { seed: v.seed });
    }
    case 'GET keys':
    case 'POST token': {
      const state = deps.store.read();
      const endpointId = q('endpointId') ?? endpointIdOf(state, { endpoint: q('endpoint') });
      const ep = endpointId ? getResource(state, endpointId) : undefined;
      if (!ep) return bad(`endpoint ${endpointId ?? '(none given)'} does not exist`, 404);
      return json(200, method === 'GET' ? endpointKeys(state, ep) : issueAmlToken(state, ep.id));
    }
    default:
      return json(404, { error: { code: 'NotFound', message: `No control route ${method} ${url.pathname}.` } });
  }
}
