/**
 * Checks during a bake: each check measures the new deployment over the window since the previous check and
 * evaluates every rule. A rule with no data is inconclusive, and an inconclusive rule fails the check (a
 * deployment that cannot be seen working is not promoted). A bake tolerates `failureLimit` failed checks and
 * fails on the next one (Argo Rollouts' `failureLimit`; Flagger's `threshold` is failureLimit + 1).
 */
import { evaluateGate } from '../gate/evaluate';
import type { AnalysisRule } from './analysis-rules';
import { formatMetricValue, type Measurements, type MetricWindow } from './metrics';

export type RuleVerdict = 'pass' | 'fail' | 'inconclusive';

export interface RuleCheck {
  rule: string;
  metric: string;
  /** The threshold in the metric's unit, and as a rule writes it ("300ms") */
  threshold: number;
  thresholdText: string;
  value?: number;
  verdict: RuleVerdict;
  /** "312ms is not <= 300ms", "no data for latency.p95" */
  reason: string;
}

export interface CheckRecord {
  /** ISO time of the check */
  at: string;
  window: { start: string; end: string };
  results: RuleCheck[];
  passed: boolean;
  /** Set when measuring threw: every rule is inconclusive */
  error?: string;
}

export function evaluateRules(rules: readonly AnalysisRule[], measured: Measurements): RuleCheck[] {
  return rules.map((rule) => {
    const thresholdText = formatMetricValue(rule.metric, rule.threshold);
    const base = { rule: rule.text, metric: rule.metric, threshold: rule.threshold, thresholdText };
    const value = measured[rule.metric];
    if (value === undefined || !Number.isFinite(value)) {
      return { ...base, verdict: 'inconclusive' as const, reason: `no data for ${rule.metric} (counts as a failure)` };
    }
    const passed = evaluateGate([rule.gate], { [rule.metric]: value }, undefined).passed;
    const shown = formatMetricValue(rule.metric, value);
    return {
      ...base,
      value,
      verdict: passed ? ('pass' as const) : ('fail' as const),
      reason: `${shown} ${passed ? '' : 'is not '}${rule.operator} ${thresholdText}`,
    };
  });
}

export function checkRecord(rules: readonly AnalysisRule[], window: MetricWindow, measured: Measurements | Error): CheckRecord {
  const error = measured instanceof Error ? measured.message : undefined;
  const results = evaluateRules(rules, measured instanceof Error ? {} : measured);
  return {
    at: window.end.toISOString(),
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    results,
    passed: results.every((r) => r.verdict === 'pass'),
    ...(error === undefined ? {} : { error }),
  };
}

/** One line for the log: "check 2: 2 of 3 rules pass; latency.p95: 312ms is not <= 300ms". */
export function describeCheck(check: CheckRecord, n: number): string {
  const bad = check.results.filter((r) => r.verdict !== 'pass');
  const head = `check ${n}: ${check.results.length - bad.length} of ${check.results.length} rules pass`;
  const why = bad.map((r) => `${r.metric}: ${r.reason}`);
  if (check.error) why.unshift(`measuring failed: ${check.error}`);
  return why.length === 0 ? head : `${head}; ${why.join('; ')}`;
}
