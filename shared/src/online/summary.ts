/** An online-endpoint step's summary: the verdict first, then the plan, the traffic timeline with what was measured, the triage. */
import { code, facts, section, table } from '../report/markdown';
import { formatMap, planTable, type RolloutPlan, type RolloutResult } from '../rollout';
import { triageMarkdown, type Triage } from './triage';

export interface DeployOutcome {
  result: 'deployed' | 'unchanged' | 'rolled-back' | 'failed' | 'dry-run';
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
    `${step}: ${HEADLINE[o.result]} — ${o.deployment} on ${o.endpoint}`,
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
    o.triage ? triageMarkdown(o.triage) : undefined,
    o.rollout ? `#### Traffic timeline\n\n${timeline(o.rollout)}` : undefined,
    o.result === 'unchanged' ? undefined : `#### Plan\n\n${planTable(o.plan, { probe: o.probe })}`,
    o.writes.length ? `#### Assets\n\n${o.writes.map((w) => `- ${w}`).join('\n')}` : undefined,
    o.rollout?.warnings.length ? o.rollout.warnings.map((w) => `> ⚠️ ${w}`).join('\n') : undefined,
  );
}
