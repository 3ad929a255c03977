/**
 * What the emulated Azure Load Testing keeps, in the shared state document (under `loadTesting`, so state/model.ts
 * need not know): each loadTests resource's data-plane guid, its tests (with their files' validation) and test runs
 * (status, the plan as validated, the secrets given, statistics). Every emulator process on the state directory
 * serves the same tests and runs; a run is carried out by whichever process claims it (runner.ts).
 */
import type { ArmState, Json } from '../state/model';
import type { JobClaim } from '../state/job-worker';
import type { JmxRunPlan } from './jmx-read';

export const LOAD_TEST_TYPE = 'Microsoft.LoadTestService/loadTests';
export const RUN_TERMINAL = ['DONE', 'FAILED', 'CANCELLED', 'VALIDATION_FAILURE'];

export interface LtFile {
  fileName: string;
  fileType: string;
  /** The status once validation ends (VALIDATION_INITIATED is shown until validateAt) */
  finalStatus: 'VALIDATION_SUCCESS' | 'VALIDATION_FAILURE' | 'VALIDATION_NOT_REQUIRED';
  failure?: string;
  validateAt: number;
  plan?: JmxRunPlan;
  size: number;
  uploadedAt: string;
}

export interface LtTest {
  guid: string;
  testId: string;
  /** The test as merged from its PATCHes (TestUpdate fields) */
  body: Json;
  files: Record<string, LtFile>;
  createdAt: string;
  createdBy: string;
  lastModifiedAt: string;
  lastModifiedBy: string;
}

export interface LtStatistics {
  transaction: string;
  sampleCount: number;
  errorCount: number;
  errorPct: number;
  meanResTime: number;
  medianResTime: number;
  maxResTime: number;
  minResTime: number;
  pct1ResTime: number;
  pct2ResTime: number;
  pct3ResTime: number;
  throughput: number;
  receivedKBytesPerSec: number;
  sentKBytesPerSec: number;
}

export interface LtRun {
  guid: string;
  testRunId: string;
  testId: string;
  displayName: string;
  description: string;
  status: string;
  createdAt: string;
  createdBy: string;
  startDateTime?: string;
  endDateTime?: string;
  executedDateTime?: string;
  engineInstances: number;
  plan: JmxRunPlan;
  fileName: string;
  secrets: Record<string, { type: string; value: string }>;
  passFailMetrics: Record<string, Json>;
  environmentVariables: Record<string, string>;
  statistics?: LtStatistics;
  testResult?: 'PASSED' | 'FAILED' | 'NOT_APPLICABLE';
  errorDetails?: { message: string }[];
  stopRequested?: boolean;
  claim?: JobClaim;
}

export interface LoadTestingExtension {
  /** lower-case resource id → data-plane guid */
  guids: Record<string, string>;
  tests: Record<string, LtTest>;
  runs: Record<string, LtRun>;
}

export function loadTesting(state: ArmState): LoadTestingExtension {
  const s = state as ArmState & { loadTesting?: LoadTestingExtension };
  s.loadTesting ??= { guids: {}, tests: {}, runs: {} };
  return s.loadTesting;
}

export function peekLoadTesting(state: Readonly<ArmState>): LoadTestingExtension | undefined {
  return (state as ArmState & { loadTesting?: LoadTestingExtension }).loadTesting;
}

export const itemKey = (guid: string, id: string): string => `${guid.toLowerCase()}/${id.toLowerCase()}`;

/** The resource id a data-plane guid belongs to. */
export function resourceOfGuid(state: Readonly<ArmState>, guid: string): string | undefined {
  const ext = peekLoadTesting(state);
  return ext ? Object.entries(ext.guids).find(([, g]) => g.toLowerCase() === guid.toLowerCase())?.[0] : undefined;
}

/** `127.0.0.1:<port>/loadtesting/<guid>`: a host and path, no scheme, as the live service's dataPlaneURI is a host. */
export function dataPlaneUri(baseUrl: string, guid: string): string {
  return `${new URL(baseUrl).host}/loadtesting/${guid}`;
}
