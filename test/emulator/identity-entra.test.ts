import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import forge from 'node-forge';
import { startIdentityServer, type IdentityServer } from './identity-server';
import { ARM_AUDIENCES, ML_AUDIENCE, openIdentity, type IdentityService } from '../../shared/emulator/src/identity';

let baseUrl: string;
let stateDir: string;
let identity: IdentityService;

let srv: IdentityServer;
beforeAll(async () => {
  srv = await startIdentityServer('identity-entra');
  ({ baseUrl, stateDir, identity } = srv);
});

afterAll(async () => {
  await srv.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = () => ({ authorityHost: `${baseUrl}/entra`, disableInstanceDiscovery: true });
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

function selfSignedCertificate(): string {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'aml-lifecycle-test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'aml-lifecycle-test' }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert) + forge.pki.privateKeyToPem(keys.privateKey);
}

describe('default world', () => {
  it('has a tenant, the demo app with a secret and federated credentials for GitHub and Azure DevOps', () => {
    const w = identity.world();
    expect(w.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const app = w.apps.find((a) => a.displayName === 'aml-lifecycle-demo')!;
    expect(app.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.objectId).not.toBe(app.appId);
    expect(app.secrets[0]!.value.length).toBeGreaterThanOrEqual(32);
    const subjects = app.federatedCredentials.map((f) => [f.issuer, f.subject]);
    expect(subjects).toContainEqual([`${baseUrl}/github-oidc`, 'repo:contoso/mlops:ref:refs/heads/main']);
    const conn = w.adoConnections[0]!;
    expect(subjects).toContainEqual([`${baseUrl}/ado/oidc/${conn.organizationId}`, 'sc://contoso/mlops/aml-connection']);
    expect(w.githubJobs[0]).toMatchObject({ repository: 'contoso/mlops', ref: 'refs/heads/main' });
  });

  it('is persisted in identity.json and shared by another instance on the same directory (with another port)', async () => {
    const other = await openIdentity({ stateDir, baseUrl: 'https://127.0.0.1:1' });
    expect(other.world().tenantId).toBe(identity.world().tenantId);
    // Issuer URLs follow the base URL of whoever reads them.
    expect(other.world().apps[0]!.federatedCredentials[0]!.issuer).toBe('https://127.0.0.1:1/github-oidc');
    other.seed({ apps: [{ displayName: 'seeded-elsewhere' }] });
    expect(identity.world().apps.map((a) => a.displayName)).toContain('seeded-elsewhere');
    const onDisk = JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { world: { tenantId: string } };
    expect(onDisk.world.tenantId).toBe(identity.world().tenantId);
  });
});

describe('OpenID metadata', () => {
  it('serves v2.0 metadata for the tenant and AADSTS90002 for an unknown one', async () => {
    const { tenantId } = identity.world();
    const ok = await fetch(`${baseUrl}/entra/${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(ok.status).toBe(200);
    const meta = (await ok.json()) as Record<string, string>;
    expect(meta.token_endpoint).toBe(`${baseUrl}/entra/${tenantId}/oauth2/v2.0/token`);
    const keys = (await (await fetch(meta.jwks_uri!)).json()) as { keys: { kid: string; n: string }[] };
    expect(keys.keys[0]!.n.length).toBeGreaterThan(300);

    const bad = await fetch(`${baseUrl}/entra/00000000-0000-0000-0000-000000000001/v2.0/.well-known/openid-configuration`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as Record<string, unknown>;
    expect(body.error_codes).toEqual([90002]);
    expect(String(body.error_description)).toMatch(/^AADSTS90002: Tenant '00000000-0000-0000-0000-000000000001' not found/);
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
    expect(body).toHaveProperty('timestamp');
  });
});

describe('client secret', () => {
  it('issues an ARM token that verifyBearer accepts', async () => {
    const w = identity.world();
    const app = w.apps[0]!;
    const cred = new ClientSecretCredential(w.tenantId, app.appId, app.secrets[0]!.value, options());
    const token = await cred.getToken('https://management.azure.com/.default');
    const claims = decode(token.token);
    expect(claims).toMatchObject({
      aud: 'https://management.azure.com',
      iss: `https://sts.windows.net/${w.tenantId}/`,
      tid: w.tenantId,
      appid: app.appId,
      oid: app.objectId,
      sub: app.objectId,
      appidacr: '1',
    });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    const verified = identity.verifyBearer(`Bearer ${token.token}`, ARM_AUDIENCES);
    expect(verified).toEqual({
      ok: true,
      token: expect.objectContaining({ principalId: app.objectId, appId: app.appId, tenantId: w.tenantId, audience: 'https://management.azure.com' }),
    });
  });

  it('keeps a trailing slash of the resource as Entra does (https://management.core.windows.net//.default)', async () => {
    const w = identity.world();
    const cred = new ClientSecretCredential(w.tenantId, w.apps[0]!.appId, w.apps[0]!.secrets[0]!.value, options());
    const token = await cred.getToken('https://management.core.windows.net//.default');
    expect(decode(token.token).aud).toBe('https://management.core.windows.net/');
    expect(identity.verifyBearer(`Bearer ${token.token}`, ARM_AUDIENCES).ok).toBe(true);
  });

  it('rejects a wrong secret with AADSTS7000215', async () => {
    const w = identity.world();
    const cred = new ClientSecretCredential(w.tenantId, w.apps[0]!.appId, 'not-the-secret', options());
    await expect(cred.getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS7000215: Invalid client secret provided/);
  });

  it('rejects an unknown client with AADSTS700016', async () => {
    const w = identity.world();
    const cred = new ClientSecretCredential(w.tenantId, '11111111-2222-3333-4444-555555555555', 'x', options());
    await expect(cred.getToken('https://management.azure.com/.default')).rejects.toThrow(
      /AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' was not found/,
    );
  });

  it('answers a raw token request with the documented success and error shapes', async () => {
    const w = identity.world();
    const app = w.apps[0]!;
    const url = `${baseUrl}/entra/${w.tenantId}/oauth2/v2.0/token`;
    const form = (p: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': '6f1f4c2e-5d7b-4a0e-9b8f-1a2b3c4d5e6f' },
      body: new URLSearchParams(p).toString(),
    });
    const ok = await fetch(url, form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0]!.value, scope: `${ML_AUDIENCE}/.default` }));
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);

    const wrong = await fetch(url, form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: 'nope', scope: `${ML_AUDIENCE}/.default` }));
    expect(wrong.status).toBe(401);
    const err = (await wrong.json()) as Record<string, unknown>;
    expect(err).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: '6f1f4c2e-5d7b-4a0e-9b8f-1a2b3c4d5e6f' });
    expect(err.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);

    const grant = await fetch(url, form({ grant_type: 'password', client_id: app.appId }));
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type', error_codes: [70003] });

    const scope = await fetch(url, form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0]!.value, scope: 'https://management.azure.com/user_impersonation' }));
    expect(await scope.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });

    const resource = await fetch(url, form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0]!.value, scope: 'https://vault.example.net/.default' }));
    expect(await resource.json()).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });
});

describe('v1 token endpoint', () => {
  it('takes `resource` and answers with expires_on and resource', async () => {
    const w = identity.world();
    const app = w.apps[0]!;
    const r = await fetch(`${baseUrl}/entra/${w.tenantDomain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0]!.value, resource: 'https://management.core.windows.net/' }).toString(),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, string>;
    expect(body.resource).toBe('https://management.core.windows.net/');
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(3600);
    expect(identity.verifyBearer(`Bearer ${body.access_token}`, ARM_AUDIENCES).ok).toBe(true);
  });
});

describe('client certificate', () => {
  it('authenticates with a registered certificate (PS256 + x5t#S256 from MSAL) and refuses an unregistered one', async () => {
    const pem = selfSignedCertificate();
    const w = identity.seed({ apps: [{ displayName: 'cert-app', certificates: [pem] }] });
    const app = w.apps.find((a) => a.displayName === 'cert-app')!;
    expect(app.certificates).toHaveLength(1);
    expect(app.certificates[0]!.pem).not.toContain('PRIVATE KEY');

    const cred = new ClientCertificateCredential(w.tenantId, app.appId, { certificate: pem }, options());
    const token = await cred.getToken(`${ML_AUDIENCE}/.default`);
    expect(decode(token.token)).toMatchObject({ aud: ML_AUDIENCE, appid: app.appId, oid: app.objectId, appidacr: '2' });
    expect(identity.verifyBearer(`Bearer ${token.token}`, [ML_AUDIENCE]).ok).toBe(true);

    const other = new ClientCertificateCredential(w.tenantId, app.appId, { certificate: selfSignedCertificate() }, options());
    await expect(other.getToken(`${ML_AUDIENCE}/.default`)).rejects.toThrow(/AADSTS700027/);
  });
});

describe('verifyBearer', () => {
  async function tokenFor(scope: string): Promise<string> {
    const w = identity.world();
    const cred = new ClientSecretCredential(w.tenantId, w.apps[0]!.appId, w.apps[0]!.secrets[0]!.value, options());
    return (await cred.getToken(scope)).token;
  }

  it('reports a missing or malformed header the way ARM does', () => {
    expect(identity.verifyBearer(undefined, ARM_AUDIENCES)).toEqual({
      ok: false,
      status: 401,
      code: 'AuthenticationFailed',
      message: "Authentication failed. The 'Authorization' header is missing.",
    });
    expect(identity.verifyBearer('Basic abc', ARM_AUDIENCES)).toMatchObject({ ok: false, code: 'AuthenticationFailed' });
    expect(identity.verifyBearer('Bearer not-a-jwt', ARM_AUDIENCES)).toMatchObject({ ok: false, code: 'InvalidAuthenticationToken' });
  });

  it('rejects a token for another audience', async () => {
    const token = await tokenFor(`${ML_AUDIENCE}/.default`);
    const r = identity.verifyBearer(`Bearer ${token}`, ARM_AUDIENCES);
    expect(r).toMatchObject({ ok: false, status: 401, code: 'InvalidAuthenticationTokenAudience' });
    expect(r.ok === false && r.message).toContain(`wrong audience or resource '${ML_AUDIENCE}'`);
  });

  it('accepts the emulator base URL as an ARM audience', async () => {
    const token = await tokenFor(`${baseUrl}/.default`);
    expect(identity.verifyBearer(`Bearer ${token}`, ARM_AUDIENCES).ok).toBe(true);
    expect(identity.verifyBearer(`Bearer ${token}`, [ML_AUDIENCE]).ok).toBe(false);
  });

  it('rejects a tampered token (claims changed, signature kept)', async () => {
    const token = await tokenFor('https://management.azure.com/.default');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    claims.oid = '00000000-0000-0000-0000-000000000000';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(identity.verifyBearer(`Bearer ${forged}`, ARM_AUDIENCES)).toMatchObject({ ok: false, code: 'InvalidAuthenticationToken' });
    expect(identity.verifyBearer(`Bearer ${token}`, ARM_AUDIENCES).ok).toBe(true);
  });

  it('rejects an expired token (1 s access-token lifetime)', async () => {
    identity.seed({ lifetimes: { accessToken: 1 } });
    try {
      const token = await tokenFor('https://management.azure.com/.default');
      const claims = decode(token);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(1);
      await sleep(2100);
      const r = identity.verifyBearer(`Bearer ${token}`, ARM_AUDIENCES);
      expect(r).toMatchObject({ ok: false, code: 'ExpiredAuthenticationToken' });
      expect(r.ok === false && r.message).toMatch(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/);
    } finally {
      identity.seed({ lifetimes: { accessToken: 3600 } });
    }
  });
});
