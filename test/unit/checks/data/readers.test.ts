// CSV (RFC 4180) and JSON Lines readers, the dtype pass, and the regular-file rule.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../../../../shared/src/core/errors';
import { openDataSource, readSchema, type Cell, type DataSource } from '../../../../shared/src/checks/data';
import { CsvParser } from '../../../../shared/src/checks/data/csv';
import { JsonLineParser } from '../../../../shared/src/checks/data/jsonl';

const dir = mkdtempSync(join(tmpdir(), 'chk-readers-'));
let seq = 0;
const file = (ext: string, text: string) => {
  const p = join(dir, `f${seq++}${ext}`);
  writeFileSync(p, text);
  return p;
};

async function readAll(source: DataSource): Promise<{ columns: readonly string[]; rows: Cell[][] }> {
  let columns: readonly string[] = [];
  const rows: Cell[][] = [];
  for await (const b of source.batches()) {
    columns = b.columns;
    rows.push(...b.rows.map((r) => [...r]));
  }
  return { columns, rows };
}

async function rejection(p: Promise<unknown>): Promise<StepError> {
  try {
    await p;
  } catch (e) {
    return e as StepError;
  }
  throw new Error('expected a rejection');
}

function parseInPieces(text: string, piece: number): (string | null)[][] {
  const parser = new CsvParser('t.csv');
  const out: (string | null)[][] = [];
  for (let i = 0; i < text.length; i += piece) parser.feed(text.slice(i, i + piece), out);
  parser.end(out);
  return out;
}

describe('CSV', () => {
  const tricky = 'id,text,n\r\n1,"a, b",2\r\n2,"say ""hi""",3\r\n3,"two\r\nlines",\r\n4,,""\r\n\r\n5,x,6';

  it('reads quoted commas, doubled quotes, line breaks inside quotes; unquoted empty is null, "" is empty', async () => {
    const { columns, rows } = await readAll(openDataSource(file('.csv', tricky)));
    expect(columns).toEqual(['id', 'text', 'n']);
    expect(rows).toEqual([
      ['1', 'a, b', '2'],
      ['2', 'say "hi"', '3'],
      ['3', 'two\r\nlines', null],
      ['4', null, ''],
      ['5', 'x', '6'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries (CR LF split, quotes split)', () => {
    const whole = parseInPieces(tricky, tricky.length);
    for (const piece of [1, 2, 3, 7]) expect(parseInPieces(tricky, piece)).toEqual(whole);
  });

  it('accepts LF and lone CR line ends, a BOM, no final line break, and pads short records with nulls', async () => {
    const { columns, rows } = await readAll(openDataSource(file('.csv', '\uFEFFa,b\n1,2\r3\n4')));
    expect(columns).toEqual(['a', 'b']);
    expect(rows).toEqual([['1', '2'], ['3'], ['4']]);
  });

  it('names the line of a malformed record', async () => {
    const tooLong = await rejection(readAll(openDataSource(file('.csv', 'a,b\n1,2\n"x\ny",2,3\n'))));
    expect(tooLong.message).toMatch(/line 3: the record has 3 fields, the header 2/);
    expect(tooLong.location?.line).toBe(3);
    const open = await rejection(readAll(openDataSource(file('.csv', 'a,b\n1,2\n3,"never closed\n'))));
    expect(open.message).toMatch(/line 3: a quoted field is not closed/);
    const after = await rejection(readAll(openDataSource(file('.csv', 'a\n"x"y\n'))));
    expect(after.message).toMatch(/line 2: unexpected "y" after a closing quote/);
    const dup = await rejection(readAll(openDataSource(file('.csv', 'a,a\n1,2\n'))));
    expect(dup.message).toMatch(/names column 'a' twice/);
    const empty = await rejection(readAll(openDataSource(file('.csv', ''))));
    expect(empty.message).toMatch(/empty: a header row is needed/);
  });

  it('infers dtypes as Spark does: bigint, double (NaN, Inf), boolean, string; all-empty is string', async () => {
    const p = file('.csv', 'i,d,b,s,e,big\n1,1.5,true,x,,9223372036854775808\n-2,NaN,FALSE,1,,1\n+3,Inf,true,2.5,,2\n');
    const schema = await readSchema(openDataSource(p));
    expect(schema.rowCount).toBe(3);
    expect(schema.columns).toEqual([
      { name: 'i', dtype: 'bigint' },
      { name: 'd', dtype: 'double' },
      { name: 'b', dtype: 'boolean' },
      { name: 's', dtype: 'string' },
      { name: 'e', dtype: 'string' },
      { name: 'big', dtype: 'double' },
    ]);
  });
});

describe('JSON Lines', () => {
  it('learns keys as it reads; a missing key is null; 1.0 makes a column double; nested values are unsupported', async () => {
    const p = file('.jsonl', '{"a":1,"b":"x","f":1.0}\n\n{"b":"y","c":{"k":[1,2]},"a":2,"f":2}\n{"a":3,"d":true,"c":null,"f":3e0}\n');
    const { columns, rows } = await readAll(openDataSource(p));
    expect(columns).toEqual(['a', 'b', 'f', 'c', 'd']);
    expect(rows[0]).toEqual([1, 'x', 1]);
    expect(rows[1]).toEqual([2, 'y', 2, { complex: '{"k":[1,2]}' }]);
    expect(rows[2]).toEqual([3, null, 3, null, true]);
    const schema = await readSchema(openDataSource(p));
    expect(schema.columns).toEqual([
      { name: 'a', dtype: 'bigint' },
      { name: 'b', dtype: 'string' },
      { name: 'f', dtype: 'double' },
      { name: 'c', dtype: 'unsupported' },
      { name: 'd', dtype: 'boolean' },
    ]);
  });

  it('keeps escapes and unicode in strings; mixed kinds make a string column', async () => {
    const parser = new JsonLineParser();
    expect(parser.parse('{"s":"a\\"b\\u00e9\\n","n":-0.5e-3}')).toEqual([
      { key: 's', value: 'a"bé\n', float: false },
      { key: 'n', value: -0.0005, float: true },
    ]);
    const schema = await readSchema(openDataSource(file('.jsonl', '{"m":1}\n{"m":"two"}\n')));
    expect(schema.columns).toEqual([{ name: 'm', dtype: 'string' }]);
  });

  it('names the line that is not a JSON object', async () => {
    const e = await rejection(readAll(openDataSource(file('.jsonl', '{"a":1}\n[1,2]\n'))));
    expect(e.message).toMatch(/line 2: expected a JSON object/);
    const e2 = await rejection(readAll(openDataSource(file('.jsonl', '{"a":1}\n{"a":1,}\n'))));
    expect(e2.message).toMatch(/line 2: expected a key/);
  });
});

describe('local files', () => {
  it('opens only regular files: a folder, a FIFO or a missing path is refused before reading', async () => {
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    expect(() => openDataSource(folder)).toThrow(/is a folder, not a regular file/);
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(() => openDataSource(fifo)).toThrow(/is a named pipe \(FIFO\), not a regular file/);
    expect(() => openDataSource(join(dir, 'missing.csv'))).toThrow(/does not exist/);
    expect(() => openDataSource(file('.txt', 'a\n1\n'))).toThrow(/Cannot tell the format/);
    expect(() => openDataSource(file('.txt', 'a\n1\n'), { format: 'csv' })).not.toThrow();
  });
});
