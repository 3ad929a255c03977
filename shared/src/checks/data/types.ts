/**
 * Column types and cell values as Azure ML model monitoring sees them (Spark dtypes, check-metrics.md §1.2, §1.8).
 *
 * A reader yields cells; what a cell means depends on the column's dtype:
 * - CSV cells are text (`string`) or `null` (an unquoted empty field); the dtype is inferred by a first pass.
 * - JSON Lines and in-memory cells are JSON-like values; Parquet cells are typed by the file's schema.
 */
import type { DtypeTally } from './tally';

/** Spark short type names (the data-quality statistics use the same ones). `unsupported` = struct, array, map… */
export type DType =
  | 'double'
  | 'float'
  | 'decimal'
  | 'bigint'
  | 'int'
  | 'smallint'
  | 'tinyint'
  | 'string'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | 'binary'
  | 'unsupported';

/** A nested JSON value or Parquet group: kept as its JSON text, never compared. */
export interface ComplexCell {
  readonly complex: string;
}

export type Cell = null | string | number | boolean | Date | Uint8Array | ComplexCell;

export const FLOAT_TYPES: ReadonlySet<DType> = new Set(['float', 'double', 'decimal']);
export const INTEGER_TYPES: ReadonlySet<DType> = new Set(['bigint', 'int', 'smallint', 'tinyint']);
/** Always categorical, whatever their distinct count (`is_categorical`). */
export const CATEGORICAL_TYPES: ReadonlySet<DType> = new Set(['string', 'boolean', 'timestamp', 'date', 'binary']);
/** The dtypes the data-quality component casts to when it counts type errors (§1.8); decimal is not among them. */
export const CASTABLE_TYPES: ReadonlySet<DType> = new Set([
  'double',
  'int',
  'bigint',
  'string',
  'boolean',
  'timestamp',
  'date',
  'float',
  'smallint',
  'tinyint',
  'binary',
]);

export const isNumericType = (t: DType): boolean => FLOAT_TYPES.has(t) || INTEGER_TYPES.has(t);

export type FeatureType = 'numerical' | 'categorical';

export type DataFormat = 'csv' | 'jsonl' | 'parquet' | 'rows';

/** What a reader yields: a batch of rows; `columns` may grow between batches (JSON Lines learns keys as it reads). */
export interface RowBatch {
  readonly columns: readonly string[];
  /** Row-major; a row shorter than `columns` has nulls in the missing places. */
  readonly rows: readonly (readonly Cell[])[];
  /** JSON Lines: indexes of columns that had a number written with a fraction or exponent (`1.0`) in this batch. */
  readonly floatLiterals?: ReadonlySet<number>;
}

export interface ColumnSchema {
  readonly name: string;
  readonly dtype: DType;
}

/**
 * What a pass wants of the cells, so a text reader (CSV) can read them as it parses: `numbers`, the columns whose
 * fields come as numbers (as `textNumber` reads them; quoted fields stay text); `kinds`, every field as the kinds it
 * can be read as (a bit mask: 1 integer, 2 double, 4 boolean; quoted fields stay text). Other sources ignore it.
 */
export interface ReadHint {
  readonly numbers?: ReadonlySet<string>;
  readonly kinds?: boolean;
  /** CSV: count the dtypes of the fields while reading (a pass whose dtypes were guessed from the first rows). */
  readonly tally?: DtypeTally;
}

/** A table read as a stream of row batches, any number of times (each `batches()` call reads from the start). */
export interface DataSource {
  readonly format: DataFormat;
  /** The path or a label, named in messages. */
  readonly name: string;
  /** CSV: cells are text to be parsed according to the inferred dtype. */
  readonly textCells: boolean;
  /** Known without reading the rows (Parquet schema, typed in-memory rows); otherwise inferred by a pass. */
  schema(): Promise<{ columns: ColumnSchema[]; rowCount?: number } | undefined>;
  batches(hint?: ReadHint): AsyncIterable<RowBatch>;
  /** Files: a key that changes when the file changes, so what a pass inferred (the dtypes) can be kept for it. */
  identity?(): string | undefined;
}
