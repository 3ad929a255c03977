/**
 * Container logs on disk, so getLogs works from any emulator process on the state directory: the InferenceServer
 * log of a running deployment is live (the harness's banner and init lines, what the script prints and the
 * tracebacks of run(), written by the process that owns the harness; one line per request served, written by
 * whichever process served it). Writes are queued and appended once per event-loop turn per file (`flushLogs`),
 * each an O_APPEND write, so several processes can share a file. Bounded: past `maxBytes` the file becomes `.1`
 * (replacing the previous one), so a log keeps about its newest `maxBytes`..2 × `maxBytes` (a few thousand
 * lines; state/bounded-append.ts).
 */
import { closeSync, fstatSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendBounded } from '../state/bounded-append';

export type ContainerType = 'InferenceServer' | 'StorageInitializer';

export const LOG_FILES: Record<ContainerType, string> = {
  InferenceServer: 'inference-server.log',
  StorageInitializer: 'storage-initializer.log',
};

/** Per generation; two generations are kept. */
export const LOG_MAX_BYTES = 256 * 1024;
/** A longer line (a huge print) is cut to this many characters. */
export const LOG_MAX_LINE = 8 * 1024;

interface Queued {
  text: string[];
  maxBytes: number;
}

const queued = new Map<string, Queued>();
let scheduled = false;

function cut(line: string): string {
  return line.length > LOG_MAX_LINE ? `${line.slice(0, LOG_MAX_LINE)} … (${line.length - LOG_MAX_LINE} more characters)` : line;
}

/** Queue whole lines (each ending in '\n') for `path`; they are written with the others of this turn. */
function enqueue(path: string, text: string, maxBytes: number): void {
  const q = queued.get(path);
  if (q) q.text.push(text);
  else queued.set(path, { text: [text], maxBytes });
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushLogs);
  }
}

/**
 * Writes every queued line of this process (reads call it first, so a process sees its own lines; the journal
 * calls it before it commits, so a request's line is on disk before its response leaves).
 */
export function flushLogs(): void {
  scheduled = false;
  if (!queued.size) return;
  const batch = [...queued];
  queued.clear();
  for (const [path, q] of batch) {
    try {
      appendBounded(path, q.text.join(''), q.maxBytes);
    } catch {
      // the deployment's folder is gone (deleted meanwhile): nothing to keep
    }
  }
}

/** One container log file of a deployment, as written by one process. */
export class BoundedLog {
  private partial = '';

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_MAX_BYTES,
  ) {}

  /** A new container: the log starts empty (what this process still had queued for it is dropped). */
  reset(): void {
    queued.delete(this.path);
    rmSync(`${this.path}.1`, { force: true });
    writeFileSync(this.path, '');
    this.partial = '';
  }

  line(text: string): void {
    enqueue(this.path, `${cut(text)}\n`, this.maxBytes);
  }

  /** Raw process output: whole lines are written, a trailing partial line waits for its end. */
  chunk(data: Buffer | string): void {
    const text = this.partial + data.toString();
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.partial = text;
      if (text.length > LOG_MAX_LINE) this.flush();
      return;
    }
    this.partial = text.slice(end + 1);
    const lines = text.slice(0, end).split('\n').map(cut);
    enqueue(this.path, `${lines.join('\n')}\n`, this.maxBytes);
  }

  /** Writes a pending partial line (the process ended). */
  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }
}

/** The last `tail` lines (all when absent) of a log and its previous generation; undefined when there is none. */
export function readLogFile(path: string, tail?: number): string | undefined {
  flushLogs();
  // The current file first: if it is rotated before `.1` is opened, both names lead to it; the new one follows.
  const cur = openOrUndefined(path);
  const old = openOrUndefined(`${path}.1`);
  const fds = [old, cur];
  try {
    if (old !== undefined && cur !== undefined && fstatSync(old).ino === fstatSync(cur).ino) fds.push(openOrUndefined(path));
    const parts = fds.filter((fd): fd is number => fd !== undefined).map((fd) => readFileSync(fd, 'utf8'));
    if (!parts.length) return undefined;
    const text = parts.join('');
    if (tail === undefined || tail < 0) return text;
    if (tail === 0 || !text) return '';
    return `${text.replace(/\n$/, '').split('\n').slice(-tail).join('\n')}\n`;
  } finally {
    for (const fd of fds) if (fd !== undefined) closeSync(fd);
  }
}

function openOrUndefined(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

/** readLogFile, '' when the log does not exist. */
export function readLog(path: string, tail?: number): string {
  return readLogFile(path, tail) ?? '';
}
