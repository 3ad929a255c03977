/**
 * Authenticating the client of a token request: client secret, certificate assertion (private_key_jwt), or a
 * federated token from the emulated GitHub or Azure DevOps issuer matched against the app's federated credentials.
 */
import { timingSafeEqual } from 'node:crypto';
import { sameAudience } from './audiences';
import { entraErrors, type EntraError } from './entra-errors';
import { resolveIssuer } from './issuers';
import { decodeJwt, nowSeconds, verifySignature, type DecodedJwt } from './jwt';
import { describeCertificate } from './keys';
import type { IdentityState } from './store';
import { adoIssuer, githubIssuer, type AppRegistration } from './world';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How the client proved itself; becomes `appidacr` (1 = secret, 2 = certificate or federated assertion). */
export type ClientAuthMethod = 'secret' | 'certificate' | 'federated';

export type ClientAuthResult = { ok: true; app: AppRegistration; method: ClientAuthMethod } | { ok: false; error: EntraError };

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
  assertionType?: string;
  assertion?: string;
}

export interface ClientAuthContext {
  state: IdentityState;
  baseUrl: string;
  /** Token endpoint URLs a certificate assertion may name as its audience. */
  tokenEndpoints: string[];
}

const err = (error: EntraError): ClientAuthResult => ({ ok: false, error });

export function authenticateClient(creds: ClientCredentials, ctx: ClientAuthContext): ClientAuthResult {
  const { world } = ctx.state;
  if (!creds.clientId) return err(entraErrors.missingField('client_id'));
  const app = world.apps.find((a) => a.appId.toLowerCase() === creds.clientId!.toLowerCase());
  if (!app) return err(entraErrors.unknownClient(creds.clientId, world.tenantId));
  if (creds.assertion !== undefined) {
    if (creds.assertionType !== JWT_BEARER) return err(entraErrors.badAssertionType(creds.assertionType ?? ''));
    return checkAssertion(creds.assertion, app, ctx);
  }
  if (creds.clientSecret !== undefined) return checkSecret(creds.clientSecret, app);
  return err(entraErrors.noCredential());
}

function checkSecret(presented: string, app: AppRegistration): ClientAuthResult {
  const given = Buffer.from(presented);
  const match = app.secrets.find((s) => {
    const known = Buffer.from(s.value);
    return known.length === given.length && timingSafeEqual(known, given);
  });
  if (!match) return err(entraErrors.wrongSecret(app.appId));
  if (match.expiresAt && Date.parse(match.expiresAt) <= Date.now()) return err(entraErrors.expiredSecret(app.appId));
  return { ok: true, app, method: 'secret' };
}

/**
 * Entra tolerates clock skew on `nbf` (MSAL rounds the current time, so its nbf can lie up to a second ahead);
 * `exp` is enforced exactly so short-lived test tokens expire when they say.
 */
const NBF_SKEW_SECONDS = 300;

function checkTimes(jwt: DecodedJwt): EntraError | undefined {
  const now = nowSeconds();
  const exp = jwt.claims.exp;
  const nbf = typeof jwt.claims.nbf === 'number' ? jwt.claims.nbf : undefined;
  if (typeof exp !== 'number') return entraErrors.malformedAssertion();
  if (now >= exp || (nbf !== undefined && now + NBF_SKEW_SECONDS < nbf)) return entraErrors.assertionTimeRange(now, nbf, exp);
  return undefined;
}

function checkAssertion(assertion: string, app: AppRegistration, ctx: ClientAuthContext): ClientAuthResult {
  const jwt = decodeJwt(assertion);
  if (!jwt) return err(entraErrors.malformedAssertion());
  const iss = typeof jwt.claims.iss === 'string' ? jwt.claims.iss : '';
  const hasThumbprint = typeof jwt.header.x5t === 'string' || typeof jwt.header['x5t#S256'] === 'string';
  if (hasThumbprint && iss.toLowerCase() === app.appId.toLowerCase()) return checkCertificateAssertion(jwt, app, ctx);
  return checkFederatedAssertion(jwt, iss, app, ctx);
}

function checkCertificateAssertion(jwt: DecodedJwt, app: AppRegistration, ctx: ClientAuthContext): ClientAuthResult {
  const x5tS256 = jwt.header['x5t#S256'];
  const x5t = jwt.header.x5t;
  const cert = app.certificates.find((c) => (typeof x5tS256 === 'string' && c.x5tS256 === x5tS256) || (typeof x5t === 'string' && c.x5t === x5t));
  if (!cert) {
    const presented = typeof x5t === 'string' ? x5t : String(x5tS256);
    const hex = Buffer.from(presented, 'base64url').toString('hex').toUpperCase();
    return err(entraErrors.certificateNotRegistered(hex, app.appId));
  }
  if (!verifySignature(jwt, describeCertificate(cert.pem).publicKeyPem)) return err(entraErrors.badSignature());
  if (jwt.claims.sub !== jwt.claims.iss) return err(entraErrors.assertionSubject());
  const aud = typeof jwt.claims.aud === 'string' ? jwt.claims.aud : '';
  if (!ctx.tokenEndpoints.some((e) => sameAudience(e, aud))) return err(entraErrors.assertionAudience(aud, ctx.tokenEndpoints[0] ?? ''));
  const timeError = checkTimes(jwt);
  if (timeError) return err(timeError);
  return { ok: true, app, method: 'certificate' };
}

function checkFederatedAssertion(jwt: DecodedJwt, iss: string, app: AppRegistration, ctx: ClientAuthContext): ClientAuthResult {
  const { state, baseUrl } = ctx;
  const candidates = app.federatedCredentials.filter((f) => resolveIssuer(f.issuer, baseUrl) === iss);
  if (candidates.length === 0) return err(entraErrors.unknownIssuer(iss));
  let key;
  if (iss === githubIssuer(baseUrl)) key = state.keys.github;
  else if (state.world.adoConnections.some((c) => adoIssuer(baseUrl, c.organizationId) === iss)) key = state.keys.ado;
  // A federated credential naming an issuer outside the emulator cannot be checked here: no key to fetch.
  if (!key) return err(entraErrors.unknownIssuer(iss));
  if (jwt.header.kid !== undefined && jwt.header.kid !== key.kid) return err(entraErrors.badSignature());
  if (!verifySignature(jwt, key.publicPem)) return err(entraErrors.badSignature());
  const timeError = checkTimes(jwt);
  if (timeError) return err(timeError);
  const sub = typeof jwt.claims.sub === 'string' ? jwt.claims.sub : '';
  const auds = Array.isArray(jwt.claims.aud) ? jwt.claims.aud.map(String) : [String(jwt.claims.aud ?? '')];
  // Entra compares subject and audience exactly (case-sensitive).
  const match = candidates.find((f) => f.subject === sub && auds.some((a) => f.audiences.includes(a)));
  if (!match) return err(entraErrors.noMatchingFederatedCredential(iss, sub, auds.join(',')));
  return { ok: true, app, method: 'federated' };
}
