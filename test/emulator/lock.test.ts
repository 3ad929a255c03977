import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../shared/emulator/src/state/lock';
import { tempStateDir } from './harness';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

const lockContent = (pid: number, time: number) => JSON.stringify({ pid, host: hostname(), time, nonce: 'x' });

test('a lock left by a dead process is broken at once', async () => {
  const path = join(tempStateDir(), 'a.lock');
  writeFileSync(path, lockContent(deadPid(), Date.now()));
  const start = Date.now();
  expect(await withFileLock(path, () => 'got it', { timeoutMs: 2000 })).toBe('got it');
  expect(Date.now() - start).toBeLessThan(1000);
  expect(existsSync(path)).toBe(false);
});

test('a fresh lock held by a live process is respected until it goes stale', async () => {
  const path = join(tempStateDir(), 'b.lock');
  writeFileSync(path, lockContent(process.ppid, Date.now()));
  await expect(withFileLock(path, () => 'no', { timeoutMs: 300, staleMs: 60_000 })).rejects.toThrow(/timed out/);
  writeFileSync(path, lockContent(process.ppid, Date.now() - 120_000));
  expect(await withFileLock(path, () => 'stale broken', { timeoutMs: 2000, staleMs: 60_000 })).toBe('stale broken');
});

test('callers in one process run one at a time, in order, and an error releases the lock', async () => {
  const path = join(tempStateDir(), 'c.lock');
  const order: number[] = [];
  let inside = 0;
  let maxInside = 0;
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      withFileLock(path, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 2));
        order.push(i);
        inside--;
      }),
    ),
  );
  expect(maxInside).toBe(1);
  expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  await expect(withFileLock(path, () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(await withFileLock(path, () => 'after error', { timeoutMs: 500 })).toBe('after error');
});

/** A token file as a holder writes it, linked at `path` as holding the lock does. */
function holdWithToken(path: string, pid: number, nonce: string): string {
  const token = `${path}.${nonce}.holder`;
  writeFileSync(token, JSON.stringify({ pid, host: hostname(), nonce }));
  linkSync(token, path);
  return token;
}

test('holding is a link to a token file: nothing is left behind, and a dead holder’s lock and tokens are cleared', async () => {
  const dir = tempStateDir();
  const path = join(dir, 'd.lock');
  const token = holdWithToken(path, deadPid(), 'dead-t1');
  const start = Date.now();
  expect(await withFileLock(path, () => readdirSync(dir).filter((n) => n.endsWith('.holder')).length, { timeoutMs: 2000 })).toBe(1);
  expect(Date.now() - start).toBeLessThan(1000);
  expect(existsSync(token)).toBe(false);
  expect(existsSync(path)).toBe(false);
});

test('a live holder’s linked lock is respected until it is older than staleMs, counted from when it was linked', async () => {
  const path = join(tempStateDir(), 'e.lock');
  // The token was written long before it was linked (a holder writes it once): the link's time counts.
  const token = `${path}.live-t1.holder`;
  writeFileSync(token, JSON.stringify({ pid: process.ppid, host: hostname(), nonce: 'live-t1' }));
  await new Promise((r) => setTimeout(r, 700));
  linkSync(token, path);
  const linked = Date.now();
  await expect(withFileLock(path, () => 'no', { timeoutMs: 200, staleMs: 600 })).rejects.toThrow(/timed out/);
  expect(await withFileLock(path, () => 'stale broken', { timeoutMs: 3000, staleMs: 600 })).toBe('stale broken');
  expect(Date.now() - linked).toBeGreaterThanOrEqual(550);
});
