/**
 * The managed identity endpoint of an App Service / Azure Functions style host (IDENTITY_ENDPOINT): a GET with
 * `api-version=2019-08-01`, `resource`, at most one of `client_id`, `mi_res_id`, `object_id`/`principal_id`, and the
 * host's secret in `X-IDENTITY-HEADER`. It answers with an Entra access token of the chosen identity.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueAccessToken } from './access-token';
import { knownResources, sameAudience } from './audiences';
import { currentState, type IdentityContext } from './context';
import { entraErrors } from './entra-errors';
import { methodNotAllowed, sendJson } from './http';
import { MANAGED_IDENTITY_PATH, type ManagedIdentity, type ManagedIdentityHost } from './world';

export const MANAGED_IDENTITY_API_VERSION = '2019-08-01';
export const IDENTITY_HEADER_NAME = 'x-identity-header';

/** The error shape of the host's identity endpoint; MSAL shows `message` as the error description. */
function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { statusCode: status, message, correlationId: randomUUID() });
}

export async function handleManagedIdentity(req: IncomingMessage, res: ServerResponse, url: URL, ctx: IdentityContext): Promise<boolean> {
  if (url.pathname !== MANAGED_IDENTITY_PATH) return false;
  if (req.method !== 'GET') {
    methodNotAllowed(res, 'GET');
    return true;
  }
  const state = currentState(ctx);
  const world = state.world;
  const host = world.managedIdentity;

  const presented = req.headers[IDENTITY_HEADER_NAME];
  const header = Array.isArray(presented) ? presented[0] : presented;
  if (!header) {
    sendError(res, 400, "The request has no 'X-IDENTITY-HEADER' header: send the value of the IDENTITY_HEADER environment variable.");
    return true;
  }
  if (!sameSecret(header, host.identityHeader)) {
    sendError(res, 401, "The 'X-IDENTITY-HEADER' header does not match this host's IDENTITY_HEADER.");
    return true;
  }

  const q = url.searchParams;
  const apiVersion = q.get('api-version');
  if (apiVersion !== MANAGED_IDENTITY_API_VERSION) {
    sendError(res, 400, `api-version must be '${MANAGED_IDENTITY_API_VERSION}'${apiVersion ? `, got '${apiVersion}'` : ''}.`);
    return true;
  }
  const resource = q.get('resource');
  if (!resource) {
    sendError(res, 400, "The 'resource' query parameter is required.");
    return true;
  }
  const picked = pickIdentity(host, q);
  if (typeof picked === 'string') {
    sendError(res, 400, picked);
    return true;
  }
  if (!knownResources(ctx.baseUrl, world.extraResources).some((k) => sameAudience(k, resource))) {
    sendError(res, 400, `AADSTS500011: ${entraErrors.resourceNotFound(resource, world.tenantId).description}`);
    return true;
  }

  const issued = issueAccessToken({
    key: state.keys.entra,
    tenantId: world.tenantId,
    app: { appId: picked.clientId, objectId: picked.principalId },
    audience: resource,
    lifetimeSeconds: world.lifetimes.accessToken,
    method: 'managed-identity',
    extraClaims: picked.resourceId ? { xms_mirid: picked.resourceId } : {},
  });
  sendJson(res, 200, {
    access_token: issued.accessToken,
    expires_on: String(issued.issuedAt + issued.expiresIn),
    resource,
    token_type: 'Bearer',
    client_id: picked.clientId,
  });
  return true;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The identity the query names, or why none can be used. */
function pickIdentity(host: ManagedIdentityHost, q: URLSearchParams): ManagedIdentity | string {
  const selectors = (['client_id', 'mi_res_id', 'object_id', 'principal_id'] as const).filter((k) => q.get(k));
  if (selectors.length > 1) return `Only one of client_id, mi_res_id, object_id or principal_id may be given; got ${selectors.join(', ')}.`;
  const [selector] = selectors;
  if (!selector) {
    return host.systemAssigned ?? 'This host has no system-assigned managed identity; name a user-assigned identity with client_id, mi_res_id or object_id.';
  }
  const value = q.get(selector)!;
  const all = [...(host.systemAssigned ? [host.systemAssigned] : []), ...host.userAssigned];
  const lower = value.toLowerCase();
  const found =
    selector === 'client_id'
      ? all.find((m) => m.clientId.toLowerCase() === lower)
      : selector === 'mi_res_id'
        ? all.find((m) => matchesResourceId(m, lower, m !== host.systemAssigned))
        : all.find((m) => m.principalId.toLowerCase() === lower);
  return found ?? `No managed identity with ${selector} '${value}' is assigned to this host.`;
}

function matchesResourceId(mi: ManagedIdentity, lowerId: string, userAssigned: boolean): boolean {
  if (mi.resourceId) return mi.resourceId.toLowerCase() === lowerId;
  return userAssigned && lowerId.endsWith(`/providers/microsoft.managedidentity/userassignedidentities/${mi.name.toLowerCase()}`);
}
