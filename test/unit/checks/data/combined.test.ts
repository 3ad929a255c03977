// Drift and quality together (evaluateDataChecks): one dtype pass and one profile pass per file, the same rows as the
// two checks give separately, whatever the options select.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateDataChecks, evaluateDataQuality, evaluateDrift, openDataSource, type DataSource } from '../../../../shared/src/checks/data';

const dir = mkdtempSync(join(tmpdir(), 'chk-combined-'));
let seq = 0;

/** Rows with nulls, NaN, an integer categorical and a wide integer column, a string with quoted commas, repeats. */
function csv(rows: number, shift: number, extra = ''): string {
  const lines = [`x,y,k,wide,city,flag${extra ? ',' + extra : ''}`];
  for (let i = 0; i < rows; i++) {
    const x = i % 17 === 3 ? '' : i % 23 === 5 ? 'NaN' : String(((i * 7919) % 1000) / 10 + shift);
    const y = ((i * 104729) % 997) / 3 + shift * 2;
    const city = i % 11 === 0 ? '' : ['"a, b"', 'c', 'd', shift ? 'e' : 'c'][i % 4];
    const row = [x, y.toFixed(3), String(i % 4), String((i * 31) % 500), city, i % 2 ? 'true' : 'false'];
    if (extra) row.push(String(i % 3));
    lines.push((i % 40 === 39 ? lines[1]! : row.join(',')));
  }
  const p = join(dir, `c${seq++}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** A source that counts how often it is read (without the file's identity, no dtypes are kept for it unless asked). */
function counting(path: string, keep = false): { source: DataSource; reads: () => number } {
  const inner = openDataSource(path);
  let n = 0;
  return {
    source: { ...inner, schema: () => inner.schema(), batches: (hint) => (n++, inner.batches(hint)), identity: keep ? inner.identity : undefined },
    reads: () => n,
  };
}

describe('evaluateDataChecks', () => {
  const b = csv(400, 0);
  const t = csv(300, 1, 'only_target');

  it.each([
    ['defaults', {}, {}],
    [
      'metrics, subsets and overrides',
      { numericalMetrics: ['NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest', 'JensenShannonDistance'], categoricalMetrics: ['JensenShannonDistance', 'PearsonsChiSquaredTest'], overrides: { numerical: ['k'] } },
      { features: { subset: ['x', 'city'] }, metrics: ['NullValueRate', 'OutOfBoundsRate', 'DuplicateRowRate'] },
    ],
    ['drift on fewer features than quality', { features: { subset: ['y', 'k'] } }, { overrides: { categorical: ['wide'] } }],
  ] as const)('gives the rows of the separate checks (%s) reading each file twice', async (_, drift, quality) => {
    const bs = counting(b);
    const ts = counting(t);
    const both = await evaluateDataChecks(bs.source, ts.source, { drift: drift as never, quality: quality as never });
    expect([bs.reads(), ts.reads()]).toEqual([2, 2]);
    const d = await evaluateDrift(b, t, drift as never);
    const q = await evaluateDataQuality(b, t, quality as never);
    expect(both.drift).toEqual(d);
    expect(both.quality).toEqual(q);
    expect(both.quality!.rows.length).toBeGreaterThan(0);
    expect(both.drift!.rows.length).toBeGreaterThan(0);
  });

  // reads: both guesses (a part of each file), one pass each, and when a guess was wrong both profiles again (and the
  // target's dtypes when the baseline's guess was wrong, found before the target pass)
  it.each([
    ['baseline', 'x', '2.5', 6],
    ['baseline', 'k', 'seven', 6],
    ['target', 'wide', '1.5', 6],
    ['target', 'late', '3', 6],
    ['both', 'x', '1e3', 6],
    ['both', 'late', 'x', 4],
  ])('gives the same rows whether the dtypes guessed from the first rows are right or not (%s: %s is %j later)', async (side, column, value, reads) => {
    const lines = (rows: number, shift: number) => {
      const out = ['x,k,wide,late,city'];
      for (let i = 0; i < rows; i++) out.push([String(i % 9 + shift), String(i % 3), String((i * 37) % 101), i < 20 ? '' : String(i % 5), i % 2 ? 'a' : 'b'].join(','));
      return out;
    };
    const write = (rows: string[]) => {
      const p = join(dir, `g${seq++}.csv`);
      writeFileSync(p, rows.join('\n') + '\n');
      return p;
    };
    const change = (rows: string[]) => {
      const at = rows[0]!.split(',').indexOf(column);
      const cells = rows[150]!.split(',');
      cells[at] = value;
      rows[150] = cells.join(',');
      return rows;
    };
    const b = write(side === 'target' ? lines(200, 0) : change(lines(200, 0)));
    const t = write(side === 'baseline' ? lines(180, 1) : change(lines(180, 1)));
    const bs = counting(b);
    const ts = counting(t);
    const options = { drift: { numericalMetrics: ['NormalizedWassersteinDistance', 'JensenShannonDistance'] as const }, quality: {} };
    const both = await evaluateDataChecks(bs.source, ts.source, options as never, 10);
    expect(both.drift).toEqual(await evaluateDrift(b, t, options.drift as never));
    expect(both.quality).toEqual(await evaluateDataQuality(b, t));
    expect(bs.reads() + ts.reads()).toBe(reads);
    const guessed = await evaluateDataChecks(b, t, options as never, 1000);
    expect(guessed).toMatchObject({ drift: both.drift, quality: both.quality });
  });

  it("keeps a file's dtypes while it is unchanged: a second check of the pair skips the dtype passes", async () => {
    const b2 = csv(400, 0);
    const t2 = csv(300, 1);
    const bs = counting(b2, true);
    const ts = counting(t2, true);
    const q = await evaluateDataQuality(bs.source, ts.source);
    expect([bs.reads(), ts.reads()]).toEqual([2, 2]);
    const d = await evaluateDrift(bs.source, ts.source);
    expect([bs.reads(), ts.reads()]).toEqual([3, 3]);
    expect(d).toEqual(await evaluateDrift(b2, t2));
    expect(q).toEqual(await evaluateDataQuality(b2, t2));
    const both = await evaluateDataChecks(bs.source, ts.source, { drift: {}, quality: {} });
    expect([bs.reads(), ts.reads()]).toEqual([4, 4]); // the kept dtypes, no guess
    expect(both).toMatchObject({ drift: d, quality: q });
    // a changed file is read again: here the target gets a text value in its numeric column x
    writeFileSync(t2, 'x,y,k,wide,city,flag\nabc,1,2,3,c,true\n');
    const again = await evaluateDataQuality(bs.source, ts.source);
    expect([bs.reads(), ts.reads()]).toEqual([5, 6]);
    expect(again.skipped).toEqual([]);
    expect(again.rows.find((r) => r.feature === 'x' && r.metric === 'DataTypeErrorRate')).toMatchObject({ value: 1 });
  });

  it('runs only the checks asked for; different category caps are profiled separately', async () => {
    const only = await evaluateDataChecks(b, t, { quality: {} });
    expect(only.drift).toBeUndefined();
    expect(only.quality).toEqual(await evaluateDataQuality(b, t));
    const caps = await evaluateDataChecks(b, t, { drift: { maxCategories: 3 }, quality: { maxCategories: 1000 } });
    expect(caps.drift).toEqual(await evaluateDrift(b, t, { maxCategories: 3 }));
    expect(caps.quality).toEqual(await evaluateDataQuality(b, t, { maxCategories: 1000 }));
  });
});
