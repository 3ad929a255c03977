/** An online-endpoint step's summary: the verdict first, then the plan, the traffic timeline with what was measured, the triage. */
import { code, facts, section, table } from '../report/markdown';
import { formatMap, planTable, type RolloutPlan, type RolloutResult } from '../rollout';
import { stagedMarkdown } from './staged';
import { triageMarkdown, type Triage } from './triage';

export interface DeployOutcome {
  /** staged: strategy stage left the deployment at 0%, checked, with the traffic unchanged */
  result: 'deployed' | 'unchanged' | 'staged' | 'rolled-back' | 'failed' | 'dry-run';
  /** Nothing was done: the deployment was already as asked (result staged: already staged) */
  noop?: boolean;
  endpoint: string;
  deployment: string;
  previous: string[];
  scoringUri?: string;
  plan: RolloutPlan;
  /** Whether a probe-file scores the smoke test and the bakes */
  probe?: boolean;
  writes: string[];
  rollout?: RolloutResult;
  triage?: Triage;
  reason?: string;
}

const HEADLINE: Record<DeployOutcome['result'], string> = {
  deployed: '✅ Deployed',
  unchanged: '✅ Already deployed: nothing to do',
  staged: '🟡 Staged at 0%: ready to test, traffic unchanged',
  'rolled-back': '↩️ Rolled back',
  failed: '❌ Failed',
  'dry-run': '📝 Dry run: nothing was written',
};

function timeline(r: RolloutResult): string {
  const rows = r.timeline.map((e) => {
    const checks = e.checks
      .map((c) => c.results.map((x) => `${x.verdict === 'pass' ? '✅' : x.verdict === 'fail' ? '❌' : '❔'} ${x.rule}: ${x.reason}`).join('<br>'))
      .filter(Boolean)
      .join('<br>—<br>');
    return [e.step, formatMap(e.traffic), formatMap(e.mirror), checks || '—', `${e.verdict}${e.detail ? `: ${e.detail}` : ''}`];
  });
  return table(['Step', 'Traffic', 'Mirror', 'Measured vs rules', 'Verdict'], rows);
}

export function deploySummary(step: string, o: DeployOutcome, extraFacts: [string, string | undefined][] = []): string {
  return section(
    `${step}: ${o.result === 'staged' && o.noop ? '🟡 Already staged at 0%: nothing to do' : HEADLINE[o.result]} — ${o.deployment} on ${o.endpoint}`,
    o.reason,
    facts([
      ['Endpoint', code(o.endpoint)],
      ['Deployment', code(o.deployment)],
      ['Previous', o.previous.length ? o.previous.map(code).join(', ') : '(none)'],
      ['Strategy', o.plan.kind],
      ['Scoring URI', o.scoringUri],
      ['Traffic now', o.rollout ? formatMap(o.rollout.current.traffic) : formatMap(o.plan.initial.traffic)],
      ...extraFacts,
    ]),
    o.result === 'staged' ? stagedMarkdown(step, o) : undefined,
    o.triage ? triageMarkdown(o.triage) : undefined,
    o.rollout ? `#### Traffic timeline\n\n${timeline(o.rollout)}` : undefined,
    o.result === 'unchanged' || o.noop ? undefined : `#### Plan\n\n${planTable(o.plan, { probe: o.probe })}`,
    o.writes.length ? `#### Assets\n\n${o.writes.map((w) => `- ${w}`).join('\n')}` : undefined,
    o.rollout?.warnings.length ? o.rollout.warnings.map((w) => `> ⚠️ ${w}`).join('\n') : undefined,
  );
}
