/**
 * Emulated Azure DevOps OIDC. AzurePipelinesCredential POSTs to
 * `${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=<id>` with `Authorization: Bearer <System.AccessToken>`
 * and reads `{ oidcToken }`. Each organization's issuer (`${baseUrl}/ado/oidc/<organizationId>`) serves its
 * metadata and keys.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentState, type IdentityContext } from './context';
import { bearerToken, methodNotAllowed, sendJson, vssErrorBody, VSS_UNAUTHORIZED, safeDecode } from './http';
import { nowSeconds, signJwt } from './jwt';
import { jwks } from './keys';
import { FEDERATION_AUDIENCE, adoIssuer, adoSubject, type AdoConnection } from './world';

const ADO_PREFIX = '/ado';
const OIDC_TOKEN_ROUTE = /^\/([^/]+)\/([^/]+)\/_apis\/distributedtask\/hubs\/build\/plans\/([^/]+)\/jobs\/([^/]+)\/oidctoken$/i;
const ISSUER_ROUTE = /^\/oidc\/([^/]+)\/\.well-known\/(openid-configuration|jwks)$/;

/** SYSTEM_OIDCREQUESTURI of the pipeline job that uses `conn` (no query string: the credential appends one). */
export function adoOidcRequestUri(baseUrl: string, conn: AdoConnection): string {
  return `${baseUrl}${ADO_PREFIX}/${conn.organization}/${conn.projectId}/_apis/distributedtask/hubs/build/plans/${conn.planId}/jobs/${conn.jobId}/oidctoken`;
}

function vssHeaders(): Record<string, string> {
  return { 'x-vss-e2eid': randomUUID(), 'x-msedge-ref': `Ref A: ${randomUUID().replace(/-/g, '').toUpperCase()}` };
}

export async function handleAdoOidc(req: IncomingMessage, res: ServerResponse, url: URL, ctx: IdentityContext): Promise<boolean> {
  if (!url.pathname.startsWith(`${ADO_PREFIX}/`)) return false;
  const route = url.pathname.slice(ADO_PREFIX.length);
  const state = currentState(ctx);
  const connections = state.world.adoConnections;

  const issuerMatch = ISSUER_ROUTE.exec(route);
  if (issuerMatch) {
    const orgId = safeDecode(issuerMatch[1] ?? '');
    if (!connections.some((c) => c.organizationId === orgId)) {
      sendJson(res, 404, vssErrorBody(`Organization '${orgId}' not found.`, 'OrganizationNotFoundException', 'Microsoft.VisualStudio.Services.Organization.OrganizationNotFoundException'));
    } else if (req.method !== 'GET') {
      methodNotAllowed(res, 'GET');
    } else if (issuerMatch[2] === 'jwks') {
      sendJson(res, 200, jwks([state.keys.ado]));
    } else {
      const issuer = adoIssuer(ctx.baseUrl, orgId);
      sendJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks`,
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'nbf', 'jti'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    }
    return true;
  }

  const m = OIDC_TOKEN_ROUTE.exec(route);
  if (!m) {
    sendJson(res, 404, vssErrorBody(`No Azure DevOps endpoint at ${url.pathname}.`, 'NotFoundException', 'System.Net.Http.NotFoundException'), vssHeaders());
    return true;
  }
  if (req.method !== 'POST') {
    methodNotAllowed(res, 'POST');
    return true;
  }
  const organization = safeDecode(m[1] ?? '');
  const projectId = safeDecode(m[2] ?? '');
  const presented = bearerToken(req.headers.authorization);
  const caller = presented
    ? connections.find((c) => c.organization.toLowerCase() === organization.toLowerCase() && c.systemAccessToken === presented)
    : undefined;
  if (!caller) {
    sendJson(res, 401, vssErrorBody("TF400813: The user '' is not authorized to access this resource.", VSS_UNAUTHORIZED.typeKey, VSS_UNAUTHORIZED.typeName), vssHeaders());
    return true;
  }
  const connectionId = url.searchParams.get('serviceConnectionId');
  if (!connectionId) {
    sendJson(res, 400, vssErrorBody("Value cannot be null.\r\nParameter name: serviceConnectionId", 'ArgumentNullException', 'System.ArgumentNullException, mscorlib'), vssHeaders());
    return true;
  }
  const conn = connections.find(
    (c) => c.id.toLowerCase() === connectionId.toLowerCase() && c.organizationId === caller.organizationId && c.projectId === projectId,
  );
  if (!conn) {
    sendJson(
      res,
      404,
      vssErrorBody(
        `Service connection with id '${connectionId}' does not exist or you do not have permission to use it.`,
        'ServiceEndpointNotFoundException',
        'Microsoft.TeamFoundation.DistributedTask.WebApi.ServiceEndpointNotFoundException, Microsoft.TeamFoundation.DistributedTask.WebApi',
      ),
      vssHeaders(),
    );
    return true;
  }
  const now = nowSeconds();
  const claims = {
    jti: randomUUID(),
    sub: adoSubject(conn),
    aud: FEDERATION_AUDIENCE,
    iss: adoIssuer(ctx.baseUrl, conn.organizationId),
    nbf: now,
    exp: now + Math.max(1, Math.round(state.world.lifetimes.adoIdToken)),
    iat: now,
  };
  const key = state.keys.ado;
  sendJson(res, 200, { oidcToken: signJwt(claims, key.privatePem, { x5t: key.kid, kid: key.kid }) }, vssHeaders());
  return true;
}
