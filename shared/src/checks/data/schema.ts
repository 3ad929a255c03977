/**
 * The first pass over a file whose types are not stored (CSV, JSON Lines): each column's Spark dtype as schema
 * inference would give it, and the row count. Parquet files and typed in-memory rows skip the pass.
 *
 * - CSV: a column is bigint when every non-empty cell is an integer that fits a long, double when every one is a
 *   number (NaN, Inf and -Inf included), boolean when every one is true/false, otherwise string (also when all empty).
 * - JSON values: integers only → bigint; any fraction or exponent → double; booleans → boolean; strings → string;
 *   nested objects/arrays → unsupported; any mix of kinds → string.
 */
import { inferTextType, isComplex, textKinds } from './cells';
import { KIND_BOOLEAN, KIND_DOUBLE, KIND_INTEGER } from './csv-cells';
import type { ColumnSchema, DataSource, DType } from './types';

export interface SourceSchema {
  columns: ColumnSchema[];
  rowCount: number;
}

class TextColumn {
  nonNull = 0;
  integer = 0;
  double = 0;
  boolean = 0;

  add(text: string): void {
    this.nonNull++;
    // once a cell is neither a number nor a boolean the column is a string column: stop testing
    if (this.nonNull - 1 !== Math.max(this.double, this.boolean)) return;
    const k = textKinds(text);
    if (k.integer) this.integer++;
    if (k.double) this.double++;
    if (k.boolean) this.boolean++;
  }

  /** A cell the reader already classified (the bits of `kindBits`). */
  addBits(bits: number): void {
    this.nonNull++;
    if (bits & KIND_INTEGER) this.integer++;
    if (bits & KIND_DOUBLE) this.double++;
    if (bits & KIND_BOOLEAN) this.boolean++;
  }

  dtype(): DType {
    return inferTextType(this.nonNull, this.integer, this.double, this.boolean);
  }
}

class ValueColumn {
  nonNull = 0;
  integers = 0;
  floats = 0;
  strings = 0;
  booleans = 0;
  complex = 0;
  dates = 0;
  binary = 0;
  floatLiteral = false;

  add(v: unknown): void {
    this.nonNull++;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) this.integers++;
      else this.floats++;
    } else if (typeof v === 'string') this.strings++;
    else if (typeof v === 'boolean') this.booleans++;
    else if (v instanceof Date) this.dates++;
    else if (v instanceof Uint8Array) this.binary++;
    else if (isComplex(v as never)) this.complex++;
    else this.strings++;
  }

  dtype(): DType {
    const n = this.nonNull;
    if (n === 0) return 'string';
    if (this.complex === n) return 'unsupported';
    if (this.integers + this.floats === n) return this.floats > 0 || this.floatLiteral ? 'double' : 'bigint';
    if (this.booleans === n) return 'boolean';
    if (this.strings === n) return 'string';
    if (this.dates === n) return 'timestamp';
    if (this.binary === n) return 'binary';
    return 'string';
  }
}

/** Inferred schemas of the last files read, by file identity (a second check of the same file skips the pass). */
const inferred = new Map<string, SourceSchema>();
const KEEP_SCHEMAS = 16;

const copy = (s: SourceSchema): SourceSchema => ({ columns: s.columns.map((c) => ({ ...c })), rowCount: s.rowCount });

/**
 * The source's columns and dtypes (stored, or inferred by reading it once) and its row count. A file's inferred
 * schema is kept while the file is unchanged (same device, inode, size and modification time); `maxRows` infers
 * from the first rows only (a guess, never kept).
 */
export async function readSchema(source: DataSource, options: { maxRows?: number } = {}): Promise<SourceSchema> {
  const known = await source.schema();
  if (known && known.rowCount !== undefined) return { columns: known.columns, rowCount: known.rowCount };
  const identity = options.maxRows === undefined ? source.identity?.() : undefined;
  const kept = identity !== undefined ? inferred.get(identity) : undefined;
  if (kept) return copy(kept);
  const schema = await inferSchema(source, known, options);
  if (identity !== undefined && identity === source.identity?.()) keep(identity, schema);
  return schema;
}

function keep(identity: string, schema: SourceSchema): void {
  inferred.delete(identity);
  inferred.set(identity, copy(schema));
  if (inferred.size > KEEP_SCHEMAS) inferred.delete(inferred.keys().next().value!);
}

/** The schema kept for the source's file, if any (see readSchema). */
export function keptSchema(source: DataSource): SourceSchema | undefined {
  const identity = source.identity?.();
  const kept = identity !== undefined ? inferred.get(identity) : undefined;
  return kept && copy(kept);
}

/** Keeps a schema inferred some other way over every row of the source's file (a profile pass's tally). */
export function keepSchema(source: DataSource, schema: SourceSchema, identity = source.identity?.()): void {
  if (identity !== undefined && identity === source.identity?.()) keep(identity, schema);
}

async function inferSchema(source: DataSource, known: { columns: ColumnSchema[] } | undefined, options: { maxRows?: number }): Promise<SourceSchema> {
  const names: string[] = [];
  const text: TextColumn[] = [];
  const values: ValueColumn[] = [];
  let rowCount = 0;
  for await (const batch of source.batches(known ? undefined : { kinds: true })) {
    while (names.length < batch.columns.length) {
      names.push(batch.columns[names.length]!);
      text.push(new TextColumn());
      values.push(new ValueColumn());
    }
    for (const c of batch.floatLiterals ?? []) values[c]!.floatLiteral = true;
    const take = options.maxRows === undefined ? batch.rows.length : Math.min(batch.rows.length, options.maxRows - rowCount);
    rowCount += take;
    if (known) continue;
    const last = options.maxRows !== undefined && rowCount >= options.maxRows;
    for (let r = 0; r < take; r++) {
      const row = batch.rows[r]!;
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        if (cell === null || cell === undefined) continue;
        if (source.textCells) {
          if (typeof cell === 'number') text[c]!.addBits(cell);
          else text[c]!.add(cell as string);
        }
        else values[c]!.add(cell);
      }
    }
    if (last) break; // the dtypes of the first rows only (a guess to check later)
  }
  if (known) return { columns: known.columns, rowCount };
  return {
    columns: names.map((name, i) => ({ name, dtype: source.textCells ? text[i]!.dtype() : values[i]!.dtype() })),
    rowCount,
  };
}
