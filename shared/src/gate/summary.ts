/** The challenger-vs-champion table for job summaries, and the error a failed gate stops the step with. */
import { StepError } from '../core/errors';
import { code, table } from '../report/markdown';
import { formatMetric, type GateResult, type RuleResult } from './evaluate';

function verdict(r: RuleResult): string {
  if (!r.passed) return `❌ ${r.reason}`;
  if (r.skipped) return `⚠️ passed: ${r.reason}`;
  return `✅ ${r.reason}`;
}

function value(n: number | undefined): string {
  return n === undefined ? '—' : formatMetric(n);
}

function headline(result: GateResult, forced: boolean): string {
  const failed = result.rules.filter((r) => !r.passed).length;
  const total = result.rules.length;
  const against = result.champion ? `against champion ${result.champion.label}` : 'with no champion yet (first model)';
  if (failed === 0) return `**Gate passed** (${total} ${total === 1 ? 'rule' : 'rules'}, ${against}).`;
  const what = `**Gate failed**: ${failed} of ${total} ${total === 1 ? 'rule' : 'rules'} ${failed === 1 ? 'fails' : 'fail'} (${against}).`;
  return forced ? `⚠️ ${what} It was skipped because \`force\` is true.` : what;
}

/** Markdown: a headline, then one row per rule with the challenger's and champion's values. */
export function gateTable(result: GateResult, opts: { forced?: boolean } = {}): string {
  const championHeader = result.champion ? `Champion ${result.champion.label}` : 'Champion';
  const rows = result.rules.map((r) => [code(r.rule), value(r.candidateValue), value(r.championValue), r.threshold === undefined ? r.thresholdText : formatMetric(r.threshold), verdict(r)]);
  return [headline(result, opts.forced ?? false), '', table(['Rule', 'Challenger', championHeader, 'Threshold', 'Result'], rows)].join('\n');
}

/** The step's error for a failed gate; raised before anything is written. */
export function gateFailure(result: GateResult, subject: string): StepError {
  const failed = result.rules.filter((r) => !r.passed);
  const list = failed.map((r) => `'${r.rule}': ${r.reason}`).join('; ');
  return new StepError('input', `The gate stopped ${subject}: ${failed.length} of ${result.rules.length} rules failed: ${list}. Nothing was written.`, {
    input: 'gate',
    code: 'GateFailed',
    hint: "Improve the model, change the gate rules, or set 'force: true' to go ahead anyway (recorded in the summary).",
  });
}
