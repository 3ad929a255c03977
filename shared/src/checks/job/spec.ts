/**
 * One data check as a self-contained job: the spec the step writes (the check as the policy reader gave it, the
 * formats of its two datasets), the run of that spec on two local files with the same runner code the step runs
 * locally (so the rows and the verdict agree), and the outcome file the job writes and the step reads back.
 * Nothing here knows Azure: `shared/entries/check-job.ts` is the program the job runs.
 */
import type { FileFormat } from '../data';
import type { DataDriftCheck, DataQualityCheck, Policy, PolicyCheck, PolicyDataset, RunOn } from '../policy/types';
import type { CheckOutcome, CheckStatus, ResultRow } from '../results/types';
import { runDataQuality, runDrift } from '../runners/data';
import { preflight } from '../runners/preflight';

export const CHECK_JOB_SPEC_VERSION = 1;
/** The file the job writes into its output folder. */
export const JOB_OUTCOME_FILE = 'outcome.json';
/** The spec file beside the job's program. */
export const JOB_SPEC_FILE = 'spec.json';

export type JobCheck = DataQualityCheck | DataDriftCheck;

export interface CheckJobSpec {
  version: number;
  /** The check without run_on (the job runs it where it is) */
  check: JobCheck;
  /** The formats of the check's datasets (the job's input files may have lost their extension) */
  formats: { baseline?: FileFormat; target?: FileFormat };
}

/** What the job writes: the outcome's rows, facts and headline (its duration is the job's). */
export type JobOutcome = Pick<CheckOutcome, 'status' | 'headline' | 'rows' | 'facts'> & { version: number; error?: string };

/** A data check with run_on (the step sends it to a compute cluster). */
export function isJobCheck(check: PolicyCheck): check is JobCheck & { runOn: RunOn } {
  return (check.type === 'data_quality' || ((check.type === 'data_drift' || check.type === 'prediction_drift') && !check.targetFromDeployment)) && check.runOn !== undefined;
}

export function checkJobSpec(check: JobCheck, policy: Policy): CheckJobSpec {
  const { runOn: _runOn, ...rest } = check;
  const format = (name: string) => policy.data.get(name)?.format;
  const baseline = format(check.baseline.value);
  const target = format(check.target.value);
  return { version: CHECK_JOB_SPEC_VERSION, check: rest as JobCheck, formats: { ...(baseline ? { baseline } : {}), ...(target ? { target } : {}) } };
}

/** A spec read back (the job's side): the shape checked, so a wrong file fails with a message, not a crash. */
export function parseCheckJobSpec(text: string): CheckJobSpec {
  const spec = JSON.parse(text) as CheckJobSpec;
  if (spec?.version !== CHECK_JOB_SPEC_VERSION) throw new Error(`spec version ${String(spec?.version)} is not ${CHECK_JOB_SPEC_VERSION}: the job's program and the step that wrote the spec differ`);
  const t = spec.check?.type;
  if (t !== 'data_quality' && t !== 'data_drift' && t !== 'prediction_drift') throw new Error(`the spec's check type '${String(t)}' cannot run as a job`);
  return spec;
}

/** Runs the spec's check on two local files, as the step's runner would (preflight included). */
export async function runCheckJob(spec: CheckJobSpec, files: { baseline: string; target: string }, progress: (line: string) => void, signal: AbortSignal): Promise<CheckOutcome> {
  const check = spec.check;
  const dataset = (name: string, path: string, format?: FileFormat): PolicyDataset => ({ name, path, kind: 'local', ...(format ? { format } : {}), at: check.at });
  const data = new Map<string, PolicyDataset>([[check.target.value, dataset(check.target.value, files.target, spec.formats.target)]]);
  // The baseline last: a check comparing a dataset with itself reads one file.
  data.set(check.baseline.value, dataset(check.baseline.value, files.baseline, spec.formats.baseline));
  const policy: Policy = { file: check.at.file, version: 1, target: {}, data, checks: [check] };
  const ctx = { datasetPath: (name: string) => data.get(name)!.path, progress, signal, progressEveryMs: 15_000 };
  // As on the runner: the files open and have every column the check names, else the job fails saying where.
  await preflight(policy, ctx);
  return check.type === 'data_quality' ? runDataQuality(check, policy, ctx) : runDrift(check, policy, ctx);
}

export function jobOutcome(outcome: CheckOutcome): JobOutcome {
  return { version: CHECK_JOB_SPEC_VERSION, status: outcome.status, headline: outcome.headline, rows: outcome.rows, facts: outcome.facts, ...(outcome.error ? { error: outcome.error } : {}) };
}

const STATUSES: readonly CheckStatus[] = ['passed', 'failed', 'error'];
const ROW_STATUSES: readonly ResultRow['status'][] = ['passed', 'failed', 'skipped'];

/** The job's outcome file, checked field by field (it comes from a file on a datastore). */
export function parseJobOutcome(text: string): JobOutcome {
  const o = JSON.parse(text) as JobOutcome;
  const bad = (what: string): never => {
    throw new Error(`the job's ${JOB_OUTCOME_FILE} ${what}`);
  };
  if (typeof o !== 'object' || o === null) bad('is not a JSON object');
  if (o.version !== CHECK_JOB_SPEC_VERSION) bad(`has version ${String(o.version)}, not ${CHECK_JOB_SPEC_VERSION}`);
  if (!STATUSES.includes(o.status)) bad(`has an unknown status '${String(o.status)}'`);
  if (typeof o.headline !== 'string') bad('has no headline');
  if (!Array.isArray(o.rows)) bad('has no rows');
  for (const r of o.rows) {
    if (typeof r?.subject !== 'string' || typeof r.metric !== 'string' || typeof r.measured !== 'string' || typeof r.expected !== 'string' || !ROW_STATUSES.includes(r.status)) bad('has a row without subject, metric, measured, expected and status');
  }
  if (typeof o.facts !== 'object' || o.facts === null || Object.values(o.facts).some((v) => typeof v !== 'string' && typeof v !== 'number')) bad('has facts that are not text or numbers');
  return o;
}
