/**
 * The App Service style managed identity endpoint: the real ManagedIdentityCredential (MSAL's App Service source,
 * picked by IDENTITY_ENDPOINT + IDENTITY_HEADER) against it, and its refusals on the wire.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { startIdentityServer, type IdentityServer } from './identity-server';
import { ARM_AUDIENCES, managedIdentityEnv, openIdentity, type IdentityService } from '../../shared/emulator/src/identity';

const ARM_SCOPE = 'https://management.azure.com/.default';
let baseUrl: string;
let identity: IdentityService;
const savedEnv = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };

let srv: IdentityServer;
beforeAll(async () => {
  srv = await startIdentityServer('identity-mi');
  ({ baseUrl, identity } = srv);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await srv.close();
});

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const host = () => identity.world().managedIdentity;

/**
 * The credential as a process on the host builds it. MSAL reads IDENTITY_ENDPOINT/IDENTITY_HEADER once per process
 * (its identity source is static), so a wrong header is tested on the wire here and in a fresh process by the e2e tests.
 */
function credential(options: { clientId?: string; resourceId?: string; objectId?: string } = {}): ManagedIdentityCredential {
  Object.assign(process.env, managedIdentityEnv(identity.world(), baseUrl));
  return new ManagedIdentityCredential({ ...options, retryOptions: { maxRetries: 0 } } as ConstructorParameters<typeof ManagedIdentityCredential>[0]);
}

async function raw(query: Record<string, string>, headers: Record<string, string> = { 'X-IDENTITY-HEADER': host().identityHeader }, method = 'GET') {
  const res = await fetch(`${baseUrl}/msi/token?${new URLSearchParams(query)}`, { method, headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined };
}

describe('default host', () => {
  it('has a system-assigned and a user-assigned identity, the endpoint URL and a header that secretValues() lists', () => {
    const h = host();
    expect(h.endpoint).toBe(`${baseUrl}/msi/token`);
    expect(h.systemAssigned?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.systemAssigned?.clientId).not.toBe(h.systemAssigned?.principalId);
    expect(h.userAssigned.map((u) => u.name)).toEqual(['id-aml-agent']);
    expect(identity.secretValues()).toContain(h.identityHeader);
    expect(managedIdentityEnv(identity.world(), baseUrl)).toEqual({ IDENTITY_ENDPOINT: h.endpoint, IDENTITY_HEADER: h.identityHeader });
  });
});

describe('ManagedIdentityCredential', () => {
  it('system-assigned: an ARM token for the identity that verifyBearer accepts', async () => {
    const mi = host().systemAssigned!;
    const token = await credential().getToken(ARM_SCOPE);
    const claims = decode(token.token);
    expect(claims).toMatchObject({ aud: 'https://management.azure.com', appid: mi.clientId, oid: mi.principalId, idtyp: 'app', appidacr: '2', tid: identity.world().tenantId });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    const verified = identity.verifyBearer(`Bearer ${token.token}`, ARM_AUDIENCES);
    expect(verified).toMatchObject({ ok: true, token: { principalId: mi.principalId, appId: mi.clientId } });
  });

  it('user-assigned by client id, by resource id and by object id', async () => {
    const ua = host().userAssigned[0]!;
    const resourceId = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${ua.name}`;
    for (const options of [{ clientId: ua.clientId }, { resourceId }, { objectId: ua.principalId }]) {
      const token = await credential(options).getToken(ARM_SCOPE);
      expect(decode(token.token)).toMatchObject({ appid: ua.clientId, oid: ua.principalId });
    }
  });
});

describe('the endpoint on the wire', () => {
  it('answers with access_token, expires_on (epoch seconds), resource, token_type and client_id', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com/' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body!).sort()).toEqual(['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
    expect(r.body).toMatchObject({ resource: 'https://management.azure.com/', token_type: 'Bearer', client_id: host().systemAssigned!.clientId });
    const expiresOn = Number(r.body!.expires_on);
    expect(expiresOn).toBeGreaterThanOrEqual(before + 3600);
    expect(expiresOn).toBeLessThanOrEqual(before + 3602);
    expect(decode(String(r.body!.access_token)).aud).toBe('https://management.azure.com/');
  });

  it.each([
    ['no header', {}, {}, 400, /no 'X-IDENTITY-HEADER' header/],
    ['a wrong header', {}, { 'X-IDENTITY-HEADER': 'nope' }, 401, /does not match this host's IDENTITY_HEADER/],
    ['the 2017 api-version', { 'api-version': '2017-09-01' }, undefined, 400, /api-version must be '2019-08-01', got '2017-09-01'/],
    ['no resource', { resource: '' }, undefined, 400, /'resource' query parameter is required/],
    ['an unknown resource', { resource: 'https://vault.example' }, undefined, 400, /AADSTS500011: The resource principal named https:\/\/vault\.example was not found/],
    ['two selectors', { client_id: 'a', object_id: 'b' }, undefined, 400, /Only one of .* got client_id, object_id/],
    ['an unknown client id', { client_id: '11111111-1111-1111-1111-111111111111' }, undefined, 400, /No managed identity with client_id '11111111-1111-1111-1111-111111111111'/],
  ])('refuses %s', async (_label, query, headers, status, message) => {
    const r = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com', ...query }, headers);
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ statusCode: status });
    expect(String(r.body!.message)).toMatch(message);
    expect(r.body).not.toHaveProperty('access_token');
  });

  it('takes GET only', async () => {
    const r = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com' }, undefined, 'POST');
    expect(r.status).toBe(405);
  });
});

describe('seeding', () => {
  it('adds user-assigned identities with a resource id, changes the header, and removes the system-assigned one', async () => {
    const resourceId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deployer';
    const before = host();
    const w = identity.seed({ managedIdentity: { identityHeader: 'header-two', systemAssigned: null, userAssigned: [{ name: 'id-deployer', resourceId }] } });
    expect(w.managedIdentity.systemAssigned).toBeUndefined();
    expect(w.managedIdentity.userAssigned.map((u) => u.name)).toEqual(['id-aml-agent', 'id-deployer']);
    const added = w.managedIdentity.userAssigned[1]!;
    const headers = { 'X-IDENTITY-HEADER': 'header-two' };

    expect((await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com' }, { 'X-IDENTITY-HEADER': before.identityHeader })).status).toBe(401);
    const noSystem = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com' }, headers);
    expect(noSystem.status).toBe(400);
    expect(String(noSystem.body!.message)).toMatch(/no system-assigned managed identity/);
    const byResource = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com', mi_res_id: resourceId.toLowerCase() }, headers);
    expect(byResource.status).toBe(200);
    expect(decode(String(byResource.body!.access_token))).toMatchObject({ oid: added.principalId, xms_mirid: resourceId });
    // With a resource id stored, another id ending in the same name is not this identity.
    const otherSub = await raw({ 'api-version': '2019-08-01', resource: 'https://management.azure.com', mi_res_id: resourceId.replace('/s/', '/t/') }, headers);
    expect(otherSub.status).toBe(400);

    identity.seed({ managedIdentity: { identityHeader: before.identityHeader, systemAssigned: { name: 'restored' } } });
    expect(host().systemAssigned?.name).toBe('restored');
  });

  it('a state directory from before managed identities gets a host on open', async () => {
    const oldDir = mkdtempSync(join(tmpdir(), 'identity-mi-old-'));
    try {
      await openIdentity({ stateDir: oldDir, baseUrl });
      const file = join(oldDir, 'identity.json');
      const state = JSON.parse(readFileSync(file, 'utf8')) as { world: Record<string, unknown> };
      delete state.world.managedIdentity;
      writeFileSync(file, JSON.stringify(state));
      const reopened = await openIdentity({ stateDir: oldDir, baseUrl });
      expect(reopened.world().managedIdentity.identityHeader).toBeTruthy();
      expect(reopened.world().managedIdentity.systemAssigned).toBeDefined();
    } finally {
      rmSync(oldDir, { recursive: true, force: true });
    }
  });
});
