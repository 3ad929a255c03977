/**
 * Small value syntaxes of a policy: durations (`20s`, `500ms`, `1m30s`), JSON pointers (RFC 6901) and the numbers
 * written as plain text that PyYAML-compatible parsing leaves as strings (`1e-3`).
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m)/y;

/** Milliseconds for `20s`, `500ms`, `2m`, `1m30s`, `1.5s`; a problem sentence otherwise. */
export function parseDuration(text: string): { ms: number } | { problem: string } {
  const t = text.trim();
  if (t === '') return { problem: 'the duration is empty' };
  if (/^\d+(?:\.\d+)?$/.test(t)) return { problem: `'${t}' has no unit: write ${t}s, ${t}ms or ${t}m` };
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const at = PART.lastIndex;
    const m = PART.exec(t);
    if (!m) return { problem: `cannot read '${t}' as a duration at '${t.slice(at)}': write a number and a unit (ms, s or m), e.g. 20s, 500ms, 1m30s` };
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return { ms: Math.round(ms) };
}

/** Why `pointer` is not a JSON pointer ("" or "/a/0/b~1c"), or undefined when it is one. */
export function jsonPointerProblem(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  if (!pointer.startsWith('/')) return `'${pointer}' is not a JSON pointer: it must be empty or start with '/' (e.g. /0 or /predictions/0)`;
  const bad = /~(?![01])/.exec(pointer);
  if (bad) return `'${pointer}' is not a JSON pointer: '~' must be followed by 0 ('~') or 1 ('/')`;
  return undefined;
}

/** Plain numeric text (`0.1`, `-2`, `1e-3`, `.5`). */
export const NUMBER_TEXT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Names of checks and datasets: 1-64 of letters, digits, '_', '.', '-'. */
export const POLICY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
