/**
 * One load check as an Azure Load Testing test run: create or update the test (engine instances, pass/fail criteria
 * from the SLOs, the endpoint credential as a secret; criteria and secrets an earlier version of the test had are
 * removed with nulls, as merge-patch wants), upload the JMeter plan and wait for its validation, start a test run
 * and poll it on the project's elapsed-time schedule, printing progress, until it ends. The step's deadline or a
 * cancellation stops the run (POST :stop) before the error goes on.
 */
import { StepError } from '../core/errors';
import { formatElapsed } from '../core/duration';
import { abortableSleep } from '../core/sleep';
import { pollIntervalMs } from '../azureml/lro';
import type { LoadFigures } from '../checks/load/slo-figures';
import type { PassFailMetric } from './criteria';
import type { LoadTestingClient, TestRun, TestRunStatistics } from './client';

export const TERMINAL_RUN_STATUSES = ['DONE', 'FAILED', 'CANCELLED', 'VALIDATION_FAILURE'];
const PENDING_FILE = ['NOT_VALIDATED', 'VALIDATION_INITIATED', ''];

export interface ServiceRunSpec {
  testId: string;
  testRunId: string;
  displayName: string;
  description: string;
  engineInstances: number;
  jmx: string;
  fileName: string;
  secretName: string;
  secret: { type: 'AKV_SECRET_URI' | 'SECRET_VALUE'; value: string };
  passFailMetrics: Record<string, PassFailMetric>;
}

export interface ServiceRunOptions {
  progress: (line: string) => void;
  signal: AbortSignal;
  /** Cadence of progress lines; default 15 s (and at each status change) */
  progressEveryMs?: number;
  /** Test seam: interval between polls by elapsed ms; default the ARM poll schedule */
  schedule?: (elapsedMs: number) => number;
}

function nulledKeys(previous: unknown, keep: Record<string, unknown>): Record<string, null> {
  const out: Record<string, null> = {};
  if (previous && typeof previous === 'object') for (const k of Object.keys(previous)) if (!(k in keep)) out[k] = null;
  return out;
}

async function poll<T>(what: () => Promise<T>, done: (t: T) => boolean, o: ServiceRunOptions, line: (t: T, elapsedMs: number) => string, status: (t: T) => string): Promise<T> {
  const started = Date.now();
  let lastLine = started;
  let lastStatus: string | undefined;
  for (;;) {
    const t = await what();
    if (done(t)) return t;
    const elapsed = Date.now() - started;
    if (status(t) !== lastStatus || Date.now() - lastLine >= (o.progressEveryMs ?? 15_000)) {
      o.progress(line(t, elapsed));
      lastLine = Date.now();
      lastStatus = status(t);
    }
    await abortableSleep((o.schedule ?? pollIntervalMs)(elapsed), o.signal);
  }
}

/** Runs the test; the final test run (DONE, or FAILED/CANCELLED: an error). */
export async function runOnService(client: LoadTestingClient, spec: ServiceRunSpec, o: ServiceRunOptions): Promise<TestRun> {
  const previous = await client.getTest(spec.testId);
  await client.createOrUpdateTest(spec.testId, {
    displayName: spec.displayName,
    description: spec.description,
    loadTestConfiguration: { engineInstances: spec.engineInstances, splitAllCSVs: false },
    passFailCriteria: { passFailMetrics: { ...nulledKeys((previous?.passFailCriteria as { passFailMetrics?: unknown } | undefined)?.passFailMetrics, spec.passFailMetrics), ...spec.passFailMetrics } },
    secrets: { ...nulledKeys(previous?.secrets, { [spec.secretName]: 1 }), [spec.secretName]: spec.secret },
    ...(spec.secret.type === 'AKV_SECRET_URI' ? { keyvaultReferenceIdentityType: 'SystemAssigned' } : {}),
  });
  o.progress(`  Azure Load Testing: test '${spec.testId}' ready; uploading ${spec.fileName}`);
  await client.uploadFile(spec.testId, spec.fileName, spec.jmx, 'JMX_FILE');
  const file = await poll(
    () => client.getFile(spec.testId, spec.fileName),
    (f) => !PENDING_FILE.includes(f.validationStatus ?? ''),
    o,
    (f, ms) => `  Azure Load Testing: ${spec.fileName} ${f.validationStatus ?? 'NOT_VALIDATED'}, ${formatElapsed(ms)}`,
    (f) => f.validationStatus ?? '',
  );
  if (file.validationStatus === 'VALIDATION_FAILURE') {
    throw new StepError('service', `Azure Load Testing refused the JMeter plan ${spec.fileName}: ${file.validationFailureDetails ?? 'validation failed, with no details'}`);
  }
  const started = await client.startTestRun(spec.testRunId, { testId: spec.testId, displayName: spec.displayName, description: spec.description });
  o.progress(`  Azure Load Testing: test run '${spec.testRunId}' ${started.status ?? 'ACCEPTED'}${started.portalUrl ? ` (${started.portalUrl})` : ''}`);
  let run: TestRun;
  try {
    run = await poll(
      () => client.getTestRun(spec.testRunId),
      (r) => TERMINAL_RUN_STATUSES.includes(r.status ?? ''),
      o,
      (r, ms) => `  Azure Load Testing: test run '${spec.testRunId}' ${r.status ?? 'unknown'}, ${formatElapsed(ms)} elapsed`,
      (r) => r.status ?? '',
    );
  } catch (e) {
    if (o.signal.aborted) {
      o.progress(`  Azure Load Testing: stopping test run '${spec.testRunId}'`);
      await client.stopTestRun(spec.testRunId).catch((err: Error) => o.progress(`  Azure Load Testing: could not stop test run '${spec.testRunId}': ${err.message}`));
      throw o.signal.reason ?? e;
    }
    throw e;
  }
  if (run.status !== 'DONE') {
    const details = (run.errorDetails ?? []).map((d) => d.message).filter(Boolean).join('; ');
    throw new StepError('service', `Azure Load Testing test run '${spec.testRunId}' ended ${run.status}${details ? `: ${details}` : ''}.`);
  }
  return run;
}

/** The run's figures, from its "Total" statistics (the service's percentiles and means are in ms, errorPct in %). */
export function figuresOf(run: TestRun): LoadFigures {
  const all = run.testRunStatistics ?? {};
  const t: TestRunStatistics = all['Total'] ?? Object.values(all)[0] ?? {};
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const samples = n(t.sampleCount) ?? 0;
  const errors = n(t.errorCount) ?? 0;
  const percentilesMs: Record<number, number> = {};
  for (const [p, v] of [
    [50, t.medianResTime],
    [90, t.pct90ResTime ?? t.pct1ResTime],
    [95, t.pct95ResTime ?? t.pct2ResTime],
    [99, t.pct99ResTime ?? t.pct3ResTime],
  ] as const) {
    const x = n(v);
    if (x !== undefined) percentilesMs[p] = x;
  }
  const pct = n(t.errorPct);
  return {
    samples,
    errors,
    errorRate: pct !== undefined ? pct / 100 : samples > 0 ? errors / samples : 0,
    throughput: n(t.throughput) ?? 0,
    ...(n(t.meanResTime) !== undefined ? { meanMs: n(t.meanResTime)! } : {}),
    ...(n(t.maxResTime) !== undefined ? { maxMs: n(t.maxResTime)! } : {}),
    percentilesMs,
    source: 'Azure Load Testing',
  };
}
