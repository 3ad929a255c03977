/**
 * Labels, weights and the positive class, shared by the classification and fairness metrics.
 *
 * Labels compare as Python compares them in scikit-learn and Fairlearn: `true` equals 1 and `false` equals 0,
 * a string never equals a number ("1" is not 1). For binary metrics the positive label defaults to 1, and then
 * the labels seen must come from {0, 1} or {−1, 1} (scikit-learn's and Fairlearn's rule); any other labels
 * need an explicit `posLabel`.
 */
import { inputError } from '../../core/errors';

export type Label = number | string | boolean;

/** Per-row weights; absent means every row weighs 1. */
export type Weights = ArrayLike<number>;

/** A key under which equal labels (in the Python sense) collide. */
export function labelKey(v: Label): string {
  if (typeof v === 'boolean') return v ? 'n:1' : 'n:0';
  if (typeof v === 'number') return `n:${Object.is(v, -0) ? 0 : v}`;
  return `s:${v}`;
}

export function sameLength(what: string, ...arrays: (ArrayLike<unknown> | undefined)[]): number {
  const present = arrays.filter((a): a is ArrayLike<unknown> => a !== undefined);
  const n = present[0]?.length ?? 0;
  if (present.some((a) => a.length !== n)) {
    throw inputError(`${what}: the arrays have different lengths (${present.map((a) => a.length).join(', ')})`);
  }
  return n;
}

export function checkWeights(weights: Weights | undefined, n: number, what: string): void {
  if (!weights) return;
  if (weights.length !== n) throw inputError(`${what}: ${weights.length} weights for ${n} rows`);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) throw inputError(`${what}: weight ${i} is ${w}; weights must be finite and ≥ 0`);
  }
}

const ZERO_ONE = new Set(['n:0', 'n:1']);
const MINUS_ONE_ONE = new Set(['n:-1', 'n:1']);

/**
 * The key of the positive label for binary metrics over these label arrays, checking that there are at most two
 * distinct labels and, when `posLabel` is not given, that they are {0, 1} or {−1, 1}.
 */
export function positiveKey(what: string, arrays: readonly (readonly Label[])[], posLabel?: Label): string {
  const seen = new Set<string>();
  for (const a of arrays) for (const v of a) seen.add(labelKey(v));
  if (seen.size > 2) {
    throw inputError(`${what}: binary metrics need at most two distinct labels, found ${seen.size}`, {
      hint: 'Use accuracy or macro-averaged precision/recall/F1 for more than two classes.',
    });
  }
  if (posLabel !== undefined) {
    const key = labelKey(posLabel);
    // Rows of one class may lack the positive label (a slice of negatives); two labels without it are a mistake.
    if (seen.size === 2 && !seen.has(key)) {
      throw inputError(`${what}: the positive label ${String(posLabel)} is not among the labels ${[...seen].map((k) => k.slice(2)).join(', ')}`);
    }
    return key;
  }
  const subset = (allowed: Set<string>) => [...seen].every((k) => allowed.has(k));
  if (!subset(ZERO_ONE) && !subset(MINUS_ONE_ONE)) {
    const shown = [...seen].map((k) => k.slice(2)).join(', ');
    throw inputError(`${what}: labels are ${shown}; without a positive label they must be from {0, 1} or {-1, 1}`, {
      hint: 'Name the positive label (posLabel).',
    });
  }
  return 'n:1';
}

/** 1 where the label is the positive one, else 0. */
export function indicator(values: readonly Label[], posKey: string): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = labelKey(values[i]!) === posKey ? 1 : 0;
  return out;
}

/** Weighted sums of the binary confusion matrix. */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusionCounts(truth: Uint8Array, pred: Uint8Array, weights?: Weights, rows?: ArrayLike<number>): ConfusionCounts {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const n = rows ? rows.length : truth.length;
  for (let j = 0; j < n; j++) {
    const i = rows ? rows[j]! : j;
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    if (truth[i]) {
      if (pred[i]) c.tp += w;
      else c.fn += w;
    } else if (pred[i]) c.fp += w;
    else c.tn += w;
  }
  return c;
}

/** a / b, or `zero` when b is 0 (scikit-learn's `zero_division`, whose default acts as 0). */
export function safeDivide(a: number, b: number, zero = 0): number {
  return b === 0 ? zero : a / b;
}
