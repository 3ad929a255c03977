/**
 * Workspace computes (`.../workspaces/{w}/computes/{name}`): Kubernetes attach of an Arc or AKS cluster, and the
 * seeded AmlCompute clusters batch deployments run on (arm/aml-computes.ts; read-only through ARM). PUT answers
 * 201 with Azure-AsyncOperation and Retry-After; the compute is `Creating` until the operation ends, which fails
 * when the cluster's Azure ML extension is missing, unhealthy or has inference off. An identical re-PUT of a
 * Succeeded compute answers 200 as is; a changed one is an update operation. DELETE needs
 * `underlyingResourceAction=Delete|Detach`; an attached cluster is never deleted (Azure ML did not create it), so
 * both remove the compute only, and both are refused while Kubernetes online endpoints use the compute.
 * Secrets (relay / service bus connection strings) are never stored nor returned.
 */
import { randomUUID } from 'node:crypto';
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, startWorkspaceOperation } from './resource-helpers';
import { lastName, render } from './render';
import { mfeNotFound } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import type { Operation } from '../lro/operation';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { bad, checkCompute, computeSpec } from './compute-check';
import { extensionProblem } from './kubernetes-extensions';

export const COMPUTE_TYPE = `${ML_PROVIDER}/workspaces/computes`;
const ENDPOINT_TYPE = `${ML_PROVIDER}/workspaces/onlineEndpoints`;
const ACTIONS = ['Delete', 'Detach'];

/** Seconds a client should wait between polls: about the operation's length, 1 to 15. */
function retryAfter(op: Operation): string {
  return String(Math.max(1, Math.min(15, Math.ceil(op.durationMs / 1000))));
}

export function renderCompute(res: StoredResource): Json {
  const out = render(res);
  const props = { ...propertiesOf(out) };
  if (isObject(props.properties) && props.computeType === 'Kubernetes') props.properties = { ...props.properties, relayConnectionString: null, serviceBusConnectionString: null };
  return { ...out, properties: props };
}

/** The Kubernetes online endpoints (any workspace) whose `compute` is this compute, now or once their operation ends. */
export function endpointsUsing(state: Readonly<ArmState>, computeId: string): StoredResource[] {
  const id = computeId.toLowerCase();
  return Object.values(state.resources).filter(
    (r) => r.type === ENDPOINT_TYPE && [r.body, r.pending].some((b) => b && String(propertiesOf(b).compute ?? '').toLowerCase() === id),
  );
}

function withState(body: Json, provisioningState: string): Json {
  return { ...body, properties: { ...propertiesOf(body), provisioningState } };
}

function put(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (busy(c.state, prev, c.now)) return conflict(c);
  const checked = checkCompute(c);
  if ('status' in checked) return checked;
  const prevProps = prev ? propertiesOf(prev.body) : undefined;
  if (prev && prevProps && String(prevProps.computeType) !== checked.properties.computeType) {
    return bad(`Compute '${c.names[1]}' exists with computeType '${String(prevProps.computeType)}'; the computeType of a compute cannot change. Delete it first, or choose another name.`);
  }
  if (prev && prevProps && String(prevProps.resourceId ?? '').toLowerCase() !== String(checked.properties.resourceId).toLowerCase()) {
    return bad(`The resourceId of compute '${c.names[1]}' cannot be changed: it is attached to '${String(prevProps.resourceId)}'. Detach it first (DELETE with underlyingResourceAction=Detach), then attach the other cluster.`);
  }
  if (prev && prevProps?.provisioningState === 'Succeeded') {
    const same = computeSpec(checked.location, checked.tags, checked.identity, checked.properties) === computeSpec(String(prev.body.location), prev.body.tags, prev.body.identity, prevProps);
    if (same) return { status: 200, body: renderCompute(prev) };
  }
  const at = new Date(c.now).toISOString();
  let identity: Json | undefined = checked.identity ? { ...checked.identity } : undefined;
  if (identity && String(identity.type).toLowerCase().includes('systemassigned')) {
    const prevId = prev && isObject(prev.body.identity) ? prev.body.identity : undefined;
    identity = { ...identity, principalId: prevId?.principalId ?? randomUUID(), tenantId: c.principal.tenantId };
  }
  const desired: Json = {
    location: checked.location,
    tags: checked.tags,
    ...(identity ? { identity } : {}),
    systemData: systemData(prev?.body.systemData as Json | undefined, c),
    properties: {
      ...checked.properties,
      provisioningState: 'Succeeded',
      provisioningErrors: null,
      isAttachedCompute: true,
      createdOn: String(prevProps?.createdOn ?? at),
      modifiedOn: at,
    },
  };
  const problem = extensionProblem(c.state, checked.cluster.id);
  const failure = problem
    ? {
        code: 'BadRequest',
        message:
          `Failed to attach Kubernetes compute '${c.names[1]}': ${problem}. Install the Azure ML extension on the cluster with ` +
          `inference enabled (enableInference=True), make sure it is healthy, then attach again.`,
      }
    : undefined;
  const running = prev ? 'Updating' : 'Creating';
  const op = startWorkspaceOperation(c, { resourceType: COMPUTE_TYPE, kind: prev ? 'update' : 'create', prefix: 'cp', runningStatus: 'InProgress', failure });
  const pending = failure ? { ...desired, properties: { ...propertiesOf(desired), provisioningErrors: [{ error: { ...failure, details: [] } }] } } : desired;
  putResource(c.state, {
    id: c.id,
    type: COMPUTE_TYPE,
    createdSeq: prev?.createdSeq,
    body: prev ? withState(prev.body, running) : withState(desired, running),
    pending,
    opId: op.id,
  });
  const headers = { ...mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) };
  return { status: 201, headers, body: renderCompute({ id: c.id, type: COMPUTE_TYPE, createdSeq: 0, body: withState(desired, running) }) };
}

function remove(c: ArmCall): Reply {
  const raw = c.url.searchParams.get('underlyingResourceAction');
  if (raw === null || raw === '') {
    return bad("The query parameter 'underlyingResourceAction' is required to delete a compute: 'Detach' removes the compute and keeps the underlying resource, 'Delete' also deletes an underlying resource Azure ML created.");
  }
  const action = ACTIONS.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!action) return bad(`The query parameter 'underlyingResourceAction' must be 'Delete' or 'Detach'; got '${raw}'.`);
  const prev = getResource(c.state, c.id);
  if (!prev) return { status: 204 };
  if (busy(c.state, prev, c.now)) return conflict(c);
  const users = endpointsUsing(c.state, c.id);
  if (users.length) {
    return bad(
      `Compute '${c.names[1]}' cannot be ${action === 'Detach' ? 'detached' : 'deleted'}: Kubernetes online endpoints still use it (${users.map((e) => lastName(e.id)).join(', ')}). Delete those endpoints first.`,
    );
  }
  const op = startWorkspaceOperation(c, { resourceType: COMPUTE_TYPE, kind: 'delete', prefix: 'cp', runningStatus: 'InProgress' });
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Deleting');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

export const computeHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'computes'],
  list: (c) => page(c, childrenOf(c.state, c.workspace!.id, 'computes').map(renderCompute)),
  get: (c) => {
    const res = getResource(c.state, c.id);
    return res ? { status: 200, body: renderCompute(res) } : mfeNotFound('compute', c.names[1], 'ComputeNotFound');
  },
  put,
  delete: remove,
};
