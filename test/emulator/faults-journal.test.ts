import { request } from 'node:https';
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());
afterEach(() => t.control('DELETE', '/faults'));

test('a 429 fault answers with Retry-After, then normal service resumes', async () => {
  const add = await t.control('POST', '/faults', { method: 'GET', path: '/workspaces/mlw-demo$', status: 429, retryAfter: 7, times: 1 });
  expect(add.status).toBe(201);
  const throttled = await t.arm('GET', t.wsPath);
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('7');
  expect(throttled.json.error.code).toBe('TooManyRequests');
  expect((await t.arm('GET', t.wsPath)).status).toBe(200);
});

test('a 503 fault with times: 3 fires exactly three times and only for the matching method', async () => {
  await t.control('POST', '/faults', { method: 'PUT', path: '/models/flaky/versions/', status: 503, times: 3 });
  expect((await t.arm('GET', `${t.wsPath}/models/flaky/versions/1`)).status).toBe(404);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await t.arm('PUT', `${t.wsPath}/models/flaky/versions/1`, { properties: { modelUri: 'azureml://f' } })).status);
  expect(statuses).toEqual([503, 503, 503, 201, 200]);
  expect((await t.control('GET', '/faults')).json.faults).toEqual([]);
});

test('a drop fault destroys the connection without a response', async () => {
  await t.control('POST', '/faults', { path: '^/subscriptions/.*/datastores$', drop: true, times: 1 });
  const url = new URL(`${t.url}${t.wsPath}/datastores?api-version=2025-04-01`);
  const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(undefined));
    });
    req.on('error', (e) => resolve(e));
    req.end();
  });
  expect(err?.code).toBe('ECONNRESET');
  expect((await t.arm('GET', `${t.wsPath}/datastores`)).status).toBe(200);
});

test('a delay fault slows the request and then serves it normally', async () => {
  await t.control('POST', '/faults', { path: '/workspaces/mlw-demo$', delayMs: 300, times: 1 });
  const start = Date.now();
  const r = await t.arm('GET', t.wsPath);
  expect(r.status).toBe(200);
  expect(Date.now() - start).toBeGreaterThanOrEqual(280);
});

test('bad fault specs are refused', async () => {
  expect((await t.control('POST', '/faults', { status: 500 })).status).toBe(400);
  expect((await t.control('POST', '/faults', { path: '(', status: 500 })).status).toBe(400);
});

test('the journal records ARM requests with principal and body, token requests without body, and faults', async () => {
  await t.control('DELETE', '/journal');
  const since = 0;
  await t.token(undefined, 'https://ml.azure.com/.default'); // first token for this scope in this file: a real request
  await t.arm('PUT', `${t.wsPath}/models/journaled/versions/1`, { properties: { modelUri: 'azureml://j' } });
  await t.control('POST', '/faults', { path: '/models/journaled$', status: 500, times: 1 });
  await t.arm('GET', `${t.wsPath}/models/journaled`);
  const entries = (await t.control('GET', `/journal?since=${since}`)).json.entries;
  const tokenEntry = entries.find((e: { path: string }) => e.path.includes('/oauth2/v2.0/token'));
  expect(tokenEntry).toBeDefined();
  expect(tokenEntry.requestBody).toBeUndefined();
  expect(tokenEntry.status).toBe(200);
  const put = entries.find((e: { method: string }) => e.method === 'PUT');
  const { identity } = await t.world();
  expect(put).toMatchObject({
    status: 201,
    principal: identity.apps[0].objectId,
    requestBody: { properties: { modelUri: 'azureml://j' } },
    query: { 'api-version': '2025-04-01' },
  });
  const faulted = entries.find((e: { fault?: string }) => e.fault);
  expect(faulted).toMatchObject({ method: 'GET', status: 500 });
  const seqs = entries.map((e: { seq: number }) => e.seq);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  expect(new Set(seqs).size).toBe(seqs.length);

  const last = seqs[seqs.length - 1];
  await t.arm('GET', t.wsPath);
  const newer = (await t.control('GET', `/journal?since=${last}`)).json.entries;
  expect(newer).toHaveLength(1);
  expect(newer[0].seq).toBe(last + 1);

  await t.control('DELETE', '/journal');
  expect((await t.control('GET', '/journal')).json.entries).toEqual([]);
  await t.arm('GET', t.wsPath);
  expect((await t.control('GET', '/journal')).json.entries[0].seq).toBeGreaterThan(last + 1);
});
