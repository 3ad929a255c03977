/**
 * A `run_on:` check carried out as an Azure ML command job: inputs, code and environment provided (job-assets.ts),
 * the job submitted, its status polled on the project's schedule (lro.ts) within the step's deadline with a
 * progress line per change (and every 30 s), then its outcome file read back from the job's output into the same
 * rows a local run gives, with the job named and linked in the facts. A Failed or Canceled job is an `error`
 * outcome with the service's message and the tail of the job's log. Cancelled or timed out while the job runs:
 * the job is cancelled before the step ends.
 */
import { performance } from 'node:perf_hooks';
import { readDatastoreFile } from '../../assets/datastore-read';
import { defaultOutputUri, jobLogUri, TERMINAL_JOB_STATUSES, type JobResource } from '../../azureml/jobs';
import { pollIntervalMs } from '../../azureml/lro';
import { checkJobSpec, JOB_OUTCOME_FILE, parseJobOutcome, type JobCheck } from '../../checks/job/spec';
import type { Policy } from '../../checks/policy/types';
import type { CheckOutcome } from '../../checks/results/types';
import { formatElapsed } from '../../core/duration';
import { printable } from '../../core/escape';
import type { Logger } from '../../core/logger';
import { abortableSleep } from '../../core/sleep';
import type { WorkspaceConnection } from '../workspace';
import type { JobAssets } from './job-assets';
import { checkJobBody, checkJobName, JOB_OUTPUT } from './job-body';

export interface JobRunContext {
  conn: WorkspaceConnection;
  assets: JobAssets;
  logger: Logger;
  signal: AbortSignal;
  programDir: string;
  /** Poll interval by time since submission (default the LRO schedule) */
  schedule?: (elapsedMs: number) => number;
  /** Cadence of progress lines while the status stays the same; default 30 s */
  progressEveryMs?: number;
  /** Reads a datastore file's text (default assets/datastore-read with the connection's client) */
  readFile?: (uri: string, what: string) => Promise<string>;
}

const reader = (c: JobRunContext) => c.readFile ?? ((uri: string, what: string) => readDatastoreFile(c.conn.client, c.conn.scope, uri, c.signal, what));

const LOG_TAIL_LINES = 20;

export async function runCheckAsJob(check: JobCheck, policy: Policy, c: JobRunContext): Promise<CheckOutcome> {
  const started = performance.now();
  const { client, scope } = c.conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const compute = check.runOn!.compute.value;
  const spec = checkJobSpec(check, policy);
  const baseline = await c.assets.datasetUri(policy.data.get(check.baseline.value)!);
  const target = await c.assets.datasetUri(policy.data.get(check.target.value)!);
  const codeId = await c.assets.codeId(spec, c.programDir);
  const environmentId = await c.assets.environmentId(check);
  const name = checkJobName(check.name);
  const submitted = await client.jobs.createJob(rg, ws, name, checkJobBody(scope, { job: name, check: check.name, codeId, environmentId, compute, baseline, target }));
  const link = studioLink(submitted);
  c.logger.info(`${check.name}: job ${name} submitted on ${compute}${link ? ` (${link})` : ''}.`);
  const facts: Record<string, string | number> = { job: name, compute, ...(link ? { 'job link': link } : {}) };

  const job = await waitForJob(c, name, check.name, performance.now());
  const status = job.properties.status ?? 'Unknown';
  const base = { name: check.name, type: check.type, severity: check.severity };
  const duration = () => Math.round(performance.now() - started);
  if (status === 'Completed') {
    const uri = `${defaultOutputUri(name, JOB_OUTPUT)}${JOB_OUTCOME_FILE}`;
    try {
      const o = parseJobOutcome(await reader(c)(uri, "the job's outcome"));
      return { ...base, status: o.status, headline: o.headline, rows: o.rows, facts: { ...o.facts, ...facts }, ...(o.error ? { error: o.error } : {}), durationMs: duration() };
    } catch (e) {
      const message = `job ${name} completed but its outcome could not be read: ${(e as Error).message}`;
      return { ...base, status: 'error', headline: `could not run: ${message}`, rows: [], facts, error: message, durationMs: duration() };
    }
  }
  const reason = job.properties.error?.message?.trim();
  const tail = await logTail(c, name);
  const message = `job ${name} ended ${status}${reason ? `: ${reason}` : ''}`;
  return {
    ...base,
    status: 'error',
    headline: `could not run: ${message.split('\n')[0]}`,
    rows: [],
    facts,
    error: message,
    ...(tail ? { extra: { table: `Last lines of the job's log (${jobLogUri(name)}):\n\n${fenced(tail)}` } } : {}),
    durationMs: duration(),
  };
}

/** Polls until the job ends; on cancellation or the deadline, cancels the job and rethrows. */
async function waitForJob(c: JobRunContext, name: string, check: string, since: number): Promise<JobResource> {
  const { client, scope } = c.conn;
  const schedule = c.schedule ?? pollIntervalMs;
  const every = c.progressEveryMs ?? 30_000;
  let last = '';
  let lastLine = 0;
  try {
    for (;;) {
      const job = await client.jobs.getJob(scope.resourceGroup, scope.workspaceName, name);
      if (!job) throw new Error(`job ${name} disappeared from workspace ${scope.workspaceName}`);
      const status = job.properties.status ?? 'Unknown';
      const elapsed = performance.now() - since;
      if (status !== last || elapsed - lastLine >= every) {
        c.logger.info(`${check}: job ${name} ${status} (${formatElapsed(elapsed)})`);
        last = status;
        lastLine = elapsed;
      }
      if ((TERMINAL_JOB_STATUSES as readonly string[]).includes(status)) return job;
      await abortableSleep(schedule(elapsed), c.signal);
    }
  } catch (e) {
    if (c.signal.aborted) {
      c.logger.warning(`${check}: cancelling job ${name} (the step is stopping).`);
      await client
        .detached()
        .jobs.cancelJob(scope.resourceGroup, scope.workspaceName, name)
        .catch((x: Error) => c.logger.warning(`Could not cancel job ${name}: ${x.message}`));
      throw c.signal.reason ?? e;
    }
    throw e;
  }
}

async function logTail(c: JobRunContext, name: string): Promise<string | undefined> {
  try {
    const text = await reader(c)(jobLogUri(name), "the job's log");
    const lines = text.split('\n').map((l) => printable(l.trimEnd())).filter(Boolean);
    return lines.slice(-LOG_TAIL_LINES).join('\n') || undefined;
  } catch (e) {
    c.logger.debug(`No log for job ${name}: ${(e as Error).message}`);
    return undefined;
  }
}

function fenced(text: string): string {
  const fence = '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((r) => r.length + 1)));
  return `${fence}text\n${text}\n${fence}`;
}

function studioLink(job: JobResource): string | undefined {
  const endpoint = job.properties.services?.Studio?.endpoint;
  return typeof endpoint === 'string' && /^https:\/\//.test(endpoint) ? endpoint : undefined;
}
