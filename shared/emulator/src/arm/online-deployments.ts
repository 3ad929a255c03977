/**
 * Online deployments (`.../onlineEndpoints/{e}/deployments/{d}`). PUT answers 201 with an operation (the resource
 * reports `Updating`, as the live service does even on create); PATCH (tags, sku) and DELETE answer 202. The
 * operation fails as the service does when the VM family's quota (Kubernetes: the cluster's capacity) is short or a
 * failure was injected (control surface), and getLogs then returns logs that fit; once a deployment's scoring process
 * is up, getLogs returns its live InferenceServer log (banner, init, a line per request served, what the script
 * prints). Deleting a deployment that still takes (mirrored) traffic is refused.
 * A create or update of a deployment with code starts its scoring process before the operation can end (online-start.ts).
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, writableBody, startWorkspaceOperation, deploymentReads } from './resource-helpers';
import { lastName, render } from './render';
import { mfeNotFound, userError } from './errors';
import type { OperationKind } from '../lro/operation';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { bad, checkCapacity, checkDeployment } from './online-deployment-check';
import { DEPLOYMENT_TYPE, quotaShortfall } from './vm-sizes';
import { online, setLogs, takeDeploymentFailure } from './online-state';
import type { DeploymentContext, PlannedFailure } from './online-failures';
import { plannedFailure, quotaFailure, successLogs, tailLines } from './online-failures';
import { holdForStart, scoringSpec } from './online-start';
import type { DeploymentSpec } from '../scoring/records';
import { clusterIdOf, computeOfEndpoint, unschedulable } from './kubernetes-capacity';
import { nodeCount } from './kubernetes-state';
import { deploymentBusy, isKubernetesEndpoint } from './online-kubernetes';

const CONTAINER_TYPES = ['StorageInitializer', 'InferenceServer'];

function endpointOf(c: ArmCall): StoredResource | undefined {
  return getResource(c.state, c.parentId);
}

function context(c: ArmCall, body: Json): DeploymentContext {
  const props = propertiesOf(body);
  const storage = String(propertiesOf(c.workspace!.body).storageAccount ?? '');
  const clusterId = props.endpointComputeType === 'Kubernetes' ? clusterIdOf(computeOfEndpoint(c.state, endpointOf(c))) : undefined;
  const cluster = clusterId ? getResource(c.state, clusterId) : undefined;
  return {
    endpoint: c.names[1],
    deployment: c.names[2],
    storageAccount: lastName(storage) || 'workspacestorage',
    model: typeof props.model === 'string' ? props.model : undefined,
    instanceType: String(props.instanceType ?? ''),
    now: c.now,
    kubernetes: cluster ? { cluster: lastName(cluster.id), nodes: nodeCount(cluster), registry: lastName(String(propertiesOf(c.workspace!.body).containerRegistry ?? '')) || undefined } : undefined,
  };
}

/**
 * The failure this operation will end with: short quota first (a managed deployment: the VM family's vCPUs; a
 * Kubernetes one: its cluster's allocatable capacity), then an injected one.
 */
function plan(c: ArmCall, body: Json, managed: boolean, instanceType: string, capacity: number): PlannedFailure | undefined {
  const location = String(c.workspace!.body.location);
  const compute = managed ? undefined : computeOfEndpoint(c.state, endpointOf(c));
  const short = managed ? quotaShortfall(c, instanceType, capacity, location) : unschedulable(c.state, c.id, body, compute, c.now);
  if (short) return quotaFailure(short);
  const injected = takeDeploymentFailure(c.state, c.names[1], c.names[2], !managed);
  if (!injected) return undefined;
  let quotaMessage: string | undefined;
  if (injected.kind === 'OutOfQuota') {
    quotaMessage = (managed ? quotaShortfall(c, instanceType, capacity, location, true) : unschedulable(c.state, c.id, body, compute, c.now, true))?.message;
  }
  return plannedFailure(injected, context(c, body), quotaMessage);
}

function start(c: ArmCall, kind: OperationKind, runningStatus: string, failure?: PlannedFailure, result?: unknown) {
  return startWorkspaceOperation(c, {
    resourceType: DEPLOYMENT_TYPE,
    kind,
    prefix: 'od',
    runningStatus,
    failure: failure?.error,
    result,
  });
}

/**
 * The failure planned for the operation, else the scoring process to start before it can succeed (none for an
 * injected failure or short quota: no process starts; an unreadable code or model fails the operation).
 */
function planWithStart(c: ArmCall, body: Json, managed: boolean, instanceType: string, capacity: number, withStart = true): [PlannedFailure | undefined, DeploymentSpec | undefined] {
  const failure = plan(c, body, managed, instanceType, capacity);
  if (failure || !withStart) return [failure, undefined];
  const spec = scoringSpec(c, body);
  if (spec && !('id' in spec)) return [{ error: spec, logs: { storageInitializer: `${new Date(c.now).toISOString()} | ERROR | ${spec.message}`, inferenceServer: '' } }, undefined];
  return [undefined, spec];
}

/** Refusals shared by every write: a missing endpoint, an operation running on it or on the deployment (or, Kubernetes, a sibling). */
function guard(c: ArmCall, prev: StoredResource | undefined): Reply | StoredResource {
  const endpoint = endpointOf(c);
  if (!endpoint) return mfeNotFound('online endpoint', c.names[1]);
  if (busy(c.state, endpoint, c.now) || busy(c.state, prev, c.now)) return conflict(c);
  // On a Kubernetes endpoint an operation on any deployment is one on the endpoint.
  if (isKubernetesEndpoint(endpoint) && deploymentBusy(c.state, endpoint, c.now, c.id)) return conflict(c);
  return endpoint;
}

function withState(body: Json, provisioningState: string): Json {
  return { ...body, properties: { ...propertiesOf(body), provisioningState } };
}

function put(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const checked = checkDeployment(c, endpoint, writableBody(c.body));
  if ('status' in checked) return checked as Reply;
  const sd = systemData(prev?.body.systemData as Json | undefined, c);
  const echo = withState({ ...checked.echo, systemData: sd }, 'Updating');
  const desired = { ...checked.desired, systemData: sd };
  const [failure, spec] = planWithStart(c, desired, checked.managed, checked.instanceType, checked.capacity);
  const op = start(c, prev ? 'update' : 'create', 'Updating', failure);
  if (spec) holdForStart(c, op, spec);
  putResource(c.state, {
    id: c.id,
    type: DEPLOYMENT_TYPE,
    createdSeq: prev?.createdSeq,
    body: prev ? withState(prev.body, 'Updating') : echo,
    pending: failure ? echo : desired,
    opId: op.id,
  });
  setLogs(c.state, c.id, failure?.logs ?? successLogs(context(c, desired)));
  return { status: 201, headers: mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), body: render({ id: c.id, type: DEPLOYMENT_TYPE, body: echo, createdSeq: 0 }) };
}

function patch(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return mfeNotFound('online deployment', c.names[2]);
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const extra = Object.keys(c.body).filter((k) => !['tags', 'sku'].includes(k));
  if (extra.length) return bad(`An online deployment PATCH can only change 'tags' and 'sku'; send a full PUT to change ${extra.map((k) => `'${k}'`).join(', ')}.`);
  const { tags, sku } = c.body;
  if (tags !== undefined && tags !== null && !isObject(tags)) return bad("'tags' must be a map of string to string.");
  if (sku !== undefined && sku !== null && !isObject(sku)) return bad("'sku' must be an object.");
  const capBad = checkCapacity(isObject(sku) ? sku.capacity : undefined);
  if (capBad) return capBad;
  const props = propertiesOf(prev.body);
  const oldSku = (prev.body.sku ?? {}) as Json;
  const newSku = isObject(sku) ? { ...oldSku, ...sku } : oldSku;
  const capacity = typeof newSku.capacity === 'number' ? newSku.capacity : 1;
  const desired: Json = { ...prev.body, tags: isObject(tags) ? tags : prev.body.tags, sku: newSku, systemData: systemData(prev.body.systemData as Json, c) };
  const scaling = capacity !== oldSku.capacity;
  // A new instance count restarts the scoring process with it (the old instances serve until the new are ready).
  const [failure, spec] = planWithStart(c, desired, props.endpointComputeType === 'Managed', String(props.instanceType), capacity, scaling);
  const result = render({ ...prev, body: withState(desired, 'Succeeded') });
  const op = start(c, 'update', scaling ? 'Scaling' : 'Updating', failure, result);
  if (spec) holdForStart(c, op, spec);
  prev.body = withState(prev.body, scaling ? 'Scaling' : 'Updating');
  prev.pending = failure ? prev.body : desired;
  prev.opId = op.id;
  if (failure) setLogs(c.state, c.id, failure.logs);
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
}

function trafficOf(endpoint: StoredResource, field: 'traffic' | 'mirrorTraffic', name: string): number {
  let most = 0;
  for (const body of [endpoint.body, endpoint.pending]) {
    const map = body ? propertiesOf(body)[field] : undefined;
    if (!isObject(map)) continue;
    for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === name.toLowerCase() && typeof v === 'number') most = Math.max(most, v);
  }
  return most;
}

function remove(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return { status: 204 };
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  const name = lastName(prev.id);
  const live = trafficOf(endpoint, 'traffic', name);
  const mirror = trafficOf(endpoint, 'mirrorTraffic', name);
  if (live > 0 || mirror > 0) {
    const what = live > 0 ? `${live}% of the endpoint's traffic` : `${mirror}% mirrored traffic`;
    const message = `Deployment '${name}' cannot be deleted because it receives ${what} on endpoint '${c.names[1]}'. Update the endpoint's ${live > 0 ? 'traffic' : 'mirrorTraffic'} to 0 for this deployment first.`;
    return userError(message, { code: 'BadArgument', message });
  }
  const op = start(c, 'delete', 'Deleting');
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Deleting');
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
}

function getLogs(c: ArmCall): Reply {
  const res = getResource(c.state, c.id);
  if (!res) return mfeNotFound('online deployment', c.names[2]);
  const body = c.body === undefined || c.body === null ? {} : c.body;
  if (!isObject(body)) return bad('The request body must be a DeploymentLogsRequest object.');
  const ct = body.containerType ?? 'InferenceServer';
  const containerType = CONTAINER_TYPES.find((x) => typeof ct === 'string' && x.toLowerCase() === ct.toLowerCase());
  if (!containerType) return bad(`'containerType' must be one of ${CONTAINER_TYPES.join(', ')}; got '${String(ct)}'.`);
  if (body.tail !== undefined && body.tail !== null && (typeof body.tail !== 'number' || !Number.isInteger(body.tail) || body.tail < 0)) {
    return bad(`'tail' must be a non-negative integer; got ${JSON.stringify(body.tail)}.`);
  }
  const tail = typeof body.tail === 'number' ? body.tail : undefined;
  const recorded = online(c.state).logs[c.id.toLowerCase()];
  // A deployment whose scoring process came up: its inference server's log as it is now (what it served since).
  if (containerType === 'InferenceServer' && (recorded?.live || !recorded)) {
    const live = c.inferenceLog?.(c.id, tail);
    if (live !== undefined) return { status: 200, body: { content: live } };
  }
  const logs = recorded ?? successLogs(context(c, res.body));
  const text = containerType === 'StorageInitializer' ? logs.storageInitializer : logs.inferenceServer;
  return { status: 200, body: { content: tailLines(text, tail) } };
}

export const onlineDeploymentHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'onlineEndpoints', 'deployments'],
  ...deploymentReads('online', (c) => endpointOf(c) !== undefined),
  put,
  patch,
  delete: remove,
  actions: { getlogs: getLogs },
};

/** GET .../deployments/{d}/skus: the scale range of a managed deployment. */
export const onlineDeploymentSkuHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'onlineEndpoints', 'deployments', 'skus'],
  list: (c) => {
    const dep = getResource(c.state, c.parentId);
    if (!dep) return mfeNotFound('online deployment', c.names[2]);
    return page(c, [
      { resourceType: DEPLOYMENT_TYPE, sku: { name: 'Default', tier: 'Standard' }, capacity: { minimum: 1, maximum: 50, default: 1, scaleType: 'Manual' } },
    ]);
  },
};
