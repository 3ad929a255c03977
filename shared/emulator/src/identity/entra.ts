/**
 * Emulated Entra ID under `${baseUrl}/entra`: OpenID metadata, signing keys and the token endpoints
 * (client credentials grant, v2.0 with `scope` and v1 with `resource`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueAccessToken } from './access-token';
import { knownResources, resourceFromScope, sameAudience } from './audiences';
import { authenticateClient, type ClientCredentials } from './client-auth';
import { currentState, type IdentityContext } from './context';
import { entraErrorBody, entraErrors, type EntraError } from './entra-errors';
import { methodNotAllowed, parseForm, sendJson, safeDecode } from './http';
import { jwks } from './keys';
import type { IdentityState } from './store';
import type { IdentityWorld } from './world';

export const ENTRA_PREFIX = '/entra';

export async function handleEntra(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, ctx: IdentityContext): Promise<boolean> {
  const path = url.pathname;
  if (path !== ENTRA_PREFIX && !path.startsWith(`${ENTRA_PREFIX}/`)) return false;
  const [tenantSegment = '', ...rest] = path.slice(ENTRA_PREFIX.length + 1).split('/');
  const route = rest.join('/');
  const state = currentState(ctx);
  const world = state.world;
  const correlationId = header(req, 'client-request-id');
  const fail = (e: EntraError) => sendEntraError(res, e, correlationId, ctx.baseUrl);

  if (!matchesTenant(world, tenantSegment)) {
    fail(entraErrors.tenantNotFound(tenantSegment));
    return true;
  }
  const authority = `${ctx.baseUrl}${ENTRA_PREFIX}/${world.tenantId}`;
  switch (route) {
    case 'v2.0/.well-known/openid-configuration':
    case '.well-known/openid-configuration':
      if (req.method !== 'GET' && req.method !== 'HEAD') methodNotAllowed(res, 'GET');
      else sendJson(res, 200, route.startsWith('v2.0') ? metadataV2(authority, world) : metadataV1(authority, world));
      return true;
    case 'discovery/v2.0/keys':
    case 'discovery/keys':
      if (req.method !== 'GET' && req.method !== 'HEAD') methodNotAllowed(res, 'GET');
      else sendJson(res, 200, jwks([state.keys.entra]));
      return true;
    case 'oauth2/v2.0/token':
    case 'oauth2/token':
      if (req.method !== 'POST') methodNotAllowed(res, 'POST');
      else tokenEndpoint(req, res, parseForm(body), { ctx, state, authority, route, tenantSegment, correlationId });
      return true;
    default:
      sendJson(res, 404, { error: 'not_found', error_description: `No Entra endpoint at ${path}.` });
      return true;
  }
}

interface TokenRequestContext {
  ctx: IdentityContext;
  state: IdentityState;
  authority: string;
  route: string;
  tenantSegment: string;
  correlationId: string | undefined;
}

function tokenEndpoint(req: IncomingMessage, res: ServerResponse, form: Map<string, string>, t: TokenRequestContext): void {
  const { ctx, state, authority, route, correlationId } = t;
  const world = state.world;
  const fail = (e: EntraError) => sendEntraError(res, e, correlationId, ctx.baseUrl);
  const v1 = route === 'oauth2/token';
  const grant = form.get('grant_type');
  if (!grant) return fail(entraErrors.missingField('grant_type'));
  if (grant !== 'client_credentials') return fail(entraErrors.unsupportedGrant(grant));
  let resource: string | undefined;
  if (v1) {
    resource = form.get('resource');
    if (!resource) return fail(entraErrors.missingField('resource'));
  } else {
    const scope = form.get('scope');
    if (!scope) return fail(entraErrors.missingField('scope'));
    resource = resourceFromScope(scope);
    if (!resource) return fail(entraErrors.invalidScope(scope));
  }
  const tokenEndpoints = [
    `${authority}/oauth2/v2.0/token`,
    `${authority}/oauth2/token`,
    `${ctx.baseUrl}${ENTRA_PREFIX}/${t.tenantSegment}/${route}`,
  ];
  const auth = authenticateClient(clientCredentials(req, form), { state, baseUrl: ctx.baseUrl, tokenEndpoints });
  if (!auth.ok) return fail(auth.error);
  const requested = resource;
  if (!knownResources(ctx.baseUrl, world.extraResources).some((k) => sameAudience(k, requested))) {
    return fail(entraErrors.resourceNotFound(resource, world.tenantId));
  }
  const issued = issueAccessToken({
    key: state.keys.entra,
    tenantId: world.tenantId,
    app: auth.app,
    audience: resource,
    lifetimeSeconds: world.lifetimes.accessToken,
    method: auth.method,
  });
  const common = { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn };
  const payload = v1
    ? {
        ...common,
        expires_on: String(issued.issuedAt + issued.expiresIn),
        not_before: String(issued.issuedAt),
        resource,
        access_token: issued.accessToken,
      }
    : { ...common, access_token: issued.accessToken };
  sendJson(res, 200, payload, correlationId ? { 'client-request-id': correlationId } : {});
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function matchesTenant(world: IdentityWorld, segment: string): boolean {
  const s = safeDecode(segment).toLowerCase();
  return s === world.tenantId.toLowerCase() || s === world.tenantDomain.toLowerCase();
}

function sendEntraError(res: ServerResponse, e: EntraError, correlationId: string | undefined, baseUrl: string): void {
  const body = entraErrorBody(e, correlationId, `${baseUrl}${ENTRA_PREFIX}`);
  sendJson(res, e.status, body, { 'x-ms-request-id': String(body.trace_id) });
}

/** client_secret_post / private_key_jwt in the form, or client_secret_basic in the Authorization header. */
function clientCredentials(req: IncomingMessage, form: Map<string, string>): ClientCredentials {
  const creds: ClientCredentials = {
    clientId: form.get('client_id'),
    clientSecret: form.get('client_secret'),
    assertionType: form.get('client_assertion_type'),
    assertion: form.get('client_assertion'),
  };
  const basic = /^Basic\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      creds.clientId ??= safeDecode(decoded.slice(0, i));
      creds.clientSecret ??= safeDecode(decoded.slice(i + 1));
    }
  }
  return creds;
}

function metadataV2(authority: string, world: IdentityWorld): Record<string, unknown> {
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authority}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${authority}/openid/userinfo`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'ver'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'emulator',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
    tenant_id: world.tenantId,
  };
}

function metadataV1(authority: string, world: IdentityWorld): Record<string, unknown> {
  return {
    token_endpoint: `${authority}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `https://sts.windows.net/${world.tenantId}/`,
    authorization_endpoint: `${authority}/oauth2/authorize`,
    end_session_endpoint: `${authority}/oauth2/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'ver'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'emulator',
    tenant_id: world.tenantId,
  };
}
