/**
 * Analysis rules, as users write them in the `analysis` input: one per line (or separated by `;` or `,`), `#`
 * starts a comment, the threshold carries the metric's unit (see metrics.ts):
 *
 *   latency.p95 <= 300ms      errors.5xx.rate <= 1%      cpu <= 80%      requests.rate >= 1/s
 *
 * The comparison itself is the gate's grammar (gate/rules.ts: `<metric> <op> <number>`, op one of >=, <=, >, <,
 * ==), parsed by the gate's parser once the unit is taken off; `champion` thresholds are not for rollouts.
 */
import { inputError } from '../core/errors';
import { parseGateRules, type GateOperator, type GateRule } from '../gate/rules';
import { isRolloutMetric, ROLLOUT_METRICS, unitKind, UNITS, type RolloutMetric } from './metrics';

export interface AnalysisRule {
  /** The rule as written, trimmed */
  text: string;
  metric: RolloutMetric;
  operator: GateOperator;
  /** The threshold in the unit the metric is reported in (ms, percent, count, per second) */
  threshold: number;
  /** The same rule in the gate's form, for gate/evaluate */
  gate: GateRule;
}

const UNIT_SUFFIX = /^(.*?[\d.])\s*(ms|s|%|\/s|\/min|\/m|\/h)$/i;
const HINT = `Write rules as '<metric> <op> <value><unit>', e.g. 'latency.p95 <= 300ms', 'errors.5xx.rate <= 1%', 'requests.rate >= 1/s'; metrics: ${ROLLOUT_METRICS.join(', ')}.`;

function unitExamples(metric: RolloutMetric): string {
  const units = Object.keys(UNITS[unitKind(metric)]);
  return units[0] === '' ? 'a plain count' : units.map((u) => `'${u}'`).join(' or ');
}

function parseOne(text: string, index: number, count: number, input: string): AnalysisRule {
  const which = count > 1 ? `rule ${index + 1} ` : 'rule ';
  const fail = (why: string): never => {
    throw inputError(`Input '${input}': ${which}'${text}': ${why}`, { input, hint: HINT });
  };
  const suffix = UNIT_SUFFIX.exec(text);
  const body = suffix ? suffix[1]! : text;
  const unit = suffix ? suffix[2]!.toLowerCase() : '';
  let gate: GateRule;
  try {
    [gate] = parseGateRules(body, input) as [GateRule];
  } catch (e) {
    // The gate's message quotes the rule without its unit: keep only the reason.
    const prefix = `Input '${input}': rule '${body}': `;
    const message = e instanceof Error ? e.message : String(e);
    return fail(message.startsWith(prefix) ? message.slice(prefix.length) : message);
  }
  if (!isRolloutMetric(gate.metric)) return fail(`unknown metric '${gate.metric}' (known: ${ROLLOUT_METRICS.join(', ')})`);
  if (gate.threshold.kind !== 'constant') return fail('a rollout rule compares with a number, not with a champion');
  const metric = gate.metric;
  const factor = UNITS[unitKind(metric)][unit];
  if (factor === undefined) {
    const got = unit === '' ? 'no unit' : `'${unit}'`;
    return fail(`${metric} takes ${unitExamples(metric)}, got ${got}`);
  }
  const threshold = gate.threshold.value * factor;
  if (unitKind(metric) === 'percent' && (threshold < 0 || threshold > 100)) return fail(`a percentage must be from 0% to 100%`);
  if (threshold < 0) return fail('the threshold cannot be negative');
  return { text, metric, operator: gate.operator, threshold, gate: { ...gate, text, threshold: { kind: 'constant', value: threshold } } };
}

/** Parse the `analysis` input; errors name the input and the rule. An empty text gives no rules. */
export function parseAnalysisRules(text: string, input = 'analysis'): AnalysisRule[] {
  const parts = text
    .split(/\r?\n/)
    .flatMap((line) => line.replace(/#.*$/, '').split(/[;,]/))
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return parts.map((rule, i) => parseOne(rule, i, parts.length, input));
}
