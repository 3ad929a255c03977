/**
 * The request journal, `<stateDir>/journal.jsonl`: one JSON line per request, appended under a cross-process
 * lock with a sequence number that keeps growing (also across a clear), so `since` works for every reader.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

export class Journal {
  readonly path: string;
  private readonly oldPath: string;
  private readonly seqPath: string;
  private readonly lockPath: string;
  /** The journal's size and last sequence number after this process's last append (valid while the size matches). */
  private known: { size: number; ino: number; seq: number } | undefined;

  constructor(
    stateDir: string,
    private readonly maxBytes = JOURNAL_ROTATE_BYTES,
  ) {
    this.path = join(stateDir, 'journal.jsonl');
    this.oldPath = join(stateDir, 'journal.1.jsonl');
    this.seqPath = join(stateDir, 'journal.seq');
    this.lockPath = join(stateDir, 'journal.lock');
  }

  append(entry: NewJournalEntry): Promise<JournalEntry> {
    return withFileLock(this.lockPath, () => {
      let size = this.size();
      const seq = this.lastSeq(size) + 1;
      if (size >= this.maxBytes) {
        // The sequence survives in journal.seq (written only here and on clear), so `since` keeps working.
        writeFileSync(this.seqPath, String(seq - 1));
        renameSync(this.path, this.oldPath);
        size = 0;
      }
      const full: JournalEntry = { seq, time: new Date().toISOString(), ...entry };
      const line = `${JSON.stringify(full)}\n`;
      appendFileSync(this.path, line);
      const st = statSync(this.path);
      this.known = { size: st.size, ino: st.ino, seq };
      return full;
    });
  }

  list(since = 0): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const file of [this.oldPath, this.path]) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as JournalEntry;
        if (e.seq > since) out.push(e);
      }
    }
    return out;
  }

  clear(): Promise<void> {
    return withFileLock(this.lockPath, () => {
      writeFileSync(this.seqPath, String(this.lastSeq(this.size())));
      writeFileSync(this.path, '');
      rmSync(this.oldPath, { force: true });
      this.known = undefined;
    });
  }

  private size(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /** Last sequence number: from this process's own last append when nobody wrote since, else the journal's last line. */
  private lastSeq(size: number): number {
    if (this.known && this.known.size === size && size > 0) {
      try {
        if (statSync(this.path).ino === this.known.ino) return this.known.seq;
      } catch {
        /* fall through */
      }
    }
    if (size > 0) {
      const fd = openSync(this.path, 'r');
      try {
        const len = Math.min(size, 64 * 1024);
        const buf = Buffer.alloc(len);
        readSync(fd, buf, 0, len, size - len);
        const lines = buf.toString('utf8').split('\n').filter(Boolean);
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
    }
    if (!existsSync(this.seqPath)) return 0;
    return Number(readFileSync(this.seqPath, 'utf8')) || 0;
  }
}
