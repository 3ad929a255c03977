/**
 * SLO rules measured on a run's summary figures instead of its histogram: what a load service (Azure Load Testing)
 * reports for a whole run. The same rows as evaluateSlos; a rule on a figure the service did not report does not
 * pass, and says so.
 */
import { formatMs, formatPercent, formatRate, holds, type SloMetric, type SloRow, type SloRule } from './slo';

export interface LoadFigures {
  /** Requests sent and finished (answered or failed) */
  samples: number;
  errors: number;
  /** A fraction, 0-1 */
  errorRate: number;
  /** Requests a second over the run */
  throughput: number;
  meanMs?: number;
  maxMs?: number;
  /** Latency percentiles reported (50, 90, 95, 99…), in ms */
  percentilesMs: Record<number, number>;
  /** Who measured, for a rule with nothing to measure: "Azure Load Testing" */
  source: string;
}

function measure(metric: SloMetric, f: LoadFigures): { value?: number; text: string } {
  const latency = (v: number | undefined, what: string) =>
    f.samples === 0 ? { text: 'no answers' } : v === undefined || !Number.isFinite(v) ? { text: `${f.source} reported no ${what}` } : { value: v, text: formatMs(v) };
  switch (metric.kind) {
    case 'percentile':
      return latency(f.percentilesMs[metric.percentile], `p${metric.percentile}`);
    case 'mean':
      return latency(f.meanMs, 'mean');
    case 'max':
      return latency(f.maxMs, 'maximum');
    case 'error_rate':
      return f.samples === 0 ? { text: 'no requests' } : { value: f.errorRate, text: formatPercent(f.errorRate) };
    case 'throughput':
      return { value: f.throughput, text: formatRate(f.throughput) };
  }
}

/** One row a rule, as evaluateSlos gives for a local run. */
export function evaluateSlosOnFigures(rules: readonly SloRule[], f: LoadFigures): SloRow[] {
  return rules.map((r) => {
    const m = measure(r.metric, f);
    return { rule: r.text, ...(m.value === undefined ? {} : { measured: m.value }), measuredText: m.text, passed: m.value !== undefined && holds(m.value, r.operator, r.threshold) };
  });
}
