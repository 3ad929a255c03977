/** Entra ID (AADSTS) error responses in the shape the token service returns them. */
import { randomUUID } from 'node:crypto';

export interface EntraError {
  status: number;
  error: string;
  code: number;
  description: string;
}

/** "2024-05-01 10:00:00Z", the timestamp format of AADSTS bodies. */
export function entraTimestamp(d = new Date()): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function entraErrorBody(e: EntraError, correlationId: string | undefined, errorUriBase: string): Record<string, unknown> {
  const traceId = randomUUID();
  const correlation = correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : randomUUID();
  const timestamp = entraTimestamp();
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.description} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `${errorUriBase}/error?code=${e.code}`,
  };
}

const validityDocs = 'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .';
const ficDocs = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

export const entraErrors = {
  tenantNotFound: (tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  unsupportedGrant: (grant: string): EntraError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  missingField: (field: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    description: `The request body must contain the following parameter: '${field}'.`,
  }),
  invalidScope: (scope: string): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  resourceNotFound: (resource: string, tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    description: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  unknownClient: (clientId: string, tenant: string): EntraError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  noCredential: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000216,
    description: `'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.`,
  }),
  wrongSecret: (appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
  }),
  expiredSecret: (appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    description: `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  badAssertionType: (type: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 700025,
    description: `Client assertion type '${type}' is not supported. Use 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`,
  }),
  malformedAssertion: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 50027,
    description: 'JWT token is invalid or malformed.',
  }),
  assertionTimeRange: (now: number, nbf: number | undefined, exp: number): EntraError => ({
    status: 400,
    error: 'invalid_client',
    code: 700024,
    description: `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${nbf === undefined ? 'unspecified' : iso(nbf)}, expiry time of assertion ${iso(exp)}. ${validityDocs}`,
  }),
  assertionAudience: (aud: string, expected: string): EntraError => ({
    status: 400,
    error: 'invalid_client',
    code: 700021,
    description: `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Presented audience '${aud}', expected '${expected}'.`,
  }),
  assertionSubject: (): EntraError => ({
    status: 400,
    error: 'invalid_client',
    code: 700023,
    description: 'Client assertion subject and issuer must both be the client id of the application.',
  }),
  certificateNotRegistered: (thumbprint: string, appId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}']`,
  }),
  badSignature: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: 'Client assertion failed signature validation.',
  }),
  unknownIssuer: (issuer: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 700211,
    description: `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${ficDocs}`,
  }),
  noMatchingFederatedCredential: (issuer: string, subject: string, audience: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    code: 70021,
    description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. ${ficDocs}`,
  }),
};

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '.0000000Z');
}
