/**
 * Serving polling URLs. One engine (operation records + the clock), several renderers: the MFE status body,
 * the MFE Location (results) poll, and the registry asset store's operation poll.
 */
import type { ArmState } from '../state/model';
import type { Reply } from '../http';
import type { Operation } from './operation';
import { viewOperation } from './operation';
import { mfePollPath } from './poll-urls';
import { armError } from '../arm/errors';

function failureReply(op: Operation): Reply {
  const error = op.error ?? { code: op.outcome, message: `The operation ended ${op.outcome}.` };
  return { status: 400, headers: { 'x-ms-response-type': 'error' }, body: { error } };
}

export function findOperation(state: ArmState, token: string): Operation | undefined {
  const [prefix, workspaceId, id] = token.split(':');
  const op = id ? state.operations[id] : undefined;
  if (!op || op.prefix !== prefix || op.workspaceId.toLowerCase() !== (workspaceId ?? '').toLowerCase()) return undefined;
  return op;
}

export function operationNotFound(token: string): Reply {
  return armError(404, 'NotFound', `The operation '${token}' could not be found.`);
}

export function renderMfeStatus(op: Operation, now: number): Reply {
  const v = viewOperation(op, now);
  const body: Record<string, unknown> = {
    id: mfePollPath(op, 'mfeOperationsStatus'),
    name: op.id,
    status: v.status,
    startTime: v.startTime,
    endTime: v.endTime,
    percentComplete: 0.0,
  };
  if (v.error) body.error = v.error;
  return { status: 200, body };
}

/** Location poll: 202 while running, then 200 with the result (204 without one), or the error. */
export function renderMfeResult(op: Operation, now: number, selfUrl: string): Reply {
  const v = viewOperation(op, now);
  if (!v.done) return { status: 202, headers: { Location: selfUrl } };
  if (op.outcome !== 'Succeeded') return failureReply(op);
  return op.result === undefined ? { status: 204 } : { status: 200, body: op.result };
}

/** Asset store poll: 202 with an empty body while running, then 200 with the result (e.g. `{assetId}`). */
export function renderAssetStore(op: Operation, now: number): Reply {
  const v = viewOperation(op, now);
  if (!v.done) return { status: 202 };
  if (op.outcome !== 'Succeeded') return failureReply(op);
  return { status: 200, body: op.result ?? {} };
}
