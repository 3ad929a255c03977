// Parquet through hyparquet (ES modules only, loaded with import()): dtypes from the schema, one row group per
// batch, and the same drift as the same data in CSV. Fixtures are written with hyparquet-writer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateDrift, openDataSource, readSchema } from '../../../../shared/src/checks/data';

const dir = mkdtempSync(join(tmpdir(), 'chk-parquet-'));

const n = 1000;
const x = Array.from({ length: n }, (_, i) => Math.sin(i) * 10 + (i % 7));
const k = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i % 5));
const s = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]!);
const b = Array.from({ length: n }, (_, i) => i % 2 === 0);
const big = Array.from({ length: n }, (_, i) => BigInt(i) * 1000n);

async function writeParquet(name: string, rowGroupSize: number, shift = 0): Promise<string> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  const filename = join(dir, name);
  parquetWriteFile({
    filename,
    rowGroupSize,
    columnData: [
      { name: 'x', data: x.map((v) => v + shift), type: 'DOUBLE' },
      { name: 'k', data: k, type: 'INT32', nullable: true },
      { name: 's', data: s, type: 'STRING' },
      { name: 'b', data: b, type: 'BOOLEAN' },
      { name: 'big', data: big, type: 'INT64' },
    ],
  });
  return filename;
}

function writeCsv(name: string, shift = 0): string {
  const lines = ['x,k,s,b,big'];
  for (let i = 0; i < n; i++) lines.push(`${x[i]! + shift},${k[i] ?? ''},${s[i]},${b[i]},${big[i]}`);
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('Parquet', () => {
  it('maps the schema to Spark dtypes and takes the row count from the footer', async () => {
    const schema = await readSchema(openDataSource(await writeParquet('a.parquet', 400)));
    expect(schema.rowCount).toBe(n);
    expect(schema.columns).toEqual([
      { name: 'x', dtype: 'double' },
      { name: 'k', dtype: 'int' },
      { name: 's', dtype: 'string' },
      { name: 'b', dtype: 'boolean' },
      { name: 'big', dtype: 'bigint' },
    ]);
  });

  it('reads one row group per batch, with nulls, booleans and INT64 as numbers', async () => {
    const source = openDataSource(await writeParquet('b.parquet', 300));
    const sizes: number[] = [];
    const rows: (readonly unknown[])[] = [];
    for await (const batch of source.batches()) {
      sizes.push(batch.rows.length);
      rows.push(...batch.rows);
    }
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(rows[0]).toEqual([x[0], null, 'red', true, 0]);
    expect(rows[7]).toEqual([x[7], 2, 'green', false, 7000]);
    expect(rows).toHaveLength(n);
  });

  it('gives the same drift as the same data written as CSV (integer columns compared as bigint)', async () => {
    const options = {
      numericalMetrics: ['NormalizedWassersteinDistance', 'JensenShannonDistance', 'TwoSampleKolmogorovSmirnovTest'] as const,
      categoricalMetrics: ['JensenShannonDistance', 'PearsonsChiSquaredTest'] as const,
    };
    const fromParquet = await evaluateDrift(await writeParquet('base.parquet', 256), await writeParquet('target.parquet', 999, 0.75), options);
    const fromCsv = await evaluateDrift(writeCsv('base.csv'), writeCsv('target.csv', 0.75), options);
    const strip = (r: typeof fromCsv) => r.rows.map(({ feature, type, metric, value, passed }) => ({ feature, type, metric, value, passed }));
    expect(strip(fromParquet)).toEqual(strip(fromCsv));
    // k (5 values in 1000 rows) is categorical by the 5 % rule; big (all distinct) numerical; the row-wise dropna
    // removes the 334 rows where k is null, on both sides
    expect(fromParquet.features.map((f) => [f.name, f.type])).toEqual([
      ['x', 'numerical'],
      ['k', 'categorical'],
      ['s', 'categorical'],
      ['b', 'categorical'],
      ['big', 'numerical'],
    ]);
    expect(fromParquet.baselineRowCount).toBe(666);
    expect(fromParquet.targetRowCount).toBe(666);
    expect(fromParquet.rows.find((r) => r.feature === 'x' && r.metric === 'NormalizedWassersteinDistance')!.passed).toBe(false);
    expect(fromParquet.rows.find((r) => r.feature === 's' && r.metric === 'JensenShannonDistance')!.value).toBe(0);
  });

  it('refuses a file that is not Parquet with the reason', async () => {
    const p = join(dir, 'bad.parquet');
    writeFileSync(p, 'not parquet at all');
    await expect(readSchema(openDataSource(p))).rejects.toThrow(/Parquet file '.*bad\.parquet' cannot be read/);
  });
});
