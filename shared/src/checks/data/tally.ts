/**
 * The dtypes of a CSV file counted while a profile pass reads it with dtypes guessed from its first rows: per column
 * the non-null fields and how many read as integer, double and boolean (Spark's CSV inference, as `readSchema`
 * does it); a column is settled as string at its first field that is neither a number nor a boolean.
 */
import { inferTextType } from './cells';
import { KIND_BOOLEAN, KIND_DOUBLE, KIND_INTEGER } from './csv-cells';
import type { ColumnSchema } from './types';

export class DtypeTally {
  rows = 0;
  names: string[] = [];
  private nonNull: number[] = [];
  private integer: number[] = [];
  private double: number[] = [];
  private boolean: number[] = [];
  /** Columns settled as string. */
  readonly string: boolean[] = [];

  /** A non-null field of column `col` that reads as `bits` (KIND_* bits). */
  add(col: number, bits: number): void {
    while (this.nonNull.length <= col) {
      this.nonNull.push(0);
      this.integer.push(0);
      this.double.push(0);
      this.boolean.push(0);
      this.string.push(false);
    }
    this.nonNull[col]!++;
    if (bits & KIND_INTEGER) this.integer[col]!++;
    if (bits & KIND_DOUBLE) this.double[col]!++;
    if (bits & KIND_BOOLEAN) this.boolean[col]!++;
    if (!(bits & (KIND_DOUBLE | KIND_BOOLEAN))) this.string[col] = true;
  }

  /** The columns and dtypes, as `readSchema` infers them. */
  columns(): ColumnSchema[] {
    return this.names.map((name, i) => ({
      name,
      dtype: this.string[i] || i >= this.nonNull.length ? 'string' : inferTextType(this.nonNull[i]!, this.integer[i]!, this.double[i]!, this.boolean[i]!),
    }));
  }
}
