import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { minify } from 'terser';
import { CHUNK_MINIFY } from '../../../../shared/build/minify-options';
import { radixSorter } from '../../../../shared/src/checks/data/sort';
import { runWriter, SpillWriter } from '../../../../shared/src/checks/data/spill-writer';
import { SpillArena } from '../../../../shared/src/checks/data/value-store';

function values(n: number, seed: number): Float64Array {
  let a = seed;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a * 1103515245 + 12345) % 2147483648;
    out[i] = (a / 2147483648 - 0.5) * 1e6;
  }
  out[0] = -0;
  out[1] = 0;
  return out;
}

const readRun = (path: string) => new Float64Array(new Uint8Array(readFileSync(path)).buffer);

describe('spilled runs sorted and written on a worker thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spill-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test.each([true, false])('worker %s: each run on disk is the sorted prefix handed over, as the built-in sort orders it', (useWorker) => {
    const w = new SpillWriter(10_000, useWorker);
    const inputs = [values(50_000, 1), values(3_000, 2), values(20_000, 3)];
    const expected = inputs.map((v, i) => Float64Array.from(v.subarray(0, v.length - i)).sort());
    inputs.forEach((v, i) => w.write(v, v.length - i, join(dir, `run-${i}.f64`)));
    if (useWorker) expect(inputs[0]!.length).toBe(0); // handed over, not copied
    w.flush();
    expect(w.pendingValues).toBe(0);
    expected.forEach((e, i) => expect(Array.from(readRun(join(dir, `run-${i}.f64`)))).toEqual(Array.from(e)));
    w.dispose();
  });

  test('a buffer the worker hands back is reused for the next array of its size', () => {
    const w = new SpillWriter(1 << 20);
    const first = values(4096, 4);
    const sorted = Float64Array.from(first).sort();
    w.write(first, 4096, join(dir, 'a.f64'));
    w.flush();
    // the worker's buffer, still holding the run it sorted (a store only reads what it wrote since)
    const again = w.array(4096);
    expect(Array.from(again.subarray(0, 5))).toEqual(Array.from(sorted.subarray(0, 5)));
    // the pool held one buffer of that size; the next array is a new one, and a size not pooled is new too
    expect(Array.from(w.array(4096).subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(w.array(1024).length).toBe(1024);
    w.dispose();
  });

  test('a run that cannot be written is an error at the next flush, naming the cause', () => {
    const w = new SpillWriter(1 << 20);
    w.write(values(4096, 5), 4096, join(dir, 'missing-folder', 'run.f64'));
    expect(() => w.flush()).toThrow(/writing a spilled run failed: .*ENOENT/);
    w.dispose();
  });

  test('a store spilled through the worker reads back every value in order, the same as without it', () => {
    const read = (spillWorker: boolean) => {
      const arena = new SpillArena({ memoryBudget: 64 * 1024, tempDir: dir, spillWorker });
      const a = arena.store();
      const b = arena.store();
      const va = values(100_000, 6);
      const vb = values(30_000, 7);
      for (let i = 0; i < va.length; i++) {
        a.push(va[i]!);
        if (i < vb.length) b.push(vb[i]!);
      }
      const out: number[][] = [];
      for (const s of [a, b]) {
        const c = s.cursor();
        const got: number[] = [];
        for (; !c.done; c.advance()) got.push(c.peek());
        out.push(got);
      }
      expect(a.spilledRuns).toBeGreaterThan(3);
      const spilled = arena.spilledValues;
      arena.dispose();
      return { out, spilled, expected: [Array.from(va.sort()), Array.from(vb.sort())] };
    };
    const withWorker = read(true);
    const without = read(false);
    expect(withWorker.out).toEqual(withWorker.expected);
    expect(without.out).toEqual(withWorker.out);
    expect(withWorker.spilled).toBe(without.spilled);
  });

  test('the sort and the run writer the worker runs from their source text use no outer name, also as the bundles minify them', async () => {
    const input = values(10_000, 8);
    const expected = Array.from(Float64Array.from(input).sort());
    const forms = async (f: { toString(): string }) => {
      const min = await minify(`var s = ${f.toString()};`, CHUNK_MINIFY);
      return [`(${f.toString()})`, `(function(){${min.code!}; return s;})()`];
    };
    for (const source of await forms(radixSorter)) {
      const sort = runInNewContext(`var __name = (f) => f; ${source}`, { Float64Array, Uint32Array }) as () => (v: Float64Array) => Float64Array;
      expect(Array.from(sort()(Float64Array.from(input)))).toEqual(expected);
    }
    for (const [i, source] of (await forms(runWriter)).entries()) {
      const make = runInNewContext(`var __name = (f) => f; ${source}`, { Uint8Array }) as typeof runWriter;
      const path = join(dir, `writer-${i}.f64`);
      make(require('node:fs') as typeof import('node:fs'))(path, Float64Array.from(expected));
      expect(Array.from(readRun(path))).toEqual(expected);
    }
  });

  test('disposing an arena with runs still in flight leaves no run file behind', async () => {
    const arena = new SpillArena({ memoryBudget: 64 * 1024, tempDir: dir });
    const store = arena.store();
    const v = values(200_000, 9);
    for (let i = 0; i < v.length; i++) store.push(v[i]!);
    expect(store.spilledRuns).toBeGreaterThan(5);
    arena.dispose();
    // a run the worker was still writing would appear after the removal
    await new Promise((r) => setTimeout(r, 300));
    expect(readdirSync(dir)).toEqual([]);
  });
});
