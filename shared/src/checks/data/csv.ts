/**
 * CSV files (RFC 4180) read as a stream: a header row, then records separated by CRLF, LF or CR; a field may be
 * quoted with `"`, and inside quotes `""` is one quote and commas and line breaks are data. An unquoted empty
 * field is null (missing); a quoted empty field `""` is the empty string, as Spark reads them. Blank lines are
 * skipped; a record shorter than the header is padded with nulls; a longer one, text after a closing quote, or a
 * quote left open at the end of the file is an error naming the line. Cells are text: the dtypes come from a pass.
 */
import { createReadStream } from 'node:fs';
import { inputError } from '../../core/errors';
import { fileIdentity, openRegularFile } from './local-file';
import { cellOf, CellMode, kindBits, scanField, scanned, scannedBits } from './csv-cells';
import type { DtypeTally } from './tally';
import type { Cell, DataSource, ReadHint, RowBatch } from './types';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/** An incremental RFC 4180 parser: feed text in any pieces, get complete records. */
export class CsvParser {
  private state = State.FieldStart;
  private field = '';
  private row: Cell[] = [];
  /** Per column, what an unquoted field becomes; decided from the header (the first record stays text). */
  private modes?: Uint8Array;
  private header = true;
  private skipLf = false;
  /** 1-based physical line where the current record starts, and the current line. */
  private recordLine = 1;
  private line = 1;

  /** `modesFor` is called with the header record: per column, text, a number or the kinds of the field. */
  constructor(
    private readonly file: string,
    private readonly modesFor?: (header: Cell[]) => Uint8Array | undefined,
    /** Counts the dtypes of the data fields as they are read (a pass that guessed them). */
    private readonly tally?: DtypeTally,
  ) {}

  private fail(message: string, line = this.line): never {
    throw inputError(`CSV file '${this.file}' line ${line}: ${message}`, { location: { file: this.file, line } });
  }

  /** `text`: the field's text, or its kinds bits; by default the value itself (text). */
  private endField(value: Cell, text?: string | number): void {
    const tally = this.tally;
    if (tally && value !== null && !this.header && !tally.string[this.row.length]) {
      tally.add(this.row.length, typeof text === 'number' ? text : kindBits(text ?? (value as string)));
    }
    this.row.push(value);
    this.field = '';
    this.state = State.FieldStart;
  }

  /** Where each record appended since the last `takeLines()` started (1-based lines). */
  private lines: number[] = [];

  private endRecord(out: Cell[][]): void {
    out.push(this.row);
    if (this.tally && !this.header) this.tally.rows++;
    if (this.header) {
      this.header = false;
      this.modes = this.modesFor?.(this.row);
    }
    this.lines.push(this.recordLine);
    this.row = [];
    this.recordLine = this.line + 1;
  }

  /** Parses `text`; complete records are appended to `out`. */
  feed(text: string, out: Cell[][]): void {
    const n = text.length;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.endField(null);
            i++;
          } else if (c === LF || c === CR) {
            if (this.row.length > 0) {
              this.endField(null);
              this.endRecord(out);
            } else this.recordLine = this.line + 1; // a blank line
            this.line++;
            i++;
            if (c === CR) {
              if (i < n) {
                if (text.charCodeAt(i) === LF) i++;
              } else this.skipLf = true;
            }
          } else this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          const mode = this.modes ? (this.modes[this.row.length] ?? CellMode.Text) : CellMode.Text;
          let j = i;
          let c = 0;
          if (mode !== CellMode.Text && this.field === '') {
            j = scanField(text, i, n, mode, this.tally !== undefined); // reads the field as it looks for its end
            if (j < n) {
              c = text.charCodeAt(j);
              this.endField(scanned, scannedBits);
            }
          } else {
            while (j < n) {
              c = text.charCodeAt(j);
              if (c === COMMA || c === LF || c === CR) break;
              j++;
            }
            if (j < n) {
              const t = this.field + text.slice(i, j);
              this.endField(cellOf(t, mode), t);
            }
          }
          if (j === n) {
            this.field += text.slice(i, j);
            i = n;
            break;
          }
          i = j + 1;
          if (c !== COMMA) {
            this.endRecord(out);
            this.line++;
            if (c === CR) {
              if (i < n) {
                if (text.charCodeAt(i) === LF) i++;
              } else this.skipLf = true;
            }
          }
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          const piece = text.slice(i, end);
          for (let k = piece.indexOf('\n'); k >= 0; k = piece.indexOf('\n', k + 1)) this.line++;
          this.field += piece;
          if (q < 0) {
            i = n;
          } else {
            this.state = State.QuoteInQuoted;
            i = q + 1;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.endField(this.field);
            i++;
          } else if (c === LF || c === CR) {
            this.endField(this.field);
            this.endRecord(out);
            this.line++;
            i++;
            if (c === CR) {
              if (i < n) {
                if (text.charCodeAt(i) === LF) i++;
              } else this.skipLf = true;
            }
          } else this.fail(`unexpected ${JSON.stringify(text[i])} after a closing quote (a quote inside a quoted field is written "")`);
          break;
        }
      }
    }
  }

  /** The end of the input: the last record may lack a line break. */
  end(out: Cell[][]): void {
    if (this.state === State.Quoted) this.fail('a quoted field is not closed before the end of the file', this.recordLine);
    if (this.state === State.QuoteInQuoted) this.endField(this.field);
    else if (this.state === State.Unquoted) this.endField(this.modes ? cellOf(this.field, (this.modes[this.row.length] ?? CellMode.Text) as CellMode) : this.field, this.field);
    else if (this.row.length > 0) this.endField(null);
    if (this.row.length > 0) this.endRecord(out);
  }

  /** The starting lines of the records returned since the previous call, in order. */
  takeLines(): number[] {
    const lines = this.lines;
    this.lines = [];
    return lines;
  }
}

export interface CsvOptions {
  /** Rows per batch (default 8192). */
  batchRows?: number;
  /** The step input the path came from, named in errors. */
  input?: string;
}

function headerNames(file: string, record: Cell[]): string[] {
  const names = record.map((v, i) => (v === null || v === '' ? `_c${i}` : String(v).replace(/^\uFEFF/, '')));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw inputError(`CSV file '${file}': the header names column '${name}' twice`, { location: { file, line: 1 } });
    seen.add(name);
  }
  return names;
}

/** Per column what the reader makes of its unquoted fields, from the header's names and the hint. */
function modesFor(path: string, hint: ReadHint | undefined): ((header: Cell[]) => Uint8Array | undefined) | undefined {
  if (!hint || (!hint.kinds && !hint.numbers?.size && !hint.tally)) return undefined;
  return (header) => {
    const names = header.map((v, i) => (v === null || v === '' ? `_c${i}` : String(v).replace(/^\uFEFF/, '')));
    return Uint8Array.from(names, (name) => (hint.kinds ? CellMode.Kinds : hint.numbers!.has(name) ? CellMode.Number : CellMode.Text));
  };
}

async function* csvBatches(path: string, options: CsvOptions, hint?: ReadHint): AsyncGenerator<RowBatch> {
  const batchRows = options.batchRows ?? 1024;
  const { fd } = openRegularFile(path, options.input);
  // 256 KiB pieces and 1024-row batches: what a piece parses into dies young (cheap to collect)
  const stream = createReadStream('', { fd, encoding: 'utf8', highWaterMark: 1 << 18 });
  const parser = new CsvParser(path, modesFor(path, hint), hint?.tally);
  let columns: string[] | undefined;
  let pending: Cell[][] = [];
  const take = function* (records: Cell[][]): Generator<RowBatch> {
    const lines = parser.takeLines();
    let start = 0;
    if (!columns && records.length > 0) {
      columns = headerNames(path, records[0]!);
      if (hint?.tally) hint.tally.names = columns;
      start = 1;
    }
    for (let r = start; r < records.length; r++) {
      const rec = records[r]!;
      if (rec.length > columns!.length) {
        throw inputError(`CSV file '${path}' line ${lines[r]}: the record has ${rec.length} fields, the header ${columns!.length}`, {
          location: { file: path, line: lines[r] },
        });
      }
      pending.push(rec);
      if (pending.length >= batchRows) {
        yield { columns: columns!, rows: pending };
        pending = [];
      }
    }
  };
  try {
    for await (const chunk of stream) {
      const records: Cell[][] = [];
      parser.feed(chunk as string, records);
      yield* take(records);
    }
    const last: Cell[][] = [];
    parser.end(last);
    yield* take(last);
    if (!columns) throw inputError(`CSV file '${path}' is empty: a header row is needed`, { location: { file: path } });
    if (pending.length > 0) yield { columns, rows: pending };
  } finally {
    stream.destroy();
  }
}

/**
 * A CSV file as a data source; every `batches()` call reads the file again from the start. With a hint, unquoted
 * fields of the named columns come as numbers (`textNumber` of the text), or every unquoted field as its kinds bits.
 */
export function csvSource(path: string, options: CsvOptions = {}): DataSource {
  return {
    format: 'csv',
    name: path,
    textCells: true,
    schema: async () => undefined,
    batches: (hint?: ReadHint) => csvBatches(path, options, hint),
    identity: () => fileIdentity(path),
  };
}
