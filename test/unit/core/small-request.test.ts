import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { smallRequest } from '../../../shared/src/core/small-request';
import { describeNetworkFailure } from '../../../shared/src/core/network-error';
import { TEST_CA_DIR } from '../../support/emulator';

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer({ cert: readFileSync(join(TEST_CA_DIR, 'server.pem')), key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')) }, (req, res) => {
    if (req.url === '/silent') return; // never answers
    res.writeHead(201, { 'x-one': 'a', 'set-cookie': ['c=1', 'd=2'] });
    res.end(req.url === '/big' ? 'x'.repeat(5000) : 'small');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

test('status, headers as Node gives them, and the body as text', async () => {
  const a = await smallRequest(`${origin}/ok`, { method: 'GET' }, { maxBytes: 100, oversize: 'fail' });
  expect(a).toMatchObject({ status: 201, body: 'small' });
  expect(a.headers['x-one']).toBe('a');
  expect(a.headers['set-cookie']).toEqual(['c=1', 'd=2']);
});

test('an answer over the cap fails, or keeps what fits, as asked', async () => {
  await expect(smallRequest(`${origin}/big`, { method: 'GET' }, { maxBytes: 1000, oversize: 'fail' })).rejects.toThrow(/larger than 1000 bytes/);
  const kept = await smallRequest(`${origin}/big`, { method: 'GET' }, { maxBytes: 1000, oversize: 'truncate' });
  expect(kept.body).toBe('x'.repeat(1000));
});

test('a socket timeout is an ETIMEDOUT failure', async () => {
  const e = await smallRequest(`${origin}/silent`, { method: 'GET', timeout: 100 }, { maxBytes: 100, oversize: 'fail' }).catch((x: unknown) => x);
  expect(describeNetworkFailure(e)).toMatchObject({ kind: 'timeout', code: 'ETIMEDOUT' });
});
