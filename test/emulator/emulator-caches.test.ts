/**
 * The emulator's per-request shortcuts stay correct across processes: the cached state follows another
 * process's writes, the journal keeps one sequence across concurrent writer processes and through rotation,
 * and a cached token is still checked for expiry and key.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { Journal, type JournalEntry } from '../../shared/emulator/src/journal';
import { needsSettle } from '../../shared/emulator/src/lro/settle';
import { signJwt } from '../../shared/emulator/src/identity/jwt';
import { newSigningKey } from '../../shared/emulator/src/identity/keys';
import { verifyBearerToken } from '../../shared/emulator/src/identity/verify-bearer';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

async function child(script: string, args: (string | number)[]): Promise<string> {
  const { stdout } = await run(TSX, [join(__dirname, 'fixtures', script), ...args.map(String)], { cwd: ROOT });
  return stdout;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emu-caches-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonStore.peek across processes', () => {
  it('sees a write made by another process, and is a frozen shared copy', async () => {
    const store = new JsonStore<ArmState>(join(dir, 'arm.json'), emptyState);
    await store.update((s) => (s.counters.hits = 0));
    const before = store.peek();
    expect(store.peek()).toBe(before);
    expect(Object.isFrozen(before.counters)).toBe(true);
    expect(() => {
      (before.counters as Record<string, number>).hits = 99;
    }).toThrow(TypeError);

    await child('store-worker.ts', [dir, 3, 'other']);
    const after = store.peek();
    expect(after).not.toBe(before);
    expect(after.counters.hits).toBe(3);
    expect(after.counters['other-2']).toBe(1);
    expect(store.read().counters.hits).toBe(3);
  }, 60_000);
});

describe('the stat a request start shares with the others of its event-loop turn', () => {
  it("follows this process's own writes within the turn, and another process's write made before the next turn", async () => {
    const store = new JsonStore<ArmState>(join(dir, 'arm.json'), emptyState);
    await store.update((s) => (s.counters.hits = 1));
    expect(store.peek(true).counters.hits).toBe(1);
    // Same turn (the lock is free: nothing here waits for I/O): the write is seen, not the stat taken before it.
    await store.update((s) => (s.counters.hits = 2));
    expect(store.peek(true).counters.hits).toBe(2);
    await child('store-worker.ts', [dir, 3, 'other']);
    expect(store.peek(true).counters.hits).toBe(5);
    expect(store.peek(true)).toBe(store.peek());
  }, 60_000);
});

describe('journal sequence across processes and rotation', () => {
  const seqs = (entries: JournalEntry[]) => entries.map((e) => e.seq);

  it('gives unique, gap-free sequence numbers to two concurrent writer processes and lists them in order', async () => {
    const N = 150;
    const [a, b] = await Promise.all([child('journal-writer.ts', [dir, N, 'a', 0, 15]), child('journal-writer.ts', [dir, N, 'b', 0, 15])]);
    const got = [...(JSON.parse(a) as number[]), ...(JSON.parse(b) as number[])].sort((x, y) => x - y);
    expect(got).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
    const listed = new Journal(dir).list();
    expect(seqs(listed)).toEqual(got);
    // Each entry carries the sequence its writer was given: the paths of a writer appear in its own order.
    const aPaths = listed.filter((e) => e.path.startsWith('/a/')).map((e) => Number(e.path.slice(3)));
    expect(aPaths).toEqual(Array.from({ length: N }, (_, i) => i));
  }, 60_000);

  it('keeps every entry since a mark, in order, while other processes rotate the journal under a polling reader', async () => {
    await new Journal(dir).append({ method: 'TEST', path: '/before', query: {}, status: 200 });
    const mark = 1;
    // ~100 bytes a line: 2 x 300 entries over a 40 KB cap rotate exactly once, so nothing is dropped yet and a
    // reader however slow (this machine is shared) must see every entry across the rotation, in order.
    const writers = Promise.all([child('journal-writer.ts', [dir, 300, 'a', 40_000, 5]), child('journal-writer.ts', [dir, 300, 'b', 40_000, 5])]);
    const reader = new Journal(dir);
    let done = false;
    void writers.finally(() => (done = true));
    let last = mark;
    const seen: number[] = [];
    while (!done) {
      const fresh = reader.list(last);
      for (const e of fresh) {
        expect(e.seq).toBeGreaterThan(last);
        seen.push(e.seq);
        last = e.seq;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await writers;
    seen.push(...seqs(reader.list(last)));
    expect(seen).toEqual(Array.from({ length: 600 }, (_, i) => mark + 1 + i));
    expect(existsSync(join(dir, 'journal.1.jsonl'))).toBe(true);
    expect(seqs(reader.list(0))).toEqual(Array.from({ length: 601 }, (_, i) => i + 1));
    expect(statSync(reader.path).size).toBeLessThan(40_000);
  }, 60_000);

  it('lists every entry when the journal is rotated between opening the current file and the rotated one', async () => {
    const line = (seq: number) => `${JSON.stringify({ seq, time: '', method: 'TEST', path: `/r/${seq}`, query: {}, status: 200 })}\n`;
    let rotated = false;
    class RotatedMidRead extends Journal {
      protected override openForRead(path: string): number | undefined {
        if (path.endsWith('journal.1.jsonl') && !rotated) {
          // Another process rotates right here, then appends to the new file.
          rotated = true;
          fs.renameSync(this.path, path);
          fs.writeFileSync(this.path, line(4));
        }
        return super.openForRead(path);
      }
    }
    const j = new RotatedMidRead(dir);
    for (let i = 1; i <= 3; i++) await j.append({ method: 'TEST', path: `/r/${i}`, query: {}, status: 200 });
    expect(seqs(j.list())).toEqual([1, 2, 3, 4]);
    expect(rotated).toBe(true);
    expect(seqs(j.list(2))).toEqual([3, 4]);
  });

  it('numbers a batch of concurrent appends in one process consecutively', async () => {
    const j = new Journal(dir);
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => j.append({ method: 'TEST', path: `/p/${i}`, query: {}, status: 200 })));
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(j.list(35).map((e) => e.path)).toEqual(['/p/35', '/p/36', '/p/37', '/p/38', '/p/39']);
  });
});

describe('needsSettle', () => {
  it('is false until the earliest operation a resource waits for is done', () => {
    const state = emptyState();
    state.resources['/r'] = { id: '/r', body: {}, opId: 'op1' } as never;
    state.operations.op1 = { start: 1000, durationMs: 500 } as never;
    expect(needsSettle(state, 1400)).toBe(false);
    expect(needsSettle(state, 1500)).toBe(true);
    const quiet = emptyState();
    expect(needsSettle(quiet, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('verifyBearerToken with a cached token', () => {
  const tenant = '00000000-0000-0000-0000-00000000000a';
  const aud = 'https://management.azure.com/';
  const key = newSigningKey();
  const claims = (exp: number) => ({ aud, tid: tenant, iss: `https://sts.windows.net/${tenant}/`, oid: 'o', appid: 'a', exp });

  it('re-checks expiry and the signing key on every request', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(claims(now + 2), key.privatePem, { kid: key.kid });
    expect(verifyBearerToken(`Bearer ${token}`, [aud], key, tenant).ok).toBe(true);
    expect(verifyBearerToken(`Bearer ${token}`, [aud], key, tenant).ok).toBe(true);
    const other = newSigningKey();
    const r = verifyBearerToken(`Bearer ${token}`, [aud], { ...other, kid: key.kid }, tenant);
    expect(r.ok).toBe(false);
    const spy = jest.spyOn(Date, 'now').mockReturnValue((now + 3) * 1000);
    try {
      const expired = verifyBearerToken(`Bearer ${token}`, [aud], key, tenant);
      expect(expired.ok ? 'ok' : expired.code).toBe('ExpiredAuthenticationToken');
    } finally {
      spy.mockRestore();
    }
  });
});
