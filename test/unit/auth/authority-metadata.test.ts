import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDefaultHttpClient, createPipelineRequest, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import type { AuthConfig } from '../../../shared/src/auth/config';
import { authorityMetadataUrl, prefetchAuthorityMetadata } from '../../../shared/src/auth/prefetch';
import { recordingHttpClient } from '../../../shared/src/auth/recording-http-client';
import { REPO, TEST_CA_DIR } from '../../support/emulator';

const secret: AuthConfig = { type: 'service-principal-secret', tenantId: 'tenant-1', clientId: 'c', clientSecret: 's' };

let server: Server;
let origin: string;
const seen: string[] = [];
let status = 200;
let connections = 0;

beforeAll(async () => {
  server = createServer({ cert: readFileSync(join(TEST_CA_DIR, 'server.pem')), key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.includes('/slow/')) return; // never answers
    res.writeHead(status, { 'content-type': 'application/json', 'x-served': 'server' });
    res.end(JSON.stringify({ issuer: 'https://issuer', status }));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}/entra`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  status = 200;
  connections = 0;
});

/** An inner client that records what reached it and answers 299. */
function innerClient(): HttpClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async sendRequest(request: PipelineRequest) {
      sent.push(`${request.method} ${request.url}`);
      return { request, status: 299, headers: request.headers };
    },
  };
}

const get = (url: string) => createPipelineRequest({ url, method: 'GET' });

describe('prefetchAuthorityMetadata', () => {
  test("names the tenant's OpenID metadata under the authority host", () => {
    expect(authorityMetadataUrl('https://login.example/', 'contoso.onmicrosoft.com')).toBe(
      'https://login.example/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    );
  });

  test("is requested at once, and answers MSAL's first GET of that URL only; every other request is sent", async () => {
    const prefetched = prefetchAuthorityMetadata(secret, origin, {})!;
    expect(prefetched.url).toBe(`${origin}/tenant-1/v2.0/.well-known/openid-configuration`);
    const inner = innerClient();
    const client = recordingHttpClient(inner, prefetched);
    const first = await client.sendRequest(get(prefetched.url));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.bodyAsText!)).toEqual({ issuer: 'https://issuer', status: 200 });
    expect(first.headers.get('x-served')).toBe('server');
    expect(seen).toEqual(['GET /entra/tenant-1/v2.0/.well-known/openid-configuration']);
    expect(inner.sent).toEqual([]);
    // The second GET of the same URL, and any other request, go out as usual.
    expect((await client.sendRequest(get(prefetched.url))).status).toBe(299);
    expect((await client.sendRequest(get(`${origin}/tenant-1/oauth2/v2.0/token`))).status).toBe(299);
    expect(inner.sent).toEqual([`GET ${prefetched.url}`, `GET ${origin}/tenant-1/oauth2/v2.0/token`]);
  });

  test("MSAL's token request after it goes out on the same TLS connection, which then keeps nothing alive", async () => {
    const prefetched = prefetchAuthorityMetadata(secret, origin, {})!;
    const client = recordingHttpClient(createDefaultHttpClient(), prefetched);
    expect((await client.sendRequest(get(prefetched.url))).status).toBe(200);
    const token = createPipelineRequest({ url: `${origin}/tenant-1/oauth2/v2.0/token`, method: 'POST', body: 'grant_type=client_credentials' });
    expect((await client.sendRequest(token)).status).toBe(200);
    expect(seen).toEqual(['GET /entra/tenant-1/v2.0/.well-known/openid-configuration', 'POST /entra/tenant-1/oauth2/v2.0/token']);
    expect(connections).toBe(1);
    expect(Object.values(prefetched.agent.freeSockets).flat()).toHaveLength(1);
    // A request to another origin, or one with TLS settings of its own, is not put on it.
    const other = createPipelineRequest({ url: origin.replace('127.0.0.1', 'localhost') + '/x', method: 'GET', tlsSettings: { ca: readFileSync(join(TEST_CA_DIR, 'ca.pem'), 'utf8') } });
    await client.sendRequest(other);
    expect(other.agent).toBeUndefined();
    prefetched.agent.destroy();
  });

  test('an answer other than 200 is dropped: MSAL makes its own request and sees its own answer', async () => {
    status = 503;
    const prefetched = prefetchAuthorityMetadata(secret, origin, {})!;
    const inner = innerClient();
    const answer = await recordingHttpClient(inner, prefetched).sendRequest(get(prefetched.url));
    expect(answer.status).toBe(299);
    expect(seen).toHaveLength(1);
    expect(inner.sent).toEqual([`GET ${prefetched.url}`]);
  });

  test('a failed request is dropped the same way', async () => {
    const prefetched = prefetchAuthorityMetadata(secret, 'https://127.0.0.1:1/entra', {})!;
    const inner = innerClient();
    expect((await recordingHttpClient(inner, prefetched).sendRequest(get(prefetched.url))).status).toBe(299);
    expect(inner.sent).toHaveLength(1);
  });

  test("a prefetch still in flight when the request's signal aborts is not waited for", async () => {
    const prefetched = prefetchAuthorityMetadata({ ...secret, tenantId: 'slow' } as AuthConfig, origin, {})!;
    const inner = innerClient();
    const controller = new AbortController();
    const request = createPipelineRequest({ url: prefetched.url, method: 'GET', abortSignal: controller.signal });
    const pending = recordingHttpClient(inner, prefetched).sendRequest(request);
    await new Promise((r) => setTimeout(r, 50));
    expect(inner.sent).toEqual([]);
    controller.abort();
    expect((await pending).status).toBe(299);
    expect(inner.sent).toEqual([`GET ${prefetched.url}`]);
    server.closeAllConnections();
  });

  test('not for sign-ins that do not start with it, not behind a proxy, not over plain http', () => {
    expect(prefetchAuthorityMetadata({ type: 'managed-identity' }, origin, {})).toBeUndefined();
    expect(prefetchAuthorityMetadata({ type: 'azure-cli' }, origin, {})).toBeUndefined();
    expect(prefetchAuthorityMetadata(secret, origin, { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined();
    expect(prefetchAuthorityMetadata(secret, 'http://login.example', {})).toBeUndefined();
    expect(seen).toEqual([]);
  });

  test('a process that signed in this way exits by itself: the kept-alive connection holds nothing open', async () => {
    server.keepAliveTimeout = 60_000; // a socket held open would keep the child alive for a minute
    const dir = mkdtempSync(join(tmpdir(), 'prefetch-exit-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { createDefaultHttpClient, createPipelineRequest } from '@azure/core-rest-pipeline';
import { prefetchAuthorityMetadata } from ${JSON.stringify(join(REPO, 'shared/src/auth/prefetch'))};
import { recordingHttpClient } from ${JSON.stringify(join(REPO, 'shared/src/auth/recording-http-client'))};
const origin = process.argv[2];
const p = prefetchAuthorityMetadata({ type: 'service-principal-secret', tenantId: 't', clientId: 'c', clientSecret: 's' }, origin, {})!;
const client = recordingHttpClient(createDefaultHttpClient(), p);
void (async () => {
  await client.sendRequest(createPipelineRequest({ url: p.url, method: 'GET' }));
  const r = await client.sendRequest(createPipelineRequest({ url: origin + '/t/oauth2/v2.0/token', method: 'POST', body: 'x=1' }));
  process.stdout.write(String(r.status));
})();
`,
    );
    await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', outfile: join(dir, 'entry.js'), logLevel: 'silent', absWorkingDir: REPO, nodePaths: [join(REPO, 'node_modules')] });
    const started = Date.now();
    const child = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(process.execPath, [join(dir, 'entry.js'), origin], { env: { ...process.env }, timeout: 30_000 }, (_e, out) => resolve({ code: _e ? ((_e as { code?: number }).code ?? null) : 0, out }));
    });
    expect(child).toEqual({ code: 0, out: '200' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(connections).toBe(1);
    server.closeAllConnections();
  });
});
