/**
 * Data sources by path (the format from the extension unless given) and in-memory rows (tests, callers that already
 * hold a table). A path is opened only when it is a regular file.
 */
import { extname } from 'node:path';
import { inputError } from '../../core/errors';
import { csvSource } from './csv';
import { jsonlSource } from './jsonl';
import { statRegularFile } from './local-file';
import { parquetSource } from './parquet';
import type { Cell, ColumnSchema, DataSource, DType, RowBatch } from './types';

export type FileFormat = 'csv' | 'jsonl' | 'parquet';

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export interface OpenOptions {
  format?: FileFormat;
  /** The step input the path came from, named in errors. */
  input?: string;
}

export function formatOf(path: string, format?: FileFormat): FileFormat {
  if (format) return format;
  const found = EXTENSIONS[extname(path).toLowerCase()];
  if (!found) {
    throw inputError(`Cannot tell the format of data file '${path}' from its extension`, {
      location: { file: path },
      hint: 'Use .csv, .jsonl (JSON Lines) or .parquet, or give the format.',
    });
  }
  return found;
}

/** A path or an opened source. */
export type DataInput = string | DataSource;

export function dataSource(input: DataInput, format?: FileFormat, inputName?: string): DataSource {
  return typeof input === 'string' ? openDataSource(input, { format, input: inputName }) : input;
}

/** A local CSV, JSON Lines or Parquet file as a data source (checked to be a regular file now and on every read). */
export function openDataSource(path: string, options: OpenOptions = {}): DataSource {
  const format = formatOf(path, options.format);
  statRegularFile(path, options.input);
  if (format === 'csv') return csvSource(path, { input: options.input });
  if (format === 'jsonl') return jsonlSource(path, { input: options.input });
  return parquetSource(path, { input: options.input });
}

export interface RowsOptions {
  /** Give the dtypes to skip inference (as a Parquet schema would); otherwise they are inferred from the values. */
  dtypes?: Record<string, DType>;
  name?: string;
  batchRows?: number;
}

/**
 * Rows already in memory, as arrays in `columns` order or as objects keyed by column. Numbers that are not integers
 * make a column floating point; pass `dtypes` to say that integral numbers are doubles too.
 */
export function rowsSource(columns: readonly string[], rows: readonly (readonly Cell[] | Record<string, Cell>)[], options: RowsOptions = {}): DataSource {
  const batchRows = options.batchRows ?? 8192;
  const asArrays = rows.map((r) => (Array.isArray(r) ? (r as Cell[]) : columns.map((c) => (r as Record<string, Cell>)[c] ?? null)));
  const schema = options.dtypes
    ? columns.map((name): ColumnSchema => {
        const dtype = options.dtypes![name];
        if (!dtype) throw inputError(`rowsSource: no dtype given for column '${name}'`);
        return { name, dtype };
      })
    : undefined;
  return {
    format: 'rows',
    name: options.name ?? 'rows',
    textCells: false,
    schema: async () => (schema ? { columns: schema, rowCount: rows.length } : undefined),
    async *batches(): AsyncGenerator<RowBatch> {
      for (let i = 0; i < asArrays.length || i === 0; i += batchRows) {
        yield { columns, rows: asArrays.slice(i, i + batchRows) };
        if (asArrays.length === 0) break;
      }
    },
  };
}

/** A numeric column pair for quick use: `{ [column]: values }` → a source with double columns. */
export function columnsSource(data: Record<string, readonly (number | null)[]>, name?: string): DataSource {
  const columns = Object.keys(data);
  const n = Math.max(0, ...columns.map((c) => data[c]!.length));
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push(columns.map((c) => data[c]![i] ?? null));
  return rowsSource(columns, rows, { dtypes: Object.fromEntries(columns.map((c) => [c, 'double' as DType])), name });
}
