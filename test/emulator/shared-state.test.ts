import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { Journal } from '../../shared/emulator/src/journal';
import { TEST_CA_DIR, listAll, startTestEmulator, tempStateDir } from './harness';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(script: string, args: string[]): { child: ChildProcess; done: Promise<number>; stdout: () => string } {
  const child = spawn(TSX, [join(__dirname, 'fixtures', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      if (code) process.stderr.write(err);
      resolve(code ?? -1);
    }),
  );
  return { child, done, stdout: () => out };
}

test('two processes plus this one doing hundreds of concurrent updates and journal appends lose nothing', async () => {
  const dir = tempStateDir();
  const N = 300;
  const a = run('store-worker.ts', [dir, String(N), 'a']);
  const b = run('store-worker.ts', [dir, String(N), 'b']);
  const store = new JsonStore<ArmState>(join(dir, 'arm.json'), emptyState);
  const journal = new Journal(dir);
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      Promise.all([
        store.update((s) => {
          s.counters.hits = (s.counters.hits ?? 0) + 1;
          s.counters[`c-${i}`] = 1;
        }),
        journal.append({ method: 'TEST', path: `/c/${i}`, query: {}, status: 200 }),
      ]),
    ),
  );
  expect(await a.done).toBe(0);
  expect(await b.done).toBe(0);
  const state = store.read();
  expect(state.counters.hits).toBe(3 * N);
  for (const label of ['a', 'b', 'c']) for (let i = 0; i < N; i++) expect(state.counters[`${label}-${i}`]).toBe(1);
  const entries = journal.list();
  expect(entries).toHaveLength(3 * N);
  expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 3 * N }, (_, i) => i + 1));
}, 120_000);

test('two emulator processes on one state dir serve concurrent PUTs without losing any', async () => {
  const t = await startTestEmulator();
  const other = run('emulator-child.ts', [t.stateDir, TEST_CA_DIR]);
  try {
    for (let i = 0; i < 200 && !other.stdout().includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
    const { url: otherUrl } = JSON.parse(other.stdout().split('\n')[0]) as { url: string };
    expect(otherUrl).not.toBe(t.url);
    const M = 120;
    const results = await Promise.all(
      Array.from({ length: M }, (_, i) =>
        t.arm('PUT', `${i % 2 ? otherUrl : t.url}${t.wsPath}/models/shared/versions/${i + 1}`, { properties: { modelUri: `azureml://shared/${i + 1}` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(M).fill(201));
    const names = (await listAll(t, `${otherUrl}${t.wsPath}/models/shared/versions`)).map((v: { name: string }) => Number(v.name));
    expect(names.sort((x, y) => x - y)).toEqual(Array.from({ length: M }, (_, i) => i + 1));
    const ctr = await t.arm('GET', `${t.wsPath}/models/shared`);
    expect(ctr.json.properties.nextVersion).toBe(String(M + 1));

    // An operation started through one process is polled through the other (a long one, so the poll sees it running
    // however loaded the machine is).
    await t.control('POST', '/seed', { settings: { durations: { onlineEndpoints: 60_000 } } });
    const put = await t.arm('PUT', `${t.wsPath}/onlineEndpoints/ep-shared`, { location: 'eastus', properties: { authMode: 'Key' } });
    const statusUrl = new URL(put.headers.get('azure-asyncoperation')!);
    const viaOther = `${otherUrl}${statusUrl.pathname}${statusUrl.search}`;
    expect((await t.arm('GET', viaOther)).json.status).toBe('Creating');
    // Faults live in the shared state too.
    await t.control('POST', '/faults', { path: '/models/shared$', status: 503, times: 1 });
    expect((await t.arm('GET', `${otherUrl}${t.wsPath}/models/shared`)).status).toBe(503);
    expect((await t.arm('GET', `${t.wsPath}/models/shared`)).status).toBe(200);
  } finally {
    other.child.kill('SIGTERM');
    await other.done;
    await t.stop();
  }
}, 120_000);
