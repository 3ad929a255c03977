/**
 * Batch deployments (`.../batchEndpoints/{e}/deployments/{d}`). PUT answers 201 with Azure-AsyncOperation and
 * Retry-After (the deployment `Creating`, or `Updating` for an existing one, until the operation ends; the defaults
 * of batch-deployment-check.ts appear once it succeeded); PATCH (`{properties: {description}, tags}`) and DELETE
 * answer 202 with a Location. A write while an operation runs on the deployment or its endpoint answers 409; the
 * endpoint's default deployment cannot be deleted (set another default, or none, with a PUT of the endpoint first).
 * A batch deployment runs no process of its own: its jobs do (batch/runner.ts), so the operation ends by the clock.
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, writableBody, startWorkspaceOperation, deploymentReads } from './resource-helpers';
import { lastName, render } from './render';
import { mfeNotFound } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders, mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { bad, retryAfter } from './batch-endpoints';
import { checkBatchDeployment } from './batch-deployment-check';

export const BATCH_DEPLOYMENT_TYPE = `${ML_PROVIDER}/workspaces/batchEndpoints/deployments`;

function withState(body: Json, provisioningState: string): Json {
  return { ...body, properties: { ...propertiesOf(body), provisioningState } };
}

/** Refusals shared by every write: a missing endpoint, an operation running on it or on the deployment. */
function guard(c: ArmCall, prev: StoredResource | undefined): Reply | StoredResource {
  const endpoint = getResource(c.state, c.parentId);
  if (!endpoint) return mfeNotFound('batch endpoint', c.names[1]);
  if (busy(c.state, endpoint, c.now) || busy(c.state, prev, c.now)) return conflict(c);
  return endpoint;
}

function put(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const checked = checkBatchDeployment(c, writableBody(c.body));
  if ('status' in checked) return checked as Reply;
  const sd = systemData(prev?.body.systemData as Json | undefined, c);
  const running = prev ? 'Updating' : 'Creating';
  const echo = withState({ ...checked.echo, systemData: sd }, running);
  const op = startWorkspaceOperation(c, { resourceType: BATCH_DEPLOYMENT_TYPE, kind: prev ? 'update' : 'create', prefix: 'bd', runningStatus: running });
  putResource(c.state, {
    id: c.id,
    type: BATCH_DEPLOYMENT_TYPE,
    createdSeq: prev?.createdSeq,
    body: prev ? withState(prev.body, running) : echo,
    pending: { ...checked.desired, systemData: sd },
    opId: op.id,
  });
  const headers = { ...mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) };
  return { status: 201, headers, body: render({ id: c.id, type: BATCH_DEPLOYMENT_TYPE, body: echo, createdSeq: 0 }) };
}

/** PATCH (PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties): `properties.description` and `tags`. */
function patch(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return mfeNotFound('batch deployment', c.names[2]);
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  if (!isObject(c.body)) return bad('The request body is required and must be a JSON object.');
  const extra = Object.keys(c.body).filter((k) => !['tags', 'properties'].includes(k));
  const { tags, properties } = c.body;
  const extraProps = isObject(properties) ? Object.keys(properties).filter((k) => k !== 'description') : [];
  if (extra.length || extraProps.length) {
    const fields = [...extra, ...extraProps.map((k) => `properties.${k}`)];
    return bad(`A batch deployment PATCH can only change 'tags' and 'properties.description'; send a full PUT to change ${fields.map((k) => `'${k}'`).join(', ')}.`);
  }
  if (tags !== undefined && tags !== null && !isObject(tags)) return bad("'tags' must be a map of string to string.");
  if (properties !== undefined && properties !== null && !isObject(properties)) return bad("'properties' must be an object with 'description'.");
  const description = isObject(properties) ? properties.description : undefined;
  if (description !== undefined && description !== null && typeof description !== 'string') return bad("'properties.description' must be a string.");
  const next: Json = { ...prev.body, systemData: systemData(prev.body.systemData as Json, c) };
  if (isObject(tags)) next.tags = tags;
  if (isObject(properties) && 'description' in properties) next.properties = { ...propertiesOf(next), description: description ?? null };
  const op = startWorkspaceOperation(c, {
    resourceType: BATCH_DEPLOYMENT_TYPE,
    kind: 'update',
    prefix: 'bd',
    runningStatus: 'Updating',
    result: render({ ...prev, body: withState(next, 'Succeeded') }),
  });
  prev.pending = next;
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Updating');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

/** The endpoint's default deployment (now, or once its running operation ends), lower-case. */
function defaultsTo(endpoint: StoredResource): string[] {
  return [endpoint.body, endpoint.pending]
    .map((b) => (b ? propertiesOf(b).defaults : undefined))
    .map((d) => (isObject(d) && typeof d.deploymentName === 'string' ? d.deploymentName.toLowerCase() : ''))
    .filter(Boolean);
}

function remove(c: ArmCall): Reply {
  const prev = getResource(c.state, c.id);
  if (!prev) return { status: 204 };
  const endpoint = guard(c, prev);
  if ('status' in endpoint) return endpoint as Reply;
  const name = lastName(prev.id);
  if (defaultsTo(endpoint).includes(name.toLowerCase())) {
    return bad(
      `Deployment '${name}' cannot be deleted because it is the default deployment of batch endpoint '${c.names[1]}'. ` +
        "Update the endpoint's 'defaults.deploymentName' to another deployment (or remove it) with a PUT of the endpoint first.",
    );
  }
  const op = startWorkspaceOperation(c, { resourceType: BATCH_DEPLOYMENT_TYPE, kind: 'delete', prefix: 'bd', runningStatus: 'Deleting' });
  prev.opId = op.id;
  prev.body = withState(prev.body, 'Deleting');
  return { status: 202, headers: { ...mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), 'Retry-After': retryAfter(op) } };
}

export const batchDeploymentHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'batchEndpoints', 'deployments'],
  ...deploymentReads('batch', (c) => getResource(c.state, c.parentId) !== undefined),
  put,
  patch,
  delete: remove,
};
