/**
 * configure-monitors, check mode: for teams that want no relay. Read the monitor schedule, its latest finished
 * run, and the breach that run recorded; report every breached signal with its features and values; on GitHub
 * optionally send a repository_dispatch; fail (kind 'checks') when a signal breached.
 */
import { TERMINAL_JOB_STATUSES, type JobResource } from '../../azureml/jobs';
import { StepError } from '../../core/errors';
import { BREACH_TAG, parseBreachTag, type SignalBreach } from '../../monitoring/breach';
import { sendRepositoryDispatch } from '../../monitoring/dispatch';
import { code, facts, plainText, section, table } from '../../report/markdown';
import type { StepContext } from '../definition';
import type { WorkspaceConnection } from '../workspace';
import { parseReviewRule } from '../../monitoring/review';
import type { ScheduleBody } from '../../specs/monitor';
import { queueForReview, type ReviewOutcome } from './review';

export interface CheckOutcome {
  result: 'healthy' | 'breached' | 'no-runs';
  schedule: string;
  run?: { name: string; status: string; created?: string };
  running?: string;
  breaches: SignalBreach[];
  dispatched?: string;
  review?: ReviewOutcome;
}

const createdAt = (j: JobResource) => Date.parse(j.systemData?.createdAt ?? '') || 0;

/** The newest finished run, and the newest still running when it is newer. */
export function latestRuns(jobs: JobResource[]): { finished?: JobResource; running?: JobResource } {
  const sorted = [...jobs].sort((a, b) => createdAt(b) - createdAt(a) || String(b.name).localeCompare(String(a.name)));
  const terminal = (j: JobResource) => (TERMINAL_JOB_STATUSES as readonly string[]).includes(String(j.properties.status));
  const finished = sorted.find(terminal);
  const running = sorted.find((j) => !terminal(j) && (!finished || createdAt(j) > createdAt(finished)));
  return { ...(finished ? { finished } : {}), ...(running ? { running } : {}) };
}

export async function checkMonitor(ctx: StepContext, conn: WorkspaceConnection, scheduleName: string): Promise<void> {
  const { host } = ctx;
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const schedule = await client.schedules.get(rg, ws, scheduleName);
  if (!schedule) {
    throw new StepError('not-found', `Monitor schedule ${scheduleName} does not exist in workspace ${ws}.`, { input: 'monitor-name', hint: 'Configure it first (mode: configure), or name the monitor with monitor-name.' });
  }
  const jobs = await client.jobs.listJobs(rg, ws, { scheduleId: scheduleName });
  const { finished, running } = latestRuns(jobs);
  const outcome: CheckOutcome = { result: 'no-runs', schedule: scheduleName, breaches: [], ...(running?.name ? { running: running.name } : {}) };
  if (finished) {
    const tag = finished.properties.tags?.[BREACH_TAG];
    outcome.run = { name: finished.name ?? '', status: String(finished.properties.status), ...(finished.systemData?.createdAt ? { created: finished.systemData.createdAt } : {}) };
    outcome.breaches = parseBreachTag(tag);
    if (tag && outcome.breaches.length === 0) outcome.breaches = [{ signal: '(unnamed)', rows: [], unparsed: tag.slice(0, 500) }];
    outcome.result = outcome.breaches.length ? 'breached' : 'healthy';
    host.info(`Latest run of ${scheduleName}: ${outcome.run.name}, ${outcome.run.status}${outcome.run.created ? ` (${outcome.run.created})` : ''}.`);
  } else {
    host.info(`Monitor ${scheduleName} has no finished run yet${running ? ` (${running.name} is ${running.properties.status})` : ''}.`);
  }
  if (running && finished) host.info(`A newer run, ${running.name}, is ${running.properties.status}; this check reads ${finished.name}.`);

  const review = (ctx.inputs.choice('on-breach') ?? 'retrain') === 'review';
  if (review && outcome.result === 'breached' && outcome.run) {
    const max = ctx.inputs.number('review-max-samples') ?? 200;
    if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new StepError('input', `Input 'review-max-samples' must be a whole number from 1 to 10000, got ${max}.`, { input: 'review-max-samples' });
    const rule = parseReviewRule(ctx.inputs.string('review-score'), max);
    outcome.review = await queueForReview(ctx, conn, {
      monitor: scheduleName,
      run: outcome.run.name,
      ...(outcome.run.created ? { runCreated: outcome.run.created } : {}),
      signals: outcome.breaches.map((b) => b.signal),
      schedule: schedule as unknown as ScheduleBody,
      rule,
    });
    host.setOutput('review-data', outcome.review.samples ? outcome.review.data : '');
    host.setOutput('review-item', outcome.review.item?.url ?? '');
  }
  const eventType = ctx.inputs.string('dispatch-event-type')?.trim();
  if (outcome.result === 'breached' && eventType && !review) {
    const token = ctx.inputs.string('github-token');
    const repository = host.run.repository;
    if (!token || !repository) {
      throw new StepError('input', `dispatch-event-type needs github-token and the repository (GITHUB_REPOSITORY) to send repository_dispatch.`, { input: 'github-token' });
    }
    if (conn.dryRun) host.info(`Dry run: would send repository_dispatch '${eventType}' to ${repository}.`);
    else {
      await sendRepositoryDispatch({
        apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
        repository,
        token,
        eventType,
        payload: { monitor: scheduleName, run: outcome.run?.name, workspace: ws, signals: outcome.breaches.map((b) => b.signal) },
        signal: ctx.deadline.signal,
      });
      outcome.dispatched = `${eventType} → ${repository}`;
      host.info(`Sent repository_dispatch '${eventType}' to ${repository}.`);
    }
  }

  host.setOutput('schedule-name', scheduleName);
  host.setOutput('breached-signals', outcome.breaches.map((b) => b.signal).join(','));
  host.setOutput('result', outcome.result);
  await host.summary(checkSummary(outcome));
  if (outcome.result === 'breached') {
    throw new StepError('checks', `Monitor ${scheduleName}: ${outcome.breaches.map((b) => b.signal).join(', ')} breached in run ${outcome.run?.name}.`);
  }
}

const HEADLINE: Record<CheckOutcome['result'], string> = {
  healthy: '✅ No signal breached',
  breached: '❌ A signal breached its threshold',
  'no-runs': '⏳ No finished monitor run yet',
};

function reviewText(r: ReviewOutcome): string {
  if (!r.samples) return `nothing queued (${plainText(r.note ?? 'no samples')})`;
  const where = r.item?.url ? `; ${plainText(r.item.url)}` : '';
  return `${r.samples} samples in ${code(r.data)}${r.existing ? ' (queued by an earlier check)' : r.note ? ` (${plainText(r.note)})` : ''}${where}`;
}

export function checkSummary(o: CheckOutcome): string {
  const parts = [
    facts([
      ['Monitor', code(o.schedule)],
      ['Latest run', o.run ? `${code(o.run.name)} ${plainText(o.run.status)}${o.run.created ? ` at ${plainText(o.run.created)}` : ''}` : undefined],
      ['Running now', o.running ? code(o.running) : undefined],
      ['Dispatched', o.dispatched ? plainText(o.dispatched) : undefined],
      ['Review queue', o.review ? reviewText(o.review) : undefined],
    ]),
  ];
  for (const b of o.breaches) {
    parts.push(
      `#### ${plainText(b.signal)}\n\n` +
        (b.rows.length
          ? table(['Feature', 'Metric', 'Value', 'Threshold'], b.rows.map((r) => [plainText(r.feature), plainText(r.metric), r.value.toPrecision(4), Number.isFinite(r.threshold) ? r.threshold.toPrecision(4) : '']))
          : plainText(b.unparsed ?? 'breached (no feature detail recorded)')),
    );
  }
  return section(`configure-monitors (check): ${HEADLINE[o.result]} — ${o.schedule}`, ...parts);
}
