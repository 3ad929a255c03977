/**
 * TLS material for the emulator: a CA it creates once per directory and a server certificate for the
 * loopback names, signed by that CA. Clients trust the CA through NODE_EXTRA_CA_CERTS; nothing else changes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  /** Folder holding ca.pem, ca-key.pem, server.pem, server-key.pem */
  dir: string;
  caCertPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const SERVER_NAMES = ['localhost', '127.0.0.1', '::1'];

function newKeyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function serial(): string {
  // Positive serial: clear the top bit.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function writeAtomic(path: string, content: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3600_000);
  const attrs = [
    { name: 'commonName', value: 'aml-lifecycle local emulator CA' },
    { name: 'organizationName', value: 'aml-lifecycle' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

function createServerCert(caCertPem: string, caKeyPem: string): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 825 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: SERVER_NAMES.map((n) => (/^[\d.:]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/**
 * Load the TLS material in `dir`, creating the CA and the server certificate when missing.
 * Safe to call from several processes: files are written atomically and an existing CA is never replaced.
 */
export function ensureTls(dir: string): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const caCertPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const serverCertPath = join(dir, 'server.pem');
  const serverKeyPath = join(dir, 'server-key.pem');
  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
    const ca = createCa();
    writeAtomic(caKeyPath, ca.keyPem);
    writeAtomic(caCertPath, ca.certPem, 0o644);
  }
  const caCertPem = readFileSync(caCertPath, 'utf8');
  if (!existsSync(serverCertPath) || !existsSync(serverKeyPath)) {
    const server = createServerCert(caCertPem, readFileSync(caKeyPath, 'utf8'));
    writeAtomic(serverKeyPath, server.keyPem);
    writeAtomic(serverCertPath, server.certPem, 0o644);
  }
  return {
    dir,
    caCertPath,
    caCertPem,
    serverCertPath,
    serverKeyPath,
    serverCertPem: readFileSync(serverCertPath, 'utf8'),
    serverKeyPem: readFileSync(serverKeyPath, 'utf8'),
  };
}
