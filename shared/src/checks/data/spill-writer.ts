/**
 * Spilled runs are sorted and written by a worker thread while the profile pass goes on reading: the pass hands a
 * full buffer over (transferred, not copied) and carries on with another; the worker sorts it with the same radix
 * sort (sort.ts, run from its source text) and writes the run file, then hands the buffer back for reuse. The
 * worker starts at the first spill, so data that fits in memory never starts it.
 *
 * The pass stays synchronous: completions are read with `receiveMessageOnPort`, and waiting (for room when
 * `maxSlots` values are in flight, or for every run before a store is read) blocks on an `Atomics` counter the
 * worker raises. Where no worker can be started, the runs are sorted and written on the calling thread.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { radixSorter, sortNumbers } from './sort';

interface Job {
  id: number;
  buffer: ArrayBuffer;
  length: number;
  path: string;
}

interface Done {
  id: number;
  buffer: ArrayBuffer;
  error?: string;
}

/** A stalled worker (it died, or the disk hangs) is an error after this long without a finished run. */
const STALL_MS = 30_000;

type RunFs = Pick<typeof import('node:fs'), 'openSync' | 'writeSync' | 'closeSync'>;

/**
 * Makes the run writer: `values` to `path` as raw little-endian doubles. Like `radixSorter` it uses no outer name
 * (`fs` comes in), so the worker runs it from its source text.
 */
export function runWriter(fs: RunFs): (path: string, values: Float64Array) => void {
  return (path, values) => {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const fd = fs.openSync(path, 'w');
    try {
      let at = 0;
      while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      fs.closeSync(fd);
    }
  };
}

const writeRun = runWriter({ openSync, writeSync, closeSync });

/**
 * The worker's program. `__name` is a no-op stand-in for the helper esbuild calls in code built with keepNames
 * (the tests' transform); bundles have no such calls.
 */
const workerSource = (): string => `'use strict';
var __name = (f) => f;
const { workerData } = require('node:worker_threads');
const sort = (${radixSorter.toString()})();
const writeRun = (${runWriter.toString()})(require('node:fs'));
const done = new Int32Array(workerData.done);
const port = workerData.port;
port.on('message', (job) => {
  let error;
  try {
    const values = new Float64Array(job.buffer, 0, job.length);
    writeRun(job.path, sort(values));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  port.postMessage({ id: job.id, buffer: job.buffer, error }, [job.buffer]);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

export class SpillWriter {
  private worker?: Worker;
  private port?: MessagePort;
  private unavailable = false;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private sent = 0;
  private finished = 0;
  private readonly inFlight = new Map<number, number>();
  private slots = 0;
  private failure?: Error;
  /** Buffers handed back, by byte length, for the next store that needs one of that size. */
  private readonly pool: ArrayBuffer[] = [];
  private pooledBytes = 0;

  /**
   * `maxSlots`: values in flight before `write` waits (one run is always allowed, whatever its size); buffers are
   * kept for reuse only while they and the runs in flight fit in it.
   */
  constructor(
    private readonly maxSlots: number,
    private readonly useWorker = true,
  ) {}

  /** Values handed over and not yet written. */
  get pendingValues(): number {
    return this.slots;
  }

  /**
   * Sorts the first `length` values of `values` and writes them to `path`. The array's buffer is handed over:
   * `values` is unusable afterwards.
   */
  write(values: Float64Array, length: number, path: string): void {
    this.check();
    if (values.byteOffset !== 0 || !this.start()) {
      writeRun(path, sortNumbers(values.subarray(0, length)));
      return;
    }
    while (this.inFlight.size > 0 && this.slots + length > this.maxSlots) this.waitOne();
    const id = ++this.sent;
    this.inFlight.set(id, length);
    this.slots += length;
    const job: Job = { id, buffer: values.buffer as ArrayBuffer, length, path };
    this.port!.postMessage(job, [job.buffer]);
  }

  /** A zeroed-or-reused array of `capacity` values (a buffer the worker handed back, when one has that size). */
  array(capacity: number): Float64Array<ArrayBuffer> {
    this.drain();
    const at = this.pool.findIndex((b) => b.byteLength === capacity * 8);
    if (at < 0) return new Float64Array(capacity);
    const [buffer] = this.pool.splice(at, 1);
    this.pooledBytes -= buffer!.byteLength;
    return new Float64Array(buffer!);
  }

  /** Waits until every run handed over is on disk; throws the first write error. */
  flush(): void {
    while (this.inFlight.size > 0) this.waitOne();
    this.check();
  }

  /**
   * Stops the worker. Runs still in flight are waited for first (not thrown): the arena removes their folder next,
   * and a file written after that would leave it behind.
   */
  dispose(): void {
    try {
      this.flush();
    } catch {
      // a write error was the caller's to see at its flush; the files are being removed anyway
    }
    this.pool.length = 0;
    this.pooledBytes = 0;
    this.port?.close();
    void this.worker?.terminate();
    this.worker = undefined;
    this.port = undefined;
  }

  private start(): boolean {
    if (this.worker) return true;
    if (!this.useWorker || this.unavailable) return false;
    try {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource(), { eval: true, workerData: { done: this.done.buffer, port: port2 }, transferList: [port2] });
      worker.unref();
      worker.on('error', (e) => {
        this.failure ??= new Error(`the worker writing spilled runs failed: ${e.message}`);
      });
      this.worker = worker;
      this.port = port1;
      return true;
    } catch {
      this.unavailable = true;
      return false;
    }
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private drain(): void {
    if (!this.port) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const d = m.message as Done;
      this.finished++;
      this.slots -= this.inFlight.get(d.id) ?? 0;
      this.inFlight.delete(d.id);
      if (d.error) this.failure ??= new Error(`writing a spilled run failed: ${d.error}`);
      else if (this.pooledBytes + d.buffer.byteLength + this.slots * 8 <= this.maxSlots * 8) {
        this.pool.push(d.buffer);
        this.pooledBytes += d.buffer.byteLength;
      }
    }
  }

  private waitOne(): void {
    const target = this.finished + 1;
    let waited = 0;
    for (;;) {
      this.drain();
      if (this.finished >= target || this.inFlight.size === 0) return;
      const raised = Atomics.load(this.done, 0);
      if (raised >= target) continue; // posted just before the counter rose: the message is there now
      if (Atomics.wait(this.done, 0, raised, 1000) === 'timed-out') {
        waited += 1000;
        if (waited >= STALL_MS) throw new Error(`the worker writing spilled runs has not finished a run in ${STALL_MS / 1000} s`);
      }
    }
  }
}
