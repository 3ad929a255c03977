/**
 * Online endpoint credentials: `listKeys` (Key endpoints), `regenerateKeys` (an operation answered 202, the new key
 * in force when it ends), `token` (AML tokens for AMLToken endpoints). Keys and tokens are those the scoring data
 * plane checks (scoring/credentials.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, Handler } from './call';
import { getResource, propertiesOf, startWorkspaceOperation } from './resource-helpers';
import { mfeNotFound, userError } from './errors';
import { ML_PROVIDER } from './target';
import { busy } from '../lro/settle';
import { mfeAcceptedHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { endpointKeys, issueAmlToken, regenerateKey } from '../scoring/credentials';

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
  return { status: 200, body: endpointKeys(c.state, res) };
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
  const value = typeof body.keyValue === 'string' ? body.keyValue : undefined;
  const op = startWorkspaceOperation(c, {
    resourceType: `${ML_PROVIDER}/workspaces/onlineEndpoints`,
    kind: 'action',
    prefix: 'oe',
    runningStatus: 'Updating',
  });
  res.opId = op.id;
  res.pending = regenerateKey(c.state, res, keyType as 'Primary' | 'Secondary', value);
  return { status: 202, headers: mfeAcceptedHeaders(c.baseUrl, op, c.apiVersion, c.state.signingKey) };
};

const token: Handler = (c) => {
  const res = endpoint(c);
  if ('status' in res) return res as Reply;
  if (authMode(res) !== 'AMLToken') return wrongMode(c, res, 'AMLToken', 'Getting an AML token');
  return { status: 200, body: issueAmlToken(c.state, res.id, c.now) };
};

export const endpointActions: Record<string, Handler> = { listkeys: listKeys, regeneratekeys: regenerateKeys, token };
