/**
 * Credentials of an online endpoint's scoring URI, by authMode:
 *   Key      - `properties.keys {primaryKey, secondaryKey}` on the stored endpoint when present (a create body may
 *              carry keys; RegenerateKeys should write them there), else keys derived from the state's signing key
 *              and the endpoint id (stable, so ListKeys needs no write). `endpointKeys()` is what ListKeys returns.
 *   AMLToken - a JWT (HS256 under a key derived from the state's signing key) whose `aud` is the endpoint id:
 *              `issueAmlToken()` is what OnlineEndpoints_GetToken returns; `verifyAmlToken()` checks one.
 *   AADToken - an Entra token of this emulator for https://ml.azure.com, from a principal allowed
 *              Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action on the endpoint.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ArmState, Json, StoredResource } from '../state/model';
import type { IdentityService } from '../identity';
import { ML_AUDIENCE } from '../identity';
import { authorize } from '../arm/rbac';
import { propertiesOf } from '../arm/resource-helpers';
import { base64url, decodeJwt } from '../identity/jwt';
import { isObject } from '../http';

export const SCORE_ACTION = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action';
/** Lifetime of an AML token, and when clients are told to refresh it. */
export const AML_TOKEN_SECONDS = 3600;

function derive(state: Pick<ArmState, 'signingKey'>, purpose: string): Buffer {
  return createHmac('sha256', Buffer.from(state.signingKey, 'base64')).update(purpose).digest();
}

export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

export function endpointKeys(state: Pick<ArmState, 'signingKey'>, endpoint: StoredResource): EndpointKeys {
  const stored = propertiesOf(endpoint.body).keys;
  const derived = (which: string) => derive(state, `endpoint-key:${which}:${endpoint.id.toLowerCase()}`).toString('base64url');
  const s = isObject(stored) ? stored : {};
  return {
    primaryKey: typeof s.primaryKey === 'string' && s.primaryKey ? s.primaryKey : derived('primary'),
    secondaryKey: typeof s.secondaryKey === 'string' && s.secondaryKey ? s.secondaryKey : derived('secondary'),
  };
}

/** The endpoint body after RegenerateKeys {keyType, keyValue?}: the new key is stored in properties.keys. */
export function regenerateKey(state: Pick<ArmState, 'signingKey'>, endpoint: StoredResource, keyType: 'Primary' | 'Secondary', keyValue?: string): Json {
  const keys = endpointKeys(state, endpoint);
  const value = keyValue || randomBytes(24).toString('base64url');
  if (keyType === 'Primary') keys.primaryKey = value;
  else keys.secondaryKey = value;
  return { ...endpoint.body, properties: { ...propertiesOf(endpoint.body), keys } };
}

/** EndpointAuthToken for OnlineEndpoints_GetToken (times in epoch seconds). */
export function issueAmlToken(state: Pick<ArmState, 'signingKey'>, endpointId: string, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + AML_TOKEN_SECONDS;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ aud: endpointId.toLowerCase(), iss: 'azureml-emulator', iat, nbf: iat, exp, tokenType: 'AMLToken' }));
  const sig = createHmac('sha256', derive(state, 'aml-token')).update(`${header}.${claims}`).digest('base64url');
  return { accessToken: `${header}.${claims}.${sig}`, expiryTimeUtc: exp, refreshAfterTimeUtc: iat + AML_TOKEN_SECONDS / 2, tokenType: 'Bearer' };
}

export function verifyAmlToken(state: Pick<ArmState, 'signingKey'>, endpointId: string, token: string, nowMs = Date.now()): string | undefined {
  const jwt = decodeJwt(token);
  if (!jwt || jwt.header.alg !== 'HS256') return 'The token is not an AML token of this endpoint.';
  const expected = createHmac('sha256', derive(state, 'aml-token')).update(jwt.signingInput).digest();
  if (expected.length !== jwt.signature.length || !timingSafeEqual(expected, jwt.signature)) return 'The AML token signature is invalid.';
  if (String(jwt.claims.aud).toLowerCase() !== endpointId.toLowerCase()) return 'The AML token was issued for another endpoint.';
  if (typeof jwt.claims.exp !== 'number' || nowMs / 1000 >= jwt.claims.exp) return 'The AML token has expired.';
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type AuthOutcome = { ok: true; principal?: string } | { ok: false; message: string };

/** Checks the Authorization header of a scoring request against the endpoint's authMode. */
export function checkScoringAuth(state: ArmState, identity: IdentityService, endpoint: StoredResource, authorization: string | undefined): AuthOutcome {
  const mode = String(propertiesOf(endpoint.body).authMode ?? 'Key');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization?.trim() ?? '');
  if (!m) return { ok: false, message: 'Authorization header is missing or is not a Bearer credential.' };
  const credential = m[1];
  if (mode === 'Key') {
    const keys = endpointKeys(state, endpoint);
    return sameSecret(credential, keys.primaryKey) || sameSecret(credential, keys.secondaryKey) ? { ok: true } : { ok: false, message: 'Invalid key.' };
  }
  if (mode === 'AMLToken') {
    const problem = verifyAmlToken(state, endpoint.id, credential);
    return problem ? { ok: false, message: problem } : { ok: true };
  }
  const v = identity.verifyBearer(`Bearer ${credential}`, [ML_AUDIENCE]);
  if (!v.ok) return { ok: false, message: v.message };
  const denied = authorize(state, v.token.principalId, v.token.appId, SCORE_ACTION, endpoint.id);
  if (denied) return { ok: false, message: `The principal '${v.token.principalId}' is not allowed to perform '${SCORE_ACTION}' on this endpoint.` };
  return { ok: true, principal: v.token.principalId };
}
