/**
 * Evaluate gate rules for a candidate against constants and the champion.
 * - A rule against the champion passes when there is no champion (the first model), reason "no champion".
 * - A rule against a champion that has no value for the metric passes too, marked `skipped`, saying so: models
 *   registered before metrics were recorded must not block every later promotion.
 * - A metric missing on the candidate fails the rule.
 * Comparisons allow a relative 1e-9 tolerance, so `0.91 >= 0.92 - 0.01` holds despite binary floating point.
 */
import { describeThreshold, type GateOperator, type GateRule } from './rules';
import type { Metrics } from './metrics-file';

export interface GateChampion {
  /** How the table names it, e.g. "credit-model:3 (alias champion)" */
  label: string;
  metrics: Metrics;
}

export interface RuleResult {
  rule: string;
  metric: string;
  operator: GateOperator;
  /** The right side as written: "0.8", "champion - 0.01" */
  thresholdText: string;
  /** The value compared against; undefined when it could not be computed */
  threshold?: number;
  candidateValue?: number;
  /** The champion's value of the metric the threshold uses */
  championValue?: number;
  passed: boolean;
  /** Passed without comparing (no champion, or the champion lacks the metric) */
  skipped: boolean;
  reason: string;
}

export interface GateResult {
  passed: boolean;
  rules: RuleResult[];
  /** undefined: no champion was found */
  champion?: GateChampion;
}

const REL_TOLERANCE = 1e-9;

export function formatMetric(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(6)));
}

function compare(a: number, op: GateOperator, b: number): boolean {
  const eps = REL_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  switch (op) {
    case '>=':
      return a >= b - eps;
    case '<=':
      return a <= b + eps;
    case '>':
      return a > b + eps;
    case '<':
      return a < b - eps;
    case '==':
      return Math.abs(a - b) <= eps;
  }
}

function adjust(value: number, rule: GateRule): number {
  const t = rule.threshold;
  if (t.kind !== 'champion' || !t.adjust) return value;
  const { operator, operand } = t.adjust;
  switch (operator) {
    case '+':
      return value + operand;
    case '-':
      return value - operand;
    case '*':
      return value * operand;
    case '/':
      return value / operand;
  }
}

function known(metrics: Metrics): string {
  const names = Object.keys(metrics);
  if (names.length === 0) return 'it has no metrics';
  const shown = names.slice(0, 8).join(', ');
  return `it has ${shown}${names.length > 8 ? `, … (${names.length} in all)` : ''}`;
}

function evaluateRule(rule: GateRule, candidate: Metrics, champion: GateChampion | undefined): RuleResult {
  const thresholdText = describeThreshold(rule.threshold, rule.metric);
  const base = { rule: rule.text, metric: rule.metric, operator: rule.operator, thresholdText };
  const candidateValue = Object.hasOwn(candidate, rule.metric) ? candidate[rule.metric] : undefined;
  const t = rule.threshold;
  const championMetric = t.kind === 'champion' ? t.metric : rule.metric;
  const championValue = champion && Object.hasOwn(champion.metrics, championMetric) ? champion.metrics[championMetric] : undefined;

  if (candidateValue === undefined) {
    return {
      ...base,
      championValue,
      passed: false,
      skipped: false,
      reason: `the candidate has no metric '${rule.metric}' (${known(candidate)})`,
    };
  }
  let threshold: number;
  if (t.kind === 'constant') {
    threshold = t.value;
  } else if (!champion) {
    return { ...base, candidateValue, passed: true, skipped: true, reason: 'no champion' };
  } else if (championValue === undefined) {
    return {
      ...base,
      candidateValue,
      passed: true,
      skipped: true,
      reason: `the champion ${champion.label} has no metric '${championMetric}' to compare with`,
    };
  } else {
    threshold = adjust(championValue, rule);
  }
  const passed = compare(candidateValue, rule.operator, threshold);
  let shown = formatMetric(threshold);
  if (t.kind === 'champion') {
    const which = t.metric === rule.metric ? 'champion' : `champion.${t.metric}`;
    const adj = t.adjust ? ` ${t.adjust.operator} ${t.adjust.operand}` : '';
    shown += ` (${which} ${formatMetric(championValue!)}${adj})`;
  }
  return {
    ...base,
    threshold,
    candidateValue,
    championValue,
    passed,
    skipped: false,
    reason: `${formatMetric(candidateValue)} ${passed ? '' : 'is not '}${rule.operator} ${shown}`,
  };
}

export function evaluateGate(rules: GateRule[], candidate: Metrics, champion: GateChampion | undefined): GateResult {
  const results = rules.map((r) => evaluateRule(r, candidate, champion));
  return { passed: results.every((r) => r.passed), rules: results, ...(champion ? { champion } : {}) };
}
