/**
 * A batch scoring job through the endpoint's scoring URI (reference §6.2): POST a BatchJobResource (one input, one
 * UriFile output at a location of our choosing), then follow `GET <scoringUri>/<job>` to a terminal status with
 * progress lines, and read the user log tail when it fails. The credential is a Microsoft Entra token for Azure ML.
 */
import type { ScoringClient } from '../azureml/scoring';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';

export interface JobInput {
  uri: string;
  type: 'UriFile' | 'UriFolder';
}

export interface BatchJob {
  name: string;
  status: string;
  error?: { code?: string; message?: string };
  /** The user log's tail, when the job failed. */
  logTail?: string;
  elapsedMs: number;
}

const TERMINAL = new Set(['completed', 'succeeded', 'failed', 'canceled', 'cancelled']);

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function jobError(what: string, status: number, body: string): StepError {
  const e = (parseJson(body)?.error ?? {}) as { code?: string; message?: string };
  return new StepError(status === 401 || status === 403 ? 'auth' : status >= 500 ? 'transient' : 'service', `${what}: HTTP ${status}${e.code ? ` ${e.code}` : ''}${e.message ? `: ${e.message}` : ''}`, {
    status,
    code: e.code,
  });
}

export interface RunJobOptions {
  client: ScoringClient;
  /** Route to this deployment (azureml-model-deployment); the endpoint's default otherwise. */
  deployment?: string;
  input: JobInput;
  /** azureml://datastores/<ds>/paths/<path>/<file>: where the output file goes (it must not exist yet). */
  outputUri: string;
  logger: Logger;
  signal: AbortSignal;
  pollMs?: number;
  progressMs?: number;
}

export async function runBatchJob(o: RunJobOptions): Promise<BatchJob> {
  const started = Date.now();
  const body = JSON.stringify({
    properties: {
      InputData: { data: { JobInputType: o.input.type, Uri: o.input.uri } },
      OutputData: { score: { JobOutputType: 'UriFile', Uri: o.outputUri } },
    },
  });
  const posted = await o.client.score({ body, deployment: o.deployment, timeoutMs: 60_000 });
  if (posted.status === 0) throw new StepError('network', `Invoking the batch endpoint failed: ${posted.error ?? 'no answer'}`);
  if (posted.status < 200 || posted.status >= 300) throw jobError(`Invoking ${o.deployment ? `deployment ${o.deployment}` : 'the default deployment'}`, posted.status, posted.body);
  const job = parseJson(posted.body) as { name?: string; id?: string } | undefined;
  const name = job?.name ?? job?.id?.slice(job.id.lastIndexOf('/') + 1);
  if (!name) throw new StepError('service', 'The batch endpoint answered without a job name.');
  o.logger.info(`Batch job ${name} started on ${o.deployment ?? 'the default deployment'}.`);
  const jobUrl = `${o.client.scoringUri.replace(/\/$/, '')}/${encodeURIComponent(name)}`;
  let last = '';
  let lastProgress = 0;
  const poll = o.pollMs ?? 1000;
  for (;;) {
    if (o.signal.aborted) throw o.signal.reason;
    const r = await o.client.get(jobUrl);
    if (r.status === 0 || r.status === 429 || r.status >= 500) {
      // A transient answer while following the job: keep following (the deadline bounds it).
      o.logger.debug(`Batch job ${name}: ${r.status ? `HTTP ${r.status}` : (r.error ?? 'no answer')}; asking again.`);
    } else if (r.status !== 200) {
      throw jobError(`Reading batch job ${name}`, r.status, r.body);
    } else {
      const p = (parseJson(r.body)?.properties ?? {}) as { status?: string; error?: { code?: string; message?: string } };
      const status = p.status ?? 'Unknown';
      const now = Date.now();
      if (status !== last || now - lastProgress >= (o.progressMs ?? 15_000)) {
        o.logger.info(`Batch job ${name}: ${status} (${Math.round((now - started) / 1000)} s).`);
        last = status;
        lastProgress = now;
      }
      if (TERMINAL.has(status.toLowerCase())) {
        const out: BatchJob = { name, status, elapsedMs: now - started };
        if (p.error) out.error = p.error;
        if (!/^(completed|succeeded)$/i.test(status)) {
          const logs = await o.client.get(`${jobUrl}/logs?tail=40`).catch(() => undefined);
          const content = logs?.status === 200 ? (parseJson(logs.body)?.content as string | undefined) : undefined;
          if (content) out.logTail = content;
        }
        return out;
      }
    }
    await new Promise<void>((res) => {
      const t = setTimeout(res, poll);
      o.signal.addEventListener('abort', () => {
        clearTimeout(t);
        res();
      }, { once: true });
    });
  }
}

/** What a failed job's error means and what to do, from its code and message. */
export function classifyJobFailure(error: { code?: string; message?: string } | undefined): { kind: string; remedy: string } {
  const m = `${error?.code ?? ''} ${error?.message ?? ''}`;
  if (/init\(\)/i.test(m)) return { kind: 'init() failed', remedy: "The scoring script's init() raised (see the traceback in the log): usually a model file not found under AZUREML_MODEL_DIR or a package missing from the environment." };
  if (/error threshold/i.test(m)) return { kind: 'error threshold exceeded', remedy: 'More input files failed than error_threshold allows: fix the files or run() for them (the log names each), or raise error_threshold.' };
  if (/every mini-batch failed|nothing was scored/i.test(m)) return { kind: 'run() failed on every mini-batch', remedy: 'run(mini_batch) raised for every mini-batch: the traceback in the log shows why (input format, a column run() expects).' };
  if (/timed out/i.test(m)) return { kind: 'mini-batch timeout', remedy: 'run() took longer than retry_settings.timeout: raise the timeout, or use a smaller mini_batch_size.' };
  if (/already exists/i.test(m)) return { kind: 'output exists', remedy: 'A batch job never overwrites its output: write to a new output location.' };
  if (/python|NotSupported/i.test(m)) return { kind: 'not supported', remedy: 'The job could not run this deployment; the message says why.' };
  return { kind: 'job failed', remedy: "Read the job's error and log tail below." };
}
