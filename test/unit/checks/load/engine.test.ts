import { runLoad } from '../../../../shared/src/checks/load/engine';
import { startTestServer, type TestServer } from './test-server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const tally = (xs: readonly string[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});

describe('runLoad, fixed concurrency', () => {
  test('sends the number of requests asked for, with the headers, bodies in turn, bearer and deployment', async () => {
    const r = await runLoad({
      url: server.url,
      headers: { 'X-Extra': 'yes', 'Content-Length': '99' },
      bodies: ['{"a":1}', '{"b":2}', Buffer.from('{"c":3}')],
      bearer: async () => 'tok-1',
      deployment: 'blue',
      mode: { kind: 'concurrency', connections: 4 },
      requests: 40,
    });
    expect(server.seen).toHaveLength(40);
    for (const s of server.seen) {
      expect(s.method).toBe('POST');
      expect(s.url).toBe('/score?v=1');
      expect(s.headers.authorization).toBe('Bearer tok-1');
      expect(s.headers['azureml-model-deployment']).toBe('blue');
      expect(s.headers['x-extra']).toBe('yes');
      expect(s.headers['content-type']).toBe('application/json');
      expect(s.headers['content-length']).toBe('7'); // undici's, from the body
    }
    expect(tally(server.seen.map((s) => s.body))).toEqual({ '{"a":1}': 14, '{"b":2}': 13, '{"c":3}': 13 });
    expect(server.connections()).toBeLessThanOrEqual(4);
    expect(r).toMatchObject({ stopped: 'requests', sent: 40, completed: 40, ok: 40, errorRate: 0, timeouts: 0, failed: 0, dropped: 0 });
    expect(r.status).toMatchObject({ byStatus: { 200: 40 }, '2xx': 40 });
    expect(r.latency.count).toBe(40);
    expect(r.latency.p50Ms).toBeGreaterThan(0);
    expect(r.bytes).toBe(40 * '{"ok":true}'.length);
    expect(r.throughput).toBeGreaterThan(0);
    expect(r.series.reduce((n, s) => n + s.requests, 0)).toBe(40);
  });

  test('GET without bodies; a content-type given is kept; the bearer wins over an authorization header', async () => {
    await runLoad({ url: server.url, headers: { authorization: 'Basic x' }, mode: { kind: 'concurrency', connections: 2 }, requests: 5 });
    expect(server.seen.map((s) => s.method)).toEqual(Array(5).fill('GET'));
    expect(server.seen[0]!.headers['content-type']).toBeUndefined();
    expect(server.seen[0]!.headers.authorization).toBe('Basic x');
    server.seen.length = 0;
    await runLoad({ url: server.url, method: 'PUT', bodies: 'x', headers: { 'content-type': 'text/plain', Authorization: 'Basic x' }, bearer: async () => 'b', mode: { kind: 'concurrency', connections: 1 }, requests: 2 });
    expect(server.seen.map((s) => [s.method, s.headers['content-type'], s.headers.authorization])).toEqual([
      ['PUT', 'text/plain', 'Bearer b'],
      ['PUT', 'text/plain', 'Bearer b'],
    ]);
  });

  test('pipelined requests share the connections asked for', async () => {
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'concurrency', connections: 2, pipelining: 4 }, requests: 60 });
    expect(r).toMatchObject({ completed: 60, ok: 60 });
    expect(server.seen).toHaveLength(60);
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  test('injected 500s and delays give the error rate and a p95 above the delay', async () => {
    // Every 5th request answered 500, every 4th one 80 ms late: 20% errors, 25% slow.
    server.behave((s) => ({ status: s.index % 5 === 0 ? 500 : 200, delayMs: s.index % 4 === 1 ? 80 : 0 }));
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'concurrency', connections: 4 }, requests: 200 });
    expect(r).toMatchObject({ completed: 200, ok: 160 });
    expect(r.status['5xx']).toBe(40);
    expect(r.status.byStatus).toEqual({ 200: 160, 500: 40 });
    expect(r.errorRate).toBeCloseTo(0.2, 10);
    expect(r.latency.p95Ms).toBeGreaterThanOrEqual(80);
    expect(r.latency.p50Ms).toBeLessThan(80);
    expect(r.series.reduce((n, s) => n + s.errors, 0)).toBe(40);
  });

  test('4xx counted apart; a request with no answer within the timeout is a timeout', async () => {
    server.behave((s) => (s.index % 10 === 3 ? { hang: true } : s.index % 10 === 7 ? { status: 404 } : {}));
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'concurrency', connections: 3 }, requests: 30, timeoutMs: 300 });
    expect(r).toMatchObject({ completed: 30, timeouts: 3, failed: 0 });
    expect(r.status['4xx']).toBe(3);
    expect(r.ok).toBe(24);
    expect(r.errorRate).toBeCloseTo(0.2, 10);
    expect(r.latency.count).toBe(27); // timeouts have no latency
    expect(r.failures.map((f) => f.count).reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('a server that refuses connections: every request failed, the reason kept once', async () => {
    const url = server.url;
    await server.close();
    server = await startTestServer(); // for afterEach
    const r = await runLoad({ url, mode: { kind: 'concurrency', connections: 2 }, requests: 10, timeoutMs: 2000 });
    expect(r).toMatchObject({ completed: 10, ok: 0, failed: 10, errorRate: 1 });
    expect(r.latency.count).toBe(0);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.count).toBe(10);
    expect(r.failures[0]!.message).toMatch(/ECONNREFUSED/);
  });

  test('warm-up requests are left out of every figure', async () => {
    // Arrivals in the first 150 ms of a 400 ms warm-up: 500 after 120 ms. Measured ones: fast 200s.
    let startedAt = 0;
    server.behave((s) => (s.at - startedAt < 150 ? { status: 500, delayMs: 120 } : {}));
    startedAt = Date.now();
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'concurrency', connections: 2 }, warmupMs: 400, durationMs: 400 });
    expect(server.seen.filter((s) => s.headers['content-length'] === '2').length).toBe(r.sent + r.warmup.sent);
    expect(r.warmup.sent).toBeGreaterThanOrEqual(2);
    expect(r.warmup.completed).toBe(r.warmup.sent);
    expect(r.status['5xx']).toBe(0);
    expect(r.errorRate).toBe(0);
    expect(r.completed).toBe(r.sent);
    expect(r.latency.count).toBe(r.sent);
    expect(r.latency.maxMs).toBeLessThan(120);
    expect(r.warmup.ms).toBe(400);
  });

  test('the credential is asked again after a 401, and the new one is used', async () => {
    server.behave((s) => ({ status: s.headers.authorization === 'Bearer tok-2' ? 200 : 401 }));
    let asked = 0;
    const r = await runLoad({
      url: server.url,
      bodies: '{}',
      bearer: async () => (++asked === 1 ? 'tok-1' : 'tok-2'),
      mode: { kind: 'concurrency', connections: 1 },
      requests: 200,
    });
    expect(asked).toBe(2);
    expect(r.status['4xx']).toBeGreaterThanOrEqual(1);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.ok + r.status['4xx']).toBe(200);
    expect(server.seen.at(-1)!.headers.authorization).toBe('Bearer tok-2');
  });

  test('bad options are refused before anything is sent', async () => {
    const base = { url: server.url, mode: { kind: 'concurrency', connections: 1 } as const };
    await expect(runLoad({ ...base })).rejects.toThrow(/either a duration or a number of requests/);
    await expect(runLoad({ ...base, requests: 1, durationMs: 1 })).rejects.toThrow(/either a duration/);
    await expect(runLoad({ ...base, requests: 0 })).rejects.toThrow(/requests must be a whole number above 0/);
    await expect(runLoad({ ...base, requests: 1, mode: { kind: 'concurrency', connections: 0 } })).rejects.toThrow(/connections/);
    await expect(runLoad({ ...base, requests: 1, mode: { kind: 'rate', rps: 0, maxInFlight: 1 } })).rejects.toThrow(/rate must be above 0/);
    await expect(runLoad({ ...base, requests: 1, method: 'GET', bodies: 'x' })).rejects.toThrow(/GET request has no body/);
    await expect(runLoad({ ...base, requests: 1, bodies: [] })).rejects.toThrow(/rotation is empty/);
    await expect(runLoad({ ...base, url: 'ftp://x/', requests: 1 })).rejects.toThrow(/not an http/);
    await expect(runLoad({ ...base, url: 'http://example.com/score', bearer: async () => 'k', requests: 1 })).rejects.toThrow(/refusing to send a credential over plain http to 'example.com'/);
    expect(server.seen).toHaveLength(0);
  });

  test('a request undici refuses to send ends the run with its reason', async () => {
    await expect(runLoad({ url: server.url, headers: { 'x-bad': 'a\nb' }, mode: { kind: 'concurrency', connections: 4 }, requests: 100 })).rejects.toThrow(/could not be sent/);
    expect(server.seen).toHaveLength(0);
  });
});
