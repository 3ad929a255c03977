/**
 * Command jobs (`.../workspaces/{w}/jobs/{name}`, jobType Command) as the emulator keeps them in the shared state
 * document (under `commandJobs`, so state/model.ts need not know): the job as accepted, its status, and what a runner
 * needs to carry it out (the code folder's and the inputs' blob locations, the outputs' destinations), so any
 * emulator process on the state directory can run it.
 */
import { join } from 'node:path';
import type { ArmState, Json } from '../state/model';
import type { JobClaim } from '../state/job-worker';
import type { BlobLocation } from '../registry-copy-job';

export const COMMAND_JOB_STATUSES = ['NotStarted', 'Queued', 'Starting', 'Running', 'CancelRequested', 'Completed', 'Failed', 'Canceled'] as const;
export type CommandJobStatus = (typeof COMMAND_JOB_STATUSES)[number];
export const COMMAND_TERMINAL: readonly CommandJobStatus[] = ['Completed', 'Failed', 'Canceled'];

export interface CommandJobInput {
  name: string;
  type: 'uri_file' | 'uri_folder' | 'literal';
  /** uri_file / uri_folder */
  uri?: string;
  blob?: BlobLocation;
  /** literal */
  value?: string;
}

export interface CommandJobOutput {
  name: string;
  type: 'uri_folder' | 'uri_file';
  uri: string;
  blob: BlobLocation;
}

export interface CommandJobSpec {
  command: string;
  code?: BlobLocation;
  environmentVariables: Record<string, string>;
  inputs: CommandJobInput[];
  outputs: CommandJobOutput[];
  /** Where the user log goes when the job ends (the artifact store's ExperimentRun/dcid.<name>/user_logs/std_log.txt) */
  log?: BlobLocation;
}

export interface CommandJob {
  name: string;
  id: string;
  /** `properties` as accepted (echoed on every GET, with the status and services) */
  properties: Json;
  tags?: Json;
  status: CommandJobStatus;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  endedAt?: string;
  error?: { code: string; message: string };
  cancelRequested?: boolean;
  claim?: JobClaim;
  spec: CommandJobSpec;
}

export interface CommandJobsExtension {
  jobs: Record<string, CommandJob>;
}

/** Keyed by the job's lower-cased ARM id. */
export function commandJobs(state: ArmState): CommandJobsExtension {
  const s = state as ArmState & { commandJobs?: CommandJobsExtension };
  s.commandJobs ??= { jobs: {} };
  s.commandJobs.jobs ??= {};
  return s.commandJobs;
}

export function peekCommandJobs(state: Readonly<ArmState>): CommandJobsExtension | undefined {
  return (state as ArmState & { commandJobs?: CommandJobsExtension }).commandJobs;
}

export function findCommandJob(state: Readonly<ArmState>, id: string): CommandJob | undefined {
  return peekCommandJobs(state)?.jobs[id.toLowerCase()];
}

/** Where a job's files are (code, inputs, outputs, the user log): <stateDir>/command-jobs/<name>/. */
export function commandJobDir(stateDir: string, name: string): string {
  return join(stateDir, 'command-jobs', name.toLowerCase());
}

export const STD_LOG = 'std_log.txt';
