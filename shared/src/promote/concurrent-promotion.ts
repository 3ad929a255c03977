/**
 * Two runs promoting the same workspace version at the same time. Registry versions have no create-only or
 * compare-and-swap write, so the runs recognise each other from what they can read:
 *  - a destination whose provisioningState is not terminal (Creating: the other run's copy; Updating: its lineage
 *    write) is an operation in flight: wait for it to settle before judging the version;
 *  - a settled destination with no lineage, while the source carries this promotion's marker, is either the other
 *    run between its copy and its lineage write, or an earlier run that stopped there. Wait for lineage for a
 *    while after the version last changed; if it appears the promotion is someone else's and this run reports
 *    "already promoted", else the caller resumes it (verifies the copy and writes the lineage itself).
 * All waits poll with backoff and end at the step's deadline.
 */
import type { ModelVersion } from '../azureml/resources';
import type { AbortSignalLike } from '../core/sleep';
import { waitFor } from '../core/wait-for';
import { fromSource } from './lineage';

/**
 * How long after it last changed (by its systemData, or by this run's own eyes: when it was seen settling) a version
 * without lineage may still be getting it from another run: that run has one read between its copy and its lineage
 * write, whose start makes the version Updating (in flight) again.
 */
export const LINEAGE_GRACE_MS = 30_000;

export type SettledDestination =
  /** Gone (deleted, or its creation failed and was removed) */
  | { kind: 'absent' }
  /** Carries lineage from this very source: another run promoted it */
  | { kind: 'promoted'; version: ModelVersion }
  /** Carries lineage from another source */
  | { kind: 'other'; version: ModelVersion }
  /** Settled with no lineage (after the grace period, when waiting for it), or still in flight when the wait's limit passed */
  | { kind: 'no-lineage'; version: ModelVersion }
  /** Ended Failed or Canceled */
  | { kind: 'failed'; version: ModelVersion };

export interface SettleRequest {
  /** Reads the destination (a GET: HTTP retries happen inside) */
  read: () => Promise<ModelVersion | undefined>;
  sourceWorkspaceId: string;
  /** name:version in the source workspace */
  sourceModel: string;
  /** Keep waiting on a settled version without lineage (until LINEAGE_GRACE_MS after its last change) */
  awaitLineage: boolean;
  signal?: AbortSignalLike | null;
  /** Longest wait in all (default: until the grace period of the version, at most 2 × LINEAGE_GRACE_MS) */
  limitMs?: number;
  graceMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignalLike | null) => Promise<void>;
  /** Told once when the wait begins */
  onWait?: (why: string) => void;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

export function inFlight(v: ModelVersion | undefined): boolean {
  const state = v?.properties?.provisioningState;
  return state !== undefined && !TERMINAL.has(state.toLowerCase());
}

function lastChange(v: ModelVersion): number {
  return Date.parse(v.systemData?.lastModifiedAt ?? v.systemData?.createdAt ?? '') || 0;
}

/** Read the destination until it has settled into something a promotion can act on. */
export async function settleDestination(req: SettleRequest): Promise<SettledDestination> {
  const now = req.now ?? Date.now;
  const grace = req.graceMs ?? LINEAGE_GRACE_MS;
  let told = false;
  const tell = (why: string): undefined => {
    if (!told) req.onWait?.(why);
    told = true;
    return undefined;
  };
  let last: ModelVersion | undefined;
  let sawInFlight = false;
  let settledAt = 0;
  const result = await waitFor<SettledDestination>(
    async () => {
      const v = await req.read();
      last = v;
      if (!v) return { kind: 'absent' };
      if (inFlight(v)) {
        sawInFlight = true;
        settledAt = 0;
        return tell(`it is ${v.properties?.provisioningState} (another operation is running on it)`);
      }
      if (sawInFlight && !settledAt) settledAt = now();
      if (v.properties?.provisioningState?.toLowerCase() !== 'succeeded' && v.properties?.provisioningState !== undefined) return { kind: 'failed', version: v };
      const same = fromSource(v.properties?.tags, req.sourceWorkspaceId, req.sourceModel);
      if (same === true) return { kind: 'promoted', version: v };
      if (same === false) return { kind: 'other', version: v };
      if (!req.awaitLineage) return { kind: 'no-lineage', version: v };
      // A version changed long ago is not being promoted by anyone now: an earlier run stopped before its lineage.
      // (A long copy keeps its start time in systemData: what this run saw settle counts as its change too.)
      const changed = Math.max(lastChange(v), settledAt);
      if (!changed || now() - changed >= grace) return { kind: 'no-lineage', version: v };
      return tell('it has no lineage yet (another run may be promoting it right now)');
    },
    { signal: req.signal, limitMs: req.limitMs ?? 2 * grace, now: req.now, sleep: req.sleep, firstDelayMs: 250, maxDelayMs: 3000 },
  );
  if (result) return result;
  // The wait's own limit passed: judge what was read last.
  return last ? { kind: 'no-lineage', version: last } : { kind: 'absent' };
}
