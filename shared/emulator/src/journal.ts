/**
 * The request journal, `<stateDir>/journal.jsonl`: one JSON line per request, appended under a cross-process
 * lock with a sequence number that keeps growing (also across a rotation or a clear), so `since` works for every
 * reader. Appends that arrive while this process waits for (or holds) the lock are written together in one
 * write under one lock turn (group commit), so the lock is paid once per batch instead of once per request.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './state/lock';

export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Object id of the caller when the request carried a valid token. */
  principal?: string;
  requestBody?: unknown;
  /** Id of the fault that answered (or delayed) this request. */
  fault?: string;
  /** Which surface served it: arm, identity, control, data. */
  area?: string;
}

export type NewJournalEntry = Omit<JournalEntry, 'seq' | 'time'>;

/** Past this size the journal is rotated to `journal.1.jsonl` (one generation kept), so it never grows without bound. */
export const JOURNAL_ROTATE_BYTES = Number(process.env.AML_EMULATOR_JOURNAL_MAX_BYTES) || 8 * 1024 * 1024;

const SEQ_PREFIX = '{"seq":';

interface Pending {
  entry: NewJournalEntry;
  time: string;
  resolve: (e: JournalEntry) => void;
  reject: (e: Error) => void;
}

export class Journal {
  readonly path: string;
  private readonly oldPath: string;
  private readonly seqPath: string;
  private readonly lockPath: string;
  /** The journal's size, inode and last sequence number after this process's last write (valid while both match). */
  private known: { size: number; ino: number; seq: number } | undefined;
  private pending: Pending[] = [];
  private flushing = false;
  /** The journal file as open for appending, and its inode. */
  private out: { fd: number; ino: number } | undefined;
  private closed = false;
  /**
   * Called under the lock before each batch is written: what the batch's requests queued elsewhere (their lines
   * in a deployment's log) is written first, so it is on disk before their responses leave.
   */
  beforeWrite: () => void = () => undefined;

  constructor(
    stateDir: string,
    private readonly maxBytes = JOURNAL_ROTATE_BYTES,
  ) {
    this.path = join(stateDir, 'journal.jsonl');
    this.oldPath = join(stateDir, 'journal.1.jsonl');
    this.seqPath = join(stateDir, 'journal.seq');
    this.lockPath = join(stateDir, 'journal.lock');
  }

  /** Record `entry`; resolves once its line is in the file (with the sequence number it got). */
  append(entry: NewJournalEntry): Promise<JournalEntry> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entry, time: new Date().toISOString(), resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      // After this turn of the event loop: every request answered in the same turn joins one batch.
      setImmediate(() => void this.flush());
    });
  }

  /** Entries with a sequence number above `since`, in order, from the rotated generation and the current file. */
  list(since = 0): JournalEntry[] {
    const out: JournalEntry[] = [];
    let last = since;
    for (const text of this.readGenerations()) {
      for (const line of completeLines(text)) {
        // Lines are written seq-first: skip the ones at or below `last` without parsing them.
        if (line.startsWith(SEQ_PREFIX) && Number.parseInt(line.slice(SEQ_PREFIX.length), 10) <= last) continue;
        let e: JournalEntry;
        try {
          e = JSON.parse(line) as JournalEntry;
        } catch {
          continue; // a line torn by a crash mid-write
        }
        // Strictly increasing: a generation read twice (rotated while we read) adds nothing.
        if (e.seq > last) {
          out.push(e);
          last = e.seq;
        }
      }
    }
    return out;
  }

  clear(): Promise<void> {
    return withFileLock(this.lockPath, () => {
      writeFileSync(this.seqPath, String(this.lastSeq()));
      writeFileSync(this.path, '');
      rmSync(this.oldPath, { force: true });
      this.known = undefined;
    });
  }

  /** Write everything pending, a batch per lock turn, until nothing is left. */
  private async flush(): Promise<void> {
    try {
      while (this.pending.length) {
        let batch: Pending[] = [];
        try {
          const written = await withFileLock(this.lockPath, () => {
            // Take the batch only once the lock is ours, so everything that queued while we waited joins it.
            batch = this.pending;
            this.pending = [];
            this.beforeWrite();
            return this.write(batch);
          });
          batch.forEach((p, i) => p.resolve(written[i]));
        } catch (e) {
          if (!batch.length) {
            batch = this.pending;
            this.pending = [];
          }
          batch.forEach((p) => p.reject(e as Error));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Under the lock: number the batch after the last entry on disk, rotate if the file is full, append one write. */
  private write(batch: Pending[]): JournalEntry[] {
    let st = statOrUndefined(this.path);
    let seq = this.lastSeq(st);
    if (st && st.size >= this.maxBytes) {
      // The sequence survives in journal.seq (written only here and on clear), so `since` keeps working.
      writeFileSync(this.seqPath, String(seq));
      renameSync(this.path, this.oldPath);
      st = undefined;
    }
    // seq first (readers skip old lines by it), and never overridden by a stray field of the entry.
    const full = batch.map((p): JournalEntry => {
      seq += 1;
      return Object.assign({ seq, time: p.time }, p.entry, { seq, time: p.time });
    });
    const text = full.map((e) => `${JSON.stringify(e)}\n`).join('');
    // The file stays open between batches while its path still names it (a writer that rotated it renamed it away;
    // a clear truncates it in place). Under the lock nobody else appends: its size after this write is known.
    let size = st?.size ?? 0;
    if (!this.out || !st || st.ino !== this.out.ino) {
      if (this.out) closeSync(this.out.fd);
      const fd = openSync(this.path, 'a');
      const opened = fstatSync(fd);
      this.out = { fd, ino: opened.ino };
      size = opened.size;
    }
    const buf = Buffer.from(text);
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(this.out.fd, buf, off);
    } catch (e) {
      closeSync(this.out.fd);
      this.out = undefined;
      throw e;
    }
    this.known = { size: size + buf.length, ino: this.out.ino, seq };
    if (this.closed) this.close();
    return full;
  }

  /** Closes the file kept open for appending; a later batch opens it for its own write only. */
  close(): void {
    this.closed = true;
    if (!this.out) return;
    try {
      closeSync(this.out.fd);
    } catch {
      /* already closed */
    }
    this.out = undefined;
  }

  /** Last sequence number: from this process's own last write when nobody wrote since, else the journal's last line. */
  private lastSeq(st = statOrUndefined(this.path)): number {
    if (st && st.size > 0) {
      if (this.known && this.known.size === st.size && this.known.ino === st.ino) return this.known.seq;
      const seq = lastLineSeq(this.path, st.size);
      if (seq !== undefined) return seq;
    }
    if (!existsSync(this.seqPath)) return 0;
    return Number(readFileSync(this.seqPath, 'utf8')) || 0;
  }

  /** A file descriptor to read `path`, undefined when it does not exist (a seam for the rotation tests). */
  protected openForRead(path: string): number | undefined {
    try {
      return openSync(path, 'r');
    } catch {
      return undefined;
    }
  }

  /**
   * The text of `journal.1.jsonl` then `journal.jsonl`. The current file is opened first: if it is rotated before
   * the old one is opened, both names lead to the same file, and the new current file is read after it.
   */
  private readGenerations(): string[] {
    const cur = this.openForRead(this.path);
    const old = this.openForRead(this.oldPath);
    const fds = [old, cur];
    try {
      if (old !== undefined && cur !== undefined && fstatSync(old).ino === fstatSync(cur).ino) {
        fds.push(this.openForRead(this.path));
      }
      return fds.filter((fd): fd is number => fd !== undefined).map((fd) => readFileSync(fd, 'utf8'));
    } finally {
      for (const fd of fds) if (fd !== undefined) closeSync(fd);
    }
  }
}

function statOrUndefined(path: string): { size: number; ino: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}


/** Whole lines only: a batch being appended right now may be half-visible; its tail is read next time. */
function completeLines(text: string): string[] {
  const end = text.lastIndexOf('\n');
  return end < 0 ? [] : text.slice(0, end).split('\n').filter(Boolean);
}

function lastLineSeq(path: string, size: number): number | undefined {
  const fd = openSync(path, 'r');
  try {
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = completeLines(buf.toString('utf8'));
    const last = lines[lines.length - 1];
    if (last) {
      const seq = Number((JSON.parse(last) as JournalEntry).seq);
      if (Number.isFinite(seq)) return seq;
    }
  } catch {
    /* a torn or oversized last line: fall back to the seq file */
  } finally {
    closeSync(fd);
  }
  return undefined;
}
