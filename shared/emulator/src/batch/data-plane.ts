/**
 * The batch data plane: what a batch endpoint's `scoringUri` (`<base>/batch/<workspace guid>/<endpoint>/jobs`) serves.
 *   POST <scoringUri>                    invoke: a BatchJobResource body (batch/job-body.ts) → 201 with the job
 *                                        resource {id, name, properties: {status: NotStarted, ...}} and a Location
 *                                        (the job's URL); the header `azureml-model-deployment` picks a deployment,
 *                                        else the endpoint's `defaults.deploymentName` (400 when it has none, 404 for
 *                                        a deployment that does not exist).
 *   GET  <scoringUri>                    the endpoint's jobs {value: [...]}
 *   GET  <scoringUri>/<job name>         the job: `properties.status` NotStarted → Queued → Running → Completed |
 *                                        Failed | Canceled; `properties.error` {code, message} when it failed. The
 *                                        job's `id` ends with its name (…/workspaces/{w}/jobs/{name}), so the REST
 *                                        sample's `GET {scoringUri}/{last segment of id}` is this URL.
 *   GET  <scoringUri>/<job name>/logs    the job's user log {content} (what the scoring script printed, tracebacks,
 *                                        one line per mini-batch attempt); `?tail=N` for the last N lines. The job's
 *                                        `properties.interactionEndpoints.logs.endpoint` names this URL.
 * Every call needs a Microsoft Entra token for https://ml.azure.com (401 otherwise, whatever the endpoint's
 * authMode: batch endpoints take Entra tokens only) from a principal allowed, on the endpoint,
 * Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs/write (invoke) or .../jobs/read (403).
 * The job is carried out by an emulator process on the state directory (batch/runner.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json, StoredResource } from '../state/model';
import type { IdentityService } from '../identity';
import { ML_AUDIENCE } from '../identity';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ExtraRoute } from '../server';
import { needsSettle, settle } from '../lro/settle';
import { getResource, propertiesOf } from '../arm/resource-helpers';
import { armError, mfeNotFound, userError } from '../arm/errors';
import { authorize } from '../arm/rbac';
import { lastName } from '../arm/render';
import { batchScoringUri } from '../arm/batch-endpoints';
import { readLog } from '../scoring/logs';
import { acceptJob } from './job-body';
import { batch, jobDir, peekBatch, USER_LOG, type BatchJob } from './state';

export interface BatchDataPlaneDeps {
  stateDir: string;
  store: JsonStore<ArmState>;
  identity: IdentityService;
}

const ROUTE = /^\/batch\/([^/]+)\/([^/]+)\/jobs(?:\/([^/]+)(\/logs)?)?\/?$/;
const SERVING = new Set(['Succeeded', 'Updating']);
export const INVOKE_ACTION = 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs/write';
export const READ_ACTION = 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs/read';

export function renderJob(baseUrl: string, job: BatchJob): Json {
  const url = `${batchScoringUri(baseUrl, job.workspaceGuid, lastName(job.endpointId))}/${job.name}`;
  const p = job.properties;
  return {
    id: job.id,
    name: job.name,
    type: 'Microsoft.MachineLearningServices/workspaces/jobs',
    properties: {
      ...p,
      properties: { ...(isObject(p.properties) ? p.properties : {}), 'azureml.batchEndpoint': lastName(job.endpointId), 'azureml.batchDeployment': job.deployment },
      status: job.status,
      startTime: job.startedAt ?? null,
      endTime: job.endedAt ?? null,
      error: job.error ?? null,
      interactionEndpoints: { logs: { endpoint: `${url}/logs` } },
    },
    systemData: { createdAt: job.createdAt, createdBy: job.createdBy, createdByType: 'Application' },
  };
}

function endpointOf(state: Readonly<ArmState>, guid: string, name: string): StoredResource | undefined {
  const ws = Object.values(state.resources).find(
    (r) => r.type === 'Microsoft.MachineLearningServices/workspaces' && String(propertiesOf(r.body).workspaceId).toLowerCase() === guid.toLowerCase(),
  );
  const ep = ws && getResource(state as ArmState, `${ws.id}/batchEndpoints/${name}`);
  return ep && SERVING.has(String(propertiesOf(ep.body).provisioningState)) ? ep : undefined;
}

/** The deployment a job goes to: the header's, else the endpoint's default. */
function pickDeployment(state: ArmState, ep: StoredResource, header: unknown): Reply | StoredResource {
  const endpoint = lastName(ep.id);
  let name = typeof header === 'string' && header.trim() ? header.trim() : undefined;
  if (!name) {
    const d = propertiesOf(ep.body).defaults;
    name = isObject(d) && typeof d.deploymentName === 'string' && d.deploymentName ? d.deploymentName : undefined;
    if (!name) {
      const message = `No deployment was named (header 'azureml-model-deployment') and batch endpoint '${endpoint}' has no default deployment. Set 'properties.defaults.deploymentName' with a PUT of the endpoint, or name a deployment.`;
      return userError(message, { code: 'BadArgument', message });
    }
  }
  const dep = getResource(state, `${ep.id}/deployments/${name}`);
  if (!dep || propertiesOf(dep.body).provisioningState === 'Deleting') return mfeNotFound('batch deployment', name, 'DeploymentNotFound');
  const st = String(propertiesOf(dep.body).provisioningState);
  if (st !== 'Succeeded') {
    const message = `Batch deployment '${lastName(dep.id)}' of endpoint '${endpoint}' cannot take jobs: its provisioningState is ${st}.`;
    return userError(message, { code: 'BadArgument', message });
  }
  return dep;
}

export function batchDataPlane(deps: BatchDataPlaneDeps): ExtraRoute {
  const settled = (): ArmState => {
    const snap = deps.store.peek() as ArmState;
    if (!needsSettle(snap, Date.now())) return snap;
    const s = deps.store.read();
    settle(s, Date.now());
    return s;
  };

  return async (req, url, body, ctx) => {
    const m = ROUTE.exec(url.pathname);
    if (!m) return undefined;
    ctx.area = 'batch';
    const [guid, endpointName] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    const jobName = m[3] ? decodeURIComponent(m[3]) : undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    const base = { 'x-request-id': randomUUID() };
    if (!(method === 'POST' && !jobName) && method !== 'GET') return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`, base);

    const auth = deps.identity.verifyBearer(req.headers.authorization, [ML_AUDIENCE]);
    if (!auth.ok) {
      const tenant = deps.identity.world().tenantId;
      return armError(401, auth.code, `${auth.message} Batch endpoints take a Microsoft Entra token for ${ML_AUDIENCE}.`, {
        ...base,
        'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl}/entra/${tenant}", error="invalid_token"`,
      });
    }
    ctx.principal = auth.token.principalId;
    const look = settled();
    const ep = endpointOf(look, guid, endpointName);
    if (!ep) return { ...mfeNotFound('batch endpoint', endpointName), headers: base };
    const denied = authorize(look, auth.token.principalId, auth.token.appId, method === 'POST' ? INVOKE_ACTION : READ_ACTION, ep.id);
    if (denied) return { ...denied, headers: base };

    if (method === 'GET') {
      const jobs = Object.values(peekBatch(look)?.jobs ?? {}).filter((j) => j.endpointId.toLowerCase() === ep.id.toLowerCase());
      if (!jobName) return { status: 200, body: { value: jobs.map((j) => renderJob(ctx.baseUrl, j)) }, headers: base };
      const job = jobs.find((j) => j.name.toLowerCase() === jobName.toLowerCase());
      if (!job) return { ...mfeNotFound('batch job', jobName, 'JobNotFound'), headers: base };
      if (!m[4]) return { status: 200, body: renderJob(ctx.baseUrl, job), headers: base };
      const tail = Number(url.searchParams.get('tail') ?? 0);
      return { status: 200, body: { content: readLog(join(jobDir(deps.stateDir, job.name), USER_LOG), Number.isInteger(tail) && tail > 0 ? tail : undefined) }, headers: base };
    }

    let parsed: unknown;
    try {
      parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch (e) {
      return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${(e as Error).message}'.`, base);
    }
    ctx.requestBody = parsed;
    const principal = auth.token.appId;
    const header = req.headers['azureml-model-deployment'];
    const out = await deps.store.update((state): Reply => {
      const now = Date.now();
      settle(state, now);
      const endpoint = endpointOf(state, guid, endpointName);
      if (!endpoint) return mfeNotFound('batch endpoint', endpointName);
      const dep = pickDeployment(state, endpoint, header);
      if ('status' in dep) return dep as Reply;
      const ws = getResource(state, endpoint.id.slice(0, endpoint.id.toLowerCase().indexOf('/batchendpoints/')))!;
      const name = `batchjob-${randomUUID()}`;
      const accepted = acceptJob(state, ws, dep, parsed, name);
      if ('status' in accepted) return accepted as Reply;
      const job: BatchJob = {
        name,
        id: `${ws.id}/jobs/${name}`,
        endpointId: endpoint.id,
        deployment: lastName(dep.id),
        workspaceGuid: String(propertiesOf(ws.body).workspaceId),
        properties: accepted.properties,
        status: 'NotStarted',
        createdAt: new Date(now).toISOString(),
        createdBy: principal,
        spec: accepted.spec,
      };
      batch(state).jobs[name.toLowerCase()] = job;
      const rendered = renderJob(ctx.baseUrl, job);
      return { status: 201, body: rendered, headers: { Location: `${batchScoringUri(ctx.baseUrl, job.workspaceGuid, lastName(endpoint.id))}/${name}`, 'azureml-model-deployment': job.deployment } };
    });
    return { ...out, headers: { ...base, ...(out.headers ?? {}) } };
  };
}
