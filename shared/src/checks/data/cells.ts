/**
 * Cell values: inferring a text column's dtype the way Spark's CSV schema inference does, reading a cell as a value
 * of its column's dtype, Spark's cast rules (the data-quality type-error count), and the category key `str(value)`
 * that the categorical drift metrics group by (check-metrics.md §1.5).
 */
import { FLOAT_TYPES, INTEGER_TYPES, type Cell, type ComplexCell, type DType } from './types';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_DOUBLES: Record<string, number> = {
  NaN: NaN,
  Inf: Infinity,
  '+Inf': Infinity,
  '-Inf': -Infinity,
  Infinity: Infinity,
  '+Infinity': Infinity,
  '-Infinity': -Infinity,
};
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

export const isComplex = (c: Cell): c is ComplexCell =>
  typeof c === 'object' && c !== null && !(c instanceof Date) && !(c instanceof Uint8Array);

/** Kinds a text cell can be read as when inferring (strict: no surrounding spaces, as Spark's CSV inference). */
export interface TextKinds {
  integer: boolean;
  double: boolean;
  boolean: boolean;
}

export function textKinds(text: string): TextKinds {
  let integer = false;
  let double = false;
  if (INTEGER_TEXT.test(text)) {
    // up to 18 digits always fits a long; longer ones are checked exactly
    integer = text.length < 19 || (BigInt(text) <= LONG_MAX && BigInt(text) >= LONG_MIN);
    double = true; // beyond a long, Spark infers decimal: numerical all the same
  } else if (DOUBLE_TEXT.test(text) || text in SPECIAL_DOUBLES) double = true;
  const lower = text.length <= 5 ? text.toLowerCase() : '';
  return { integer, double, boolean: lower === 'true' || lower === 'false' };
}

/** A column's dtype from counts of its non-null text cells by kind (Spark CSV `inferSchema`). */
export function inferTextType(nonNull: number, integer: number, double: number, boolean: number): DType {
  if (nonNull === 0) return 'string';
  if (integer === nonNull) return 'bigint';
  if (double === nonNull) return 'double';
  if (boolean === nonNull) return 'boolean';
  return 'string';
}

/**
 * A text cell of a column the dtype pass found numeric (so every cell is a decimal number or NaN/Inf/-Inf/Infinity,
 * and `+text` reads it without a second regex test); NaN when it is not one.
 */
export function textNumber(text: string): number {
  const x = +text;
  if (x === x && text !== '') return x;
  return SPECIAL_DOUBLES[text] ?? NaN;
}

const TRUE_WORDS = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_WORDS = new Set(['f', 'false', 'n', 'no', '0']);
const CAST_INTEGER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const CAST_DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;
const CAST_SPECIAL = /^[+-]?(inf|infinity)$|^nan$/i;
const INTEGER_RANGE: Record<string, [number, number]> = {
  tinyint: [-128, 127],
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
  bigint: [Number(LONG_MIN), Number(LONG_MAX)],
};

/**
 * `cast(text AS dtype) IS NOT NULL` in Spark (non-ANSI): whitespace is trimmed, an integer cast drops a fraction and
 * fails out of range, booleans accept t/true/y/yes/1 and f/false/n/no/0.
 */
export function textCastable(text: string, to: DType): boolean {
  const t = text.trim();
  if (to === 'string' || to === 'binary') return true;
  if (INTEGER_TYPES.has(to)) {
    if (!CAST_INTEGER.test(t)) return false;
    const whole = Math.trunc(Number(t));
    const [lo, hi] = INTEGER_RANGE[to]!;
    return whole >= lo && whole <= hi;
  }
  if (FLOAT_TYPES.has(to)) return CAST_DOUBLE.test(t) || CAST_SPECIAL.test(t);
  if (to === 'boolean') return TRUE_WORDS.has(t.toLowerCase()) || FALSE_WORDS.has(t.toLowerCase());
  if (to === 'date' || to === 'timestamp') return /^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$/.test(t) && !Number.isNaN(Date.parse(t));
  return false;
}

/** Whether a non-null value of dtype `from` survives `cast(… AS to)` (Spark non-ANSI casts between typed columns). */
export function typeCastable(from: DType, to: DType): boolean {
  if (from === to || to === 'string') return true;
  if (from === 'unsupported' || to === 'unsupported') return false;
  const numeric = (t: DType) => FLOAT_TYPES.has(t) || INTEGER_TYPES.has(t);
  if (numeric(from)) return numeric(to) || to === 'boolean';
  if (from === 'boolean') return numeric(to);
  if (from === 'date' || from === 'timestamp') return to === 'date' || to === 'timestamp' || (from === 'timestamp' && numeric(to));
  if (from === 'binary') return false;
  return false; // strings are cast value by value (textCastable)
}

/** A cell read as a value of `dtype`: numbers for numeric columns (NaN when unreadable), strings for strings… */
export function typedValue(cell: Cell, dtype: DType, text: boolean): Cell {
  if (cell === null) return null;
  if (FLOAT_TYPES.has(dtype) || INTEGER_TYPES.has(dtype)) {
    if (typeof cell === 'number') return cell;
    if (typeof cell === 'string') return text ? textNumber(cell) : Number(cell);
    if (typeof cell === 'boolean') return cell ? 1 : 0;
    return NaN;
  }
  if (dtype === 'boolean') {
    if (typeof cell === 'boolean') return cell;
    if (typeof cell === 'string') return cell.toLowerCase() === 'true';
    return null;
  }
  if (dtype === 'string') {
    if (typeof cell === 'string') return cell;
    if (typeof cell === 'number') return String(cell);
    if (typeof cell === 'boolean') return cell ? 'true' : 'false';
    return isComplex(cell) ? cell.complex : String(cell);
  }
  return cell;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${pad(Math.abs(exp))}`;
  }
  const s = String(x); // JS uses fixed notation in this range, with the same shortest digits
  return s.includes('.') ? s : `${s}.0`;
}

function pythonTimestamp(d: Date): string {
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms ? `${base}.${pad(ms, 3)}000` : base;
}

/**
 * The category a value counts under: Python's `str(value)` of what PySpark hands over, so `True` is "True", an
 * integer 1 is "1" and a float 1 is "1.0"; dates print as `YYYY-MM-DD`, timestamps as `YYYY-MM-DD HH:MM:SS[.ffffff]`
 * in UTC, binary as hexadecimal.
 */
export function categoryKey(value: Cell, dtype: DType): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (INTEGER_TYPES.has(dtype)) return Number.isSafeInteger(value) ? String(value) : Number.isInteger(value) ? BigInt(value).toString() : pythonFloat(value);
    return pythonFloat(value);
  }
  if (value instanceof Date) {
    if (dtype === 'date') return pythonTimestamp(value).slice(0, 10);
    return pythonTimestamp(value);
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value === null) return 'None';
  return value.complex;
}

/** Missing for drift (Spark `dropna`): null, or NaN in a numeric column. */
export const isMissing = (v: Cell): boolean => v === null || (typeof v === 'number' && Number.isNaN(v));

