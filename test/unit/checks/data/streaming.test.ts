// A generated 200,000-row CSV read in streaming passes: with a 1 MiB budget the sorted values spill to disk, and
// every result equals the all-in-memory computation and independent brute-force values.
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateDataQuality, evaluateDrift, rowsSource, type Cell, type DriftResult } from '../../../../shared/src/checks/data';
import { StreamingNumpySum, numpySum } from '../../../../shared/src/checks/data/numeric';

const ROWS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'chk-stream-'));

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  path: string;
  x: number[];
  rows: Cell[][];
}

/** Writes the file in pieces; also returns the values for the independent checks. */
function generate(name: string, seed: number, shift: number): Generated {
  const r = rng(seed);
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const x: number[] = [];
  const rows: Cell[][] = [];
  let chunk = 'x,u,level,city,maybe\n';
  for (let i = 0; i < ROWS; i++) {
    const xi = Math.round((Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()) * 10 + 50 + shift) * 1000) / 1000;
    const u = Math.round(r() * 1e6) / 1e3;
    const level = Math.floor(r() * (4 + shift)); // 4 or 5 values in 200,000 rows: categorical
    const city = ['Oslo', 'Lima', 'Pune, IN', 'Quito'][Math.floor(r() * 4)]!;
    const maybe = r() < 0.01 ? null : Math.round(r() * 100);
    x.push(xi);
    rows.push([xi, u, level, city, maybe]);
    chunk += `${xi},${u},${level},${city.includes(',') ? `"${city}"` : city},${maybe ?? ''}\n`;
    if (chunk.length > 1 << 16) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return { path, x, rows };
}

/** ∫|F_b − F_p| by sorting both samples: an independent Wasserstein distance (summed in a different order). */
function bruteWasserstein(a: number[], b: number[]): number {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const all = Float64Array.from([...a, ...b]).sort();
  let i = 0;
  let j = 0;
  let total = 0;
  for (let k = 0; k + 1 < all.length; k++) {
    while (i < sa.length && sa[i]! <= all[k]!) i++;
    while (j < sb.length && sb[j]! <= all[k]!) j++;
    total += Math.abs(i / sa.length - j / sb.length) * (all[k + 1]! - all[k]!);
  }
  return total;
}

describe('streaming a 200,000-row CSV', () => {
  let base: Generated;
  let target: Generated;
  let spilled: DriftResult;
  const options = {
    numericalMetrics: ['NormalizedWassersteinDistance', 'JensenShannonDistance', 'PopulationStabilityIndex'] as const,
    categoricalMetrics: ['JensenShannonDistance', 'PearsonsChiSquaredTest'] as const,
  };

  beforeAll(async () => {
    base = generate('base.csv', 1, 0);
    target = generate('target.csv', 2, 1);
    spilled = await evaluateDrift(base.path, target.path, { ...options, memoryBudget: 1 << 20 });
  }, 120_000);

  it('types and counts every row; the row-wise dropna removes the rows with a missing "maybe"', () => {
    expect(spilled.baselineRows).toBe(ROWS);
    expect(spilled.targetRows).toBe(ROWS);
    expect(spilled.features.map((f) => `${f.name}:${f.type}`)).toEqual(['x:numerical', 'u:numerical', 'level:categorical', 'city:categorical', 'maybe:categorical']);
    const missing = base.rows.filter((r) => r[4] === null).length;
    expect(missing).toBeGreaterThan(1000);
    expect(spilled.baselineRowCount).toBe(ROWS - missing);
  });

  it('spills sorted runs to disk under a 1 MiB budget and gets the same numbers as in memory', async () => {
    expect(spilled.spilledValues).toBeGreaterThan(ROWS);
    const inMemory = await evaluateDrift(base.path, target.path, options);
    expect(inMemory.spilledValues).toBe(0);
    expect(spilled.rows).toEqual(inMemory.rows);
  }, 120_000);

  it('agrees with rows held in memory and with brute-force W1', async () => {
    const cols = ['x', 'u', 'level', 'city', 'maybe'];
    const dtypes = { x: 'double', u: 'double', level: 'bigint', city: 'string', maybe: 'bigint' } as const;
    const fromRows = await evaluateDrift(rowsSource(cols, base.rows, { dtypes }), rowsSource(cols, target.rows, { dtypes }), options);
    expect(fromRows.rows).toEqual(spilled.rows);
    const keep = (g: Generated) => g.rows.filter((r) => r[4] !== null).map((r) => r[0] as number);
    const w1 = bruteWasserstein(keep(base), keep(target));
    const nwd = spilled.rows.find((r) => r.feature === 'x' && r.metric === 'NormalizedWassersteinDistance')!;
    expect((nwd.detail as { wasserstein: number }).wasserstein).toBeCloseTo(w1, 10);
    expect(w1).toBeGreaterThan(0.9); // the target is shifted by 1
    expect(nwd.passed).toBe(false);
    expect(spilled.rows.find((r) => r.feature === 'city' && r.metric === 'JensenShannonDistance')!.passed).toBe(true);
    // the new level 4 in the target: χ² p = 0
    expect(spilled.rows.find((r) => r.feature === 'level' && r.metric === 'PearsonsChiSquaredTest')!.value).toBe(0);
  }, 120_000);

  it('data quality over the same file: null rate of "maybe", unseen level, no duplicates', async () => {
    const q = await evaluateDataQuality(base.path, target.path, { metrics: ['NullValueRate', 'UnseenCategoryRate', 'DuplicateRowRate'] });
    const nulls = target.rows.filter((r) => r[4] === null).length;
    // toFixed rounds the binary value as Python's round does (only exact ties differ, and k/200000 has none)
    expect(q.rows.find((r) => r.feature === 'maybe' && r.metric === 'NullValueRate')!.value).toBe(Number((nulls / ROWS).toFixed(5)));
    const unseen = target.rows.filter((r) => r[2] === 4).length;
    expect(q.rows.find((r) => r.feature === 'level' && r.metric === 'UnseenCategoryRate')!.value).toBe(Number((unseen / ROWS).toFixed(5)));
    expect(q.rows.find((r) => r.metric === 'DuplicateRowRate')!.value).toBe(0);
  }, 120_000);
});

describe("numpy's pairwise order, fed one value at a time", () => {
  it('equals the array version for every length up to 600 and a few large ones', () => {
    const r = rng(7);
    for (const n of [...Array.from({ length: 600 }, (_, i) => i), 4097, 65_537, 300_001]) {
      const a = Array.from({ length: n }, () => (r() - 0.5) * 10 ** Math.floor(r() * 8));
      const s = new StreamingNumpySum(n);
      for (const v of a) s.add(v);
      expect(s.result()).toBe(numpySum(a));
    }
  });
});
