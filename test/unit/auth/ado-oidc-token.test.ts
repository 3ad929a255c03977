/**
 * The Azure DevOps service connection's OIDC token, requested by ado-oidc-token.ts as AzurePipelinesCredential
 * requests it, and every way that request can fail said in words that name the cause.
 */
import { StepError } from '../../../shared/src/core/errors';
import { fetchAdoOidcToken, type AdoOidcRequest } from '../../../shared/src/auth/ado-oidc-token';
import { freePort } from '../../../shared/emulator/src/ports';
import { ScriptedServer, type Answer } from '../azureml/scripted-server';

const WHO = 'Azure DevOps workload identity (client c, tenant t, connection sc-1)';
const vss = (message: string, typeKey: string) => ({ $id: '1', innerException: null, message, typeName: typeKey, typeKey, errorCode: 0, eventId: 3000 });

describe('fetchAdoOidcToken', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const req = (extra: Partial<AdoOidcRequest> = {}): AdoOidcRequest => ({
    oidcRequestUri: `${server.base}/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`,
    serviceConnectionId: 'sc-1',
    systemAccessToken: 'system-access-token-value',
    who: WHO,
    ...extra,
  });
  const answer = (a: Answer | (() => Answer)) => server.on('POST', /\/oidctoken$/, typeof a === 'function' ? a : () => a);
  const failure = async (r = req()) => (await fetchAdoOidcToken(r, { retryDelayInMs: 5 }).catch((e: unknown) => e)) as StepError;

  test("sends AzurePipelinesCredential's request and reads oidcToken", async () => {
    answer({ status: 200, body: { oidcToken: 'the-oidc-token' } });
    expect(await fetchAdoOidcToken(req())).toBe('the-oidc-token');
    const [hit] = server.requests;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken?api-version=7.1&serviceConnectionId=sc-1');
    expect(hit.headers.authorization).toBe('Bearer system-access-token-value');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-tfs-fedauthredirect']).toBe('Suppress');
    expect(hit.body).toBe('');
  });

  test("a refused System.AccessToken (401): ADO's message, its support ids, and what to check", async () => {
    answer({
      status: 401,
      headers: { 'x-vss-e2eid': 'e2e-1', 'x-msedge-ref': 'Ref A: 1' },
      body: vss("TF400813: The user '' is not authorized to access this resource.", 'UnauthorizedRequestException'),
    });
    const e = await failure();
    expect(e).toBeInstanceOf(StepError);
    expect(e).toMatchObject({ kind: 'auth', status: 401 });
    expect(e.message).toBe(
      `sign-in of ${WHO} failed: Azure DevOps' OIDC token service at ${new URL(server.base).host} answered HTTP 401, not the service connection's OIDC token: ` +
        "TF400813: The user '' is not authorized to access this resource. (x-vss-e2eid: e2e-1, x-msedge-ref: Ref A: 1)",
    );
    expect(e.hint).toMatch(/System\.AccessToken\) was not accepted/);
    expect(e.hint).toContain('https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot');
    expect(server.requests).toHaveLength(1);
  });

  test('403: the pipeline may not use the connection', async () => {
    answer({ status: 403, body: vss('Access denied.', 'AccessCheckException') });
    const e = await failure();
    expect(e).toMatchObject({ kind: 'auth', status: 403 });
    expect(e.message).toMatch(/answered HTTP 403, not the service connection's OIDC token: Access denied\.$/);
    expect(e.hint).toMatch(/allow this pipeline to use the connection/);
  });

  test('an unknown or missing service connection (404, 400) is named', async () => {
    answer({ status: 404, body: vss("Service connection with id 'sc-1' does not exist or you do not have permission to use it.", 'ServiceEndpointNotFoundException') });
    const e = await failure();
    expect(e.message).toMatch(/answered HTTP 404, not the service connection's OIDC token: Service connection with id 'sc-1' does not exist/);
    expect(e.hint).toMatch(/check that service connection 'sc-1' exists in this project/);
    server.reset();
    answer({ status: 400, body: vss('Value cannot be null.\r\nParameter name: serviceConnectionId', 'ArgumentNullException') });
    expect((await failure()).message).toMatch(/answered HTTP 400, not the service connection's OIDC token: Value cannot be null\. Parameter name: serviceConnectionId$/);
  });

  test('a 200 that is not JSON, is empty or has no oidcToken says so (the body cut, tokens removed)', async () => {
    answer({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>Sign in</html>' });
    const html = await failure();
    expect(html.kind).toBe('auth');
    expect(html.message).toMatch(/answered HTTP 200 with something that is not JSON, so no oidcToken: <html>Sign in<\/html>$/);
    expect(html.hint).toMatch(/SYSTEM_OIDCREQUESTURI must be the OIDC request URI the agent set/);
    server.reset();
    answer({ status: 200, body: '' });
    expect((await failure()).message).toMatch(/answered HTTP 200 with an empty body/);
    server.reset();
    answer({ status: 200, body: { token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0abc.sig', echo: 'system-access-token-value' } });
    const noField = await failure();
    expect(noField.message).toMatch(/answered HTTP 200 without an oidcToken field: /);
    expect(noField.message).not.toContain('eyJ');
    expect(noField.message).not.toContain('system-access-token-value');
  });

  test('a redirect (a sign-in page) is reported as a refused access token, with where it pointed', async () => {
    answer({ status: 302, headers: { Location: 'https://login.example/_signin?reply=secret' } });
    const e = await failure();
    expect(e.message).toMatch(/answered HTTP 302, not the service connection's OIDC token \(redirected to https:\/\/login\.example\/_signin\)/);
    expect(e.message).not.toContain('reply=secret');
    expect(e.hint).toMatch(/System\.AccessToken/);
  });

  test('5xx is retried (4 attempts), then reported with host and count, as the identity pipeline did', async () => {
    answer({ status: 503, body: 'busy' });
    const e = await failure();
    expect(e).toMatchObject({ kind: 'transient', status: 503 });
    expect(e.message).toBe(`sign-in of ${WHO} failed: the sign-in service at ${new URL(server.base).host} did not respond (HTTP 503 after 4 attempts)`);
    expect(server.requests).toHaveLength(4);
  });

  test('a dropped connection then a token: the retry answers', async () => {
    let n = 0;
    answer(() => (n++ === 0 ? 'drop' : { status: 200, body: { oidcToken: 'second-try' } }));
    expect(await fetchAdoOidcToken(req(), { retryDelayInMs: 5 })).toBe('second-try');
    expect(server.requests).toHaveLength(2);
  });

  test('nothing listening: a network error naming host and port, at once', async () => {
    const port = await freePort();
    const e = await failure(req({ oidcRequestUri: `https://127.0.0.1:${port}/oidctoken` }));
    expect(e.kind).toBe('network');
    expect(e.message).toContain(`nothing accepted the connection to 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  test('missing values and a non-https URI are input errors, before any request', async () => {
    expect((await failure(req({ serviceConnectionId: '' }))).message).toMatch(/needs the service connection id/);
    expect((await failure(req({ systemAccessToken: '' }))).message).toMatch(/System\.AccessToken/);
    expect((await failure(req({ oidcRequestUri: '' }))).message).toMatch(/SYSTEM_OIDCREQUESTURI is not set/);
    const http = await failure(req({ oidcRequestUri: 'http://agent.example/oidctoken' }));
    expect(http).toMatchObject({ kind: 'input' });
    expect(http.message).toMatch(/must be an https URL/);
    expect(server.requests).toHaveLength(0);
  });
});
