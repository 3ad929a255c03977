/**
 * What Azure Monitor's metrics are computed from: every scored request (live or mirrored) and periodic CPU /
 * memory samples of the harness processes, as append-only JSON lines per workspace under
 * <stateDir>/scoring/metrics/. Appends are single small O_APPEND writes, so several emulator processes (one serving
 * traffic, another answering the metrics API) can share a file. Bounded: past `maxBytes` the file becomes `.1`
 * (replacing the previous one), so at most two generations are kept (state/bounded-append.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scoringRoot } from './records';
import { appendBounded } from '../state/bounded-append';

/** One scored request. */
export interface RequestSample {
  k: 'r';
  /** Epoch ms when the response left. */
  t: number;
  /** Lower-cased endpoint id. */
  ep: string;
  /** Deployment that served (absent when none was picked: 401, 404 no deployment). */
  d?: string;
  /** Status the client saw (for a mirrored copy: the status the mirror answered). */
  s: number;
  /** Status the user's script answered, when it was reached. */
  m?: number;
  /** Latency in ms. */
  lat: number;
  /** 1 for a mirrored copy (never seen by the client). */
  mir?: 1;
  /** Request and response bytes. */
  bi: number;
  bo: number;
  /** 1 when this request opened a new client connection. */
  nc?: 1;
  /** Requests in flight at the endpoint when this one arrived (itself included). */
  fl?: number;
}

/** One resource sample of one harness instance. */
export interface ResourceSample {
  k: 's';
  t: number;
  ep: string;
  d: string;
  i: string;
  cpu: number;
  mem: number;
  /** Instances the deployment runs. */
  cap: number;
}

export type MetricSample = RequestSample | ResourceSample;

/** Workspace id (lower-cased ARM id) of an endpoint or deployment id. */
export function workspaceOf(resourceId: string): string {
  const m = /^(.*?\/workspaces\/[^/]+)/i.exec(resourceId);
  return (m ? m[1] : resourceId).toLowerCase();
}

export class MetricsStore {
  constructor(
    private readonly stateDir: string,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  private readonly files = new Map<string, string>();
  private readonly pending = new Map<string, string[]>();
  private flushScheduled = false;

  private file(resourceId: string): string {
    const ws = workspaceOf(resourceId);
    let file = this.files.get(ws);
    if (!file) {
      const dir = join(scoringRoot(this.stateDir), 'metrics');
      mkdirSync(dir, { recursive: true });
      file = join(dir, `${createHash('sha256').update(ws).digest('hex').slice(0, 16)}.jsonl`);
      this.files.set(ws, file);
    }
    return file;
  }

  /** Queued, and written with the other samples of this event-loop turn in one append (one line each). */
  append(sample: MetricSample): void {
    const file = this.file(sample.ep);
    const lines = this.pending.get(file);
    if (lines) lines.push(JSON.stringify(sample));
    else this.pending.set(file, [JSON.stringify(sample)]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is queued (reads call it first, so a process sees its own samples). */
  flush(): void {
    this.flushScheduled = false;
    for (const [file, lines] of this.pending) appendBounded(file, `${lines.join('\n')}\n`, this.maxBytes);
    this.pending.clear();
  }

  /** Samples of the workspace of `resourceId` with `from <= t < to`. */
  read(resourceId: string, from: number, to: number): MetricSample[] {
    this.flush();
    const file = this.file(resourceId);
    const out: MetricSample[] = [];
    for (const f of [`${file}.1`, file]) {
      if (!existsSync(f)) continue;
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const s = JSON.parse(line) as MetricSample;
          if (s.t >= from && s.t < to) out.push(s);
        } catch {
          // a torn line from a crashed writer
        }
      }
    }
    return out;
  }
}
