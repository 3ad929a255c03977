/**
 * A blob copy into a registry's storage (publish, import). The job is written to the state with its operation,
 * so whichever emulator process on the state dir is alive carries it out; the operation stays running until then.
 */
import type { JobClaim } from './state/job-worker';

/** A blob, or a folder of blobs, in one of the emulated storage accounts. `path` has no leading or trailing '/'. */
export interface BlobLocation {
  account: string;
  container: string;
  path: string;
}

export interface CopyJob {
  opId: string;
  /** The source model version's files, and its modelUri (for messages). */
  source: BlobLocation;
  sourceUri: string;
  /**
   * Where the copy goes in the registry's container: a fresh folder, then the source's own name (`named`: a folder
   * model's files under it, a single file written as it). Jobs recorded without `named` put the files directly
   * under the fresh folder.
   */
  destination: BlobLocation;
  named?: boolean;
  /** The destination version already exists: compare its files (`compareWith`, when readable) instead of copying. */
  existing: boolean;
  compareWith?: BlobLocation;
  /** The registry model version the copy creates, e.g. for messages and to set its final modelUri. */
  destVersionId: string;
  destDisplay: string;
  /** How long the operation lasts once the copy is done (the configured operation time, at least). */
  durationMs: number;
  /** The emulator process carrying the job out (`nonce` tells apart several emulators in one process). */
  claim?: JobClaim;
}

/** How long an operation waits for its copy before a process picks it up; it then ends as the copy ends. */
export const COPY_HOLD_MS = 60 * 60 * 1000;
