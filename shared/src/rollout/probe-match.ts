/**
 * Does a response hold the expected output? A JSON subset match: every key of an expected object must be in the
 * actual object with a matching value (extra keys are fine); arrays match element by element and must have the
 * same length; numbers match within `tolerance` (absolute, default a relative 1e-9); everything else is equal.
 */

export interface MatchOptions {
  tolerance?: number;
}

function numbersMatch(expected: number, actual: number, tolerance: number | undefined): boolean {
  const allowed = tolerance ?? 1e-9 * Math.max(1, Math.abs(expected), Math.abs(actual));
  return Math.abs(expected - actual) <= allowed;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** The first difference as "$.predictions[0]: expected 0, got 1", or undefined when `actual` matches. */
export function mismatch(expected: unknown, actual: unknown, options: MatchOptions = {}, path = '$'): string | undefined {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return numbersMatch(expected, actual, options.tolerance) ? undefined : `${path}: expected ${expected}, got ${actual}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], options, `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const sub = /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      if (!Object.hasOwn(actual, k)) return `${sub}: missing`;
      const m = mismatch(v, (actual as Record<string, unknown>)[k], options, sub);
      if (m) return m;
    }
    return undefined;
  }
  return expected === actual ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}
