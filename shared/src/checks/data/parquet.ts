/**
 * Parquet files through hyparquet, one row group at a time (a file is never decoded whole). hyparquet is published
 * as ES modules only, so it is loaded with `import()`: ncc bundles it as a lazily loaded chunk, Jest compiles it.
 *
 * Column dtypes follow Spark's Parquet schema conversion: INT32 → int (INT_8 → tinyint, INT_16 → smallint, DATE →
 * date), INT64 → bigint (timestamps → timestamp, UINT_64 → decimal), INT96 → timestamp, FLOAT → float, DOUBLE →
 * double, DECIMAL → decimal, UTF8/STRING/ENUM/JSON byte arrays → string, other byte arrays → binary. Nested groups
 * and repeated fields are `unsupported` and are not read. INT64 values beyond 2^53 lose precision as JS numbers.
 */
import { closeSync, readSync } from 'node:fs';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { inputError } from '../../core/errors';
import { openRegularFile } from './local-file';
import type { Cell, ColumnSchema, DataSource, DType, RowBatch } from './types';

type Hyparquet = typeof import('hyparquet');
let loaded: Promise<Hyparquet> | undefined;
const hyparquet = (): Promise<Hyparquet> => (loaded ??= import('hyparquet'));

function fileBuffer(fd: number, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice(start: number, end?: number): ArrayBuffer {
      const stop = Math.min(end ?? size, size);
      const out = new ArrayBuffer(Math.max(0, stop - start));
      const view = new Uint8Array(out);
      let done = 0;
      while (done < view.length) {
        const n = readSync(fd, view, done, view.length - done, start + done);
        if (n === 0) break;
        done += n;
      }
      return out;
    },
  };
}

/** Spark's dtype for a primitive Parquet column. */
export function parquetDType(el: SchemaElement): DType {
  const logical = el.logical_type;
  const converted = el.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return 'decimal';
  switch (el.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
      if (logical?.type === 'DATE' || converted === 'DATE') return 'date';
      if (logical?.type === 'INTEGER') {
        if (!logical.isSigned) return logical.bitWidth === 8 ? 'smallint' : logical.bitWidth === 16 ? 'int' : 'bigint';
        return logical.bitWidth === 8 ? 'tinyint' : logical.bitWidth === 16 ? 'smallint' : 'int';
      }
      if (converted === 'INT_8') return 'tinyint';
      if (converted === 'INT_16') return 'smallint';
      if (converted === 'UINT_8') return 'smallint';
      if (converted === 'UINT_16') return 'int';
      if (converted === 'UINT_32') return 'bigint';
      if (converted === 'TIME_MILLIS') return 'unsupported';
      return 'int';
    case 'INT64':
      if (logical?.type === 'TIMESTAMP' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return 'timestamp';
      if ((logical?.type === 'INTEGER' && !logical.isSigned) || converted === 'UINT_64') return 'decimal';
      if (logical?.type === 'TIME' || converted === 'TIME_MICROS') return 'unsupported';
      return 'bigint';
    case 'INT96':
      return 'timestamp';
    case 'FLOAT':
      return 'float';
    case 'DOUBLE':
      return 'double';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      if (['STRING', 'ENUM', 'JSON'].includes(logical?.type ?? '') || ['UTF8', 'ENUM', 'JSON'].includes(converted ?? '')) return 'string';
      if (logical?.type === 'FLOAT16') return 'float';
      return 'binary';
    default:
      return 'unsupported';
  }
}

/** The top-level columns of a file: primitive ones with their dtype; groups and repeated fields unsupported. */
export function parquetColumns(metadata: FileMetaData): ColumnSchema[] {
  const schema = metadata.schema;
  const out: ColumnSchema[] = [];
  let i = 1;
  const skip = (at: number): number => {
    // the index after element `at` and all its descendants
    let next = at + 1;
    for (let c = 0; c < (schema[at]!.num_children ?? 0); c++) next = skip(next);
    return next;
  };
  while (i < schema.length) {
    const el = schema[i]!;
    const nested = (el.num_children ?? 0) > 0 || el.repetition_type === 'REPEATED';
    out.push({ name: el.name, dtype: nested ? 'unsupported' : parquetDType(el) });
    i = skip(i);
  }
  return out;
}

function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date || v instanceof Uint8Array) return v;
  return { complex: JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) };
}

interface OpenParquet {
  metadata: FileMetaData;
  file: AsyncBuffer;
  close(): void;
}

async function openParquet(path: string, input?: string): Promise<OpenParquet> {
  const { fd, size } = openRegularFile(path, input);
  const file = fileBuffer(fd, size);
  try {
    const hp = await hyparquet();
    const metadata = await hp.parquetMetadataAsync(file);
    return { metadata, file, close: () => closeSync(fd) };
  } catch (e) {
    closeSync(fd);
    throw inputError(`Parquet file '${path}' cannot be read: ${(e as Error).message}`, { input, location: { file: path }, cause: e });
  }
}

export interface ParquetOptions {
  input?: string;
}

async function* parquetBatches(path: string, options: ParquetOptions): AsyncGenerator<RowBatch> {
  const hp = await hyparquet();
  const pq = await openParquet(path, options.input);
  try {
    const columns = parquetColumns(pq.metadata);
    const names = columns.map((c) => c.name);
    const readable = columns.filter((c) => c.dtype !== 'unsupported').map((c) => c.name);
    const at = readable.map((n) => names.indexOf(n));
    let rowStart = 0;
    for (const group of pq.metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      if (readable.length > 0) {
        await hp.parquetRead({
          file: pq.file,
          metadata: pq.metadata,
          columns: readable,
          rowStart,
          rowEnd,
          onComplete: (r: unknown[][]) => {
            rows = r;
          },
        });
      } else rows = Array.from({ length: rowEnd - rowStart }, () => []);
      const out: Cell[][] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const src = rows[r]!;
        const row: Cell[] = new Array(names.length).fill(null);
        for (let c = 0; c < at.length; c++) row[at[c]!] = cellOf(src[c]);
        out[r] = row;
      }
      rowStart = rowEnd;
      yield { columns: names, rows: out };
    }
  } finally {
    pq.close();
  }
}

export function parquetSource(path: string, options: ParquetOptions = {}): DataSource {
  return {
    format: 'parquet',
    name: path,
    textCells: false,
    schema: async () => {
      const pq = await openParquet(path, options.input);
      try {
        return { columns: parquetColumns(pq.metadata), rowCount: Number(pq.metadata.num_rows) };
      } finally {
        pq.close();
      }
    },
    batches: () => parquetBatches(path, options),
  };
}
