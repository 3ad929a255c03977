/**
 * Reading a CSV field straight from the parser's text, without making a string of it, where a pass has said what
 * it wants of the column: its number (a column the dtype pass found numeric), or the kinds it can be read as (the
 * dtype pass itself). Only the common shapes are read here (decimal digits with a sign and a point, and for kinds an
 * exponent); every other field is sliced and read by `textNumber` and `textKinds`, so the results are theirs.
 */
import { textKinds, textNumber } from './cells';
import type { Cell } from './types';

/** What the reader makes of an unquoted field: text (a string), its number, or its kinds (a bit mask). */
export const enum CellMode {
  Text = 0,
  Number = 1,
  Kinds = 2,
}

/** Kinds as a bit mask (a cell of a `Kinds` column). */
export const KIND_INTEGER = 1;
export const KIND_DOUBLE = 2;
export const KIND_BOOLEAN = 4;

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const D0 = 48;
const D9 = 57;
const COMMA = 44;
const LF = 10;
const CR = 13;
const LOWER_E = 101;
const UPPER_E = 69;

/** Exact powers of ten (10²² is the largest a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

export function kindBits(text: string): number {
  const k = textKinds(text);
  return (k.integer ? KIND_INTEGER : 0) | (k.double ? KIND_DOUBLE : 0) | (k.boolean ? KIND_BOOLEAN : 0);
}

/** Characters a number, NaN, Inf(inity) or true/false can start with. */
function mayBeKind(c: number): boolean {
  return (c >= D0 && c <= D9) || c === PLUS || c === MINUS || c === DOT || c === 78 /* N */ || c === 73 /* I */ || c === 116 || c === 84 || c === 102 || c === 70;
}

/** `kindBits(text.slice(i, j))` for a non-empty field. */
export function kindsAt(text: string, i: number, j: number): number {
  const first = text.charCodeAt(i);
  if (!mayBeKind(first)) return 0;
  let k = i;
  if (first === PLUS || first === MINUS) k++;
  const intStart = k;
  while (k < j && text.charCodeAt(k) >= D0 && text.charCodeAt(k) <= D9) k++;
  const intDigits = k - intStart;
  if (k === j && intDigits > 0) return j - i < 19 ? KIND_INTEGER | KIND_DOUBLE : kindBits(text.slice(i, j));
  let fracDigits = 0;
  if (k < j && text.charCodeAt(k) === DOT) {
    k++;
    const fracStart = k;
    while (k < j && text.charCodeAt(k) >= D0 && text.charCodeAt(k) <= D9) k++;
    fracDigits = k - fracStart;
  }
  if (intDigits + fracDigits > 0) {
    if (k === j) return KIND_DOUBLE;
    const c = text.charCodeAt(k);
    if (c === LOWER_E || c === UPPER_E) {
      k++;
      if (k < j && (text.charCodeAt(k) === PLUS || text.charCodeAt(k) === MINUS)) k++;
      const expStart = k;
      while (k < j && text.charCodeAt(k) >= D0 && text.charCodeAt(k) <= D9) k++;
      if (k === j && k > expStart) return KIND_DOUBLE;
    }
  }
  return kindBits(text.slice(i, j));
}

/** A whole field's value as `mode` asks (the slow path: a field cut by a chunk boundary, or at the end of the file). */
export function cellOf(text: string, mode: CellMode): string | number {
  if (mode === CellMode.Number) return textNumber(text);
  if (mode === CellMode.Kinds) return kindBits(text);
  return text;
}

/** The cell `scanField` read (valid when it returned an index before the end of the text). */
export let scanned: Cell = null;
/** The kinds bits of that field (Number mode with `wantBits`; Kinds mode: the same as `scanned`). */
export let scannedBits = 0;

/**
 * Reads the unquoted field starting at `i` as `mode` (Number or Kinds) while looking for its end: returns the index
 * of the comma or line break that ends it, with its value in `scanned`, or `n` when the text ends first (the caller
 * keeps the piece). The same values as `textNumber` and `kindsAt` of the field.
 */
export function scanField(text: string, i: number, n: number, mode: CellMode, wantBits = false): number {
  let k = i;
  let c = text.charCodeAt(k);
  const negative = c === MINUS;
  if (negative || c === PLUS) k++;
  let m = 0;
  let digits = 0;
  let dot = -1;
  for (; k < n; k++) {
    c = text.charCodeAt(k);
    if (c >= D0 && c <= D9) {
      m = m * 10 + (c - D0);
      digits++;
    } else if (c === DOT && dot < 0) dot = k;
    else break;
  }
  if (k < n && (c === COMMA || c === LF || c === CR)) {
    if (digits > 0) {
      if (mode === CellMode.Kinds) {
        scanned = scannedBits = dot >= 0 ? KIND_DOUBLE : k - i < 19 ? KIND_INTEGER | KIND_DOUBLE : kindBits(text.slice(i, k));
        return k;
      }
      const scale = dot < 0 ? 0 : k - dot - 1;
      if (digits <= 15 && scale <= 22) {
        const x = scale === 0 ? m : m / POW10[scale]!;
        scanned = negative ? -x : x;
        if (wantBits) scannedBits = dot >= 0 ? KIND_DOUBLE : KIND_INTEGER | KIND_DOUBLE; // at most 15 digits: a long
        return k;
      }
    }
    if (mode === CellMode.Kinds) scanned = scannedBits = kindBits(text.slice(i, k));
    else {
      const t = text.slice(i, k);
      scanned = textNumber(t);
      if (wantBits) scannedBits = kindBits(t);
    }
    return k;
  }
  while (k < n) {
    c = text.charCodeAt(k);
    if (c === COMMA || c === LF || c === CR) break;
    k++;
  }
  if (k < n) {
    if (mode === CellMode.Kinds) scanned = scannedBits = kindsAt(text, i, k);
    else {
      const t = text.slice(i, k);
      scanned = textNumber(t);
      if (wantBits) scannedBits = kindBits(t);
    }
  }
  return k;
}
