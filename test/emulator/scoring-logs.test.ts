/**
 * getLogs (InferenceServer) of a deployment whose scoring process runs is its live log: the banner and init
 * lines, a line per request it served (written by whichever emulator process served it, before the response
 * leaves), what run() prints and raises; `tail` gives the last lines. And what a request reads per request
 * (behaviour, state) still follows another emulator process's changes at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoundedLog, readLogFile } from '../../shared/emulator/src/scoring/logs';
import { sleep, startTestEmulator, TEST_CA_DIR, type TestEmulator } from './harness';
import { FIXTURES, endpointPath, keysOf, putEndpoint, score, seedDeployment } from './scoring-helpers';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const REQUEST_LINE = /^\S+Z \| (INFO|WARNING|ERROR) \| (\d{3}) \| POST \/score \| \d+\.\d ms$/;

let t: TestEmulator;
let other: { child: ChildProcess; url: string };
let uri: string;
let key: string;

async function startChild(stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'fixtures', 'emulator-child.ts'), stateDir, TEST_CA_DIR], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300 && !out.includes('\n'); i++) await sleep(100);
  return { child, url: (JSON.parse(out.split('\n')[0]) as { url: string }).url };
}

const logsPath = () => `${endpointPath(t, 'ep-logs')}/deployments/blue/getLogs`;
async function logs(tail?: number, base = t.url): Promise<string> {
  const r = await t.arm('POST', `${base}${logsPath()}`, { containerType: 'InferenceServer', ...(tail === undefined ? {} : { tail }) });
  expect(r.status).toBe(200);
  return r.json.content;
}
const requestLines = (text: string) => text.split('\n').filter((l) => REQUEST_LINE.test(l));

/** What the script prints reaches the log through its process's output pipe: a moment after the response. */
async function eventually(what: RegExp, base?: string): Promise<string> {
  let text = '';
  for (let i = 0; i < 50; i++) {
    text = await logs(undefined, base);
    if (what.test(text)) return text;
    await sleep(100);
  }
  throw new Error(`the log never showed ${what}:\n${text}`);
}

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 100 });
  await putEndpoint(t, 'ep-logs', 'Key');
  const r = await seedDeployment(t, 'ep-logs', 'blue', { code: join(FIXTURES, 'chatty') });
  expect(r.json.ok).toBe(true);
  uri = (await putEndpoint(t, 'ep-logs', 'Key', { blue: 100 })).properties.scoringUri;
  key = (await keysOf(t, 'ep-logs')).primaryKey;
  other = await startChild(t.stateDir);
}, 120_000);
afterAll(async () => {
  other?.child.kill('SIGTERM');
  await t?.stop();
});

test('the log has the banner and init, then one line per request served with its status, and what run() prints and raises', async () => {
  const before = await logs();
  expect(before).toMatch(/Azure ML Inferencing HTTP server/);
  expect(before).toMatch(/chatty: init done/);
  expect(requestLines(before)).toEqual([]);

  for (let i = 0; i < 3; i++) expect((await score(uri, key, { data: [[1, 2, 3]] })).status).toBe(200);
  const failed = await score(uri, key, { data: [] });
  expect(failed.status).toBe(424);
  expect(failed.headers.get('ms-azureml-model-error-statuscode')).toBe('500');
  expect((await score(uri, 'wrong-key', { data: [[1]] })).status).toBe(401);

  // The request lines are there as soon as the responses are (the 401 never reached the deployment).
  const lines = requestLines(await logs());
  expect(lines.map((l) => REQUEST_LINE.exec(l)!.slice(1, 3).join(' '))).toEqual(['INFO 200', 'INFO 200', 'INFO 200', 'ERROR 500']);
  const text = await eventually(/ValueError: no rows to score/);
  expect(text.match(/^chatty: scoring 1 rows$/gm)).toHaveLength(3);
  expect(text).toMatch(/^chatty: scoring 0 rows$/m);
  expect(text).toMatch(/Traceback \(most recent call last\)/);
});

test('tail gives the last lines; StorageInitializer keeps its own log', async () => {
  expect((await score(uri, key, { data: [[1, 2]] })).status).toBe(200);
  const all = await logs();
  const last3 = await logs(3);
  expect(last3.split('\n').filter(Boolean)).toHaveLength(3);
  expect(all.endsWith(last3)).toBe(true);
  expect(await logs(0)).toBe('');
  const storage = await t.arm('POST', `${t.url}${logsPath()}`, { containerType: 'StorageInitializer' });
  expect(storage.json.content).not.toMatch(/POST \/score/);
});

test('requests another emulator process serves are in the log read here, and the other process reads the script output', async () => {
  const viaOther = `${other.url}${new URL(uri).pathname}`;
  const n = requestLines(await logs()).length;
  expect((await score(viaOther, key, { data: [[1, 2, 3, 4, 5]] })).status).toBe(200);
  expect(requestLines(await logs())).toHaveLength(n + 1);
  // The harness belongs to this process: its output reaches the file here, and the other process reads it.
  expect(await eventually(/^chatty: scoring 1 rows$/m, other.url)).toMatch(/^chatty: scoring 1 rows$/m);
  expect(requestLines(await logs(undefined, other.url))).toHaveLength(n + 1);
});

test("a behaviour set through another process's control route is what the very next request sees, every time", async () => {
  const control = (body: unknown) => fetch(`${other.url}/_emulator/scoring/behaviour`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let i = 0; i < 15; i++) {
    expect((await control({ endpoint: 'ep-logs', deployment: 'blue', output: { round: i } })).status).toBe(200);
    const r = await score(uri, key, { data: [[1]] });
    expect(r.json).toEqual({ round: i });
  }
  expect((await control({ endpoint: 'ep-logs', deployment: 'blue' })).status).toBe(200);
  expect((await score(uri, key, { data: [[1, 2]] })).json).toEqual([2]);
});

test('a log is bounded: past its size it starts a new generation, and reads return the newest lines in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-logs-'));
  try {
    const log = new BoundedLog(join(dir, 'inference-server.log'), 4096);
    log.reset();
    for (let i = 0; i < 2000; i++) {
      log.line(`line ${i}`);
      if (i % 10 === 9) readLogFile(log.path, 1); // a read writes what is queued, as a turn of the event loop does
    }
    log.chunk('partial ');
    log.chunk(`${'x'.repeat(20_000)}\nlast`);
    log.flush();
    const text = readLogFile(log.path)!;
    const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    expect(size(log.path) + size(`${log.path}.1`)).toBeLessThan(2 * 4096 + 10_000);
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('last');
    expect(lines[lines.length - 2]).toMatch(/^partial x{100,}.* … \(\d+ more characters\)$/);
    expect(lines[lines.length - 3]).toBe('line 1999');
    const numbers = lines.slice(0, -2).map((l) => Number(l.slice(5)));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(readLogFile(log.path, 2)).toBe(`${lines.slice(-2).join('\n')}\n`);
    expect(readLogFile(join(dir, 'none.log'))).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a log another writer filled past its size is rotated once this process has appended a sixteenth of it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-logs-'));
  try {
    const log = new BoundedLog(join(dir, 'inference-server.log'), 4096);
    log.reset();
    log.line('mine 0');
    readLogFile(log.path);
    appendFileSync(log.path, 'theirs\n'.repeat(3000)); // another process's lines: 21 KB
    for (let i = 1; i <= 40; i++) {
      log.line(`mine ${i}`);
      readLogFile(log.path);
    }
    expect(existsSync(`${log.path}.1`)).toBe(true);
    expect(statSync(log.path).size).toBeLessThan(4096);
    expect(readLogFile(log.path, 1)).toBe('mine 40\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
