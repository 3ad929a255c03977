/** Compact JWS (RS256 / PS256) signing and checking with node:crypto. */
import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtHeader = Record<string, unknown> & { alg: string; typ?: string; kid?: string };
export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function encodePart(value: object): string {
  return base64url(JSON.stringify(value));
}

/** Sign `claims` with an RSA private key (PEM or KeyObject) as RS256. */
export function signJwt(claims: JwtClaims, privateKey: string | KeyObject, header: Record<string, unknown> = {}): string {
  const fullHeader = { typ: 'JWT', ...header, alg: 'RS256' };
  const signingInput = `${encodePart(fullHeader)}.${encodePart(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** Split and parse a compact JWT; returns undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(claims) || typeof header.alg !== 'string') return undefined;
    return {
      header: header as JwtHeader,
      claims,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2] ?? '', 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Check the signature of a decoded JWT against an RSA public key. Only RS256 and PS256 are accepted. */
/** Parsed public keys by PEM text: a PEM always parses to the same key, so this is safe in every process. */
const keyCache = new Map<string, KeyObject>();

function publicKeyFor(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (keyCache.size >= 64) keyCache.clear();
    keyCache.set(pem, key);
  }
  return key;
}

export function verifySignature(jwt: DecodedJwt, publicKey: string | KeyObject): boolean {
  let key: KeyObject;
  try {
    key = typeof publicKey === 'string' ? publicKeyFor(publicKey) : publicKey;
  } catch {
    return false;
  }
  const data = Buffer.from(jwt.signingInput);
  try {
    if (jwt.header.alg === 'RS256') return verify('sha256', data, key, jwt.signature);
    if (jwt.header.alg === 'PS256') {
      return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jwt.signature);
    }
  } catch {
    return false;
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
