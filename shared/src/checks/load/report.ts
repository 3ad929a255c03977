/**
 * Report pieces for a load run's summary: latency and throughput over time as Mermaid `xychart-beta` blocks (for a
 * summary that renders Mermaid, GitHub's) and as a Markdown table (everywhere), the run's figures and the SLO rows.
 * Long runs are shown in groups of seconds, at most `maxPoints` of them: a group's percentiles are those of its
 * worst second (per-second histograms are not kept, and the worst second is what a latency chart is read for),
 * its requests a second the group's mean.
 */
import { facts, table } from '../../report/markdown';
import type { SecondSample } from './series';
import { formatMs, formatPercent, formatRate, type SloRow } from './slo';
import type { LoadResult } from './types';

export interface SeriesPoint {
  /** First and last second of the group (1-based, as SecondSample.second) */
  from: number;
  to: number;
  requests: number;
  errors: number;
  rps: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface SeriesViewOptions {
  /** Most points (chart) or rows (table); default 60 */
  maxPoints?: number;
}

const worst = (xs: (number | undefined)[]): number | undefined => {
  const d = xs.filter((x): x is number => x !== undefined);
  return d.length === 0 ? undefined : Math.max(...d);
};

/** The series in groups of whole seconds, so that there are at most `maxPoints` groups. */
export function groupSeries(series: readonly SecondSample[], maxPoints = 60): SeriesPoint[] {
  const per = Math.max(1, Math.ceil(series.length / Math.max(1, maxPoints)));
  const out: SeriesPoint[] = [];
  for (let i = 0; i < series.length; i += per) {
    const g = series.slice(i, i + per);
    const seconds = g.reduce((s, x) => s + x.seconds, 0);
    const requests = g.reduce((s, x) => s + x.requests, 0);
    const p: SeriesPoint = { from: g[0]!.second, to: g[g.length - 1]!.second, requests, errors: g.reduce((s, x) => s + x.errors, 0), rps: seconds > 0 ? requests / seconds : 0 };
    const p50 = worst(g.map((x) => x.p50Ms));
    if (p50 !== undefined) Object.assign(p, { p50Ms: p50, p95Ms: worst(g.map((x) => x.p95Ms)), p99Ms: worst(g.map((x) => x.p99Ms)) });
    out.push(p);
  }
  return out;
}

/** Three significant digits is what the histogram holds; more would be noise in the chart's source. */
function num(x: number): string {
  if (x === 0) return '0';
  return String(Number(x.toPrecision(3)));
}

/** A round ceiling for an axis: 1, 2 or 5 times a power of ten, at or above `x`. */
export function niceCeiling(x: number): number {
  if (!(x > 0)) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 5, 10]) if (m * e >= x * (1 - 1e-12)) return Number((m * e).toPrecision(12));
  return 10 * e;
}

const label = (p: SeriesPoint) => (p.from === p.to ? String(p.from) : `"${p.from}-${p.to}"`);
const axisTitle = (points: readonly SeriesPoint[]) => (points.some((p) => p.from !== p.to) ? 'seconds (grouped)' : 'second');

function fence(lines: string[]): string {
  return ['```mermaid', ...lines, '```'].join('\n');
}

/**
 * p50, p95 and p99 a second as three lines in one Mermaid xychart (the chart has no legend; the lines never cross,
 * p50 lowest and p99 highest). Seconds with no answer are drawn at 0. Undefined for an empty series.
 */
export function latencyChart(series: readonly SecondSample[], opts: SeriesViewOptions = {}): string | undefined {
  const points = groupSeries(series, opts.maxPoints);
  if (points.length === 0) return undefined;
  const top = niceCeiling((worst(points.map((p) => p.p99Ms)) ?? 0) * 1.05);
  const line = (f: (p: SeriesPoint) => number | undefined) => `  line [${points.map((p) => num(f(p) ?? 0)).join(', ')}]`;
  return fence([
    'xychart-beta',
    '  title "Latency (ms): p50, p95, p99, lowest to highest"',
    `  x-axis "${axisTitle(points)}" [${points.map(label).join(', ')}]`,
    `  y-axis "ms" 0 --> ${num(top)}`,
    line((p) => p.p50Ms),
    line((p) => p.p95Ms),
    line((p) => p.p99Ms),
  ]);
}

/** Requests a second as bars in a Mermaid xychart. Undefined for an empty series. */
export function throughputChart(series: readonly SecondSample[], opts: SeriesViewOptions = {}): string | undefined {
  const points = groupSeries(series, opts.maxPoints);
  if (points.length === 0) return undefined;
  const top = niceCeiling(Math.max(...points.map((p) => p.rps)) * 1.05);
  return fence([
    'xychart-beta',
    '  title "Requests a second"',
    `  x-axis "${axisTitle(points)}" [${points.map(label).join(', ')}]`,
    `  y-axis "requests/s" 0 --> ${num(top)}`,
    `  bar [${points.map((p) => num(p.rps)).join(', ')}]`,
  ]);
}

/** The same figures as a Markdown table, one row a second (or group); '–' where a second had no answer. */
export function seriesTable(series: readonly SecondSample[], opts: SeriesViewOptions = {}): string | undefined {
  const points = groupSeries(series, opts.maxPoints);
  if (points.length === 0) return undefined;
  const ms = (x: number | undefined) => (x === undefined ? '–' : formatMs(x));
  const grouped = points.some((p) => p.from !== p.to);
  return table(
    [grouped ? 'Seconds' : 'Second', 'Requests/s', 'Errors', grouped ? 'p50 (worst)' : 'p50', grouped ? 'p95 (worst)' : 'p95', grouped ? 'p99 (worst)' : 'p99'],
    points.map((p) => [p.from === p.to ? String(p.from) : `${p.from}–${p.to}`, formatRate(p.rps), String(p.errors), ms(p.p50Ms), ms(p.p95Ms), ms(p.p99Ms)]),
  );
}

function describeMode(r: Pick<LoadResult, 'mode'>): string {
  const m = r.mode;
  if (m.kind === 'rate') return `${formatRate(m.rps)} arrival rate, at most ${m.maxInFlight} in flight`;
  return `${m.connections} connection${m.connections === 1 ? '' : 's'}${(m.pipelining ?? 1) > 1 ? `, ${m.pipelining} pipelined each` : ''}`;
}

/** The run's figures as a two-column table. */
export function loadFactsTable(r: LoadResult): string {
  const l = r.latency;
  const ms = (x: number | undefined) => (x === undefined ? undefined : formatMs(x));
  const statuses = Object.entries(r.status.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  return facts([
    ['Load', describeMode(r)],
    ['Measured', `${(r.elapsedMs / 1000).toFixed(1)} s${r.warmup.ms > 0 ? ` after a ${(r.warmup.ms / 1000).toFixed(1)} s warm-up` : ''}${r.stopped === 'cancelled' ? ' (cancelled)' : ''}`],
    ['Requests', `${r.completed} answered or failed of ${r.sent} sent${r.dropped > 0 ? `, ${r.dropped} due but never sent` : ''}`],
    ['Throughput', formatRate(r.throughput)],
    ['Error rate', formatPercent(r.errorRate)],
    ['Statuses', statuses || undefined],
    ['Timeouts', r.timeouts > 0 ? String(r.timeouts) : undefined],
    ['Failed', r.failed > 0 ? String(r.failed) : undefined],
    ['Latency p50 / p95 / p99', l.count > 0 ? `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.p99Ms)}` : 'no answers'],
    ['Latency max', ms(l.maxMs)],
  ]);
}

/** SLO rows as a table: the rule, what was measured, pass or fail. */
export function sloTable(rows: readonly SloRow[]): string {
  return table(
    ['Objective', 'Measured', 'Result'],
    rows.map((r) => [r.rule, r.measuredText, r.passed ? 'pass' : 'FAIL']),
  );
}
