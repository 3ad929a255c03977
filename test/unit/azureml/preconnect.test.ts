/**
 * The ARM connection opened while signing in (shared/src/azureml/preconnect.ts), against a real HTTPS server with
 * the test CA: the first request goes out on it, anything else opens its own, and an unused one holds nothing open.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { preconnectArm, PreconnectedAgent } from '../../../shared/src/azureml/preconnect';
import { REPO, TEST_CA_DIR } from '../../support/emulator';

let server: Server;
let origin: string;
let connections = 0;
const served: string[] = [];

beforeAll(async () => {
  server = createServer({ cert: readFileSync(join(TEST_CA_DIR, 'server.pem')), key: readFileSync(join(TEST_CA_DIR, 'server-key.pem')) }, (req, res) => {
    served.push(req.url ?? '');
    res.end('ok');
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  connections = 0;
  served.length = 0;
});

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

function fetchText(url: string, agent: PreconnectedAgent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('the connection is open (and verified) before any request; the first request and the next ones use it', async () => {
  const agent = preconnectArm(origin, {})!;
  await until(() => connections === 1);
  expect(connections).toBe(1);
  expect(served).toEqual([]);
  expect(await fetchText(`${origin}/subscriptions?x=1`, agent)).toBe('ok');
  expect(await fetchText(`${origin}/subscriptions?x=2`, agent)).toBe('ok');
  expect(served).toEqual(['/subscriptions?x=1', '/subscriptions?x=2']);
  expect(connections).toBe(1);
  expect(agent.spareCount).toBe(0);
  agent.destroy();
});

test('three connections opened ahead serve three requests sent together, with no connection more', async () => {
  const agent = preconnectArm(origin, {}, 3)!;
  await until(() => connections === 3);
  expect(agent.spareCount).toBe(3);
  expect(served).toEqual([]);
  const bodies = await Promise.all([1, 2, 3].map((n) => fetchText(`${origin}/read?n=${n}`, agent)));
  expect(bodies).toEqual(['ok', 'ok', 'ok']);
  expect(served.sort()).toEqual(['/read?n=1', '/read?n=2', '/read?n=3']);
  expect(connections).toBe(3);
  expect(agent.spareCount).toBe(0);
  agent.destroy();
});

test('another origin, or a spare the server closed, gets a connection of its own', async () => {
  const agent = preconnectArm(origin, {})!;
  await until(() => connections === 1);
  expect(await fetchText(origin.replace('127.0.0.1', 'localhost') + '/other', agent)).toBe('ok');
  expect(connections).toBe(2);
  expect(agent.spareCount).toBe(1);
  server.closeAllConnections();
  await until(() => agent.spareCount === 0);
  expect(await fetchText(`${origin}/after-close`, agent)).toBe('ok');
  expect(served).toEqual(['/other', '/after-close']);
  agent.destroy();
});

test('a spare that could not connect is dropped, and the request connects (or fails) as usual', async () => {
  const agent = new PreconnectedAgent();
  agent.preconnect('https://127.0.0.1:1');
  await until(() => agent.spareCount === 0);
  expect(agent.spareCount).toBe(0);
  await expect(fetchText('https://127.0.0.1:1/x', agent)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

test('nothing is opened behind a proxy or for plain http', () => {
  expect(preconnectArm(origin, { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined();
  expect(preconnectArm('http://127.0.0.1:9', {})).toBeUndefined();
});

test('a connection no request took does not keep the process alive', async () => {
  server.headersTimeout = 60_000; // an idle connection the child held open would keep it alive for a minute
  const dir = mkdtempSync(join(tmpdir(), 'preconnect-exit-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { preconnectArm } from ${JSON.stringify(join(REPO, 'shared/src/azureml/preconnect'))};\npreconnectArm(process.argv[2], {});\nsetTimeout(() => process.stdout.write('done'), 300);\n`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', outfile: join(dir, 'entry.js'), logLevel: 'silent' });
  const started = Date.now();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [join(dir, 'entry.js'), origin], { env: { ...process.env }, timeout: 30_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
  );
  expect(out).toBe('done');
  expect(connections).toBe(1);
  expect(Date.now() - started).toBeLessThan(20_000);
  server.closeAllConnections();
});
