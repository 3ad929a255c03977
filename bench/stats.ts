/**
 * Pure statistics for `npm run bench`: A/B pairs run in ABBA order after discarded warm-up pairs, the median of
 * per-pair ratios with its min and max, and summaries (n, median, min, max) of plain samples. No I/O here.
 */

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median of `xs` (mean of the two middle values when n is even). Throws on an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function minMax(xs: readonly number[]): { min: number; max: number } {
  if (xs.length === 0) throw new Error('min/max of no samples');
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, median: median(xs), ...minMax(xs) };
}

export type Side = 'A' | 'B';

/**
 * Which side runs first in pair `index` (counting warm-up pairs too), so the whole sequence reads ABBAABBA…:
 * neither side is always first (warmer caches, a quieter machine).
 */
export function abbaOrder(index: number): [Side, Side] {
  return index % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
}

/** One A/B pair: the baseline sample `a` and the subject sample `b`. */
export interface Pair2<A, B> {
  a: A;
  b: B;
}

/** Per-pair ratio subject / baseline (b / a) of a figure taken from each side. */
export function pairRatios<A, B>(pairs: readonly Pair2<A, B>[], subject: (s: B) => number, baseline: (s: A) => number): number[] {
  return pairs.map((p) => subject(p.b) / baseline(p.a));
}

/**
 * Run `warmup` discarded pairs then `runs` kept pairs of `a()` (baseline) and `b()` (subject), the two sides of
 * each pair back to back in ABBA order. Returns the kept pairs, and the warm-up pairs for the record.
 */
export async function runPairs<A, B>(runs: number, warmup: number, a: () => Promise<A>, b: () => Promise<B>): Promise<{ warmup: Pair2<A, B>[]; pairs: Pair2<A, B>[] }> {
  const kept: Pair2<A, B>[] = [];
  const discarded: Pair2<A, B>[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    let sa: A | undefined;
    let sb: B | undefined;
    for (const side of abbaOrder(i)) {
      if (side === 'A') sa = await a();
      else sb = await b();
    }
    (i < warmup ? discarded : kept).push({ a: sa as A, b: sb as B });
  }
  return { warmup: discarded, pairs: kept };
}

/** A positive integer from an environment variable, or `fallback` when unset or empty; throws on anything else. */
export function intFromEnv(env: Record<string, string | undefined>, name: string, fallback: number, minimum = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < minimum) throw new Error(`${name} must be an integer >= ${minimum} (got '${raw}')`);
  return n;
}

/**
 * A duration in ms from an environment variable: a bare number is seconds (`10`, `2.5`), else `500ms`, `10s`,
 * `1m`; `fallbackMs` when unset or empty; throws on anything else (or a negative value).
 */
export function durationFromEnv(env: Record<string, string | undefined>, name: string, fallbackMs: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(raw);
  if (!m) throw new Error(`${name} must be seconds or a duration such as 500ms, 10s, 1m (got '${raw}')`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm']);
}

/**
 * The `p`-th percentile (0–100) of `xs` by the nearest-rank method on a sorted copy: the smallest sample with at
 * least p% of the samples at or below it (p99 of 5,000 samples is the 4,950th smallest). Throws on an empty list.
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be within 0..100 (got ${p})`);
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** `12.3 [10.1–15.0]` style: a median and its range, with `digits` decimals. */
export function formatRange(s: Pick<Summary, 'median' | 'min' | 'max'>, digits = 0, unit = ''): string {
  const f = (x: number) => x.toFixed(digits) + unit;
  return `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
}

/** A plain-text table: columns padded to their widest cell, a rule under the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((x, c) => (x ?? '').padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
