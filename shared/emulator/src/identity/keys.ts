/** RSA signing keys of the emulated issuers, their JWKS form, and certificate thumbprints. */
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { base64url } from './jwt';

export interface SigningKey {
  kid: string;
  privatePem: string;
  publicPem: string;
}

export function newSigningKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    kid: base64url(createHash('sha256').update(spki).digest()).slice(0, 27),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** JSON Web Key Set holding the public halves of `keys`. */
export function jwks(keys: SigningKey[]): { keys: Record<string, unknown>[] } {
  return {
    keys: keys.map((k) => {
      const jwk = createPublicKey(k.publicPem).export({ format: 'jwk' });
      return { kty: 'RSA', use: 'sig', alg: 'RS256', kid: k.kid, x5t: k.kid, n: jwk.n, e: jwk.e };
    }),
  };
}

export interface CertificateInfo {
  /** Base64url SHA-1 of the DER certificate, as in a JWT `x5t` header. */
  x5t: string;
  /** Base64url SHA-256 of the DER certificate, as in a JWT `x5t#S256` header. */
  x5tS256: string;
  /** Hex SHA-1 thumbprint, as the portal shows it. */
  thumbprint: string;
  publicKeyPem: string;
  notBefore: string;
  notAfter: string;
}

/** Thumbprints and public key of the first certificate in a PEM (private keys in the PEM are ignored). */
export function describeCertificate(pem: string): CertificateInfo {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('The PEM holds no certificate.');
  const cert = new X509Certificate(match[0]);
  return {
    x5t: base64url(createHash('sha1').update(cert.raw).digest()),
    x5tS256: base64url(createHash('sha256').update(cert.raw).digest()),
    thumbprint: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
    publicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/** The certificate block alone, without any private key that travelled in the same PEM. */
export function certificateOnly(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('The PEM holds no certificate.');
  return `${match[0]}\n`;
}
