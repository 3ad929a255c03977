import { StepError } from '../../../shared/src/core/errors';
import {
  backoffDelay,
  isDroppedConnection,
  isInProgressConflict,
  parseRetryAfter,
  retryAfterOf,
} from '../../../shared/src/azureml/retry';
import { ScriptedServer } from './scripted-server';
import { recordingLogger, testClient, WS_PATH } from './helpers';

const WORKSPACE = { id: WS_PATH, name: 'ws', type: 'Microsoft.MachineLearningServices/workspaces', location: 'westeurope', properties: { workspaceId: 'guid-1' } };
const WS = /\/workspaces\/ws$/;
const EP = /\/onlineEndpoints\/ep$/;
const ENDPOINT = { id: `${WS_PATH}/onlineEndpoints/ep`, name: 'ep', type: 't', properties: { authMode: 'Key', provisioningState: 'Succeeded' } };

describe('retry helpers', () => {
  test('Retry-After as seconds or HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  test('exponential backoff is capped', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 30_000]);
  });

  test('409 messages that clear by themselves', () => {
    expect(isInProgressConflict('{"error":{"code":"Conflict","message":"Conflict of operation, another operation on same entity is already running in workspace ws."}}')).toBe(true);
    expect(isInProgressConflict('{"error":{"code":"OperationCanceled","message":"Operation canceled waiting for lock confirmation"}}')).toBe(true);
    expect(isInProgressConflict('{"error":{"code":"UserError","message":"A model with this name and version already exists"}}')).toBe(false);
  });

  test('dropped connections are recognised, aborts and HTTP errors are not', () => {
    expect(isDroppedConnection({ code: 'ECONNRESET', message: 'socket hang up' })).toBe(true);
    expect(isDroppedConnection({ message: 'socket hang up' })).toBe(true);
    expect(isDroppedConnection({ code: 'EPIPE' })).toBe(true);
    expect(isDroppedConnection({ name: 'AbortError', message: 'aborted' })).toBe(false);
    expect(isDroppedConnection({ code: 'ECONNRESET', response: { status: 500 } })).toBe(false);
  });
});

describe('retry policy against a server', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  test('429 with Retry-After is waited out, then succeeds', async () => {
    server.sequence('GET', WS, [
      { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } },
      { status: 200, body: WORKSPACE },
    ]);
    const logger = recordingLogger();
    const ws = await testClient(server, { logger }).getWorkspace('rg', 'ws');
    expect(ws.properties.workspaceId).toBe('guid-1');
    const hits = server.hits('GET', WS);
    expect(hits).toHaveLength(2);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(950);
    expect(logger.lines.some((l) => l.level === 'debug' && /Retry 1 .*HTTP 429/.test(l.message))).toBe(true);
  });

  test('503 then dropped connection then success (raw request path)', async () => {
    server.sequence('GET', EP, [
      { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } },
      'drop',
      { status: 200, body: ENDPOINT },
    ]);
    const ep = await testClient(server).online.getEndpoint('rg', 'ws', 'ep');
    expect(ep?.properties.authMode).toBe('Key');
    expect(server.hits('GET', EP)).toHaveLength(3);
  });

  test('every request carries the bearer token on every attempt', async () => {
    server.sequence('GET', WS, [{ status: 500, body: { error: { code: 'InternalServerError', message: 'x' } } }, { status: 200, body: WORKSPACE }]);
    await testClient(server).getWorkspace('rg', 'ws');
    for (const r of server.hits('GET', WS)) expect(r.headers.authorization).toBe('Bearer test-access-token');
  });

  test('persistent 500 ends as a transient StepError with the service message', async () => {
    server.sequence('GET', WS, [{ status: 500, body: { error: { code: 'InternalServerError', message: 'backend exploded' } } }]);
    const err = await testClient(server, { retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 20 } })
      .getWorkspace('rg', 'ws')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).kind).toBe('transient');
    expect((err as StepError).message).toMatch(/after 2 retries.*InternalServerError: backend exploded/);
    expect(server.hits('GET', WS)).toHaveLength(3);
  });

  test('retries stop when the next wait would overrun the timeout', async () => {
    server.sequence('GET', WS, [{ status: 503, headers: { 'Retry-After': '1' }, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }]);
    const started = Date.now();
    const err = (await testClient(server, { timeoutMs: 2500 }).getWorkspace('rg', 'ws').catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('transient');
    expect(server.hits('GET', WS)).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  test('409 "operation in progress" is waited out, then succeeds', async () => {
    server.sequence('GET', EP, [
      { status: 409, body: { error: { code: 'Conflict', message: 'Another operation is in progress on endpoint ep.' } } },
      { status: 409, body: { error: { code: 'Conflict', message: 'Another operation is in progress on endpoint ep.' } } },
      { status: 200, body: ENDPOINT },
    ]);
    const ep = await testClient(server).online.getEndpoint('rg', 'ws', 'ep');
    expect(ep?.name).toBe('ep');
    expect(server.hits('GET', EP)).toHaveLength(3);
  });

  test('a 409 that does not clear within the window becomes a conflict', async () => {
    server.sequence('GET', EP, [{ status: 409, body: { error: { code: 'Conflict', message: 'Another operation is in progress.' } } }]);
    const err = (await testClient(server, { retry: { conflictDelayMs: 50, conflictWindowMs: 300 } })
      .online.getEndpoint('rg', 'ws', 'ep')
      .catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('conflict');
    expect(server.hits('GET', EP).length).toBeGreaterThan(2);
  });

  test('an attempt without a response is timed out and retried like a dropped connection', async () => {
    let calls = 0;
    server.on('GET', EP, () => {
      calls += 1;
      if (calls === 1) return new Promise((resolve) => setTimeout(() => resolve({ status: 500 }), 1500));
      return { status: 200, body: ENDPOINT };
    });
    const started = Date.now();
    const ep = await testClient(server, { requestTimeoutMs: 300 }).online.getEndpoint('rg', 'ws', 'ep');
    expect(ep?.name).toBe('ep');
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  test('other 4xx are never retried', async () => {
    server.sequence('GET', WS, [{ status: 400, body: { error: { code: 'BadArgument', message: 'bad name' } } }]);
    const err = (await testClient(server).getWorkspace('rg', 'ws').catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('input');
    expect(server.hits('GET', WS)).toHaveLength(1);
  });

  test('abort during a retry wait stops at once with cancelled', async () => {
    server.sequence('GET', WS, [{ status: 429, headers: { 'Retry-After': '30' }, body: { error: { code: 'TooManyRequests', message: 'x' } } }]);
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 200);
    const err = (await testClient(server, { signal: ac.signal }).getWorkspace('rg', 'ws').catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

test('retry-after-ms and x-ms-retry-after-ms are milliseconds, and win over Retry-After', () => {
  const of = (h: Record<string, string>) => retryAfterOf({ headers: { get: (n: string) => h[n.toLowerCase()] } } as never);
  expect(of({ 'retry-after-ms': '500', 'retry-after': '9' })).toBe(500);
  expect(of({ 'x-ms-retry-after-ms': '1200' })).toBe(1200);
  expect(of({ 'retry-after': '2' })).toBe(2000);
  expect(of({ 'retry-after-ms': 'soon', 'retry-after': '1' })).toBe(1000);
});
