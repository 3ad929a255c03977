/**
 * The registry data plane `az ml model share` uses (reference §5.A), served beside ARM with ARM tokens:
 * - GET /registrymanagement/v1.0/registries/{name}/discovery → where the registry lives;
 * - under {primaryRegionResourceProviderUri}mferp/managementfrontend, at api-version 2021-10-01-dataplanepreview:
 *   GET .../registries/{r}/models/{n}/versions/{v} (404 when absent) and
 *   POST .../registries/{r}/import `{properties: {referenceType: 'Id', sourceAssetId, destinationName?, destinationVersion?}}`
 *   → 202 with Location / Azure-AsyncOperation, the same deep copy as publish.
 */
import type { IncomingMessage } from 'node:http';
import type { IdentityService, VerifiedToken } from './identity';
import { ARM_AUDIENCES } from './identity';
import type { JsonStore } from './state/json-store';
import type { ArmState, StoredResource } from './state/model';
import type { Reply } from './http';
import { isObject, parseJson } from './http';
import type { ExtraRoute, RequestContext } from './server';
import type { ArmCall } from './arm/call';
import { armError, mfeError, userError } from './arm/errors';
import { authorize } from './arm/rbac';
import { ML_PROVIDER, parseArmPath } from './arm/target';
import { getResource, propertiesOf } from './arm/resource-helpers';
import { lastName } from './arm/render';
import { REGISTRY_TYPE, registriesNamed, registryId, registryNotFound, registryScope } from './arm/registries';
import { REGISTRY_VERSION_TYPE, registryModelVersionHandlers } from './arm/registry-models';
import { beginRegistryCopy } from './arm/registry-copy-start';
import { settle } from './lro/settle';
import { mfeAcceptedHeaders } from './lro/poll-urls';

export const DATAPLANE_API_VERSION = '2021-10-01-dataplanepreview';
const MFE_PREFIX = '/mferp/managementfrontend';
const DISCOVERY = /^\/registrymanagement\/v1\.0\/registries\/([^/]+)\/discovery$/i;
const SOURCE_ASSET = /^azureml:\/\/locations\/([^/]+)\/workspaces\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;
/** api-version put on the polling URLs of an import (they are ARM operation URLs). */
const POLL_API_VERSION = '2025-04-01';

export interface RegistryDataPlaneDeps {
  store: JsonStore<ArmState>;
  identity: IdentityService;
}

function notFound(message: string, code = 'NotFound'): Reply {
  return mfeError(404, 'UserError', message, [{ code, message }]);
}

function methodNotAllowed(method: string): Reply {
  return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
}

function discovery(state: ArmState, name: string, who: VerifiedToken, baseUrl: string): Reply {
  const [reg] = registriesNamed(state, decodeURIComponent(name));
  if (!reg) return notFound(`Registry '${decodeURIComponent(name)}' was not found.`, 'RegistryNotFound');
  const denied = authorize(state, who.principalId, who.appId, `${REGISTRY_TYPE}/read`, reg.id);
  if (denied) return denied;
  const { subscriptionId, resourceGroup, name: registryName } = registryScope(reg);
  const location = String(reg.body.location);
  return {
    status: 200,
    body: { registryName, primaryRegion: location, regions: [location], primaryRegionResourceProviderUri: `${baseUrl}/`, subscriptionId, resourceGroup },
  };
}

function workspaceWithGuid(state: ArmState, guid: string): StoredResource | undefined {
  return Object.values(state.resources).find(
    (r) => r.type === `${ML_PROVIDER}/workspaces` && String(propertiesOf(r.body).workspaceId).toLowerCase() === guid.toLowerCase(),
  );
}

function importAsset(c: ArmCall, registry: StoredResource): Reply {
  const props = isObject(c.body) && isObject(c.body.properties) ? c.body.properties : undefined;
  if (!props || props.referenceType !== 'Id' || typeof props.sourceAssetId !== 'string') {
    const message = "The body must be {properties: {referenceType: 'Id', sourceAssetId, destinationName?, destinationVersion?}}.";
    return userError(message, { code: 'BadArgument', message });
  }
  const m = SOURCE_ASSET.exec(props.sourceAssetId);
  if (!m) {
    const message = `sourceAssetId '${props.sourceAssetId}' is not of the form azureml://locations/<location>/workspaces/<workspace id>/models/<name>/versions/<version>.`;
    return userError(message, { code: 'BadArgument', message });
  }
  const [, location, guid, name, version] = m;
  const workspace = workspaceWithGuid(c.state, guid);
  if (!workspace || String(workspace.body.location).toLowerCase() !== location.toLowerCase()) {
    return notFound(`Source asset '${props.sourceAssetId}' was not found: no workspace with id '${guid}' in '${location}'.`, 'AssetNotFound');
  }
  const sourceId = `${workspace.id}/models/${name}/versions/${version}`;
  const who = c.principal;
  const deniedSource = authorize(c.state, who.principalId, who.appId, `${ML_PROVIDER}/workspaces/models/versions/read`, sourceId);
  if (deniedSource) return deniedSource;
  const source = getResource(c.state, sourceId);
  if (!source) return notFound(`Source asset '${props.sourceAssetId}' was not found.`, 'AssetNotFound');
  const destinationName = typeof props.destinationName === 'string' && props.destinationName ? props.destinationName : name;
  const destinationVersion = typeof props.destinationVersion === 'string' && props.destinationVersion ? props.destinationVersion : version;
  const denied = authorize(c.state, who.principalId, who.appId, `${REGISTRY_VERSION_TYPE}/write`, `${registry.id}/models/${destinationName}/versions/${destinationVersion}`);
  if (denied) return denied;
  const op = beginRegistryCopy(c, {
    registry,
    source,
    workspace,
    destinationName,
    destinationVersion,
    poll: { subscriptionId: c.subscriptionId, token: lastName(registry.id), location: String(registry.body.location) },
  });
  if ('status' in op) return op;
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, POLL_API_VERSION, c.state.signingKey) };
}

async function managementFrontEnd(deps: RegistryDataPlaneDeps, method: string, url: URL, body: unknown, who: VerifiedToken, baseUrl: string): Promise<Reply> {
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion !== DATAPLANE_API_VERSION) {
    const message = `The api-version '${apiVersion ?? ''}' is not supported on this path; use '${DATAPLANE_API_VERSION}'.`;
    return userError(message, { code: 'ApiVersionNotSupported', message });
  }
  const armPath = url.pathname.slice(MFE_PREFIX.length);
  const t = parseArmPath(armPath, method);
  const types = t.kind === 'resource' ? t.types.map((x) => x.toLowerCase()).join('/') : '';
  const isVersion = t.kind === 'resource' && types === 'registries/models/versions' && !t.collection && !t.action;
  const isImport = t.kind === 'resource' && types === 'registries' && t.action?.toLowerCase() === 'import';
  if (t.kind !== 'resource' || t.parent || t.namespace.toLowerCase() !== ML_PROVIDER.toLowerCase() || (!isVersion && !isImport)) {
    return notFound(`No data-plane route for '${url.pathname}'.`);
  }
  if (isVersion && method !== 'GET') return methodNotAllowed(method);
  const now = Date.now();
  const id = isVersion ? `${registryId(t.subscriptionId, t.resourceGroup, t.names[0])}/models/${t.names[1]}/versions/${t.names[2]}` : registryId(t.subscriptionId, t.resourceGroup, t.names[0]);
  const run = (state: ArmState): Reply => {
    settle(state, now);
    const registry = getResource(state, registryId(t.subscriptionId, t.resourceGroup, t.names[0]));
    if (!registry) return registryNotFound(t.names[0], t.resourceGroup);
    if (isVersion) {
      const denied = authorize(state, who.principalId, who.appId, `${REGISTRY_VERSION_TYPE}/read`, id);
      if (denied) return denied;
    }
    const call: ArmCall = {
      method,
      url: new URL(armPath + url.search, baseUrl),
      baseUrl,
      body,
      apiVersion,
      now,
      principal: who,
      subscriptionId: t.subscriptionId,
      resourceGroup: t.resourceGroup,
      type: isVersion ? REGISTRY_VERSION_TYPE : REGISTRY_TYPE,
      names: t.names,
      id,
      parentId: id.slice(0, id.lastIndexOf('/', id.lastIndexOf('/') - 1)),
      action: t.action,
      state,
    };
    return isVersion ? registryModelVersionHandlers.get!(call) : importAsset(call, registry);
  };
  return method === 'GET' ? run(deps.store.read()) : deps.store.update(run);
}

export function registryDataPlane(deps: RegistryDataPlaneDeps): ExtraRoute {
  return async (req: IncomingMessage, url: URL, raw: Buffer, ctx: RequestContext) => {
    const disc = DISCOVERY.exec(url.pathname);
    const mfe = url.pathname.toLowerCase().startsWith(`${MFE_PREFIX}/subscriptions/`);
    if (!disc && !mfe) return undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    const auth = deps.identity.verifyBearer(req.headers.authorization, ARM_AUDIENCES);
    if (!auth.ok) return armError(401, auth.code, auth.message);
    ctx.principal = auth.token.principalId;
    if (disc) return method === 'GET' ? discovery(deps.store.read(), disc[1], auth.token, ctx.baseUrl) : methodNotAllowed(method);
    let body: unknown;
    if (method !== 'GET' && method !== 'DELETE') {
      const parsed = parseJson(raw);
      if (parsed.error) return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${parsed.error}'.`);
      body = parsed.value;
      ctx.requestBody = body;
    }
    return managementFrontEnd(deps, method, url, body, auth.token, ctx.baseUrl);
  };
}
