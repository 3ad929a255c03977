/**
 * Batch endpoints (`.../workspaces/{w}/batchEndpoints/{name}`). PUT answers 201 (new or existing) with
 * Azure-AsyncOperation and Retry-After, the endpoint `Creating` / `Updating` until the operation ends; PATCH
 * (PartialMinimalTrackedResourceWithIdentity: tags, identity) and DELETE answer 202 with a Location; a write while an
 * operation runs on the endpoint answers 409. `properties.authMode` is required (AMLToken | Key | AADToken, any
 * casing: az ml sends `aadToken`; stored in the REST casing); `properties.defaults.deploymentName` must name an
 * existing deployment of the endpoint (re-PUT the endpoint to set the default, as the service wants).
 * `properties.scoringUri` is the emulator's batch data plane (batch/data-plane.ts), `<base>/batch/<workspace
 * guid>/<endpoint>/jobs`, null until the endpoint succeeded; whatever the authMode, it takes Entra tokens only (as
 * batch endpoints do). `listkeys` answers the keys of a Key endpoint.
 */
import { randomUUID } from 'node:crypto';
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, Handler, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, writableBody, startWorkspaceOperation } from './resource-helpers';
import { lastName, render } from './render';
import { armError, mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import type { Operation } from '../lro/operation';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { initialKeys } from './online-endpoint-keys';
import { endpointKeys } from '../scoring/credentials';

export const BATCH_ENDPOINT_TYPE = `${ML_PROVIDER}/workspaces/batchEndpoints`;
const NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
export const AUTH_MODES = ['AMLToken', 'Key', 'AADToken'];

export function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

/** Seconds a client should wait between polls: about the operation's length, 1 to 15. */
export function retryAfter(op: Operation): string {
  return String(Math.max(1, Math.min(15, Math.ceil(op.durationMs / 1000))));
}

/** The data plane's URL of an endpoint (its scoringUri; a job is `<scoringUri>/<job name>`). */
export function batchScoringUri(baseUrl: string, workspaceGuid: string, endpoint: string): string {
  return `${baseUrl}/batch/${workspaceGuid}/${encodeURIComponent(endpoint)}/jobs`;
}

export function renderBatchEndpoint(res: StoredResource, c: ArmCall): Json {
  const props = propertiesOf(res.body);
  const ready = props.provisioningState === 'Succeeded' || props.provisioningState === 'Updating';
  const guid = String(propertiesOf(c.workspace!.body).workspaceId);
  return render(res, { properties: { keys: null, scoringUri: ready ? batchScoringUri(c.baseUrl, guid, lastName(res.id)) : null, swaggerUri: null } });
}

/** Deployment names of the endpoint (lower-case) that exist and are not being deleted. */
export function deploymentNamesOf(c: ArmCall, endpointId: string): string[] {
  return childrenOf(c.state, endpointId, 'deployments')
    .filter((d) => propertiesOf(d.body).provisioningState !== 'Deleting')
    .map((d) => lastName(d.id).toLowerCase());
}

function validate(c: ArmCall): Reply | Json {
  const name = c.names[1];
  if (!NAME.test(name) || name.length < 3 || name.length > 32) {
    return bad(`Invalid endpoint name '${name}': it must be 3-32 characters, start with a letter, contain only letters, digits and '-', and not end with '-'.`);
  }
  const body = c.body;
  if (!isObject(body)) return bad('The request body is required and must be a JSON object.');
  if (typeof body.location !== 'string' || !body.location) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!isObject(body.properties)) return bad("The 'properties' field is required.");
  const p = { ...body.properties };
  const authMode = AUTH_MODES.find((m) => typeof p.authMode === 'string' && m.toLowerCase() === p.authMode.toLowerCase());
  if (!authMode) {
    return bad(`'properties.authMode' is required and must be one of ${AUTH_MODES.join(', ')}${p.authMode === undefined ? '' : `; got '${String(p.authMode)}'`}.`);
  }
  p.authMode = authMode;
  if (p.description !== undefined && p.description !== null && typeof p.description !== 'string') return bad("'properties.description' must be a string.");
  if (p.properties !== undefined && p.properties !== null && (!isObject(p.properties) || Object.values(p.properties).some((v) => typeof v !== 'string'))) {
    return bad("'properties.properties' must be a map of string to string.");
  }
  if (body.tags !== undefined && body.tags !== null && !isObject(body.tags)) return bad("'tags' must be a map of string to string.");
  if (body.identity !== undefined && body.identity !== null && !isObject(body.identity)) return bad("'identity' must be an object.");
  if (p.defaults !== undefined && p.defaults !== null) {
    if (!isObject(p.defaults)) return bad("'properties.defaults' must be an object with 'deploymentName'.");
    const d = p.defaults.deploymentName;
    if (d !== undefined && d !== null && d !== '') {
      if (typeof d !== 'string') return bad("'properties.defaults.deploymentName' must be a string.");
      if (!deploymentNamesOf(c, c.id).includes(d.toLowerCase())) {
        return bad(`The default deployment '${d}' does not exist under batch endpoint '${name}'. Create the deployment first, then set it as the endpoint's default.`);
      }
    }
  }
  return { ...body, properties: p };
}

function identityOf(c: ArmCall, given: unknown, prev: StoredResource | undefined): Json {
  const identity: Json = isObject(given) ? { ...given } : { type: 'SystemAssigned' };
  if (String(identity.type).toLowerCase().includes('systemassigned')) {
    const prevIdentity = prev && isObject(prev.body.identity) ? prev.body.identity : undefined;
    identity.principalId = prevIdentity?.principalId ?? randomUUID();
    identity.tenantId = c.principal.tenantId;
  }
  return identity;
}

function withState(body: Json, provisioningState: string): Json {
  return { ...body, properties: { ...propertiesOf(body), provisioningState } };
}

function put(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (busy(c.state, prev, c.now)) return conflict(c);
  const checked = validate(c);
  if ('status' in checked) return checked as Reply;
  const incoming = writableBody(checked);
  const props = propertiesOf(incoming);
  const running = prev ? 'Updating' : 'Creating';
  const prevKeys = prev ? propertiesOf(prev.body).keys : undefined;
  const desired: Json = {
    ...incoming,
    location: String(c.workspace!.body.location),
    tags: incoming.tags ?? {},
    identity: identityOf(c, incoming.identity, prev),
    properties: {
      description: null,
      properties: {},
      ...props,
      defaults: isObject(props.defaults) ? { deploymentName: props.defaults.deploymentName || null } : { deploymentName: null },
      keys: isObject(prevKeys) ? prevKeys : initialKeys(props.keys),
      provisioningState: running,
    },
    systemData: systemData(prev?.body.systemData as Json | undefined, c),
  };
  const op = startWorkspaceOperation(c, { resourceType: BATCH_ENDPOINT_TYPE, kind: prev ? 'update' : 'create', prefix: 'be', runningStatus: running });
  const stored = putResource(c.state, {
    id: c.id,
    type: BATCH_ENDPOINT_TYPE,
    createdSeq: prev?.createdSeq,
    body: prev ? withState(prev.body, running) : desired,
    pending: desired,
    opId: op.id,
  });
  const headers = { ...mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) };
  return { status: 201, headers, body: renderBatchEndpoint({ ...stored, body: desired }, c) };
}

/** PATCH (PartialMinimalTrackedResourceWithIdentity): tags and identity only; defaults need a PUT. */
function patch(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return mfeNotFound('batch endpoint', c.names[1]);
  if (busy(c.state, prev, c.now)) return conflict(c);
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const extra = Object.keys(c.body).filter((k) => !['tags', 'identity'].includes(k));
  if (extra.length) return bad(`A batch endpoint PATCH can only change 'tags' and 'identity'; send a full PUT to change ${extra.map((k) => `'${k}'`).join(', ')} (the default deployment included).`);
  if (c.body.tags !== undefined && c.body.tags !== null && !isObject(c.body.tags)) return bad("'tags' must be a map of string to string.");
  if (c.body.identity !== undefined && c.body.identity !== null && !isObject(c.body.identity)) return bad("'identity' must be an object.");
  const next: Json = { ...prev.body, systemData: systemData(prev.body.systemData as Json, c) };
  if (isObject(c.body.tags)) next.tags = c.body.tags;
  if (isObject(c.body.identity)) next.identity = identityOf(c, c.body.identity, prev);
  const op = startWorkspaceOperation(c, {
    resourceType: BATCH_ENDPOINT_TYPE,
    kind: 'update',
    prefix: 'be',
    runningStatus: 'Updating',
    result: renderBatchEndpoint({ ...prev, body: withState(next, 'Succeeded') }, c),
  });
  prev.pending = next;
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Updating');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

function remove(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return { status: 204 };
  if (busy(c.state, prev, c.now) || childrenOf(c.state, c.id, 'deployments').some((d) => busy(c.state, d, c.now))) return conflict(c);
  const op = startWorkspaceOperation(c, { resourceType: BATCH_ENDPOINT_TYPE, kind: 'delete', prefix: 'be', runningStatus: 'Deleting' });
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Deleting');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

const listKeys: Handler = (c) => {
  const res = getResource(c.state, c.id);
  if (!res) return mfeNotFound('batch endpoint', c.names[1]);
  const mode = String(propertiesOf(res.body).authMode);
  if (mode !== 'Key') return bad(`Listing keys is only available for endpoints with authMode 'Key'; batch endpoint '${c.names[1]}' uses authMode '${mode}'.`);
  return { status: 200, body: endpointKeys(c.state, res) };
};

export const batchEndpointHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'batchEndpoints'],
  list: (c) => page(c, childrenOf(c.state, c.workspace!.id, 'batchEndpoints').map((e) => renderBatchEndpoint(e, c))),
  get: (c) => {
    const res = getResource(c.state, c.id);
    return res ? { status: 200, body: renderBatchEndpoint(res, c) } : mfeNotFound('batch endpoint', c.names[1]);
  },
  put,
  patch,
  delete: remove,
  actions: { listkeys: listKeys },
};
