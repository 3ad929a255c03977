/**
 * Exact sorted values in bounded memory: each numerical column's values go into a Float64Array; when all columns'
 * arrays together would pass the memory budget, the largest is handed to the spill writer, which sorts it and writes
 * it to a temporary file as a run on a worker thread (spill-writer.ts). Reading merges the runs and the in-memory
 * rest in order, a block at a time (an external merge sort), so the Wasserstein distance,
 * the KS statistic and the histograms are exact over any number of rows (check-metrics.md §6–§7.8).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sortNumbers } from './sort';
import { SpillWriter } from './spill-writer';

export const DEFAULT_MEMORY_BUDGET = 40 * 1024 * 1024;
const MIN_CHUNK = 1024;
const READ_BLOCK = 16 * 1024;

export interface ArenaOptions {
  /**
   * Bytes of values held in memory over all columns (default 40 MiB): three quarters in the columns' arrays, spilled
   * to disk as runs beyond that, and a quarter for runs on their way to disk and buffers kept for reuse.
   */
  memoryBudget?: number;
  /** Where spilled runs go (a fresh folder under it, removed by `dispose`); default the OS temporary folder. */
  tempDir?: string;
  /** Sort and write spilled runs on a worker thread while reading goes on (default true; see spill-writer.ts). */
  spillWorker?: boolean;
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

  /** @internal sorts and writes the spilled runs (on a worker thread), within the budget's last quarter. */
  readonly writer: SpillWriter;

  constructor(private readonly options: ArenaOptions = {}) {
    const total = Math.max(MIN_CHUNK * 4, Math.floor((options.memoryBudget ?? DEFAULT_MEMORY_BUDGET) / 8));
    this.budgetValues = Math.max(MIN_CHUNK * 4, Math.floor(total * 0.75));
    this.writer = new SpillWriter(total - this.budgetValues, options.spillWorker ?? true);
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
    this.writer.dispose();
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

/**
 * A sorted source read a block at a time: `block[at..len)` are the next values; `next()` loads the following block
 * and says whether there was one. The merge reads these fields directly (no call per value).
 */
interface BlockSource {
  block: Float64Array;
  at: number;
  len: number;
  next(): boolean;
  close(): void;
}

/** Sequential reader of a sorted run on disk. */
class RunSource implements BlockSource {
  block = new Float64Array(READ_BLOCK);
  at = 0;
  len = 0;
  private fd: number;
  private consumed = 0;

  constructor(private readonly run: Run) {
    this.fd = openSync(run.path, 'r');
    this.next();
  }

  next(): boolean {
    const want = Math.min(READ_BLOCK, this.run.length - this.consumed);
    this.at = 0;
    this.len = want;
    if (want === 0) {
      this.close();
      return false;
    }
    const bytes = new Uint8Array(this.block.buffer, 0, want * 8);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, this.consumed * 8 + done);
      if (n === 0) throw new Error(`spilled run ${this.run.path} is shorter than expected`);
      done += n;
    }
    this.consumed += want;
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Sorted values in memory, as one block. */
class ArraySource implements BlockSource {
  at = 0;
  len: number;
  constructor(public block: Float64Array) {
    this.len = block.length;
  }
  next(): boolean {
    return false;
  }
  close(): void {}
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

/**
 * k-way merge of sorted sources into a block of output (a binary heap of source indices keyed on their heads),
 * so reading a value is an array access and the heap work runs in one tight loop per block.
 */
class MergeCursor implements SortedCursor {
  private readonly sources: BlockSource[];
  private readonly heads: Float64Array;
  private readonly heap: Int32Array;
  private size = 0;
  private readonly out = new Float64Array(READ_BLOCK);
  private at = 0;
  private len = 0;

  constructor(sources: BlockSource[]) {
    this.sources = sources;
    this.heads = new Float64Array(sources.length);
    this.heap = new Int32Array(sources.length);
    sources.forEach((s, i) => {
      if (s.at < s.len) {
        this.heads[i] = s.block[s.at]!;
        this.heap[this.size++] = i;
      } else s.close();
    });
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i);
    this.fill();
  }

  private down(i: number): void {
    const { heap, heads, size } = this;
    const x = heap[i]!;
    const hx = heads[x]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let m = l;
      if (r < size && heads[heap[r]!]! < heads[heap[l]!]!) m = r;
      if (!(heads[heap[m]!]! < hx)) break;
      heap[i] = heap[m]!;
      i = m;
    }
    heap[i] = x;
  }

  private fill(): void {
    const { out, heap, heads, sources } = this;
    let n = 0;
    while (n < out.length && this.size > 0) {
      const s = heap[0]!;
      const src = sources[s]!;
      out[n++] = heads[s]!;
      if (++src.at < src.len || src.next()) heads[s] = src.block[src.at]!;
      else {
        src.close();
        heap[0] = heap[--this.size]!;
      }
      if (this.size > 1) this.down(0);
    }
    this.at = 0;
    this.len = n;
  }

  get done(): boolean {
    return this.at >= this.len;
  }

  peek(): number {
    return this.out[this.at]!;
  }

  advance(): void {
    if (++this.at === this.len) this.fill();
  }

  close(): void {
    for (let i = 0; i < this.size; i++) this.sources[this.heap[i]!]!.close();
    this.size = 0;
    this.len = 0;
    this.at = 0;
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

  /**
   * @internal hands the in-memory values to the arena's writer, which sorts them and writes them to disk as a run;
   * with `keep` the store goes on with an empty array of the same size, else its memory goes back to the arena.
   */
  spill(keep: boolean): void {
    const capacity = this.buf.length;
    if (this.len > 0) {
      const path = this.arena.runPath();
      this.arena.writer.write(this.buf, this.len, path);
      this.runs.push({ path, length: this.len });
      this.arena.spilledValues += this.len;
      this.len = 0;
      this.buf = keep ? this.arena.writer.array(capacity) : new Float64Array(0);
    } else if (!keep) this.buf = new Float64Array(0);
    if (!keep) this.arena.release(capacity);
  }

  /** Number of runs on disk. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** The values in ascending order. */
  cursor(): SortedCursor {
    if (this.runs.length > 0) this.arena.writer.flush();
    const mem = this.buf.subarray(0, this.len);
    if (!this.sorted) {
      sortNumbers(mem);
      this.sorted = true;
    }
    if (this.runs.length === 0) return new ArrayCursor(mem);
    return new MergeCursor([new ArraySource(mem), ...this.runs.map((r) => new RunSource(r))]);
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
