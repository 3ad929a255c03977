/**
 * The request journal, `<stateDir>/journal.jsonl`: one JSON line per request, appended under a cross-process
 * lock with a sequence number that keeps growing (also across a clear), so `since` works for every reader.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

export class Journal {
  readonly path: string;
  private readonly seqPath: string;
  private readonly lockPath: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'journal.jsonl');
    this.seqPath = join(stateDir, 'journal.seq');
    this.lockPath = join(stateDir, 'journal.lock');
  }

  append(entry: NewJournalEntry): Promise<JournalEntry> {
    return withFileLock(this.lockPath, () => {
      const seq = this.lastSeq() + 1;
      const full: JournalEntry = { seq, time: new Date().toISOString(), ...entry };
      appendFileSync(this.path, `${JSON.stringify(full)}\n`);
      this.writeSeq(seq);
      return full;
    });
  }

  list(since = 0): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const out: JournalEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as JournalEntry;
      if (e.seq > since) out.push(e);
    }
    return out;
  }

  clear(): Promise<void> {
    return withFileLock(this.lockPath, () => {
      writeFileSync(this.path, '');
    });
  }

  private lastSeq(): number {
    if (!existsSync(this.seqPath)) return 0;
    return Number(readFileSync(this.seqPath, 'utf8')) || 0;
  }

  private writeSeq(seq: number): void {
    const tmp = `${this.seqPath}.${process.pid}.tmp`;
    writeFileSync(tmp, String(seq));
    renameSync(tmp, this.seqPath);
  }
}
