/**
 * A cross-process lock on a file path: the holder creates `<path>` exclusively and writes its pid into it.
 * A lock whose holder is gone (same host, pid not alive) or that is older than `staleMs` is broken.
 * Within one process, callers queue on a promise chain first so only one of them contends for the file.
 */
import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { pidAlive } from '../pid';

export interface LockOptions {
  /** A lock file older than this is considered abandoned (default 10 s; holders keep it for milliseconds). */
  staleMs?: number;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
}

interface LockContent {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

/** What identifies the lock file we created: its inode and the time its content was written. */
interface Held {
  content: LockContent;
  ino: bigint;
  mtimeNs: bigint;
}

const queues = new Map<string, Promise<void>>();
/** Asked once: `os.hostname()` is a system call. */
const HOST = hostname();
/** Nonces: a random per-process prefix and a counter (unique without asking for randomness per lock). */
const NONCE_PREFIX = randomBytes(6).toString('hex');
let nonceCounter = 0;

function readContent(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

function isStale(c: LockContent | undefined, staleMs: number, mtimeFallback: () => number): boolean {
  // A lock file caught between create and write has no content yet: judge it by its age only.
  if (!c) return Date.now() - mtimeFallback() > staleMs;
  if (c.host === HOST && c.pid !== process.pid && !pidAlive(c.pid)) return true;
  return Date.now() - c.time > staleMs;
}

function fileAge(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

function tryCreate(path: string, content: LockContent): Held | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(content));
    const st = fstatSync(fd, { bigint: true });
    return { content, ino: st.ino, mtimeNs: st.mtimeNs };
  } finally {
    closeSync(fd);
  }
}

/** Move an abandoned lock aside; if what we moved turns out to be a fresh lock, put it back. */
function breakStale(path: string, judged: LockContent | undefined): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = readContent(aside);
  if (moved && judged && moved.nonce !== judged.nonce) {
    try {
      linkSync(aside, path);
    } catch {
      // the path was taken again meanwhile; the moved holder will find its lock gone on release, which is harmless
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

async function acquire(path: string, staleMs: number, timeoutMs: number): Promise<Held> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    const mine: LockContent = { pid: process.pid, host: HOST, time: Date.now(), nonce: `${NONCE_PREFIX}-${++nonceCounter}` };
    const created = tryCreate(path, mine);
    if (created) return created;
    const held = readContent(path);
    if (isStale(held, staleMs, () => fileAge(path))) {
      breakStale(path, held);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path} (held by pid ${held?.pid ?? '?'})`);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 20);
  }
}

function release(path: string, mine: Held): void {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch {
    return; // already gone
  }
  // Still the file we wrote (a stat instead of reading it back)? A file with another inode or write time may be
  // someone else's lock taken after ours was broken: compare the content before touching it.
  if (st.ino !== mine.ino || st.mtimeNs !== mine.mtimeNs) {
    const held = readContent(path);
    if (!held || held.nonce !== mine.content.nonce) return; // not ours to remove
  }
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Run `fn` while holding the lock at `path`. `fn` may be async, but keep it short. */
export async function withFileLock<R>(path: string, fn: () => R | Promise<R>, opts: LockOptions = {}): Promise<R> {
  const staleMs = opts.staleMs ?? 10_000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const previous = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((r) => (done = r));
  const tail = previous.then(() => mine);
  queues.set(path, tail);
  await previous;
  try {
    const held = await acquire(path, staleMs, timeoutMs);
    try {
      return await fn();
    } finally {
      release(path, held);
    }
  } finally {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  }
}
