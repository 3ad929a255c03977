/**
 * Applies finished operations to the resources they act on: a succeeded create/update installs the pending
 * body, a succeeded delete removes the resource (and its children), a failure leaves the resource `Failed`
 * (or `Canceled`). Writes persist the result; reads settle a copy, so both see the same thing.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import { isDone } from './operation';

function withState(body: Json, provisioningState: string): Json {
  const props = (body.properties && typeof body.properties === 'object' ? body.properties : {}) as Json;
  return { ...body, properties: { ...props, provisioningState } };
}

function removeTree(state: ArmState, id: string): void {
  const k = id.toLowerCase();
  for (const rk of Object.keys(state.resources)) {
    if (rk === k || rk.startsWith(`${k}/`)) delete state.resources[rk];
  }
}

function settleOne(state: ArmState, res: StoredResource, now: number): void {
  if (!res.opId) return;
  const op = state.operations[res.opId];
  if (!op) {
    delete res.opId;
    delete res.pending;
    return;
  }
  if (!isDone(op, now)) return;
  if (op.kind === 'delete' && op.outcome === 'Succeeded') {
    removeTree(state, res.id);
    return;
  }
  if (op.outcome === 'Succeeded') {
    res.body = withState(res.pending ?? res.body, 'Succeeded');
  } else {
    const base = op.kind === 'create' && res.pending ? res.pending : res.body;
    res.body = withState(base, op.outcome);
  }
  delete res.opId;
  delete res.pending;
}

export function settle(state: ArmState, now: number): void {
  for (const res of Object.values(state.resources)) {
    if (state.resources[res.id.toLowerCase()] === res) settleOne(state, res, now);
  }
}

/** True while an operation on this resource is still running. */
export function busy(state: ArmState, res: StoredResource | undefined, now: number): boolean {
  if (!res?.opId) return false;
  const op = state.operations[res.opId];
  return !!op && !isDone(op, now);
}

/** Per parsed document: the earliest time at which `settle` would change something (-Infinity: it would now). */
const settleDue = new WeakMap<object, number>();

/**
 * False when `settle(state, now)` would change nothing, so a read-only request can use a shared snapshot as is
 * instead of settling a private copy. Computed once per document (the snapshot is immutable), then O(1).
 */
export function needsSettle(state: Readonly<ArmState>, now: number): boolean {
  let due = settleDue.get(state);
  if (due === undefined) {
    due = Infinity;
    for (const res of Object.values(state.resources)) {
      if (!res.opId) continue;
      const op = state.operations[res.opId];
      due = Math.min(due, op ? op.start + op.durationMs : -Infinity);
    }
    settleDue.set(state, due);
  }
  return now >= due;
}
