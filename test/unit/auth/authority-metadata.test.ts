import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createPipelineRequest, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import type { AuthConfig } from '../../../shared/src/auth/config';
import { authorityMetadataUrl, prefetchAuthorityMetadata } from '../../../shared/src/auth/prefetch';
import { recordingHttpClient } from '../../../shared/src/auth/recording-http-client';
import { TEST_CA_DIR } from '../../support/emulator';

const secret: AuthConfig = { type: 'service-principal-secret', tenantId: 'tenant-1', clientId: 'c', clientSecret: 's' };

let server: Server;
let origin: string;
const seen: string[] = [];
let status = 200;

beforeAll(async () => {
  server = createServer({ cert: readFileSync(join(TEST_CA_DIR, 'server.pem')), key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.includes('/slow/')) return; // never answers
    res.writeHead(status, { 'content-type': 'application/json', 'x-served': 'server' });
    res.end(JSON.stringify({ issuer: 'https://issuer', status }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}/entra`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  status = 200;
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
});
