/** A plan as rows of a Markdown table (step, traffic, mirror, bake, checks), for the job summary. */
import { formatDuration } from '../core/duration';
import { code, table } from '../report/markdown';
import type { RolloutPlan } from './plan';
import { formatMap } from './traffic';

export const PLAN_HEADERS = ['Step', 'Traffic', 'Mirror', 'Bake', 'Checks'];

function checks(plan: RolloutPlan, bakeMs: number): string {
  if (plan.rules.length === 0 || bakeMs === 0) return '—';
  const every = formatDuration(plan.checkIntervalMs);
  const tolerated = plan.failureLimit === 0 ? 'no failure tolerated' : `${plan.failureLimit} failed ${plan.failureLimit === 1 ? 'check' : 'checks'} tolerated`;
  return `${plan.rules.map((r) => code(r.text)).join(', ')} every ${every} (${tolerated})`;
}

/** `probe`: whether the smoke test scores probe requests (false: it only checks the deployment is ready). */
export interface PlanTableOptions {
  probe?: boolean;
}

export function planRows(plan: RolloutPlan, o: PlanTableOptions = {}): string[][] {
  const smoke = o.probe === false ? 'ready (no probe-file)' : 'probe requests';
  return plan.phases.map((p, i) => {
    const bakeMs = p.kind === 'traffic' ? p.bakeMs : 0;
    return [
      `${i + 1}. ${p.label}`,
      formatMap(p.traffic),
      formatMap(p.mirror),
      bakeMs > 0 ? formatDuration(bakeMs) : '—',
      p.kind === 'traffic' ? checks(plan, bakeMs) : p.kind === 'smoke' ? smoke : '—',
    ];
  });
}

export function planTable(plan: RolloutPlan, o: PlanTableOptions = {}): string {
  const notes = plan.notes.map((n) => `> ${n}`);
  return [table(PLAN_HEADERS, planRows(plan, o)), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
