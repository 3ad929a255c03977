/**
 * Online endpoints: the first long-running resource. PUT answers 201 (new or existing) with an operation to
 * poll; DELETE answers 202 (204 when missing); a write while an operation runs answers 409 (for a Kubernetes
 * endpoint also while one runs on any of its deployments). Kubernetes endpoints: online-kubernetes.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, writableBody, startWorkspaceOperation } from './resource-helpers';
import { render } from './render';
import { armError, mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { endpointActions, initialKeys } from './online-endpoint-keys';
import { checkEndpointCompute, deploymentBusy, isKubernetesEndpoint } from './online-kubernetes';

const TYPE = `${ML_PROVIDER}/workspaces/onlineEndpoints`;
const NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const AUTH_MODES = ['AMLToken', 'Key', 'AADToken'];

function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

/** Checks a traffic map: integer percentages naming existing deployments, summing to one of `sums` (or ≤ max). */
function checkTraffic(field: string, value: unknown, deployments: string[], rule: { sumIs?: number[]; sumAtMost?: number }): Reply | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return bad(`'${field}' must be a map of deployment name to percentage.`);
  let sum = 0;
  for (const [name, pct] of Object.entries(value)) {
    if (typeof pct !== 'number' || !Number.isInteger(pct) || pct < 0 || pct > 100) return bad(`${field}['${name}'] must be an integer between 0 and 100.`);
    if (!deployments.includes(name.toLowerCase())) return bad(`${field} references deployment '${name}', which does not exist under this endpoint.`);
    sum += pct;
  }
  if (rule.sumIs && !rule.sumIs.includes(sum)) return bad(`The ${field} values must sum to 0 or 100; they sum to ${sum}.`);
  if (rule.sumAtMost !== undefined && sum > rule.sumAtMost) return bad(`The ${field} values must sum to at most ${rule.sumAtMost}; they sum to ${sum}.`);
  return undefined;
}

function validate(c: ArmCall, endpointId: string, prev: StoredResource | undefined): Reply | Json {
  const name = c.names[1];
  if (!NAME.test(name) || name.length < 3 || name.length > 32) {
    return bad(
      `Invalid endpoint name '${name}': it must be 3-32 characters, start with a letter, contain only letters, digits and '-', and not end with '-'.`,
    );
  }
  const body = c.body;
  if (!isObject(body)) return bad('The request body is required and must be a JSON object.');
  if (typeof body.location !== 'string' || !body.location) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!isObject(body.properties)) return bad("The 'properties' field is required.");
  const authMode = body.properties.authMode;
  if (typeof authMode !== 'string' || !AUTH_MODES.includes(authMode)) {
    return bad(`'properties.authMode' is required and must be one of ${AUTH_MODES.join(', ')}${authMode === undefined ? '' : `; got '${String(authMode)}'`}.`);
  }
  const deployments = childrenOf(c.state, endpointId, 'deployments').map((d) => d.id.slice(d.id.lastIndexOf('/') + 1).toLowerCase());
  const { traffic, mirrorTraffic } = body.properties;
  return (
    checkEndpointCompute(c, body.properties, prev) ??
    checkTraffic('traffic', traffic, deployments, { sumIs: [0, 100] }) ??
    checkTraffic('mirrorTraffic', mirrorTraffic, deployments, { sumAtMost: 50 }) ??
    checkMirror(traffic, mirrorTraffic) ??
    body
  );
}

/** Mirroring goes to one deployment, which takes no live traffic. */
function checkMirror(traffic: unknown, mirror: unknown): Reply | undefined {
  if (!isObject(mirror)) return undefined;
  const targets = Object.entries(mirror).filter(([, v]) => typeof v === 'number' && v > 0);
  if (targets.length > 1) {
    return bad(`Traffic can be mirrored to only one deployment; 'mirrorTraffic' names ${targets.map(([k]) => `'${k}'`).join(', ')}.`);
  }
  const live = isObject(traffic) ? traffic : {};
  for (const [name] of targets) {
    const both = Object.entries(live).find(([k, v]) => k.toLowerCase() === name.toLowerCase() && typeof v === 'number' && v > 0);
    if (both) return bad(`Deployment '${name}' cannot receive both live traffic (${String(both[1])}%) and mirrored traffic; mirror traffic to a deployment that takes no live traffic.`);
  }
  return undefined;
}

export function conflict(c: ArmCall): Reply {
  const message = `Conflict of operation, another operation on same entity is already running in workspace ${c.names[0]}.`;
  return userError(message, { code: 'Conflict', message }, 409);
}

export function renderEndpoint(res: StoredResource, c: ArmCall): Json {
  const props = propertiesOf(res.body);
  const ready = props.provisioningState === 'Succeeded' || props.provisioningState === 'Updating';
  const workspaceId = String(propertiesOf(c.workspace!.body).workspaceId);
  const base = `${c.baseUrl}/inference/${workspaceId}/${c.names[1] ?? res.id.slice(res.id.lastIndexOf('/') + 1)}`;
  return render(res, {
    properties: { keys: null, scoringUri: ready ? `${base}/score` : null, swaggerUri: ready ? `${base}/swagger.json` : null },
  });
}

function desiredBody(c: ArmCall, incoming: Json, prev: StoredResource | undefined, provisioningState: string): Json {
  const props = propertiesOf(incoming);
  const identity: Json = isObject(incoming.identity) ? { ...incoming.identity } : { type: 'SystemAssigned' };
  if (String(identity.type).toLowerCase().includes('systemassigned')) {
    const prevIdentity = prev && isObject(prev.body.identity) ? prev.body.identity : undefined;
    identity.principalId = prevIdentity?.principalId ?? randomUUID();
    identity.tenantId = c.principal.tenantId;
  }
  const prevKeys = prev ? propertiesOf(prev.body).keys : undefined;
  return {
    ...incoming,
    tags: incoming.tags ?? {},
    identity,
    properties: {
      publicNetworkAccess: 'Enabled',
      ...props,
      traffic: props.traffic ?? {},
      mirrorTraffic: props.mirrorTraffic ?? {},
      keys: isObject(prevKeys) ? prevKeys : initialKeys(props.keys),
      provisioningState,
    },
    systemData: systemData(prev?.body.systemData as Json | undefined, c),
  };
}

export const onlineEndpointHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'onlineEndpoints'],
  list: (c) => page(c, childrenOf(c.state, c.workspace!.id, 'onlineEndpoints').map((e) => renderEndpoint(e, c))),
  get: (c) => {
    const res = getResource(c.state, c.id);
    return res ? { status: 200, body: renderEndpoint(res, c) } : mfeNotFound('online endpoint', c.names[1]);
  },
  put: (c) => {
    const prev = getResource(c.state, c.id);
    if (busy(c.state, prev, c.now) || (prev && isKubernetesEndpoint(prev) && deploymentBusy(c.state, prev, c.now))) return conflict(c);
    const body = validate(c, c.id, prev);
    if ('status' in body) return body as Reply;
    const incoming = writableBody(body);
    const running = prev ? 'Updating' : 'Creating';
    const desired = desiredBody(c, incoming, prev, running);
    const op = startWorkspaceOperation(c, {
      resourceType: TYPE,
      kind: prev ? 'update' : 'create',
      prefix: 'oe',
      runningStatus: running,
    });
    const stored = putResource(c.state, {
      id: c.id,
      type: TYPE,
      createdSeq: prev?.createdSeq,
      body: prev ? { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: running } } : desired,
      pending: desired,
      opId: op.id,
    });
    // On an update the echo keeps the traffic in force: the new split applies when the operation ends.
    const echo = prev ? { ...desired, properties: { ...propertiesOf(desired), traffic: propertiesOf(prev.body).traffic ?? {}, mirrorTraffic: propertiesOf(prev.body).mirrorTraffic ?? {} } } : desired;
    return {
      status: 201,
      headers: mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey),
      body: renderEndpoint({ ...stored, body: echo }, c),
    };
  },
  patch: patchEndpoint,
  delete: (c) => {
    const prev = getResource(c.state, c.id);
    if (!prev) return { status: 204 };
    if (busy(c.state, prev, c.now) || childrenOf(c.state, c.id, 'deployments').some((d) => busy(c.state, d, c.now))) return conflict(c);
    const op = startWorkspaceOperation(c, {
      resourceType: TYPE,
      kind: 'delete',
      prefix: 'oe',
      runningStatus: 'Deleting',
    });
    prev.opId = op.id;
    prev.body = { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: 'Deleting' } };
    return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
  },
  actions: endpointActions,
};

/** PATCH (PartialMinimalTrackedResourceWithIdentity): tags and identity only; traffic needs a PUT. */
function patchEndpoint(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return mfeNotFound('online endpoint', c.names[1]);
  if (busy(c.state, prev, c.now) || (isKubernetesEndpoint(prev) && deploymentBusy(c.state, prev, c.now))) return conflict(c);
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const extra = Object.keys(c.body).filter((k) => !['tags', 'identity'].includes(k));
  if (extra.length) return bad(`An online endpoint PATCH can only change 'tags' and 'identity'; send a full PUT to change ${extra.map((k) => `'${k}'`).join(', ')} (traffic included).`);
  if (c.body.tags !== undefined && c.body.tags !== null && !isObject(c.body.tags)) return bad("'tags' must be a map of string to string.");
  if (c.body.identity !== undefined && c.body.identity !== null && !isObject(c.body.identity)) return bad("'identity' must be an object.");
  const next: Json = { ...prev.body, systemData: systemData(prev.body.systemData as Json, c) };
  if (isObject(c.body.tags)) next.tags = c.body.tags;
  if (isObject(c.body.identity)) next.identity = desiredBody(c, { ...prev.body, identity: c.body.identity }, prev, 'Succeeded').identity;
  const op = startWorkspaceOperation(c, {
    resourceType: TYPE,
    kind: 'update',
    prefix: 'oe',
    runningStatus: 'Updating',
    result: renderEndpoint({ ...prev, body: { ...next, properties: { ...propertiesOf(next), provisioningState: 'Succeeded' } } }, c),
  });
  prev.pending = next;
  prev.opId = op.id;
  prev.body = { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: 'Updating' } };
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
}
