/**
 * A cross-process lock on a file path. The holder makes `<path>` exist exclusively: a hard link to one of its token
 * files `<path>.<nonce>.holder` (written once per process and lock, with its pid, host and nonce; a few per lock,
 * taken in turn, so a holder that lets go and takes the lock again shows another nonce), so taking and releasing
 * the lock is a link and an unlink, no file to create and write each time; where hard links are not available the
 * holder creates `<path>` with that content and the time instead. A lock whose holder is gone (same host, pid not
 * alive) or that is older than `staleMs` (by its `time`, else the time it was linked) is broken.
 * Within one process, callers queue on a promise chain first so only one of them contends for the file.
 */
import { closeSync, fstatSync, linkSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  /** When the lock was taken (a created lock file); a linked token has none: the link's time counts. */
  time?: number;
  nonce: string;
}

/** The lock we hold: the inode `<path>` names while it is ours. */
interface Held {
  ino: number;
}

interface Token {
  file: string;
  nonce: string;
  ino: number;
}

/** Token files per process and lock path, taken in turn. */
const TOKENS = 4;

const queues = new Map<string, Promise<void>>();
/** Asked once: `os.hostname()` is a system call. */
const HOST = hostname();
/** Nonces: a random per-process prefix and a counter (unique without asking for randomness per lock). */
const NONCE_PREFIX = randomBytes(6).toString('hex');
let nonceCounter = 0;
/** This process's token files per lock path (false: hard links do not work there, create the lock file instead). */
const tokens = new Map<string, { all: Token[]; next: number } | false>();
const TOKEN_SUFFIX = '.holder';

function readContent(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

/** When the lock at `path` was taken: its content's time, else when the token was linked there (its ctime). */
function takenAt(c: LockContent | undefined, path: string): number {
  if (typeof c?.time === 'number') return c.time;
  try {
    return statSync(path).ctimeMs;
  } catch {
    return Date.now();
  }
}

function isStale(c: LockContent | undefined, staleMs: number, path: string): boolean {
  // A lock file caught between create and write has no content yet: judge it by its age only.
  if (c && c.host === HOST && c.pid !== process.pid && !pidAlive(c.pid)) return true;
  return Date.now() - takenAt(c, path) > staleMs;
}

/** This process's token for its next take of `path` (written the first time); false where links do not work. */
function nextToken(path: string): Token | false {
  // Windows: a link need not move the file's change time, which tells how old a linked lock is.
  if (process.platform === 'win32') return false;
  let set = tokens.get(path);
  if (set === false) return false;
  if (!set) {
    if (tokens.size === 0) process.once('exit', removeTokens);
    set = { all: [], next: 0 };
    tokens.set(path, set);
  }
  const i = set.next % TOKENS;
  if (!set.all[i]) {
    const nonce = `${NONCE_PREFIX}-t${++nonceCounter}`;
    const file = `${path}.${nonce}${TOKEN_SUFFIX}`;
    writeFileSync(file, JSON.stringify({ pid: process.pid, host: HOST, nonce }));
    set.all[i] = { file, nonce, ino: statSync(file).ino };
  }
  return set.all[i];
}

function removeTokens(): void {
  for (const set of tokens.values()) {
    for (const t of set ? set.all : []) {
      try {
        unlinkSync(t.file);
      } catch {
        /* already gone */
      }
    }
  }
  tokens.clear();
}

/** Token files in `dir` that holders on this host left when they died (killed before they could remove them). */
export function removeDeadTokens(dir: string, lockName = ''): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(lockName) && n.endsWith(TOKEN_SUFFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const c = readContent(join(dir, n));
    if (!c || c.host !== HOST || c.pid === process.pid || pidAlive(c.pid)) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      /* already gone */
    }
  }
}

/** Takes the lock if it is free; undefined when someone holds it. */
function tryTake(path: string): Held | undefined {
  const token = nextToken(path);
  if (token) {
    try {
      linkSync(token.file, path);
      (tokens.get(path) as { next: number }).next++; // the next take shows another token (another nonce)
      return { ino: token.ino };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return undefined;
      if (code === 'ENOENT') {
        tokens.delete(path); // our tokens were removed (a cleaned folder): write them again
        return tryTake(path);
      }
      tokens.set(path, false); // no hard links here (EPERM, ENOTSUP, EXDEV…): create the lock file instead
    }
  }
  const content: LockContent = { pid: process.pid, host: HOST, time: Date.now(), nonce: `${NONCE_PREFIX}-${++nonceCounter}` };
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(content));
    return { ino: fstatSync(fd).ino };
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
  // A dead holder on this host leaves its token files behind: remove them.
  if (judged && judged.time === undefined && judged.host === HOST && !pidAlive(judged.pid)) removeDeadTokens(dirname(path), basename(path));
}

async function acquire(path: string, staleMs: number, timeoutMs: number): Promise<Held> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    const taken = tryTake(path);
    if (taken) return taken;
    const held = readContent(path);
    if (isStale(held, staleMs, path)) {
      breakStale(path, held);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path} (held by pid ${held?.pid ?? '?'})`);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 20);
  }
}

function release(path: string, mine: Held): void {
  // Still ours? Broken as stale and taken by someone else, `<path>` names another inode: leave it.
  try {
    if (statSync(path).ino !== mine.ino) return;
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
