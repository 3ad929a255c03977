/** ARM-style checking of `Authorization: Bearer <Entra access token>` against the emulated Entra's key. */
import { sameAudience } from './audiences';
import { decodeJwt, nowSeconds, verifySignature } from './jwt';
import type { SigningKey } from './keys';

export interface VerifiedToken {
  principalId: string;
  appId: string;
  tenantId: string;
  audience: string;
  claims: Record<string, unknown>;
}

export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; status: 401; code: string; message: string };

function fail(code: string, message: string): VerifyResult {
  return { ok: false, status: 401, code, message };
}

/** ARM's time format in these messages: "5/1/2024 10:00:00 AM". */
function armTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

type Decoded = NonNullable<ReturnType<typeof decodeJwt>>;

/**
 * Tokens already decoded, and the key their signature checked out against: a token's header and claims never
 * change, and a signature over the same bytes with the same key verifies the same way every time, so a repeated
 * token costs a map lookup; only the claims (expiry, audience, tenant) are re-checked on each request.
 */
const seen = new Map<string, { jwt: Decoded; verifiedWith?: string }>();

function decodeCached(token: string): Decoded | undefined {
  const hit = seen.get(token);
  if (hit) return hit.jwt;
  const jwt = decodeJwt(token);
  if (!jwt) return undefined;
  Object.freeze(jwt.header);
  Object.freeze(jwt.claims);
  if (seen.size >= 1024) seen.clear();
  seen.set(token, { jwt });
  return jwt;
}

function signatureOk(token: string, jwt: Decoded, key: SigningKey): boolean {
  const entry = seen.get(token);
  if (entry?.verifiedWith === key.publicPem) return true;
  if (!verifySignature(jwt, key.publicPem)) return false;
  if (entry) entry.verifiedWith = key.publicPem;
  return true;
}

export function verifyBearerToken(
  authorization: string | undefined,
  audiences: string[],
  key: SigningKey,
  tenantId: string,
): VerifyResult {
  if (!authorization || !authorization.trim()) {
    return fail('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!m?.[1]) return fail('AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
  const jwt = decodeCached(m[1]);
  if (!jwt) return fail('InvalidAuthenticationToken', 'The access token is invalid.');
  if (jwt.header.alg !== 'RS256' || (jwt.header.kid !== undefined && jwt.header.kid !== key.kid) || !signatureOk(m[1], jwt, key)) {
    return fail('InvalidAuthenticationToken', 'The access token is invalid.');
  }
  const c = jwt.claims;
  const aud = typeof c.aud === 'string' ? c.aud : '';
  if (!audiences.some((a) => sameAudience(a, aud))) {
    return fail(
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${audiences.map((a) => `'${a}'`).join(',')}.`,
    );
  }
  if (c.tid !== tenantId || c.iss !== `https://sts.windows.net/${tenantId}/`) {
    return fail('InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${String(c.iss)}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenantId}' to get the token.`);
  }
  const now = nowSeconds();
  if (typeof c.exp !== 'number') return fail('InvalidAuthenticationToken', 'The access token is invalid.');
  if (now >= c.exp) {
    return fail('ExpiredAuthenticationToken', `The access token expiry UTC time '${armTime(c.exp)}' is earlier than current UTC time '${armTime(now)}'.`);
  }
  if (typeof c.nbf === 'number' && now < c.nbf) {
    return fail('InvalidAuthenticationToken', `The access token is not valid before UTC time '${armTime(c.nbf)}'; current UTC time is '${armTime(now)}'.`);
  }
  return {
    ok: true,
    token: {
      principalId: String(c.oid ?? ''),
      appId: String(c.appid ?? ''),
      tenantId,
      audience: aud,
      claims: c,
    },
  };
}
