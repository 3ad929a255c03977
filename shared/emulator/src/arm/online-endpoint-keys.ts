/**
 * Online endpoint credentials: `listKeys` (Key endpoints), `regenerateKeys` (an operation answered 202, the new key
 * in force when it ends), `token` (AML tokens for AMLToken endpoints), and the check a scoring data plane makes
 * (`verifyScoringCredential`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, Handler } from './call';
import { getResource, propertiesOf } from './resource-helpers';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { startOperation } from '../lro/operation';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';

/** AML tokens live an hour; clients refresh after half of it. */
const TOKEN_LIFETIME_S = 3600;

function bad(message: string): Reply {
  return userError(message, { code: 'BadArgument', message });
}

const newKey = (): string => randomBytes(24).toString('base64url');

/** Keys of a new endpoint: the create-only `keys` the caller sent, else fresh ones. */
export function initialKeys(given: unknown): Json {
  const k = isObject(given) ? given : {};
  return {
    primaryKey: typeof k.primaryKey === 'string' && k.primaryKey ? k.primaryKey : newKey(),
    secondaryKey: typeof k.secondaryKey === 'string' && k.secondaryKey ? k.secondaryKey : newKey(),
  };
}

function keysOf(res: StoredResource): { primaryKey: string; secondaryKey: string } {
  const k = propertiesOf(res.body).keys;
  return isObject(k) ? (k as { primaryKey: string; secondaryKey: string }) : { primaryKey: '', secondaryKey: '' };
}

function endpoint(c: ArmCall): StoredResource | Reply {
  const res = getResource(c.state, c.id);
  return res ?? mfeNotFound('online endpoint', c.names[1]);
}

function authMode(res: StoredResource): string {
  return String(propertiesOf(res.body).authMode);
}

function wrongMode(c: ArmCall, res: StoredResource, want: string, what: string): Reply {
  return bad(`${what} is only available for endpoints with authMode '${want}'; endpoint '${c.names[1]}' uses authMode '${authMode(res)}'.`);
}

const listKeys: Handler = (c) => {
  const res = endpoint(c);
  if ('status' in res) return res as Reply;
  if (authMode(res) !== 'Key') return wrongMode(c, res, 'Key', 'Listing keys');
  return { status: 200, body: keysOf(res) };
};

const regenerateKeys: Handler = (c) => {
  const res = endpoint(c);
  if ('status' in res) return res as Reply;
  if (busy(c.state, res, c.now)) return conflict(c);
  if (authMode(res) !== 'Key') return wrongMode(c, res, 'Key', 'Regenerating keys');
  const body = c.body;
  if (!isObject(body) || body.keyType === undefined) return bad("'keyType' is required: Primary or Secondary.");
  const keyType = ['Primary', 'Secondary'].find((k) => typeof body.keyType === 'string' && k.toLowerCase() === body.keyType.toLowerCase());
  if (!keyType) return bad(`'keyType' must be Primary or Secondary; got '${String(body.keyType)}'.`);
  if (body.keyValue !== undefined && body.keyValue !== null && (typeof body.keyValue !== 'string' || body.keyValue.length < 16)) {
    return bad("'keyValue' must be a string of at least 16 characters.");
  }
  const value = typeof body.keyValue === 'string' ? body.keyValue : newKey();
  const keys = { ...keysOf(res), [keyType === 'Primary' ? 'primaryKey' : 'secondaryKey']: value };
  const ws = c.workspace!;
  const op = startOperation(c.state, {
    resourceId: c.id,
    resourceType: `${ML_PROVIDER}/workspaces/onlineEndpoints`,
    kind: 'action',
    prefix: 'oe',
    subscriptionId: c.subscriptionId,
    workspaceId: String(propertiesOf(ws.body).workspaceId),
    location: String(ws.body.location),
    runningStatus: 'Updating',
    now: c.now,
  });
  res.opId = op.id;
  res.pending = { ...res.body, properties: { ...propertiesOf(res.body), keys } };
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
};

function signToken(signingKey: string, payload: string): string {
  return createHmac('sha256', Buffer.from(signingKey, 'base64')).update(`amltoken.${payload}`).digest('base64url');
}

export function issueAmlToken(state: ArmState, endpointId: string, now: number): { accessToken: string; expiryTimeUtc: number; refreshAfterTimeUtc: number; tokenType: string } {
  const exp = Math.floor(now / 1000) + TOKEN_LIFETIME_S;
  const payload = Buffer.from(JSON.stringify({ aud: endpointId.toLowerCase(), exp, jti: randomBytes(8).toString('hex') })).toString('base64url');
  return { accessToken: `${payload}.${signToken(state.signingKey, payload)}`, expiryTimeUtc: exp, refreshAfterTimeUtc: exp - TOKEN_LIFETIME_S / 2, tokenType: 'Bearer' };
}

const token: Handler = (c) => {
  const res = endpoint(c);
  if ('status' in res) return res as Reply;
  if (authMode(res) !== 'AMLToken') return wrongMode(c, res, 'AMLToken', 'Getting an AML token');
  return { status: 200, body: issueAmlToken(c.state, res.id, c.now) };
};

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * For a scoring data plane: does `credential` (the bearer value) open endpoint `endpointId`? A key of a Key endpoint,
 * or an unexpired AML token issued for an AMLToken endpoint. AADToken endpoints take Entra tokens, which the caller checks.
 */
export function verifyScoringCredential(state: Readonly<ArmState>, endpointId: string, credential: string, now = Date.now()): boolean {
  const res = (state.resources as Record<string, StoredResource>)[endpointId.toLowerCase()];
  if (!res || !credential) return false;
  const mode = authMode(res);
  if (mode === 'Key') {
    const k = keysOf(res);
    return (!!k.primaryKey && same(credential, k.primaryKey)) || (!!k.secondaryKey && same(credential, k.secondaryKey));
  }
  if (mode !== 'AMLToken') return false;
  const [payload, sig] = credential.split('.');
  if (!payload || !sig || !same(sig, signToken(state.signingKey, payload))) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: string; exp?: number };
    return claims.aud === endpointId.toLowerCase() && typeof claims.exp === 'number' && claims.exp * 1000 > now;
  } catch {
    return false;
  }
}

export const endpointActions: Record<string, Handler> = { listkeys: listKeys, regeneratekeys: regenerateKeys, token };
