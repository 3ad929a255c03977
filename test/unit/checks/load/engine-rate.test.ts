import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runLoad, type LoadProgress } from '../../../../shared/src/checks/load/engine';
import { startTestServer, type TestServer } from './test-server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('runLoad, arrival rate', () => {
  test('keeps to the rate: the requests due over the duration, about as many each second', async () => {
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'rate', rps: 100, maxInFlight: 10 }, durationMs: 2000 });
    expect(r.stopped).toBe('duration');
    // 200 are due in 2 s; any the schedule could not send before the end are counted as dropped.
    expect(r.sent + r.dropped).toBe(200);
    expect(r.sent).toBeGreaterThanOrEqual(190);
    expect(server.seen).toHaveLength(r.sent);
    expect(r.completed).toBe(r.sent);
    expect(r.series.map((s) => s.second)).toEqual([1, 2]);
    // Spread over both seconds, not sent in a burst (wide bounds: a starved machine answers some of the first
    // second's requests in the second one).
    for (const s of r.series) {
      expect(s.requests).toBeGreaterThanOrEqual(50);
      expect(s.requests).toBeLessThanOrEqual(150);
    }
  });

  test('warm-up requests on the schedule are apart from the measured ones', async () => {
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'rate', rps: 200, maxInFlight: 20 }, warmupMs: 250, durationMs: 1000 });
    expect(r.warmup.sent).toBe(50);
    expect(r.sent + r.dropped).toBe(200);
    expect(server.seen).toHaveLength(r.sent + 50);
  });

  test('ends after the number of requests asked for', async () => {
    const r = await runLoad({ url: server.url, mode: { kind: 'rate', rps: 500, maxInFlight: 5 }, requests: 50 });
    expect(r).toMatchObject({ stopped: 'requests', sent: 50, completed: 50, ok: 50, dropped: 0 });
    expect(server.seen).toHaveLength(50);
  });

  test('a server slower than the schedule: latency counts from when each request was due, and unsent ones are dropped', async () => {
    // One request at a time, 100 ms each, 50 due a second: the backlog grows, and so must the latency.
    server.behave(() => ({ delayMs: 100 }));
    const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'rate', rps: 50, maxInFlight: 1 }, durationMs: 1000 });
    expect(r.sent + r.dropped).toBe(50);
    expect(r.sent).toBeLessThanOrEqual(12);
    expect(r.dropped).toBeGreaterThanOrEqual(38);
    expect(r.errorRate).toBeCloseTo(r.dropped / (r.completed + r.dropped), 10);
    // Sent 100 ms apart while due 20 ms apart: the n-th waited about 80·n ms before it could be sent.
    expect(r.latency.p50Ms).toBeGreaterThan(300);
    expect(r.latency.maxMs).toBeGreaterThan(700);
    expect(r.latency.minMs).toBeGreaterThanOrEqual(100);
  });
});

describe('runLoad, cancellation and progress', () => {
  test('aborting the signal ends the run at once, requests still outstanding dropped', async () => {
    server.behave((s) => (s.index >= 20 ? { hang: true } : {}));
    const ac = new AbortController();
    const abortWhen = setInterval(() => {
      if (server.seen.length >= 22) ac.abort();
    }, 20);
    try {
      const r = await runLoad({ url: server.url, bodies: '{}', mode: { kind: 'concurrency', connections: 2 }, durationMs: 120_000, signal: ac.signal });
      expect(r.stopped).toBe('cancelled');
      expect(r.completed).toBe(20);
      expect(r.ok).toBe(20);
      expect(r.sent).toBe(22);
      expect(r.latency.count).toBe(20);
      expect(r.series.length).toBeLessThan(60);
    } finally {
      clearInterval(abortWhen);
    }
  });

  test('a signal aborted before the start sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runLoad({ url: server.url, mode: { kind: 'rate', rps: 100, maxInFlight: 2 }, durationMs: 60_000, signal: ac.signal });
    expect(r).toMatchObject({ stopped: 'cancelled', sent: 0, completed: 0, errorRate: 0 });
    expect(server.seen).toHaveLength(0);
  });

  test('progress comes every interval: the phase, the counts so far and the time left', async () => {
    const seen: LoadProgress[] = [];
    const r = await runLoad({
      url: server.url,
      mode: { kind: 'rate', rps: 100, maxInFlight: 4 },
      warmupMs: 300,
      durationMs: 1000,
      progressEveryMs: 100,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen[0]!.phase).toBe('warm-up');
    expect(seen[0]!.sent).toBe(0);
    const measuring = seen.filter((p) => p.phase === 'measuring');
    expect(measuring.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.sent).toBeGreaterThanOrEqual(seen[i - 1]!.sent);
      expect(seen[i]!.elapsedMs).toBeGreaterThan(seen[i - 1]!.elapsedMs);
      expect(seen[i]!.etaMs!).toBeLessThanOrEqual(seen[i - 1]!.etaMs!);
    }
    expect(seen.at(-1)!.sent).toBeLessThanOrEqual(r.sent);
    expect(measuring.at(-1)!.ok + measuring.at(-1)!.errors).toBeGreaterThan(0);
  });

  test('a progress callback that throws does not end the run', async () => {
    const r = await runLoad({
      url: server.url,
      mode: { kind: 'concurrency', connections: 1 },
      durationMs: 350,
      progressEveryMs: 100,
      onProgress: () => {
        throw new Error('boom');
      },
    });
    expect(r.stopped).toBe('duration');
    expect(r.ok).toBeGreaterThan(0);
  });
});

test('over https with the test CA, bearer and deployment', async () => {
  const ca = join(__dirname, '..', '..', '..', '.ca');
  const headers: Record<string, string | undefined>[] = [];
  const tls = createServer({ cert: readFileSync(join(ca, 'server.pem')), key: readFileSync(join(ca, 'server-key.pem')) }, (req, res) => {
    headers.push({ authorization: req.headers.authorization, deployment: req.headers['azureml-model-deployment'] as string });
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = tls.address() as AddressInfo;
    const r = await runLoad({ url: `https://localhost:${port}/score`, bodies: '{}', bearer: async () => 'key', deployment: 'green', mode: { kind: 'concurrency', connections: 2 }, requests: 10 });
    expect(r).toMatchObject({ ok: 10, failed: 0 });
    expect(headers).toEqual(Array(10).fill({ authorization: 'Bearer key', deployment: 'green' }));
  } finally {
    tls.closeAllConnections();
    await new Promise<void>((resolve) => tls.close(() => resolve()));
  }
});
