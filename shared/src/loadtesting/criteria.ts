/**
 * The SLO rules Azure Load Testing can check itself, as the test's passFailCriteria (its own verdict shows in the
 * portal); the step still evaluates every rule on the run's statistics, so a rule that does not map loses nothing.
 * A criterion names when the run FAILS: `p95 <= 300ms` is {response_time_ms, p95, '>', 300}. Maps: `<=` and `>=`
 * rules (strict ones would be off by one unit) on p50/p90/p95/p99, mean and max with whole-ms thresholds, error_rate
 * (error percentage) and throughput (requests_per_sec avg).
 */
import type { SloRule } from '../checks/load/slo';

export interface PassFailMetric {
  clientmetric: 'response_time_ms' | 'error' | 'requests_per_sec';
  aggregate: 'avg' | 'max' | 'p50' | 'p90' | 'p95' | 'p99' | 'percentage';
  condition: '>' | '<';
  value: number;
  action: 'continue';
}

const PERCENTILES: Record<number, PassFailMetric['aggregate']> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99' };

export function criterionFor(rule: SloRule): PassFailMetric | undefined {
  if (rule.operator !== '<=' && rule.operator !== '>=') return undefined;
  const condition = rule.operator === '<=' ? '>' : '<';
  const m = rule.metric;
  if (m.kind === 'error_rate') return { clientmetric: 'error', aggregate: 'percentage', condition, value: Number((rule.threshold * 100).toPrecision(12)), action: 'continue' };
  if (m.kind === 'throughput') return { clientmetric: 'requests_per_sec', aggregate: 'avg', condition, value: rule.threshold, action: 'continue' };
  if (!Number.isInteger(rule.threshold)) return undefined;
  const aggregate = m.kind === 'mean' ? 'avg' : m.kind === 'max' ? 'max' : PERCENTILES[m.percentile];
  return aggregate ? { clientmetric: 'response_time_ms', aggregate, condition, value: rule.threshold, action: 'continue' } : undefined;
}

/** The criteria keyed by a stable id a rule (its position), ready for `passFailCriteria.passFailMetrics`. */
export function passFailMetrics(rules: readonly SloRule[]): Record<string, PassFailMetric> {
  const out: Record<string, PassFailMetric> = {};
  rules.forEach((r, i) => {
    const c = criterionFor(r);
    if (c) out[`slo-${i + 1}`] = c;
  });
  return out;
}
