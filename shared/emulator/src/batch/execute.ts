/**
 * Runs the mini-batches of a batch job over a pool of Python worker processes (batch/harness.ts), as the batch
 * driver does on the cluster's nodes: each worker calls `init()` once, then `run(mini_batch)` for the mini-batches
 * it takes from a shared queue. A mini-batch whose run() raises, or takes longer than the retry timeout (the worker
 * is then killed and started again), is tried again up to `maxRetries` times; after that its files count as failed.
 * A run() that returns fewer rows than it was given files counts the difference as failed files ("each returned
 * element is one successful run of an input"). The job stops early, Failed, when the failed files exceed
 * `errorThreshold` (-1: never) or when init() raises; a job in which every mini-batch failed is Failed too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { BoundedLog } from '../scoring/logs';
import type { BatchJobCounts } from './state';

export interface ExecuteOptions {
  python: string;
  harness: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  miniBatches: string[][];
  processes: number;
  maxRetries: number;
  timeoutMs: number;
  errorThreshold: number;
  log: BoundedLog;
  canceled: () => boolean;
}

export type ExecuteResult =
  | { outcome: 'Completed'; rows: string[]; counts: BatchJobCounts }
  | { outcome: 'Failed'; error: { code: string; message: string }; counts: BatchJobCounts }
  | { outcome: 'Canceled'; counts: BatchJobCounts };

/** How long a worker's init() may take (the retry timeout is per mini-batch, not for init). */
const INIT_TIMEOUT_MS = 120_000;

type RunOutcome = { ok: true; rows: string[] } | { ok: false; error: string } | { ok: false; timeout: true } | { ok: false; died: string };

interface Message {
  type: string;
  id?: number;
  ok?: boolean;
  rows?: string[];
  error?: string;
}

/** One Python worker: started on first use, again after it was killed or died. */
class Worker {
  private child?: ChildProcess;
  private waiting?: (m: Message | { type: 'exit'; code: number | null }) => void;
  private buffer = '';

  constructor(private readonly o: ExecuteOptions) {}

  /** 'ready', or the init() error (the last line of its traceback). */
  async start(): Promise<'ready' | { initError: string }> {
    const child = spawn(this.o.python, ['-u', this.o.harness], {
      cwd: this.o.cwd,
      env: { ...process.env, ...this.o.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.buffer = '';
    const first = this.next();
    // A worker killed mid-write (timeout, cancel) must not crash the emulator with EPIPE.
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (d: Buffer) => this.o.log.chunk(d));
    child.stderr!.on('data', (d: Buffer) => this.o.log.chunk(d));
    (child.stdio[3] as Readable).on('data', (d: Buffer) => this.onProto(d));
    child.on('exit', (code) => {
      this.o.log.flush();
      if (this.child === child) this.child = undefined;
      this.deliver({ type: 'exit', code });
    });
    child.on('error', (e) => {
      this.o.log.line(`could not start ${this.o.python}: ${e.message}`);
      this.deliver({ type: 'exit', code: null });
    });
    const slow = setTimeout(() => {
      this.o.log.line(`init() did not finish within ${INIT_TIMEOUT_MS} ms: the worker process is killed.`);
      child.kill('SIGKILL');
    }, INIT_TIMEOUT_MS);
    slow.unref();
    const m = await first;
    clearTimeout(slow);
    if (m.type === 'ready') return 'ready';
    if (m.type === 'init_failed') return { initError: String((m as Message).error ?? 'init() raised') };
    return { initError: `the worker process exited (code ${String((m as { code: number | null }).code)}) before init() returned` };
  }

  get alive(): boolean {
    return !!this.child;
  }

  async run(id: number, files: string[]): Promise<RunOutcome> {
    const child = this.child!;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, this.o.timeoutMs);
    timer.unref();
    const reply = this.next();
    child.stdin!.write(`${JSON.stringify({ id, files })}\n`);
    const m = await reply;
    clearTimeout(timer);
    if (m.type === 'exit') {
      if (timedOut) return { ok: false, timeout: true };
      const code = (m as { code: number | null }).code;
      return { ok: false, died: code === null ? 'the worker process was killed' : `the worker process exited with code ${code}` };
    }
    const r = m as Message;
    return r.ok ? { ok: true, rows: r.rows ?? [] } : { ok: false, error: String(r.error ?? 'run() raised') };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin!.end();
    const hard = setTimeout(() => child.kill('SIGKILL'), 2000);
    hard.unref();
    await gone;
    clearTimeout(hard);
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  private next(): Promise<Message | { type: 'exit'; code: number | null }> {
    return new Promise((r) => {
      this.waiting = r;
    });
  }

  private deliver(m: Message | { type: 'exit'; code: number | null }): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(m);
  }

  private onProto(d: Buffer): void {
    this.buffer += d.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (!line.trim()) continue;
      try {
        this.deliver(JSON.parse(line) as Message);
      } catch {
        // not ours
      }
    }
  }
}

export async function executeMiniBatches(o: ExecuteOptions): Promise<ExecuteResult> {
  const n = o.miniBatches.length;
  const counts: BatchJobCounts = { miniBatches: n, files: o.miniBatches.reduce((s, b) => s + b.length, 0), succeededMiniBatches: 0, failedMiniBatches: 0, failedFiles: 0, rows: 0 };
  const rows: (string[] | undefined)[] = new Array(n);
  const queue = o.miniBatches.map((_, i) => i);
  let stop: ExecuteResult | undefined;
  let lastError = '';
  const workers = Array.from({ length: Math.max(1, Math.min(o.processes, n)) }, () => new Worker(o));
  const info = (l: string) => o.log.line(`${new Date().toISOString()} | INFO | ${l}`);

  const loop = async (w: Worker, k: number) => {
    while (queue.length && !stop) {
      if (o.canceled()) {
        stop ??= { outcome: 'Canceled', counts };
        break;
      }
      const i = queue.shift()!;
      const files = o.miniBatches[i];
      let out: RunOutcome | undefined;
      for (let attempt = 0; attempt <= o.maxRetries && !stop; attempt++) {
        if (!w.alive) {
          info(`worker ${k}: starting the scoring script (init())`);
          const started = await w.start();
          if (started !== 'ready') {
            stop ??= { outcome: 'Failed', error: { code: 'UserError', message: `The scoring script's init() raised: ${started.initError}. See the job's logs for the traceback.` }, counts };
            return;
          }
        }
        out = await w.run(i, files);
        if (out.ok) break;
        const why = 'timeout' in out ? `timed out after ${o.timeoutMs} ms (retrySettings.timeout)` : 'died' in out ? out.died : `raised ${out.error}`;
        if ('error' in out) lastError = out.error;
        else lastError = `mini-batch ${i} ${why}`;
        info(`mini-batch ${i} (${files.length} files), attempt ${attempt + 1} of ${o.maxRetries + 1}: run() ${why}`);
      }
      if (stop) return;
      if (out?.ok) {
        rows[i] = out.rows;
        counts.succeededMiniBatches++;
        counts.rows += out.rows.length;
        counts.failedFiles += Math.max(0, files.length - out.rows.length);
      } else {
        counts.failedMiniBatches++;
        counts.failedFiles += files.length;
      }
      if (o.errorThreshold >= 0 && counts.failedFiles > o.errorThreshold) {
        const message = `${counts.failedFiles} input file(s) failed, more than the deployment's error threshold (${o.errorThreshold}).${lastError ? ` Last error: ${lastError}.` : ''} See the job's logs for the tracebacks.`;
        stop ??= { outcome: 'Failed', error: { code: 'UserError', message }, counts };
      }
    }
  };

  const poll = setInterval(() => {
    if (!stop && o.canceled()) {
      stop = { outcome: 'Canceled', counts };
      for (const w of workers) w.kill();
    }
  }, 200);
  poll.unref();
  try {
    await Promise.all(workers.map((w, k) => loop(w, k)));
  } finally {
    clearInterval(poll);
    if (stop) for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.stop()));
  }
  if (stop) return stop;
  if (counts.succeededMiniBatches === 0) {
    return { outcome: 'Failed', error: { code: 'UserError', message: `Every mini-batch failed (${n} of ${n}); nothing was scored. Last error: ${lastError}. See the job's logs for the tracebacks.` }, counts };
  }
  return { outcome: 'Completed', rows: rows.flatMap((r) => r ?? []), counts };
}
