/**
 * Exact sorted values in bounded memory: each numerical column's values go into a Float64Array; when all columns'
 * arrays together would pass the memory budget, the largest is sorted and written to a temporary file as a run.
 * Reading merges the runs and the in-memory rest in order (an external merge sort), so the Wasserstein distance,
 * the KS statistic and the histograms are exact over any number of rows (check-metrics.md §6–§7.8).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sortNumbers } from './sort';

export const DEFAULT_MEMORY_BUDGET = 64 * 1024 * 1024;
const MIN_CHUNK = 1024;
const READ_BLOCK = 16 * 1024;

export interface ArenaOptions {
  /** Bytes of values held in memory over all columns before runs are spilled to disk (default 64 MiB). */
  memoryBudget?: number;
  /** Where spilled runs go (a fresh folder under it, removed by `dispose`); default the OS temporary folder. */
  tempDir?: string;
}

/** The shared budget of a set of stores and the folder their runs spill to. */
export class SpillArena {
  readonly budgetValues: number;
  private held = 0;
  private dir?: string;
  private files = 0;
  private readonly stores = new Set<ValueStore>();
  /** Values written to disk so far (for reports and tests). */
  spilledValues = 0;

  constructor(private readonly options: ArenaOptions = {}) {
    this.budgetValues = Math.max(MIN_CHUNK * 4, Math.floor((options.memoryBudget ?? DEFAULT_MEMORY_BUDGET) / 8));
  }

  store(): ValueStore {
    const s = new ValueStore(this);
    this.stores.add(s);
    return s;
  }

  /**
   * @internal a store asks for `extra` more slots. Other stores are spilled (largest first) and give their memory
   * back until the request fits; when the asking store is the largest it is spilled instead and keeps its array, and
   * the answer is false (it has room again without growing).
   */
  reserve(extra: number, asking: ValueStore): boolean {
    while (this.held + extra > this.budgetValues) {
      let largest: ValueStore | undefined;
      for (const s of this.stores) if (s.capacity > (largest?.capacity ?? 0)) largest = s;
      if (!largest || largest.capacity === 0) break;
      if (largest === asking) {
        asking.spill(true);
        return false;
      }
      largest.spill(false);
    }
    this.held += extra;
    return true;
  }

  /** @internal */
  release(slots: number): void {
    this.held -= slots;
  }

  /** @internal a new run file path. */
  runPath(): string {
    this.dir ??= mkdtempSync(join(this.options.tempDir ?? tmpdir(), 'aml-values-'));
    return join(this.dir, `run-${this.files++}.f64`);
  }

  dispose(): void {
    for (const s of this.stores) s.drop();
    this.stores.clear();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

interface Run {
  path: string;
  length: number;
}

/** Sequential reader of a sorted run on disk. */
class RunCursor {
  private fd: number;
  private block = new Float64Array(READ_BLOCK);
  private at = 0;
  private len = 0;
  private consumed = 0;

  constructor(private readonly run: Run) {
    this.fd = openSync(run.path, 'r');
    this.fill();
  }

  private fill(): void {
    const want = Math.min(READ_BLOCK, this.run.length - this.consumed);
    const bytes = new Uint8Array(this.block.buffer, 0, want * 8);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, this.consumed * 8 + done);
      if (n === 0) throw new Error(`spilled run ${this.run.path} is shorter than expected`);
      done += n;
    }
    this.consumed += want;
    this.at = 0;
    this.len = want;
    if (want === 0) this.close();
  }

  get done(): boolean {
    return this.len === 0;
  }

  peek(): number {
    return this.block[this.at]!;
  }

  advance(): void {
    if (++this.at === this.len) this.fill();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Ascending values, one at a time. */
export interface SortedCursor {
  readonly done: boolean;
  peek(): number;
  advance(): void;
  close(): void;
}

class ArrayCursor implements SortedCursor {
  private at = 0;
  constructor(private readonly values: Float64Array) {}
  get done(): boolean {
    return this.at >= this.values.length;
  }
  peek(): number {
    return this.values[this.at]!;
  }
  advance(): void {
    this.at++;
  }
  close(): void {}
}

/** k-way merge of sorted cursors (a binary heap on their heads). */
class MergeCursor implements SortedCursor {
  private heap: SortedCursor[];

  constructor(cursors: SortedCursor[]) {
    this.heap = cursors.filter((c) => !c.done);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.peek() < h[m]!.peek()) m = l;
      if (r < h.length && h[r]!.peek() < h[m]!.peek()) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  get done(): boolean {
    return this.heap.length === 0;
  }

  peek(): number {
    return this.heap[0]!.peek();
  }

  advance(): void {
    const top = this.heap[0]!;
    top.advance();
    if (top.done) {
      top.close();
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return;
      if (last !== top) this.heap[0] = last;
    }
    this.down(0);
  }

  close(): void {
    for (const c of this.heap) c.close();
    this.heap = [];
  }
}

/** One column's values: append in any order, then read them sorted (any number of times). */
export class ValueStore {
  private buf = new Float64Array(0);
  private len = 0;
  private runs: Run[] = [];
  private sorted = false;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(private readonly arena: SpillArena) {}

  push(x: number): void {
    if (this.len === this.buf.length) this.grow();
    this.buf[this.len++] = x;
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sorted = false;
  }

  /** @internal slots allocated in memory. */
  get capacity(): number {
    return this.buf.length;
  }

  private grow(): void {
    const room = Math.min(Math.max(MIN_CHUNK, this.buf.length * 2), this.arena.budgetValues);
    if (room <= this.buf.length) {
      this.spill(true); // at the largest size the budget allows: write a run, reuse the array
      return;
    }
    if (!this.arena.reserve(room - this.buf.length, this)) return;
    const bigger = new Float64Array(room);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  /** @internal sorts the in-memory values and writes them to disk as a run; without `keep` the array is freed. */
  spill(keep: boolean): void {
    if (this.len > 0) {
      const values = this.buf.subarray(0, this.len);
      sortNumbers(values);
      const path = this.arena.runPath();
      const fd = openSync(path, 'w');
      try {
        const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      } finally {
        closeSync(fd);
      }
      this.runs.push({ path, length: this.len });
      this.arena.spilledValues += this.len;
      this.len = 0;
    }
    if (!keep) {
      this.arena.release(this.buf.length);
      this.buf = new Float64Array(0);
    }
  }

  /** Number of runs on disk. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** The values in ascending order. */
  cursor(): SortedCursor {
    const mem = this.buf.subarray(0, this.len);
    if (!this.sorted) {
      sortNumbers(mem);
      this.sorted = true;
    }
    if (this.runs.length === 0) return new ArrayCursor(mem);
    return new MergeCursor([new ArrayCursor(mem), ...this.runs.map((r) => new RunCursor(r))]);
  }

  /** Frees the memory now (the arena removes the files when it is disposed). */
  drop(): void {
    this.arena.release(this.buf.length);
    this.buf = new Float64Array(0);
    this.len = 0;
    this.runs = [];
  }
}

/** Sorted values already in memory (e.g. loaded from a saved profile), with the store's reading interface. */
export function sortedArray(values: Float64Array): { count: number; min: number; max: number; cursor(): SortedCursor } {
  const v = Float64Array.from(values).sort();
  return { count: v.length, min: v.length ? v[0]! : Infinity, max: v.length ? v[v.length - 1]! : -Infinity, cursor: () => new ArrayCursor(v) };
}

/** What the drift metrics read from a numerical column. */
export interface SortedValues {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  cursor(): SortedCursor;
}
