/**
 * JSON Lines files read as a stream: one JSON object per line (blank lines skipped). Columns are the keys in the
 * order they first appear; a key missing from a row is null there. A number written with a fraction or an exponent
 * (`1.0`, `2e3`) marks its column as floating point, as Spark's JSON schema inference does; nested objects and
 * arrays are kept as their JSON text and make the column `unsupported` (neither numerical nor categorical).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { inputError } from '../../core/errors';
import { fileIdentity, openRegularFile } from './local-file';
import type { Cell, DataSource, RowBatch } from './types';

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WS = /[ \t\r\n]*/y;

interface ParsedValue {
  value: Cell;
  float: boolean;
}

/** Parses one line holding a JSON object, keeping whether each number had a fraction or exponent. */
export class JsonLineParser {
  private text = '';
  private pos = 0;

  private fail(message: string): never {
    throw new SyntaxError(`${message} at column ${this.pos + 1}`);
  }

  private skip(): void {
    WS.lastIndex = this.pos;
    WS.exec(this.text);
    this.pos = WS.lastIndex;
  }

  private string(): string {
    const start = this.pos; // at the opening quote
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
      } else i++;
    }
    this.pos = i + 1;
    return escaped ? (JSON.parse(this.text.slice(start, i + 1)) as string) : this.text.slice(start + 1, i);
  }

  /** Skips a nested object or array, returning its text. */
  private nested(): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 34) {
        this.string();
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          this.pos++;
          const raw = this.text.slice(start, this.pos);
          JSON.parse(raw); // validates
          return raw;
        }
      }
      this.pos++;
    }
    return this.fail('unterminated object or array');
  }

  private value(): ParsedValue {
    const c = this.text.charCodeAt(this.pos);
    if (c === 34) return { value: this.string(), float: false };
    if (c === 123 || c === 91) return { value: { complex: this.nested() }, float: false };
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { value, float: false };
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('expected a JSON value');
    this.pos = NUMBER.lastIndex;
    return { value: Number(m[0]), float: m[1] !== undefined || m[2] !== undefined };
  }

  /** The object's entries in order; throws SyntaxError when the line is not one JSON object. */
  parse(line: string): { key: string; value: Cell; float: boolean }[] {
    this.text = line;
    this.pos = 0;
    this.skip();
    if (this.text.charCodeAt(this.pos) !== 123) this.fail('expected a JSON object');
    this.pos++;
    const out: { key: string; value: Cell; float: boolean }[] = [];
    this.skip();
    if (this.text.charCodeAt(this.pos) === 125) this.pos++;
    else {
      for (;;) {
        this.skip();
        if (this.text.charCodeAt(this.pos) !== 34) this.fail('expected a key');
        const key = this.string();
        this.skip();
        if (this.text.charCodeAt(this.pos) !== 58) this.fail("expected ':'");
        this.pos++;
        this.skip();
        out.push({ key, ...this.value() });
        this.skip();
        const c = this.text.charCodeAt(this.pos);
        this.pos++;
        if (c === 125) break;
        if (c !== 44) this.fail("expected ',' or '}'");
      }
    }
    this.skip();
    if (this.pos < this.text.length) this.fail('unexpected text after the object');
    return out;
  }
}

export interface JsonlOptions {
  batchRows?: number;
  input?: string;
}

async function* jsonlBatches(path: string, options: JsonlOptions): AsyncGenerator<RowBatch> {
  const batchRows = options.batchRows ?? 8192;
  const { fd } = openRegularFile(path, options.input);
  const stream = createReadStream('', { fd, encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const parser = new JsonLineParser();
  const columns: string[] = [];
  const index = new Map<string, number>();
  let rows: Cell[][] = [];
  let floats = new Set<number>();
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let entries: ReturnType<JsonLineParser['parse']>;
      try {
        entries = parser.parse(lineNo === 1 ? line.replace(/^\uFEFF/, '') : line);
      } catch (e) {
        throw inputError(`JSON Lines file '${path}' line ${lineNo}: ${(e as Error).message}`, {
          location: { file: path, line: lineNo },
          cause: e,
        });
      }
      const row: Cell[] = [];
      for (const { key, value, float } of entries) {
        let at = index.get(key);
        if (at === undefined) {
          at = columns.length;
          columns.push(key);
          index.set(key, at);
        }
        while (row.length < at) row.push(null);
        row[at] = value;
        if (float) floats.add(at);
      }
      rows.push(row);
      if (rows.length >= batchRows) {
        yield { columns: [...columns], rows, floatLiterals: floats };
        rows = [];
        floats = new Set();
      }
    }
    if (rows.length > 0 || lineNo === 0) yield { columns: [...columns], rows, floatLiterals: floats };
  } finally {
    lines.close();
    stream.destroy();
  }
}

export function jsonlSource(path: string, options: JsonlOptions = {}): DataSource {
  return {
    format: 'jsonl',
    name: path,
    textCells: false,
    schema: async () => undefined,
    batches: () => jsonlBatches(path, options),
    identity: () => fileIdentity(path),
  };
}
