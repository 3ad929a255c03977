import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { StepError } from '../../../shared/src/core/errors';
import { silentLogger } from '../../../shared/src/core/logger';
import { createCredential, TOKEN_EXCHANGE_AUDIENCE, type AuthConfig } from '../../../shared/src/auth/credential';
import { prefetchSignIn } from '../../../shared/src/auth/prefetch';
import { findAadsts } from '../../../shared/src/auth/credential-errors';
import { KNOWN_CLOUDS } from '../../../shared/src/auth/clouds';
import { aadError, CLIENT, FakeEntra, issueToken, TENANT } from './fake-entra';

const ARM_SCOPE = 'https://management.azure.com/.default';

function selfSignedPem(): string {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'sp' }]);
  cert.setIssuer([{ name: 'commonName', value: 'sp' }]);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return `${forge.pki.certificateToPem(cert)}${keyPem}`;
}

describe('createCredential against a local Entra', () => {
  let entra: FakeEntra;
  beforeAll(async () => {
    entra = await FakeEntra.start();
  });
  afterAll(() => entra.close());
  beforeEach(() => {
    entra.tokenRequests.length = 0;
    entra.tokenHandler = issueToken;
    delete process.env.SYSTEM_OIDCREQUESTURI;
  });

  test('service principal secret: the access token reaches onSecret before the caller sees it', async () => {
    const events: string[] = [];
    const credential = createCredential(
      { type: 'service-principal-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'sp-secret-value' },
      { cloud: entra.cloud(), onSecret: (v) => events.push(`secret:${v}`), logger: silentLogger },
    );
    const token = await credential.getToken(ARM_SCOPE);
    events.push('returned');
    expect(token?.token).toMatch(/^eyJ/);
    expect(events).toEqual(['secret:sp-secret-value', `secret:${token!.token}`, 'returned']);
    const [req] = entra.tokenRequests;
    expect(req.form.get('client_id')).toBe(CLIENT);
    expect(req.form.get('client_secret')).toBe('sp-secret-value');
    expect(req.form.get('scope')).toContain(ARM_SCOPE);
  });

  test('wrong secret: AADSTS code, description and hint; no secret, no trace lines', async () => {
    entra.tokenHandler = () => aadError(401, 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'sp-secret-value'.");
    const credential = createCredential(
      { type: 'service-principal-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'sp-secret-value' },
      { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger },
    );
    const err = (await credential.getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err.kind).toBe('auth');
    expect(err.code).toBe('AADSTS7000215');
    expect(err.message).toMatch(/AADSTS7000215: Invalid client secret provided/);
    expect(err.message).not.toContain('sp-secret-value');
    expect(err.message).not.toMatch(/Trace ID|Correlation ID/);
    expect(err.hint).toMatch(/secret is wrong or expired/);
  });

  test('unknown application: AADSTS700016 says client id or tenant is wrong', async () => {
    entra.tokenHandler = () => aadError(400, 700016, `Application with identifier '${CLIENT}' was not found in the directory 'contoso'.`);
    const credential = createCredential(
      { type: 'service-principal-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'x-secret' },
      { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger },
    );
    const err = (await credential.getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err.code).toBe('AADSTS700016');
    expect(err.hint).toMatch(/client id or the tenant id is wrong/);
  });

  test('GitHub OIDC: a fresh ID token for every assertion, each one masked', async () => {
    const audiences: string[] = [];
    let n = 0;
    const masked: string[] = [];
    const credential = createCredential(
      {
        type: 'github-oidc',
        tenantId: TENANT,
        clientId: CLIENT,
        getIdToken: async (audience) => {
          audiences.push(audience);
          return `github-id-token-${++n}`;
        },
      },
      { cloud: entra.cloud(), onSecret: (v) => masked.push(v), logger: silentLogger },
    );
    await credential.getToken(ARM_SCOPE);
    await credential.getToken('https://ml.azure.com/.default');
    // MSAL asks twice per token request; the second call within a sign-in reuses the first ID token, and no ID
    // token serves two sign-ins.
    expect(audiences).toEqual([TOKEN_EXCHANGE_AUDIENCE, TOKEN_EXCHANGE_AUDIENCE]);
    const sent = entra.tokenRequests.map((r) => r.form.get('client_assertion')!);
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(2);
    for (const t of sent) expect(t).toMatch(/^github-id-token-\d+$/);
    expect(entra.tokenRequests[0].form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    // Every ID token fetched was handed to onSecret.
    expect(masked.filter((v) => v.startsWith('github-id-token-'))).toHaveLength(n);
  });

  test('GitHub OIDC subject mismatch: AADSTS70021 hint shows the subject format', async () => {
    entra.tokenHandler = () => aadError(400, 70021, "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: 'repo:contoso/ml:ref:refs/heads/dev'.");
    const credential = createCredential(
      { type: 'github-oidc', tenantId: TENANT, clientId: CLIENT, getIdToken: async () => 'id-token' },
      { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger },
    );
    const err = (await credential.getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err.code).toBe('AADSTS70021');
    expect(err.message).toMatch(/Assertion Subject: 'repo:contoso\/ml:ref:refs\/heads\/dev'/);
    expect(err.hint).toMatch(/repo:OWNER\/REPO:ref:/);
  });

  test('certificate from PEM text signs in with a client assertion', async () => {
    const credential = createCredential(
      { type: 'service-principal-certificate', tenantId: TENANT, clientId: CLIENT, certificate: selfSignedPem() },
      { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger },
    );
    const token = await credential.getToken(ARM_SCOPE);
    expect(token?.token).toMatch(/^eyJ/);
    const assertion = entra.tokenRequests[0].form.get('client_assertion')!;
    const header = JSON.parse(Buffer.from(assertion.split('.')[0], 'base64url').toString()) as { alg: string };
    expect(header.alg).toMatch(/^(RS|PS)256$/);
  });

  test('Azure DevOps workload identity: OIDC URI from the config, system token masked', async () => {
    const masked: string[] = [];
    const credential = createCredential(
      {
        type: 'ado-workload-identity',
        tenantId: TENANT,
        clientId: CLIENT,
        serviceConnectionId: 'sc-1',
        systemAccessToken: 'system-access-token',
        oidcRequestUri: `${entra.base}/oidc`,
      },
      { cloud: entra.cloud(), onSecret: (v) => masked.push(v), logger: silentLogger },
    );
    expect(process.env.SYSTEM_OIDCREQUESTURI).toBe(`${entra.base}/oidc`);
    const token = await credential.getToken(ARM_SCOPE);
    expect(entra.tokenRequests[0].form.get('client_assertion')).toBe(entra.oidcToken);
    // The service connection's OIDC token is masked too (AzurePipelinesCredential never exposed it to be masked).
    expect(masked).toEqual(['system-access-token', entra.oidcToken, token!.token]);
    const oidcCall = entra.server.hits('POST', /^\/oidc$/)[0];
    expect(oidcCall.query.get('serviceConnectionId')).toBe('sc-1');
    expect(oidcCall.query.get('api-version')).toBe('7.1');
  });

  const adoConfig = (systemAccessToken = 'system-access-token'): AuthConfig => ({
    type: 'ado-workload-identity',
    tenantId: TENANT,
    clientId: CLIENT,
    serviceConnectionId: 'sc-1',
    systemAccessToken,
    oidcRequestUri: `${entra.base}/oidc`,
  });

  test('Azure DevOps prefetch: the OIDC token requested before the credential exists is the first assertion; later ones are new requests', async () => {
    const oidcCalls = () => entra.server.hits('POST', /^\/oidc$/).length;
    const before = oidcCalls();
    const config = prefetchSignIn(adoConfig());
    await new Promise((r) => setTimeout(r, 50));
    expect(oidcCalls()).toBe(before + 1);
    const credential = createCredential(config, { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger });
    await credential.getToken(ARM_SCOPE);
    expect(oidcCalls()).toBe(before + 1);
    expect(entra.tokenRequests[0].form.get('client_assertion')).toBe(entra.oidcToken);
    await credential.getToken('https://ml.azure.com/.default');
    expect(oidcCalls()).toBe(before + 2);
  });

  test('Azure DevOps: a refused System.AccessToken keeps its kind, status and hint through MSAL', async () => {
    const credential = createCredential(prefetchSignIn(adoConfig('not-the-job-token')), { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger });
    const err = (await credential.getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(err.message).toMatch(/^sign-in of Azure DevOps workload identity \(client .*, connection sc-1\) failed: Azure DevOps' OIDC token service at \S+ answered HTTP 401/);
    expect(err.hint).toMatch(/System\.AccessToken/);
    expect(err.message).not.toContain('not-the-job-token');
    expect(entra.tokenRequests).toHaveLength(0);
  });

  test('Azure DevOps: a missing service connection id fails when the credential is built', () => {
    expect(() => createCredential({ ...adoConfig(), serviceConnectionId: '' } as AuthConfig, { cloud: entra.cloud(), onSecret: () => {}, logger: silentLogger })).toThrow(
      /needs the service connection id/,
    );
  });
});

describe('unavailable credentials', () => {
  test('Azure CLI without a login (or without az) is an auth error with a hint', async () => {
    const credential = createCredential({ type: 'azure-cli' }, { cloud: KNOWN_CLOUDS.AzureCloud, onSecret: () => {}, logger: silentLogger });
    const err = (await credential.getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^the Azure CLI login is not available here/);
    expect(err.hint).toMatch(/az login/);
  });
});

describe('AADSTS extraction', () => {
  test('first code and its description, without the trace tail', () => {
    expect(findAadsts('invalid_client: AADSTS7000222: The provided client secret keys for app x are expired. Trace ID: 1 Correlation ID: 2')).toEqual({
      code: '7000222',
      description: 'The provided client secret keys for app x are expired',
    });
    expect(findAadsts('no code here')).toBeUndefined();
  });
});
