/**
 * Long-running operations. A record holds when the operation started, how long it takes and how it ends;
 * its status is computed from the clock on every read, so any process (or a restarted one) sees the same
 * progress without timers.
 */
import { randomUUID } from 'node:crypto';
import type { ArmState, ProvisioningFailure } from '../state/model';

export type TerminalStatus = 'Succeeded' | 'Failed' | 'Canceled';
export type OperationKind = 'create' | 'update' | 'delete' | 'action';
/** How the operation is polled: ARM MFE status/result URLs, or the registry asset store's operation URL. */
export type OperationStyle = 'mfe' | 'assetstore';

export interface OperationError {
  code: string;
  message: string;
  /** Nested errors, as the MFE reports them for deployment failures. */
  details?: OperationError[];
}

export interface Operation {
  id: string;
  resourceId: string;
  resourceType: string;
  kind: OperationKind;
  style: OperationStyle;
  /** First part of the MFE operation token, e.g. `oe` for online endpoints. */
  prefix: string;
  subscriptionId: string;
  workspaceId: string;
  location: string;
  /** Status reported while running (the service says `Creating` or `Updating`, not `InProgress`). */
  runningStatus: string;
  start: number;
  durationMs: number;
  outcome: TerminalStatus;
  error?: OperationError;
  /** Body of the final result (Location poll / asset store), when the operation has one. */
  result?: unknown;
}

export interface OperationView {
  status: string;
  done: boolean;
  startTime: string;
  endTime: string;
  error?: OperationError;
}

export const NOT_ENDED = '0001-01-01T00:00:00';

export function isDone(op: Operation, now: number): boolean {
  return now >= op.start + op.durationMs;
}

export function viewOperation(op: Operation, now: number): OperationView {
  const done = isDone(op, now);
  return {
    status: done ? op.outcome : op.runningStatus,
    done,
    startTime: new Date(op.start).toISOString(),
    endTime: done ? new Date(op.start + op.durationMs).toISOString() : NOT_ENDED,
    error: done && op.outcome !== 'Succeeded' ? op.error : undefined,
  };
}

function typeKeys(resourceType: string): string[] {
  const last = resourceType.split('/').pop() ?? resourceType;
  return [resourceType.toLowerCase(), last.toLowerCase()];
}

export function durationFor(state: ArmState, resourceType: string): number {
  const wanted = typeKeys(resourceType);
  for (const [k, v] of Object.entries(state.settings.durations)) {
    if (wanted.includes(k.toLowerCase())) return v;
  }
  return state.settings.lroDurationMs;
}

/** The injected failure for this resource, if any; consumes one use of a failure with `times`. */
function takeFailure(state: ArmState, resourceId: string): ProvisioningFailure | undefined {
  const list = state.settings.provisioningFailures;
  const i = list.findIndex((f) => new RegExp(f.resourceIdPattern, 'i').test(resourceId));
  if (i < 0) return undefined;
  const f = list[i];
  if (f.times !== undefined) {
    if (f.times <= 1) list.splice(i, 1);
    else list[i] = { ...f, times: f.times - 1 };
  }
  return f;
}

export interface StartOperation {
  resourceId: string;
  resourceType: string;
  kind: OperationKind;
  style?: OperationStyle;
  prefix: string;
  subscriptionId: string;
  workspaceId: string;
  location: string;
  runningStatus: string;
  result?: unknown;
  now: number;
  /** A failure decided by the handler (e.g. quota, an injected deployment failure); wins over `provisioningFailures`. */
  failure?: OperationError & { status?: 'Failed' | 'Canceled' };
  /** Duration override (ms); default: the configured duration of the type. */
  durationMs?: number;
}

export function startOperation(state: ArmState, s: StartOperation): Operation {
  const failure = s.failure ?? (s.kind === 'delete' ? undefined : takeFailure(state, s.resourceId));
  const op: Operation = {
    id: randomUUID(),
    resourceId: s.resourceId,
    resourceType: s.resourceType,
    kind: s.kind,
    style: s.style ?? 'mfe',
    prefix: s.prefix,
    subscriptionId: s.subscriptionId,
    workspaceId: s.workspaceId,
    location: s.location,
    runningStatus: s.runningStatus,
    start: s.now,
    durationMs: s.durationMs ?? durationFor(state, s.resourceType),
    outcome: failure ? (failure.status ?? 'Failed') : 'Succeeded',
    error: failure ? { code: failure.code, message: failure.message, ...('details' in failure && failure.details ? { details: failure.details } : {}) } : undefined,
    result: s.result,
  };
  state.operations[op.id] = op;
  return op;
}
