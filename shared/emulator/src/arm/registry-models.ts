/**
 * Registry model containers and versions, and startPendingUpload. Writes are long-running: a container PUT answers
 * 201 with Azure-AsyncOperation; a version PUT answers 202 with body null and a Location on the asset store (as the
 * live service does); DELETEs answer 202 with a Location (204 when missing). Versions are immutable in their path.
 */
import { randomUUID } from 'node:crypto';
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, putResource, systemData, top, writableBody } from './resource-helpers';
import { render } from './render';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { badName, checkVersionPut, listViewFilter, requireProperties, versionOrder, versionView } from './models';
import { registryNotFound, registryOf, registryStorage, storageAccountArmId } from './registries';
import { blobUrl } from './blob-location';
import type { Operation, OperationKind } from '../lro/operation';
import { startOperation } from '../lro/operation';
import { busy } from '../lro/settle';
import { assetStoreAcceptedHeaders, mfeCreateHeaders, mfePollUrl } from '../lro/poll-urls';
import { containerSas } from '../blob-sas';

export const REGISTRY_CONTAINER_TYPE = `${ML_PROVIDER}/registries/models`;
export const REGISTRY_VERSION_TYPE = `${ML_PROVIDER}/registries/models/versions`;
const DEFAULT_SAS_SECONDS = 4 * 60 * 60;
const UPLOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function registryAssetId(registry: string, name: string, version: string): string {
  return `azureml://registries/${registry}/models/${name}/versions/${version}`;
}

export function registryConflict(registry: string): Reply {
  const message = `Conflict of operation, another operation on same entity is already running in registry ${registry}.`;
  return userError(message, { code: 'Conflict', message }, 409);
}

/** Starts an operation on a registry resource; its polling token carries the registry name. */
export function startRegistryOperation(
  c: ArmCall,
  registry: StoredResource,
  resourceId: string,
  resourceType: string,
  kind: OperationKind,
  runningStatus: string,
  extra: { style?: 'mfe' | 'assetstore'; result?: unknown } = {},
): Operation {
  return startOperation(c.state, {
    resourceId,
    resourceType,
    kind,
    style: extra.style,
    prefix: 'reg',
    subscriptionId: c.subscriptionId,
    workspaceId: c.names[0],
    location: String(registry.body.location),
    runningStatus,
    result: extra.result,
    now: c.now,
  });
}

function deleteAccepted(c: ArmCall, op: Operation): Reply {
  return {
    status: 202,
    headers: { Location: mfePollUrl(c.baseUrl, op, 'mfeOperationResults', c.apiVersion, c.state.signingKey), 'x-ms-async-operation-timeout': 'PT1H' },
  };
}

function renderContainer(c: ArmCall, ctr: StoredResource): Json {
  return render(ctr, { properties: versionView(childrenOf(c.state, ctr.id, 'versions')) });
}

/** The container of a version being created: made (Succeeded) when missing. */
export function ensureRegistryContainer(c: ArmCall, containerId: string): StoredResource {
  const existing = getResource(c.state, containerId);
  if (existing) return existing;
  return putResource(c.state, {
    id: containerId,
    type: REGISTRY_CONTAINER_TYPE,
    body: {
      properties: { description: null, isArchived: false, properties: {}, tags: {}, provisioningState: 'Succeeded' },
      systemData: systemData(undefined, c),
    },
  });
}

function withRegistry(fn: (c: ArmCall, registry: StoredResource) => Reply): (c: ArmCall) => Reply {
  return (c) => {
    const registry = registryOf(c);
    return registry ? fn(c, registry) : registryNotFound(c.names[0], c.resourceGroup);
  };
}

const containerPath = (c: ArmCall, registry: StoredResource) => `${registry.id}/models/${c.names[1]}`;

export const registryModelContainerHandlers: ResourceTypeHandler = {
  path: ['registries', 'models'],
  list: withRegistry((c, registry) => {
    const items = childrenOf(c.state, registry.id, 'models').filter(listViewFilter(c));
    return page(c, items.map((m) => renderContainer(c, m)), { top: top(c) });
  }),
  get: withRegistry((c, registry) => {
    const ctr = getResource(c.state, containerPath(c, registry));
    return ctr ? { status: 200, body: renderContainer(c, ctr) } : mfeNotFound('model container', c.names[1]);
  }),
  put: withRegistry((c, registry) => {
    const bad = badName(c.names[1]);
    if (bad) return bad;
    const body = requireProperties(c.body);
    if ('status' in body) return body as Reply;
    const id = containerPath(c, registry);
    const prev = getResource(c.state, id);
    if (busy(c.state, prev, c.now)) return registryConflict(c.names[0]);
    const incoming = writableBody(body);
    const running = prev ? 'Updating' : 'Creating';
    const desired: Json = {
      ...incoming,
      properties: { isArchived: false, ...propertiesOf(incoming), provisioningState: running },
      systemData: systemData(prev?.body.systemData as Json | undefined, c),
    };
    const op = startRegistryOperation(c, registry, id, REGISTRY_CONTAINER_TYPE, prev ? 'update' : 'create', running);
    const stored = putResource(c.state, {
      id,
      type: REGISTRY_CONTAINER_TYPE,
      createdSeq: prev?.createdSeq,
      body: prev ? { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: running } } : desired,
      pending: desired,
      opId: op.id,
    });
    return { status: 201, headers: mfeCreateHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey), body: renderContainer(c, { ...stored, body: desired }) };
  }),
  delete: withRegistry((c, registry) => {
    const id = containerPath(c, registry);
    const prev = getResource(c.state, id);
    if (!prev) return { status: 204 };
    if (busy(c.state, prev, c.now)) return registryConflict(c.names[0]);
    const op = startRegistryOperation(c, registry, id, REGISTRY_CONTAINER_TYPE, 'delete', 'Deleting');
    prev.opId = op.id;
    prev.body = { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: 'Deleting' } };
    return deleteAccepted(c, op);
  }),
};

function immutable(name: string, version: string, registry: string, oldUri: unknown, newUri: string): Reply {
  const message =
    `Model ${name}:${version} already exists in registry '${registry}' and asset versions are immutable: changing the path of an existing asset is not allowed ` +
    `(modelUri '${String(oldUri)}' cannot change to '${newUri}'). Create a new version instead.`;
  return userError(message, { code: 'Immutable', message: 'AssetPathError: changing path of existing asset not allowed.' });
}

function startPendingUpload(c: ArmCall, registry: StoredResource): Reply {
  const body = c.body === undefined ? {} : c.body;
  if (!isObject(body)) return userError('The request body must be a JSON object.', { code: 'BadArgument', message: 'Invalid request body.' });
  const type = body.pendingUploadType ?? 'TemporaryBlobReference';
  if (type !== 'TemporaryBlobReference' && type !== 'None') {
    const message = `pendingUploadType must be 'TemporaryBlobReference' or 'None'; got '${String(type)}'.`;
    return userError(message, { code: 'BadArgument', message });
  }
  const id = body.pendingUploadId ?? randomUUID();
  if (typeof id !== 'string' || !UPLOAD_ID.test(id)) {
    const message = `pendingUploadId '${String(id)}' is invalid: use letters, digits, '.', '_' and '-' (at most 128 characters).`;
    return userError(message, { code: 'BadArgument', message });
  }
  if (type === 'None') return { status: 200, body: { pendingUploadId: id, pendingUploadType: 'None' } };
  const storage = registryStorage(c.state, registry);
  if (!storage) return userError(`Registry '${c.names[0]}' has no storage account.`, undefined, 500);
  const account = c.state.storageAccounts[storage.account];
  const blobUri = blobUrl(c.state, { ...storage, path: id });
  const lifetime = (c.state.settings.pendingUploadSasSeconds ?? DEFAULT_SAS_SECONDS) * 1000;
  const sas = containerSas(account, storage.container, 'racwl', lifetime, c.now);
  return {
    status: 200,
    body: {
      blobReferenceForConsumption: {
        blobUri,
        credential: { credentialType: 'SAS', sasUri: `${blobUri}?${sas}` },
        storageAccountArmId: storageAccountArmId(c.state, storage.account),
      },
      pendingUploadId: id,
      pendingUploadType: 'TemporaryBlobReference',
    },
  };
}

export const registryModelVersionHandlers: ResourceTypeHandler = {
  path: ['registries', 'models', 'versions'],
  list: withRegistry((c, registry) => {
    let items = childrenOf(c.state, containerPath(c, registry), 'versions').filter(listViewFilter(c));
    const version = c.url.searchParams.get('version');
    if (version !== null) items = items.filter((v) => v.id.endsWith(`/${version}`));
    return page(c, versionOrder(c, items).map((v) => render(v)), { top: top(c) });
  }),
  get: withRegistry((c) => {
    const v = getResource(c.state, c.id);
    return v ? { status: 200, body: render(v) } : mfeNotFound('model version', `${c.names[1]}:${c.names[2]}`);
  }),
  put: withRegistry((c, registry) => {
    const [regName, name, version] = c.names;
    const checked = checkVersionPut(c, name, version);
    if ('status' in checked) return checked;
    const { incoming, props } = checked;
    const prev = getResource(c.state, c.id);
    if (busy(c.state, prev, c.now)) return registryConflict(regName);
    // A version whose creation failed may be written again from scratch.
    const live = prev && propertiesOf(prev.body).provisioningState !== 'Failed' ? prev : undefined;
    if (live && propertiesOf(live.body).modelUri !== props.modelUri) return immutable(name, version, regName, propertiesOf(live.body).modelUri, props.modelUri);
    ensureRegistryContainer(c, containerPath(c, registry));
    const running = live ? 'Updating' : 'Creating';
    const desired: Json = {
      ...incoming,
      properties: { isAnonymous: false, isArchived: false, ...props, provisioningState: running },
      systemData: systemData(prev?.body.systemData as Json | undefined, c),
    };
    const op = startRegistryOperation(c, registry, c.id, REGISTRY_VERSION_TYPE, live ? 'update' : 'create', running, {
      style: 'assetstore',
      result: { assetId: registryAssetId(regName, name, version) },
    });
    putResource(c.state, {
      id: c.id,
      type: REGISTRY_VERSION_TYPE,
      createdSeq: prev?.createdSeq,
      body: live ? { ...live.body, properties: { ...propertiesOf(live.body), provisioningState: running } } : desired,
      pending: desired,
      opId: op.id,
    });
    return { status: 202, headers: assetStoreAcceptedHeaders(c.baseUrl, op), body: null };
  }),
  delete: withRegistry((c, registry) => {
    const prev = getResource(c.state, c.id);
    if (!prev) return { status: 204 };
    if (busy(c.state, prev, c.now)) return registryConflict(c.names[0]);
    const op = startRegistryOperation(c, registry, c.id, REGISTRY_VERSION_TYPE, 'delete', 'Deleting');
    prev.opId = op.id;
    prev.body = { ...prev.body, properties: { ...propertiesOf(prev.body), provisioningState: 'Deleting' } };
    return deleteAccepted(c, op);
  }),
  actions: {
    startpendingupload: withRegistry(startPendingUpload),
  },
};
