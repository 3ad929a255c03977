/**
 * Service level objectives for a load run, as users write them in an input:
 *
 *   p95 <= 300ms      p99 <= 1s      p99.9 < 2.5s      mean <= 120ms      max <= 5s
 *   error_rate <= 1%                 throughput >= 50/s (or 50 rps, 3000/min)
 *
 * One rule per line, or several separated by `;` or `,`; `#` starts a comment. Latency is in ms, s or µs (us); a
 * bare number is ms. An error rate is a percentage and needs its `%`. A bare throughput is a second's requests.
 */
import { inputError } from '../../core/errors';
import { percentileMs, type Histogram } from './histogram';
import type { LoadResult } from './types';

export type SloOperator = '<=' | '<' | '>=' | '>';

export type SloMetric =
  | { kind: 'percentile'; percentile: number }
  | { kind: 'mean' }
  | { kind: 'max' }
  | { kind: 'error_rate' }
  | { kind: 'throughput' };

export interface SloRule {
  /** The rule as written, trimmed */
  text: string;
  /** 1-based line of the input it is on */
  line: number;
  metric: SloMetric;
  operator: SloOperator;
  /** In the metric's unit: ms for latency, a fraction (0–1) for the error rate, requests a second for throughput */
  threshold: number;
}

export interface SloRow {
  rule: string;
  /** In the rule's unit (see SloRule.threshold); undefined when the run gave nothing to measure it on */
  measured?: number;
  /** The measured value for people: "312 ms", "0.42%", "51.3/s", or why there is none */
  measuredText: string;
  passed: boolean;
}

const SYNTAX = "'<metric> <op> <value>', metric one of p50, p95, p99, p99.9 (any pN), mean, max, error_rate, throughput; op one of <=, <, >=, >";
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

function splitLines(text: string): { line: number; rule: string }[] {
  return text.split(/\r?\n/).flatMap((raw, i) =>
    raw
      .replace(/#.*$/, '')
      .split(/[;,]/)
      .map((r) => r.trim())
      .filter((r) => r !== '')
      .map((rule) => ({ line: i + 1, rule })),
  );
}

function parseMetric(name: string, fail: (why: string) => never): SloMetric {
  const n = name.toLowerCase();
  if (n === 'mean' || n === 'avg' || n === 'average') return { kind: 'mean' };
  if (n === 'max') return { kind: 'max' };
  if (n === 'error_rate' || n === 'errors' || n === 'error-rate') return { kind: 'error_rate' };
  if (n === 'throughput' || n === 'rps') return { kind: 'throughput' };
  const m = /^p(\d+(?:\.\d+)?)$/.exec(n);
  if (m) {
    const p = Number(m[1]);
    if (/^p9{3,}$/.test(n)) fail(`'${name}' is ambiguous: write p99.9 for the 99.9th percentile`);
    if (!(p > 0 && p <= 100)) fail(`the percentile in '${name}' must be above 0 and at most 100`);
    return { kind: 'percentile', percentile: p };
  }
  return fail(`unknown metric '${name}'`);
}

function parseValue(metric: SloMetric, raw: string, fail: (why: string) => never): number {
  const num = NUMBER.exec(raw)?.[0];
  if (num === undefined) fail(raw === '' ? 'expected a value after the operator' : `expected a number, got '${raw}'`);
  const value = Number(num);
  const unit = raw.slice(num.length).trim().toLowerCase();
  if (metric.kind === 'error_rate') {
    if (unit !== '%') fail(unit === '' ? `write the error rate as a percentage, e.g. 'error_rate <= ${value}%'` : `unknown unit '${unit}' for an error rate (use %)`);
    if (value > 100) fail('an error rate is at most 100%');
    return value / 100;
  }
  if (metric.kind === 'throughput') {
    const per: Record<string, number> = { '': 1, '/s': 1, rps: 1, 'req/s': 1, 'requests/s': 1, '/min': 1 / 60, rpm: 1 / 60, 'req/min': 1 / 60 };
    const f = per[unit.replace(/\s+/g, '')];
    if (f === undefined) fail(`unknown unit '${unit}' for a throughput (use /s, rps or /min)`);
    return value * f;
  }
  const scale: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001, 'µs': 0.001, 'μs': 0.001 };
  const f = scale[unit];
  if (f === undefined) fail(`unknown unit '${unit}' for a latency (use ms, s or us)`);
  return value * f;
}

function parseRule(text: string, line: number, fail: (why: string) => never): SloRule {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*([<>=!]+)?\s*(.*)$/.exec(text);
  if (!m) fail('expected a metric name first');
  const [, name, op, rest] = m;
  const metric = parseMetric(name!, fail);
  if (op === undefined) fail(`expected an operator (<=, <, >=, >) after '${name}'`);
  const suggestion: Record<string, string> = { '=<': '<=', '=>': '>=' };
  if (op !== '<=' && op !== '<' && op !== '>=' && op !== '>') {
    fail(`operator '${op}' is not supported${suggestion[op] ? `; did you mean '${suggestion[op]}'?` : ' (use <=, <, >=, >)'}`);
  }
  const threshold = parseValue(metric, rest!.trim(), fail);
  return { text, line, metric, operator: op, threshold };
}

/** Parse the SLO input; an error names the input, the line and the rule. An empty text gives no rules. */
export function parseSloRules(text: string, inputName: string): SloRule[] {
  return splitLines(text).map(({ line, rule }) =>
    parseRule(rule, line, (why): never => {
      throw inputError(`Input '${inputName}', line ${line}: '${rule}': ${why}`, { input: inputName, hint: `Write one objective a line as ${SYNTAX}.` });
    }),
  );
}

/** What the rules are measured on: a load result, or the same figures merged from several. */
export type SloSubject = Pick<LoadResult, 'histogram' | 'errorRate' | 'throughput' | 'completed' | 'dropped'>;

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${Number(ms.toFixed(1))} ms`;
  return `${Number(ms.toFixed(2))} ms`;
}

export function formatRate(perSecond: number): string {
  return `${perSecond >= 100 ? Math.round(perSecond) : Number(perSecond.toFixed(1))}/s`;
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p === 0 || p >= 10 ? Number(p.toFixed(1)) : Number(p.toFixed(2))}%`;
}

function measure(metric: SloMetric, s: SloSubject): { value?: number; text: string } {
  const h: Histogram = s.histogram;
  const latency = (v: number | undefined) => (v === undefined ? { text: 'no answers' } : { value: v, text: formatMs(v) });
  switch (metric.kind) {
    case 'percentile':
      return latency(percentileMs(h, metric.percentile));
    case 'mean':
      return latency(h.totalCount === 0 ? undefined : h.mean / 1000);
    case 'max':
      return latency(h.totalCount === 0 ? undefined : h.maxValue / 1000);
    case 'error_rate':
      return s.completed + s.dropped === 0 ? { text: 'no requests' } : { value: s.errorRate, text: formatPercent(s.errorRate) };
    case 'throughput':
      return { value: s.throughput, text: formatRate(s.throughput) };
  }
}

export function holds(measured: number, op: SloOperator, threshold: number): boolean {
  // Thresholds are parsed from decimal text (300ms, 1%, 50/s): compare with a tolerance for float noise.
  const eps = Math.abs(threshold) * 1e-9;
  switch (op) {
    case '<=':
      return measured <= threshold + eps;
    case '<':
      return measured < threshold - eps;
    case '>=':
      return measured >= threshold - eps;
    case '>':
      return measured > threshold + eps;
  }
}

/** One row a rule: what was measured and whether it holds. A rule with nothing to measure on does not pass. */
export function evaluateSlos(rules: readonly SloRule[], subject: SloSubject): SloRow[] {
  return rules.map((r) => {
    const m = measure(r.metric, subject);
    return { rule: r.text, ...(m.value === undefined ? {} : { measured: m.value }), measuredText: m.text, passed: m.value !== undefined && holds(m.value, r.operator, r.threshold) };
  });
}
