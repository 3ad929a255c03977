/** Entra v1.0 access tokens for app-only callers (client credentials, managed identities). */
import { randomBytes } from 'node:crypto';
import type { ClientAuthMethod } from './client-auth';
import { nowSeconds, signJwt } from './jwt';
import type { SigningKey } from './keys';
import type { AppRegistration } from './world';

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
  issuedAt: number;
}

export function issueAccessToken(opts: {
  key: SigningKey;
  tenantId: string;
  app: Pick<AppRegistration, 'appId' | 'objectId'>;
  audience: string;
  lifetimeSeconds: number;
  method: ClientAuthMethod | 'managed-identity';
  /** e.g. `xms_mirid` of a managed identity. */
  extraClaims?: Record<string, string>;
}): IssuedAccessToken {
  const now = nowSeconds();
  const lifetime = Math.max(1, Math.round(opts.lifetimeSeconds));
  const iss = `https://sts.windows.net/${opts.tenantId}/`;
  const claims = {
    aud: opts.audience,
    iss,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    aio: randomBytes(48).toString('base64'),
    appid: opts.app.appId,
    appidacr: opts.method === 'secret' ? '1' : '2',
    idp: iss,
    idtyp: 'app',
    oid: opts.app.objectId,
    rh: `1.${randomBytes(24).toString('base64url')}.`,
    sub: opts.app.objectId,
    tid: opts.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
    ...opts.extraClaims,
  };
  const accessToken = signJwt(claims, opts.key.privatePem, { x5t: opts.key.kid, kid: opts.key.kid });
  return { accessToken, expiresIn: lifetime, issuedAt: now };
}
