/** deploy-batch's summary: the verdict first, then the deployment, the test invocation, the challenger comparison. */
import { classifyJobFailure, type BatchJob } from '../../batch/job';
import type { ChallengerComparison, ExpectedComparison, RuleVerdict } from '../../batch/compare';
import { code, facts, section, table } from '../../report/markdown';

export interface BatchOutcome {
  result: 'deployed' | 'unchanged' | 'checks-failed' | 'dry-run';
  endpoint: string;
  deployment: string;
  defaultBefore?: string;
  defaultAfter?: string;
  writes: string[];
  job?: BatchJob;
  outputUri?: string;
  expected?: ExpectedComparison;
  champion?: { job: BatchJob; comparison?: ChallengerComparison; verdicts: RuleVerdict[] };
  reason?: string;
}

const HEADLINE: Record<BatchOutcome['result'], string> = {
  deployed: '✅ Deployed',
  unchanged: '✅ Already deployed: nothing to do',
  'checks-failed': '❌ Checks failed: the default was not switched',
  'dry-run': '📝 Dry run: nothing was written',
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function jobBlock(title: string, j: BatchJob): string {
  const lines = [`#### ${title}: job ${code(j.name)} ${j.status} in ${(j.elapsedMs / 1000).toFixed(1)} s`];
  if (j.error || !/^(completed|succeeded)$/i.test(j.status)) {
    const c = classifyJobFailure(j.error);
    lines.push(`**Why it failed: ${c.kind}.** ${c.remedy}`);
    if (j.error) lines.push(`**Error:** ${j.error.code ?? ''}${j.error.message ? `: ${j.error.message}` : ''}`);
  }
  if (j.logTail) lines.push('User log (tail):\n\n````text\n' + j.logTail.replace(/````/g, '``\u200b``') + '\n````');
  return lines.join('\n\n');
}

export function batchSummary(o: BatchOutcome): string {
  const parts: (string | undefined)[] = [
    facts([
      ['Endpoint', code(o.endpoint)],
      ['Deployment', code(o.deployment)],
      ['Default before', o.defaultBefore ? code(o.defaultBefore) : '(none)'],
      ['Default now', o.defaultAfter ? code(o.defaultAfter) : '(none)'],
      ['Test output', o.outputUri],
    ]),
    o.writes.length ? `#### Changes\n\n${o.writes.map((w) => `- ${w}`).join('\n')}` : undefined,
    o.job ? jobBlock('Test invocation', o.job) : undefined,
  ];
  if (o.expected) {
    const e = o.expected;
    parts.push(
      `#### Against the expected output: ${e.passed ? '✅ matches' : '❌ differs'} (${e.rows.actual} rows, ${e.rows.expected} expected; paired by ${e.by})` +
        (e.mismatches.length ? `\n\n${table(['Row', 'Column', 'Output', 'Expected'], e.mismatches.slice(0, 10).map((m) => [String(m.row), String(m.column), m.actual, m.expected]))}` : ''),
    );
  }
  if (o.champion) {
    const c = o.champion;
    parts.push(jobBlock('Current default on the same sample', c.job));
    if (c.comparison) {
      const m = c.comparison;
      parts.push(
        `#### Challenger vs current default (${m.rows.paired} rows paired by ${m.by}; agreement ${pct(m.agreement)})\n\n` +
          table(['Rule', 'Measured', 'Verdict'], c.verdicts.map((v) => [v.rule, /agreement/i.test(v.rule) ? pct(v.measured) : v.measured.toFixed(4), v.passed ? '✅ pass' : '❌ fail'])) +
          (Object.keys(m.mae).length ? `\n\n${table(['Column', 'Mean absolute difference'], Object.entries(m.mae).map(([col, v]) => [col, v.toFixed(4)]))}` : ''),
      );
    }
  }
  return section(`deploy-batch: ${HEADLINE[o.result]} — ${o.deployment} on ${o.endpoint}`, o.reason, ...parts);
}
