/**
 * The load engine: requests to one URL over an undici keep-alive Pool, in the closed model (fixed concurrency) or
 * the open model (a fixed arrival rate), for a duration or a number of requests after a warm-up that no figure
 * includes. Each request is dispatched with a small handler of its own (no response streams, bodies counted and
 * dropped); latency runs from when the request was due (closed model: when it was sent) to its last body byte and
 * goes, in microseconds, into an HDR histogram and the second it completed in. No timer per request: undici's
 * per-request headers and body timers are off (each one cost a timer object and a WeakRef a request, ~10% of the
 * CPU a request and a longer tail from the extra garbage), and one sweep over the requests in flight aborts those
 * older than the timeout.
 */
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { latencyHistogram, summarizeLatency, toMicros, type Histogram } from './histogram';
import { SeriesCollector } from './series';
import { validate, type Plan } from './plan';
import type { LoadOptions, LoadProgress, LoadResult, StatusCounts } from './types';

export type { LoadMode, LoadOptions, LoadProgress, LoadResult, StatusCounts } from './types';

const TIMEOUT_CODES = new Set(['LOAD_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_FAILURE_KINDS = 10;
const BEARER_RETRY_AFTER_401_MS = 1000;

/** Send the load `opts` describes and measure it. Rejects only on bad options, a first bearer that fails, or a request undici refuses to send. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const plan = validate(opts);
  const token = opts.bearer ? await opts.bearer() : undefined;
  return new LoadRun(opts, plan, token).run();
}

class LoadTimeoutError extends Error {
  readonly code = 'LOAD_TIMEOUT';
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'LoadTimeoutError';
  }
}

/** One request in flight: the callbacks undici calls, kept as small as possible. */
class InFlight implements Dispatcher.DispatchHandlers {
  status = 0;
  bytes = 0;
  abort: ((err: Error) => void) | undefined = undefined;
  constructor(
    private readonly owner: LoadRun,
    /** When it was due (the latency counts from here) and when it was handed to undici (the timeout counts from here) */
    readonly due: number,
    readonly sentAt: number,
    readonly measured: boolean,
  ) {}
  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }
  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    return true;
  }
  onComplete(): void {
    this.owner.done(this, undefined);
  }
  onError(err: Error): void {
    this.owner.done(this, err);
  }
}

class LoadRun {
  private readonly pool: Pool;
  private readonly histogram: Histogram = latencyHistogram();
  private series!: SeriesCollector;
  private headers: string[] = [];
  private dispatchOptions!: Dispatcher.DispatchOptions;
  private bodyIndex = 0;

  private t0 = 0;
  private measureStart = 0;
  private durationEnd = Infinity;
  private readonly limit: number;
  private inFlight = 0;
  private readonly open = new Set<InFlight>();
  private stopping = false;
  private cancelled = false;
  private stopped: LoadResult['stopped'] = 'duration';
  private fatal: Error | undefined;
  private dispatching = false;
  private settle!: () => void;

  // open model
  private readonly rps: number;
  /** Indices of the first measured request and of the first one due at or after the end (Infinity: no end) */
  private firstMeasured = 0;
  private endIndex = Infinity;
  private readonly maxInFlight: number;
  private next = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumpAt = Infinity;

  private sent = 0;
  private completed = 0;
  private ok = 0;
  private timeouts = 0;
  private failed = 0;
  private bytes = 0;
  private warmSent = 0;
  private warmCompleted = 0;
  private lastCompletion = 0;
  private readonly status: StatusCounts = { byStatus: {}, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 };
  private readonly failures = new Map<string, number>();

  private timers: NodeJS.Timeout[] = [];
  private refreshing = false;
  private lastRefresh = 0;

  constructor(
    private readonly opts: LoadOptions,
    private readonly plan: Plan,
    private token: string | undefined,
  ) {
    this.pool = new Pool(plan.origin, {
      connections: plan.connections,
      pipelining: plan.pipelining,
      connectTimeout: plan.timeoutMs,
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(opts.ca ? { connect: { ca: opts.ca } } : {}),
    });
    this.limit = opts.requests ?? Infinity;
    this.rps = opts.mode.kind === 'rate' ? opts.mode.rps : 0;
    this.maxInFlight = plan.workers;
    this.buildHeaders();
  }

  private buildHeaders(): void {
    const h: Record<string, string> = {};
    // content-length is undici's to write, from each body (a rotation's bodies differ in length).
    for (const [k, v] of Object.entries(this.opts.headers ?? {})) if (k.toLowerCase() !== 'content-length') h[k.toLowerCase()] = v;
    if (this.plan.bodies && h['content-type'] === undefined) h['content-type'] = 'application/json';
    if (this.token !== undefined) h.authorization = `Bearer ${this.token}`;
    if (this.opts.deployment) h['azureml-model-deployment'] = this.opts.deployment;
    this.headers = Object.entries(h).flat();
    this.dispatchOptions = {
      path: this.plan.path,
      method: this.plan.method,
      headers: this.headers,
      body: this.plan.bodies?.[0],
      // Pipelined requests must be safe to resend; scoring calls are.
      idempotent: this.plan.pipelining > 1 ? true : undefined,
    };
  }

  async run(): Promise<LoadResult> {
    const signal = this.opts.signal;
    const ended = new Promise<void>((resolve) => (this.settle = resolve));
    const onAbort = () => this.cancel();
    this.t0 = performance.now();
    this.measureStart = this.t0 + this.plan.warmupMs;
    this.series = new SeriesCollector(this.measureStart, this.opts.durationMs);
    if (this.opts.durationMs !== undefined) {
      this.durationEnd = this.measureStart + this.opts.durationMs;
      this.timers.push(setTimeout(() => this.stop('duration'), this.durationEnd - this.t0));
    }
    if (this.rps > 0) {
      // Request k is due k/rps seconds after the start; counted on indices so that float noise adds no request.
      const index = (ms: number) => Math.max(0, Math.ceil((ms * this.rps) / 1000 - 1e-9));
      this.firstMeasured = index(this.plan.warmupMs);
      if (this.opts.durationMs !== undefined) this.endIndex = index(this.plan.warmupMs + this.opts.durationMs);
    }
    if (this.opts.bearer) this.timers.push(setInterval(() => this.refreshBearer(), Math.max(1000, this.opts.bearerRefreshMs ?? 60_000)));
    this.timers.push(setInterval(() => this.sweep(), Math.min(250, Math.max(10, this.plan.timeoutMs / 10))));
    if (this.opts.onProgress) this.timers.push(setInterval(() => this.progress(), Math.max(100, this.opts.progressEveryMs ?? 5000)));
    if (signal?.aborted) this.cancel();
    else {
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.rps > 0) this.pump();
      else for (let i = 0; i < this.plan.workers && !this.stopping; i++) this.sendNow();
    }
    await ended;
    signal?.removeEventListener('abort', onAbort);
    for (const t of this.timers) clearTimeout(t);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    await (this.cancelled || this.fatal ? this.pool.destroy() : this.pool.close()).catch(() => undefined);
    if (this.fatal) {
      this.histogram.destroy();
      throw new Error(`Load: the request could not be sent: ${this.fatal.message}`, { cause: this.fatal });
    }
    return this.result();
  }

  /** Closed model: send one request now, if the run is still sending. */
  private sendNow(): void {
    if (this.stopping) return;
    const now = performance.now();
    if (now >= this.measureStart && this.sent >= this.limit) return this.stop('requests');
    this.send(now, now, now >= this.measureStart);
  }

  private dueAt(k: number): number {
    return this.t0 + (k * 1000) / this.rps;
  }

  /** Open model: send what is due and room allows, then wake up when the next one is due. */
  private pump(): void {
    if (this.stopping) return;
    const now = performance.now();
    while (this.inFlight < this.maxInFlight) {
      const due = this.dueAt(this.next);
      if (due > now) break;
      if (this.next >= this.endIndex) return this.stop('duration');
      const measured = this.next >= this.firstMeasured;
      if (measured && this.sent >= this.limit) return this.stop('requests');
      this.next++;
      this.send(due, now, measured);
      if (this.stopping) return;
    }
    if (this.inFlight >= this.maxInFlight) return; // an answer calls pump again
    const at = this.dueAt(this.next);
    if (this.pumpTimer !== undefined && this.pumpAt <= at) return;
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
    this.pumpAt = at;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pumpAt = Infinity;
      this.pump();
    }, Math.max(0, at - now));
  }

  private send(due: number, now: number, measured: boolean): void {
    if (measured) this.sent++;
    else this.warmSent++;
    this.inFlight++;
    const bodies = this.plan.bodies;
    // The pool may queue the options object as it is: a rotation needs one per request, one body can share it.
    const options = bodies && bodies.length > 1 ? { ...this.dispatchOptions, body: bodies[this.bodyIndex++ % bodies.length] } : this.dispatchOptions;
    this.dispatching = true;
    const r = new InFlight(this, due, now, measured);
    this.open.add(r);
    this.pool.dispatch(options, r);
    this.dispatching = false;
  }

  done(r: InFlight, err: Error | undefined): void {
    this.inFlight--;
    this.open.delete(r);
    if (err && this.dispatching) {
      // undici refused the request outright (a bad header, a closed pool): it would refuse every one.
      this.fatal ??= err;
      this.stop(this.stopped);
    }
    if (this.cancelled || this.fatal) return this.maybeSettle();
    const now = performance.now();
    if (!r.measured) this.warmCompleted++;
    else {
      this.completed++;
      this.lastCompletion = now;
      if (err) {
        if (TIMEOUT_CODES.has((err as { code?: string }).code ?? '')) this.timeouts++;
        else this.failed++;
        this.noteFailure(err.message || String(err));
        this.series.record(now, undefined, true);
      } else {
        const us = toMicros(now - r.due);
        this.histogram.recordValue(us);
        this.bytes += r.bytes;
        const s = r.status;
        this.status.byStatus[s] = (this.status.byStatus[s] ?? 0) + 1;
        const ok = s >= 200 && s < 300;
        if (ok) {
          this.ok++;
          this.status['2xx']++;
        } else if (s >= 300 && s < 400) this.status['3xx']++;
        else if (s >= 400 && s < 500) this.status['4xx']++;
        else if (s >= 500 && s < 600) this.status['5xx']++;
        else this.status.other++;
        this.series.record(now, us, !ok);
      }
    }
    if (r.status === 401 && this.opts.bearer && now - this.lastRefresh >= BEARER_RETRY_AFTER_401_MS) this.refreshBearer();
    if (this.stopping) return this.maybeSettle();
    if (this.rps > 0) this.pump();
    else this.sendNow();
  }

  /** Abort the requests in flight for longer than the timeout (undici calls their onError, with this error). */
  private sweep(): void {
    const before = performance.now() - this.plan.timeoutMs;
    for (const r of this.open) if (r.sentAt <= before && r.abort) r.abort(new LoadTimeoutError(this.plan.timeoutMs));
  }

  private stop(why: LoadResult['stopped']): void {
    if (this.stopping) return;
    this.stopping = true;
    this.stopped = why;
    this.maybeSettle();
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stopping = false; // stop() records the reason even after the duration ended
    this.stop('cancelled');
    this.settle();
  }

  private maybeSettle(): void {
    if (this.stopping && this.inFlight === 0) this.settle();
  }

  private noteFailure(message: string): void {
    const n = this.failures.get(message);
    if (n !== undefined) this.failures.set(message, n + 1);
    else if (this.failures.size < MAX_FAILURE_KINDS) this.failures.set(message, 1);
  }

  private refreshBearer(): void {
    const bearer = this.opts.bearer;
    if (!bearer || this.refreshing) return;
    this.refreshing = true;
    this.lastRefresh = performance.now();
    bearer().then(
      (t) => {
        this.refreshing = false;
        if (t !== this.token) {
          this.token = t;
          this.buildHeaders();
        }
      },
      (e: unknown) => {
        this.refreshing = false;
        this.noteFailure(`refreshing the credential: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  private progress(): void {
    const now = performance.now();
    const phase: LoadProgress['phase'] = this.stopping ? 'draining' : now < this.measureStart ? 'warm-up' : 'measuring';
    let etaMs: number | undefined;
    if (this.durationEnd !== Infinity) etaMs = Math.max(0, this.durationEnd - now);
    else if (this.completed > 0 && now > this.measureStart) etaMs = ((this.limit - this.completed) * (now - this.measureStart)) / this.completed;
    else if (now < this.measureStart && this.rps > 0) etaMs = this.measureStart - now + (this.limit * 1000) / this.rps;
    const p: LoadProgress = { phase, sent: this.sent, ok: this.ok, errors: this.completed - this.ok, elapsedMs: now - this.t0, ...(etaMs === undefined ? {} : { etaMs }) };
    try {
      this.opts.onProgress?.(p);
    } catch {
      // A progress callback that throws must not end the run; the figures are what matter.
    }
  }

  /** Open model, ended by the duration: measured requests that were due before the end but never sent. */
  private droppedCount(): number {
    if (this.rps === 0 || this.stopped !== 'duration') return 0;
    return Math.max(0, this.endIndex - Math.max(this.next, this.firstMeasured));
  }

  private result(): LoadResult {
    const now = performance.now();
    const endAt = this.stopped === 'cancelled' ? Math.max(now, this.measureStart) : Math.max(this.lastCompletion, this.stopped === 'duration' ? this.durationEnd : this.measureStart);
    const elapsedMs = Math.max(0, endAt - this.measureStart);
    const dropped = this.droppedCount();
    const bad = this.completed - this.ok + dropped;
    const due = this.completed + dropped;
    return {
      mode: this.opts.mode,
      stopped: this.stopped,
      sent: this.sent,
      completed: this.completed,
      ok: this.ok,
      status: this.status,
      timeouts: this.timeouts,
      failed: this.failed,
      dropped,
      errorRate: due === 0 ? 0 : bad / due,
      throughput: elapsedMs > 0 ? (this.completed * 1000) / elapsedMs : 0,
      elapsedMs,
      bytes: this.bytes,
      latency: summarizeLatency(this.histogram),
      histogram: this.histogram,
      series: this.series.finish(endAt),
      warmup: { ms: this.plan.warmupMs, sent: this.warmSent, completed: this.warmCompleted },
      failures: [...this.failures].map(([message, count]) => ({ message, count })),
    };
  }
}
