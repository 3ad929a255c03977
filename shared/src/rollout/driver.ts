/**
 * Runs a rollout plan against the ports. On a failed smoke test or analysis, an error from a port, the deadline,
 * or the abort signal (SIGINT/SIGTERM), it restores the maps the endpoint had before the rollout (Flagger: all
 * traffic back to the primary), under its own short deadline so a cancelled job still restores, then deletes the
 * new deployment only when `on-failure: delete`. Cleanup (delete / scale down the previous deployments) runs
 * after the last bake passed; its problems are warnings, never a rollback (the old deployment may be half gone).
 */
import type { Deadline } from '../core/deadline';
import { describeError } from '../core/describe-error';
import { silentLogger, type Logger } from '../core/logger';
import { abortableSleep } from '../core/sleep';
import { isAbort, raceAbort, timeoutSignal } from './abort';
import { bake, type BakeContext } from './bake';
import { PhaseFailure, stopCause, stopError } from './outcome';
import type { Maps, Phase, RolloutPlan } from './plan';
import type { RolloutPorts } from './ports';
import type { RolloutResult, RolloutStatus, StepVerdict, TimelineEntry } from './timeline';
import { formatMap, normalizeMap, sameMap } from './traffic';

export interface RunRolloutOptions {
  deadline?: Deadline;
  signal?: AbortSignal;
  logger?: Logger;
  /** The restore's (and on-failure delete's) own deadline; default 3 minutes. */
  restoreTimeoutMs?: number;
}

export const DEFAULT_RESTORE_TIMEOUT_MS = 3 * 60_000;

interface Run extends BakeContext {
  plan: RolloutPlan;
  timeline: TimelineEntry[];
  current: Maps;
  warnings: string[];
  /** A traffic PUT was sent (an aborted one may still have been applied) */
  moved: boolean;
  /** The deploy phase started: the new deployment may exist */
  deployed: boolean;
}

function iso(run: Run): string {
  return new Date(run.now()).toISOString();
}

function record(run: Run, entry: Omit<TimelineEntry, 'endedAt'>): TimelineEntry {
  const full = { ...entry, endedAt: iso(run) };
  run.timeline.push(full);
  return full;
}

type Checks = { checks: TimelineEntry['checks'] };

async function runPhase(run: Run, phase: Exclude<Phase, { kind: 'cleanup' }>, entry: Checks): Promise<string | undefined> {
  const { ports, signal } = run;
  switch (phase.kind) {
    case 'deploy':
      if (phase.ready) return 'already deployed as desired: not written';
      await raceAbort(ports.createOrUpdateDeployment(phase.deployment, signal), signal);
      return undefined;
    case 'smoke': {
      const r = await raceAbort(ports.smoke(phase.deployment, signal), signal);
      if (!r.passed) throw new PhaseFailure(`the smoke test failed: ${r.detail}`, 'SmokeTestFailed');
      return r.detail;
    }
    case 'traffic':
      await runTraffic(run, phase, entry);
      return undefined;
  }
}

async function runTraffic(run: Run, phase: Extract<Phase, { kind: 'traffic' }>, entry: Checks): Promise<void> {
  if (!sameMap(run.current.traffic, phase.traffic) || !sameMap(run.current.mirror, phase.mirror)) {
    run.logger.info(`Traffic: ${formatMap(phase.traffic)}; mirror: ${formatMap(phase.mirror)}.`);
    // Marked before the call: an aborted PUT may still have been applied.
    run.current = { traffic: phase.traffic, mirror: phase.mirror };
    run.moved = true;
    await raceAbort(run.ports.setTraffic(phase.traffic, phase.mirror, run.signal), run.signal);
  }
  const { plan } = run;
  const outcome = await bake(
    { deployment: plan.deployment, bakeMs: phase.bakeMs, checkIntervalMs: plan.checkIntervalMs, rules: plan.rules, failureLimit: plan.failureLimit },
    run,
    (check) => entry.checks.push(check),
  );
  if (outcome.failure) throw new PhaseFailure(`the analysis failed: ${outcome.failure}`, 'RolloutAnalysisFailed');
}

async function runCleanup(run: Run, phase: Extract<Phase, { kind: 'cleanup' }>): Promise<TimelineEntry> {
  const startedAt = iso(run);
  const problems: string[] = [];
  for (const d of phase.deployments) {
    try {
      if (run.signal.aborted) throw new Error('cancelled before it started');
      if (phase.action === 'delete') await raceAbort(run.ports.deleteDeployment(d, run.signal), run.signal);
      else await raceAbort(run.ports.scaleDeployment(d, phase.instances ?? 1, run.signal), run.signal);
    } catch (e) {
      problems.push(`${phase.action === 'delete' ? 'deleting' : 'scaling down'} '${d}' failed: ${run.signal.aborted ? 'cancelled' : describeError(e)}`);
    }
  }
  run.warnings.push(...problems);
  for (const p of problems) run.logger.warning(`Cleanup: ${p}. The rollout itself succeeded.`);
  const verdict: StepVerdict = problems.length === 0 ? 'passed' : 'warning';
  return record(run, { step: phase.label, kind: 'cleanup', ...run.current, checks: [], verdict, ...(problems.length ? { detail: problems.join('; ') } : {}), startedAt });
}

async function withRestoreDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const t = timeoutSignal(ms);
  try {
    return await raceAbort(fn(t.signal), t.signal);
  } finally {
    t.clear();
  }
}

async function restore(run: Run, restoreMs: number): Promise<{ status: RolloutStatus; restoreError?: string; kept: boolean }> {
  const { plan, ports } = run;
  const deleteNew = plan.onFailure === 'delete' && plan.kind !== 'replace' && run.deployed === true;
  const mirror = deleteNew ? Object.fromEntries(Object.entries(plan.initial.mirror).filter(([d]) => d !== plan.deployment)) : plan.initial.mirror;
  let status: RolloutStatus = 'failed';
  let restoreError: string | undefined;
  if (run.moved || (deleteNew && !sameMap(mirror, plan.initial.mirror))) {
    const startedAt = iso(run);
    try {
      await withRestoreDeadline(restoreMs, (s) => ports.setTraffic(plan.initial.traffic, mirror, s));
      run.current = { traffic: plan.initial.traffic, mirror };
      status = 'rolled-back';
      run.logger.info(`Restored traffic ${formatMap(plan.initial.traffic)}; mirror ${formatMap(mirror)}.`);
    } catch (e) {
      status = 'restore-failed';
      restoreError = (e as { name?: string }).name === 'AbortError' ? `no answer within ${Math.round(restoreMs / 1000)} s` : describeError(e);
      run.logger.error(`Restoring traffic ${formatMap(plan.initial.traffic)} failed: ${restoreError}`);
    }
    const verdict = status === 'rolled-back' ? 'restored' : 'not-restored';
    record(run, { step: 'restore the previous maps', kind: 'restore', traffic: plan.initial.traffic, mirror, checks: [], verdict, ...(restoreError ? { detail: restoreError } : {}), startedAt });
  }
  let kept = true;
  if (deleteNew && status !== 'restore-failed') {
    const startedAt = iso(run);
    try {
      await withRestoreDeadline(restoreMs, (s) => ports.deleteDeployment(plan.deployment, s));
      kept = false;
      record(run, { step: `delete ${plan.deployment}`, kind: 'delete-new', ...run.current, checks: [], verdict: 'deleted', startedAt });
    } catch (e) {
      run.warnings.push(`deleting '${plan.deployment}' (on-failure: delete) failed: ${describeError(e)}`);
      record(run, { step: `delete ${plan.deployment}`, kind: 'delete-new', ...run.current, checks: [], verdict: 'warning', detail: describeError(e), startedAt });
    }
  }
  return { status, kept, ...(restoreError ? { restoreError } : {}) };
}

export async function runRollout(plan: RolloutPlan, ports: RolloutPorts, options: RunRolloutOptions = {}): Promise<RolloutResult> {
  const signals = [options.signal, options.deadline?.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? new AbortController().signal : signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  const run: Run = {
    plan,
    ports,
    signal,
    logger: options.logger ?? silentLogger,
    sleep: ports.sleep ?? abortableSleep,
    now: ports.now ?? Date.now,
    timeline: [],
    current: { traffic: normalizeMap(plan.initial.traffic), mirror: normalizeMap(plan.initial.mirror) },
    warnings: [...plan.notes],
    moved: false,
    deployed: false,
  };
  const result = (status: RolloutStatus, extra: Partial<RolloutResult> = {}): RolloutResult => ({ status, plan, timeline: run.timeline, current: run.current, warnings: run.warnings, ...extra });
  for (const phase of plan.phases) {
    if (phase.kind === 'cleanup') {
      await runCleanup(run, phase);
      continue;
    }
    const entry = { step: phase.label, kind: phase.kind, traffic: phase.traffic, mirror: phase.mirror, checks: [] as TimelineEntry['checks'], startedAt: iso(run) };
    run.logger.info(`Rollout: ${phase.label}.`);
    try {
      if (signal.aborted) throw signal.reason;
      if (phase.kind === 'deploy') run.deployed = true;
      const detail = await runPhase(run, phase, entry);
      record(run, { ...entry, verdict: 'passed', ...(detail ? { detail } : {}) });
    } catch (e) {
      const cause = stopCause(e, signal, options.deadline);
      record(run, { ...entry, verdict: isAbort(e, signal) ? 'aborted' : 'failed', detail: cause.reason });
      run.logger.error(`Rollout stopped at '${phase.label}': ${cause.reason}`);
      const after = await restore(run, options.restoreTimeoutMs ?? DEFAULT_RESTORE_TIMEOUT_MS);
      return result(after.status, { reason: cause.reason, error: stopError(plan, after.status, phase.label, cause, after) });
    }
  }
  return result('succeeded');
}
