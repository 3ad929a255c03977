/** Why a rollout stopped, as the step's error: what failed, where, and what the endpoint looks like now. */
import { StepError, isStepError, type ErrorKind } from '../core/errors';
import { deadlineError, type Deadline } from '../core/deadline';
import { describeError } from '../core/describe-error';
import type { Maps, RolloutPlan } from './plan';
import { formatMap } from './traffic';
import type { RolloutStatus } from './timeline';

/** A phase that did not pass: a failed smoke test or analysis. */
export class PhaseFailure extends Error {
  constructor(
    message: string,
    readonly code: 'SmokeTestFailed' | 'RolloutAnalysisFailed',
  ) {
    super(message);
    this.name = 'PhaseFailure';
  }
}

export interface StopCause {
  kind: ErrorKind;
  reason: string;
  code?: string;
  hint?: string;
  cause: unknown;
}

/** Classify what stopped the rollout: the deadline, a cancellation, a failed phase, or a port's error. */
export function stopCause(e: unknown, signal: AbortSignal, deadline: Deadline | undefined): StopCause {
  const timeout = deadlineError(deadline, e) ?? (deadline?.expired() && signal.aborted ? deadline.expired() : undefined);
  if (timeout) return { kind: 'timeout', reason: timeout.message, hint: timeout.hint, cause: e };
  if (signal.aborted) return { kind: 'cancelled', reason: 'the rollout was cancelled', cause: e };
  if (e instanceof PhaseFailure) return { kind: 'service', reason: e.message, code: e.code, cause: e };
  if (isStepError(e)) return { kind: e.kind, reason: e.message, code: e.code, hint: e.hint, cause: e };
  return { kind: 'service', reason: describeError(e), cause: e };
}

function command(maps: Maps): string {
  const traffic = formatMap(maps.traffic);
  const mirror = formatMap(maps.mirror);
  return `az ml online-endpoint update --traffic "${traffic === 'none' ? '' : traffic}"${mirror === 'none' ? '' : ` --mirror-traffic "${mirror}"`}`;
}

export function stopError(plan: RolloutPlan, status: RolloutStatus, step: string, cause: StopCause, after: { kept: boolean; restoreError?: string }): StepError {
  const where = `The rollout of '${plan.deployment}' stopped at '${step}': ${cause.reason.replace(/\.$/, '')}.`;
  const initial = `traffic ${formatMap(plan.initial.traffic)}, mirror ${formatMap(plan.initial.mirror)}`;
  const kept = plan.kind === 'replace' ? '' : after.kept ? ` '${plan.deployment}' is kept at 0% for inspection (on-failure: keep).` : ` '${plan.deployment}' was deleted (on-failure: delete).`;
  let message: string;
  let hint = cause.hint;
  if (status === 'rolled-back') message = `${where} The endpoint is back to its previous maps (${initial}).${kept}`;
  else if (status === 'restore-failed') {
    message = `${where} Restoring the previous maps (${initial}) failed too: ${after.restoreError ?? 'unknown error'}.`;
    hint = `Restore them by hand: ${command(plan.initial)}`;
  } else message = `${where} No traffic had moved.${plan.kind === 'replace' ? ` Strategy replace updated '${plan.deployment}' in place: there is no previous deployment to return to.` : kept}`;
  return new StepError(status === 'restore-failed' && cause.kind !== 'cancelled' && cause.kind !== 'timeout' ? 'service' : cause.kind, message, {
    ...(cause.code ? { code: cause.code } : {}),
    ...(hint ? { hint } : {}),
    cause: cause.cause,
  });
}
