/**
 * What batch endpoints keep beside their ARM resources, in the shared state document (under `batch`, so
 * state/model.ts need not know): the batch scoring jobs the data plane accepted (keyed by lower-case job name), with
 * everything a runner needs to carry one out (resolved blob locations, the deployment's settings at invoke time),
 * and whether the default AmlCompute clusters were seeded.
 */
import { join } from 'node:path';
import type { ArmState, Json } from '../state/model';
import type { JobClaim } from '../state/job-worker';
import type { BlobLocation } from '../registry-copy-job';

export const JOB_STATUSES = ['NotStarted', 'Queued', 'Running', 'Completed', 'Failed', 'Canceled'] as const;
export type BatchJobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL: readonly BatchJobStatus[] = ['Completed', 'Failed', 'Canceled'];

export interface BatchInput {
  name: string;
  type: 'UriFolder' | 'UriFile';
  uri: string;
  blob: BlobLocation;
}

/** The deployment as the job runs it (a snapshot taken when the job was accepted). */
export interface BatchJobSpec {
  /** Why this job cannot run: it then ends Failed with this error (absent when it can run). */
  cannotRun?: { code: string; message: string };
  code?: BlobLocation;
  scoringScript?: string;
  model?: BlobLocation;
  environmentVariables?: Record<string, string>;
  miniBatchSize: number;
  /** Scoring processes at once: resources.instanceCount × maxConcurrencyPerInstance (capped by the runner). */
  processes: number;
  errorThreshold: number;
  outputAction: 'AppendRow' | 'SummaryOnly';
  outputFileName: string;
  maxRetries: number;
  timeoutMs: number;
  loggingLevel: string;
  inputs: BatchInput[];
  /** The output file (append_row writes it; its folder receives what the script writes to AZUREML_BI_OUTPUT_PATH). */
  output: { uri: string; blob: BlobLocation };
}

export interface BatchJobCounts {
  miniBatches: number;
  files: number;
  succeededMiniBatches: number;
  failedMiniBatches: number;
  failedFiles: number;
  rows: number;
}

export interface BatchJob {
  /** batchjob-<guid> */
  name: string;
  /** ARM-style id of the job in its workspace: .../workspaces/{w}/jobs/{name}. */
  id: string;
  endpointId: string;
  deployment: string;
  /** The workspace GUID (the data plane's URL names it). */
  workspaceGuid: string;
  /** The job resource's `properties` as accepted (inputs, outputs, settings), echoed on every GET. */
  properties: Json;
  status: BatchJobStatus;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  endedAt?: string;
  error?: { code: string; message: string };
  counts?: BatchJobCounts;
  cancelRequested?: boolean;
  claim?: JobClaim;
  spec: BatchJobSpec;
}

export interface BatchExtension {
  jobs: Record<string, BatchJob>;
  /** Set once the default AmlCompute clusters were seeded (a state written before they existed gets them on start). */
  computesSeeded?: boolean;
}

export function batch(state: ArmState): BatchExtension {
  const s = state as ArmState & { batch?: BatchExtension };
  s.batch ??= { jobs: {} };
  s.batch.jobs ??= {};
  return s.batch;
}

export function peekBatch(state: Readonly<ArmState>): BatchExtension | undefined {
  return (state as ArmState & { batch?: BatchExtension }).batch;
}

export function findJob(state: Readonly<ArmState>, name: string): BatchJob | undefined {
  return peekBatch(state)?.jobs[name.toLowerCase()];
}

/** Where a job's files are (inputs, code, model, the user log): <stateDir>/batch/jobs/<name>/. */
export function jobDir(stateDir: string, name: string): string {
  return join(stateDir, 'batch', 'jobs', name.toLowerCase());
}

export const USER_LOG = 'user.log';
