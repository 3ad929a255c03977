/**
 * An evaluation table read whole into typed columns (fairness and champion/challenger need every row at once; the
 * drift and quality checks stream instead). Column names the policy gives are checked against the file's header
 * before any row is used, and a missing one is reported at the policy line that named it.
 */
import { policyError } from '../policy/errors';
import { dataSource, readSchema, type Cell, type FileFormat } from '../data';
import { typedValue } from '../data/cells';
import type { Located } from '../policy/types';

export interface Table {
  name: string;
  rows: number;
  columns: Record<string, Cell[]>;
  /** Every column of the file, in order */
  header: string[];
}

/** A located column name that must exist in `header`. */
export function requireColumns(file: string, header: readonly string[], wanted: readonly Located<string>[]): void {
  const have = new Set(header);
  for (const c of wanted) {
    if (!have.has(c.value)) {
      throw policyError(c.at, `column '${c.value}' is not in ${file} (its columns: ${header.slice(0, 20).join(', ')}${header.length > 20 ? ', …' : ''})`, 'Name a column the data file has, or point the dataset at the file that has it.');
    }
  }
}

export async function readTable(path: string, wanted: readonly Located<string>[], format?: FileFormat): Promise<Table> {
  const source = dataSource(path, format);
  const schema = await readSchema(source);
  const header = schema.columns.map((c) => c.name);
  requireColumns(path, header, wanted);
  const names = [...new Set(wanted.map((w) => w.value))];
  const dtype = new Map(schema.columns.map((c) => [c.name, c.dtype]));
  const columns: Record<string, Cell[]> = Object.fromEntries(names.map((n) => [n, [] as Cell[]]));
  let rows = 0;
  for await (const batch of source.batches()) {
    const index = names.map((n) => batch.columns.indexOf(n));
    for (const row of batch.rows) {
      names.forEach((n, i) => columns[n]!.push(index[i]! < 0 ? null : typedValue(row[index[i]!] ?? null, dtype.get(n)!, source.textCells)));
      rows++;
    }
  }
  return { name: path, rows, columns, header };
}
