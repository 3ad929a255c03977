/**
 * requestsWritten (shared/src/core/requests-written.ts) against real TLS servers: it resolves once the requests
 * started so far have been written out, which for HTTPS is after their handshake, or when they fail, or at its cap.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, request, type Server } from 'node:https';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { requestsWritten, watchRequests } from '../../../shared/src/core/requests-written';
import { TEST_CA_DIR } from '../../support/emulator';

const ca = readFileSync(join(TEST_CA_DIR, 'ca.pem'));
let server: Server;
let relay: TcpServer;
let relayDelayMs = 0;
const open: Socket[] = [];

beforeAll(async () => {
  watchRequests();
  server = createHttpsServer({ key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')), cert: readFileSync(join(TEST_CA_DIR, 'server.pem')) }, (_, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // A TCP relay in front of it that delays every chunk: a slow network, so the handshake takes a while.
  relay = createTcpServer((c) => {
    const up = connect((server.address() as { port: number }).port, '127.0.0.1');
    open.push(c, up);
    c.on('data', (d) => setTimeout(() => up.write(d), relayDelayMs));
    up.on('data', (d) => setTimeout(() => c.write(d), relayDelayMs));
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise((r) => relay.close(r));
  await new Promise((r) => server.close(r));
});

function get(port: number): { handshakeAt: () => number | undefined; body: Promise<string> } {
  let at: number | undefined;
  const req = request({ host: '127.0.0.1', port, path: '/', ca, servername: 'localhost', agent: false });
  req.on('socket', (s) => s.once('secureConnect', () => (at = Date.now())));
  const body = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
  });
  req.end();
  return { handshakeAt: () => at, body };
}

test('with nothing started it resolves at once', async () => {
  const started = Date.now();
  await requestsWritten(5_000);
  expect(Date.now() - started).toBeLessThan(1_000);
});

test('it waits for a request started earlier to be written: after its TLS handshake, before its answer', async () => {
  relayDelayMs = 60;
  const started = Date.now();
  const r = get((relay.address() as { port: number }).port);
  await requestsWritten(10_000);
  const written = Date.now();
  // The handshake (several delayed round trips) is over by then, and it did not take the cap.
  expect(r.handshakeAt()).toBeDefined();
  expect(written).toBeGreaterThanOrEqual(r.handshakeAt()!);
  expect(written - started).toBeGreaterThanOrEqual(100);
  expect(written - started).toBeLessThan(5_000);
  expect(await r.body).toBe('ok');
});

test('a request that fails counts as settled', async () => {
  const r = request({ host: '127.0.0.1', port: 1, path: '/', agent: false });
  const failed = new Promise((resolve) => r.on('error', resolve));
  r.end();
  await requestsWritten(10_000);
  await failed;
});

test('it gives up waiting after its cap', async () => {
  // A server that accepts the connection and never answers the handshake.
  const held: Socket[] = [];
  const silent = createTcpServer((c) => held.push(c));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const req = request({ host: '127.0.0.1', port: (silent.address() as { port: number }).port, path: '/', ca, servername: 'localhost', agent: false });
  req.on('error', () => undefined);
  req.end();
  const started = Date.now();
  await requestsWritten(150);
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  req.destroy();
  for (const c of held) c.destroy();
  await new Promise((r) => silent.close(r));
});
