import { getIDToken } from '@actions/core';
import { AzurePipelinesCredential, ClientAssertionCredential } from '@azure/identity';
import { startIdentityServer, type IdentityServer } from './identity-server';
import { ARM_AUDIENCES, type IdentityService } from '../../shared/emulator/src/identity';

let baseUrl: string;
let identity: IdentityService;
/** Every request the server saw: path and, for token requests, the form. */
const seen: { path: string; form?: URLSearchParams }[] = [];

let srv: IdentityServer;
beforeAll(async () => {
  srv = await startIdentityServer('identity-fed', (_req, url, body) => {
    seen.push({ path: url.pathname, form: url.pathname.endsWith('/token') ? new URLSearchParams(body.toString()) : undefined });
  });
  ({ baseUrl, identity } = srv);
});

afterAll(async () => {
  await srv.close();
});

const savedEnv = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = () => ({ authorityHost: `${baseUrl}/entra`, disableInstanceDiscovery: true });
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const AUD = 'api://AzureADTokenExchange';

function useGitHubJob(jobId?: string): void {
  const env = identity.clientEnv(jobId ? { githubJobId: jobId } : {});
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
}

function githubCredential(getAssertion: () => Promise<string> = () => getIDToken(AUD)): ClientAssertionCredential {
  const w = identity.world();
  return new ClientAssertionCredential(w.tenantId, w.apps[0]!.appId, getAssertion, options());
}

describe('GitHub Actions OIDC', () => {
  it('hands @actions/core an ID token with GitHub-like claims, signed by the issuer in its metadata', async () => {
    useGitHubJob();
    expect(process.env.ACTIONS_ID_TOKEN_REQUEST_URL).toContain('?');
    const token = await getIDToken(AUD);
    const claims = decode(token);
    const job = identity.world().githubJobs[0]!;
    expect(claims).toMatchObject({
      iss: `${baseUrl}/github-oidc`,
      aud: AUD,
      sub: 'repo:contoso/mlops:ref:refs/heads/main',
      repository: 'contoso/mlops',
      ref: 'refs/heads/main',
      sha: job.sha,
      run_id: job.runId,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    expect(typeof claims.jti).toBe('string');

    const meta = (await (await fetch(`${baseUrl}/github-oidc/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(meta.issuer).toBe(claims.iss);
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: { kid: string }[] };
    const kid = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
  });

  it('defaults the audience to the repository owner URL and refuses a wrong request token', async () => {
    useGitHubJob();
    expect(decode(await getIDToken()).aud).toBe('https://github.com/contoso');
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'wrong';
    await expect(getIDToken(AUD)).rejects.toThrow(/401/);
  });

  it('exchanges the ID token for an ARM access token through ClientAssertionCredential', async () => {
    useGitHubJob();
    const w = identity.world();
    const token = await githubCredential().getToken('https://management.azure.com/.default');
    expect(decode(token.token)).toMatchObject({ appid: w.apps[0]!.appId, oid: w.apps[0]!.objectId, tid: w.tenantId, appidacr: '2' });
    expect(identity.verifyBearer(`Bearer ${token.token}`, ARM_AUDIENCES).ok).toBe(true);
  });

  it('refuses a job whose subject matches no federated credential with AADSTS70021', async () => {
    const w = identity.seed({ githubJobs: [{ id: 'feature-job', repository: 'contoso/mlops', ref: 'refs/heads/feature/x' }] });
    expect(w.githubJobs.map((j) => j.id)).toContain('feature-job');
    useGitHubJob('feature-job');
    const err = await githubCredential().getToken('https://management.azure.com/.default').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('AADSTS70021: No matching federated identity record found for presented assertion.');
    expect((err as Error).message).toContain(`Assertion Issuer: '${baseUrl}/github-oidc'`);
    expect((err as Error).message).toContain("Assertion Subject: 'repo:contoso/mlops:ref:refs/heads/feature/x'");
    expect((err as Error).message).toContain(`Assertion Audience: '${AUD}'`);
  });

  it('uses the environment subject and accepts it once a matching federated credential is seeded', async () => {
    const w0 = identity.seed({ githubJobs: [{ id: 'prod-job', repository: 'contoso/mlops', ref: 'refs/heads/main', environment: 'production' }] });
    useGitHubJob('prod-job');
    expect(decode(await getIDToken(AUD)).sub).toBe('repo:contoso/mlops:environment:production');
    await expect(githubCredential().getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS70021/);
    identity.seed({
      apps: [{
        displayName: w0.apps[0]!.displayName,
        appId: w0.apps[0]!.appId,
        federatedCredentials: [{ name: 'github-prod', issuer: `${baseUrl}/github-oidc`, subject: 'repo:contoso/mlops:environment:production', audiences: [AUD] }],
      }],
    });
    await expect(githubCredential().getToken('https://management.azure.com/.default')).resolves.toHaveProperty('token');
  });

  it('refuses an expired ID token with AADSTS700024', async () => {
    identity.seed({ lifetimes: { githubIdToken: 1 } });
    try {
      useGitHubJob();
      const stale = await getIDToken(AUD);
      await sleep(2100);
      await expect(githubCredential(async () => stale).getToken('https://management.azure.com/.default')).rejects.toThrow(
        /AADSTS700024: Client assertion is not within its valid time range/,
      );
    } finally {
      identity.seed({ lifetimes: { githubIdToken: 300 } });
    }
  });

  it('refuses an ID token whose signature does not verify', async () => {
    useGitHubJob();
    const token = await getIDToken(AUD);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('x'.repeat(256)).toString('base64url')}`;
    await expect(githubCredential(async () => forged).getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS700027/);
  });

  it('fetches a fresh ID token each time Entra needs a new assertion', async () => {
    identity.seed({ lifetimes: { accessToken: 2 } });
    try {
      useGitHubJob();
      const cred = githubCredential();
      const idTokenRequests = () => seen.filter((s) => s.path.endsWith('/idtoken')).length;
      const assertions = () => seen.filter((s) => s.form?.get('client_assertion')).map((s) => s.form!.get('client_assertion')!);
      const idBefore = idTokenRequests();
      const assertionsBefore = assertions().length;
      const first = await cred.getToken('https://management.azure.com/.default');
      await sleep(2100);
      expect(identity.verifyBearer(`Bearer ${first.token}`, ARM_AUDIENCES)).toMatchObject({ ok: false, code: 'ExpiredAuthenticationToken' });
      const second = await cred.getToken('https://management.azure.com/.default');
      expect(second.token).not.toBe(first.token);
      expect(identity.verifyBearer(`Bearer ${second.token}`, ARM_AUDIENCES).ok).toBe(true);
      expect(idTokenRequests() - idBefore).toBeGreaterThanOrEqual(2);
      const sent = assertions().slice(assertionsBefore);
      expect(sent).toHaveLength(2);
      expect(decode(sent[0]!).jti).not.toBe(decode(sent[1]!).jti);
    } finally {
      identity.seed({ lifetimes: { accessToken: 3600 } });
    }
  });
});

describe('Azure DevOps OIDC', () => {
  function pipelinesCredential(accessToken?: string, connectionId?: string): AzurePipelinesCredential {
    const env = identity.clientEnv();
    process.env.SYSTEM_OIDCREQUESTURI = env.SYSTEM_OIDCREQUESTURI;
    const w = identity.world();
    return new AzurePipelinesCredential(
      w.tenantId,
      w.apps[0]!.appId,
      connectionId ?? env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID!,
      accessToken ?? env.SYSTEM_ACCESSTOKEN!,
      options(),
    );
  }

  it('exchanges the service connection token for an ARM access token', async () => {
    const before = seen.length;
    const token = await pipelinesCredential().getToken('https://management.azure.com/.default');
    expect(identity.verifyBearer(`Bearer ${token.token}`, ARM_AUDIENCES).ok).toBe(true);
    const conn = identity.world().adoConnections[0]!;
    const assertion = seen.slice(before).find((s) => s.form?.get('client_assertion'))!.form!.get('client_assertion')!;
    expect(decode(assertion)).toMatchObject({
      iss: `${baseUrl}/ado/oidc/${conn.organizationId}`,
      sub: 'sc://contoso/mlops/aml-connection',
      aud: AUD,
    });
  });

  it('reports a bad system access token with ADO\'s 401 body', async () => {
    const err = await pipelinesCredential('not-the-token').getToken('https://management.azure.com/.default').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/TF400813/);
    expect((err as { statusCode?: number }).statusCode).toBe(401);
  });

  it('reports an unknown service connection with 404', async () => {
    const err = await pipelinesCredential(undefined, '99999999-9999-9999-9999-999999999999')
      .getToken('https://management.azure.com/.default')
      .catch((e: Error) => e);
    expect((err as { statusCode?: number }).statusCode).toBe(404);
    expect((err as Error).message).toContain("Service connection with id '99999999-9999-9999-9999-999999999999' does not exist");
  });
});
