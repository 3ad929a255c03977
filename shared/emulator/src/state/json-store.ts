/**
 * One JSON document on disk, shared by every process that opens the same path. Reads need no lock (writers
 * replace the file by rename, so a reader always sees a whole document); every change is a read-modify-write
 * under the cross-process lock `<path>.lock`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { withFileLock } from './lock';
import { forgetStat, statThisTurn } from './turn-stat';

export class JsonStore<T> {
  /** The last parsed document and the identity of the file it came from (writers rename, so a write changes the inode). */
  private cached: { ino: number; size: number; mtimeMs: number; ctimeMs: number; doc: T } | undefined;

  constructor(
    readonly path: string,
    private readonly initial: () => T,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** The current document (a fresh copy: mutate it freely, nothing is saved). */
  read(): T {
    if (!existsSync(this.path)) return this.initial();
    return JSON.parse(readFileSync(this.path, 'utf8')) as T;
  }

  /**
   * The current document, shared and read-only: parsed again only when the file changed (inode, size or mtime moved),
   * so a request that only looks pays a stat instead of a parse. It is frozen; use `read()` for a private copy.
   * `startingRequest`: the caller is the synchronous start of a request handler, which may share the stat with
   * the other requests this turn of the event loop starts (state/turn-stat.ts).
   */
  peek(startingRequest = false): Readonly<T> {
    // Plain (not bigint) stat: cheaper, and its fractional-millisecond times still tell writes apart; every write
    // is a rename, so the inode moves too.
    const st = startingRequest ? statThisTurn(this.path) : statSync(this.path, { throwIfNoEntry: false });
    if (!st) return this.initial();
    const c = this.cached;
    if (c && c.ino === st.ino && c.size === st.size && c.mtimeMs === st.mtimeMs && c.ctimeMs === st.ctimeMs) return c.doc;
    // Frozen, so a look-only path that tried to change the shared copy fails loudly instead of leaking the change.
    const doc = deepFreeze(JSON.parse(readFileSync(this.path, 'utf8')) as T);
    this.cached = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, doc };
    return doc;
  }

  /**
   * Apply `fn` to the current document under the lock and save the result if it changed.
   * `fn` is synchronous so the lock is held for as short as possible; if it throws, nothing is saved.
   */
  update<R>(fn: (doc: T) => R): Promise<R> {
    return withFileLock(`${this.path}.lock`, () => {
      const before = existsSync(this.path) ? readFileSync(this.path, 'utf8') : undefined;
      const doc = before === undefined ? this.initial() : (JSON.parse(before) as T);
      const result = fn(doc);
      const after = JSON.stringify(doc, null, 1);
      if (after !== before) this.write(after);
      return result;
    });
  }

  private write(text: string): void {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.path);
    forgetStat(this.path);
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
