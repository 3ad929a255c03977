/**
 * Carries out the batch scoring jobs the data plane accepted (batch/data-plane.ts). Every emulator process runs one;
 * a job is claimed under the state lock (NotStarted → Queued), so exactly one process runs it, and a job whose
 * claimer died is taken over and run again from the start. Running a job:
 *   1. refuse what cannot run (a PipelineComponent deployment, no scoring script, no Azurite, no python3 on PATH);
 *   2. fail when the output file already exists ("If the output file exists, the batch scoring job will fail");
 *   3. download the input files (a UriFolder: every blob under the folder; a UriFile: that blob), the code and the
 *      model (a folder model under $AZUREML_MODEL_DIR/<folder name>/) from Azurite into <stateDir>/batch/jobs/<name>/;
 *   4. Running: the scoring script under the batch contract (batch/execute.ts): init() once per worker process,
 *      run(mini_batch) with `miniBatchSize` local file paths at a time, retries, timeouts, the error threshold;
 *   5. AppendRow: every row run() returned, one per line, in mini-batch order, into the output file; SummaryOnly:
 *      no file. Either way what the script wrote under AZUREML_BI_OUTPUT_PATH goes to the output file's folder.
 * The job ends Completed, Failed (with `error` and the user log: stdout, stderr, tracebacks) or Canceled.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { claimable, failedEnd, JobFailure, StateJobWorker } from '../state/job-worker';
import { getBlob, listBlobNames, putBlob, type BlobEndpoint } from '../blob-admin';
import { storageEndpoint } from '../arm/datastores';
import { materialize } from '../scoring/materialize';
import { findPython } from '../scoring/runtime';
import { BoundedLog } from '../scoring/logs';
import type { BlobLocation } from '../registry-copy-job';
import { BATCH_HARNESS_FILE, BATCH_HARNESS_PY } from './harness';
import { executeMiniBatches } from './execute';
import { batch, findJob, jobDir, peekBatch, TERMINAL, USER_LOG, type BatchInput, type BatchJob, type BatchJobCounts, type BatchJobStatus } from './state';

export interface BatchRunnerOptions {
  stateDir: string;
  store: JsonStore<ArmState>;
  /** CA of the blob front. */
  ca: string;
  log?: (line: string) => void;
  /** Where python3 is looked up; default process.env.PATH at each job. */
  searchPath?: string;
  /** Most scoring processes one job runs at once (instanceCount × maxConcurrencyPerInstance is capped to it); default 4. */
  maxProcesses?: number;
}

interface End {
  status: BatchJobStatus;
  error?: { code: string; message: string };
  counts?: BatchJobCounts;
}


function trim(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

export class BatchJobRunner extends StateJobWorker {
  constructor(private readonly o: BatchRunnerOptions, sweepMs = 1000) {
    super(o.store, o.log ?? (() => undefined), 'batch-jobs', sweepMs);
  }

  protected drain(mtime: number): Promise<void> {
    return this.drainClaimed(mtime, () => this.claim(), async (job) => this.finish(job, await this.carryOut(job).catch(failedEnd)));
  }

  private claim(): Promise<BatchJob | undefined> {
    const now = Date.now();
    return this.store.update((s) => {
      const job = Object.values(batch(s).jobs).find((j) => !TERMINAL.includes(j.status) && claimable(j.claim, now));
      if (!job) return undefined;
      job.claim = this.claimNow(now);
      job.status = 'Queued';
      return JSON.parse(JSON.stringify(job)) as BatchJob;
    });
  }

  private mine(s: ArmState, job: BatchJob): BatchJob | undefined {
    const j = batch(s).jobs[job.name.toLowerCase()];
    return j?.claim?.nonce === this.nonce ? j : undefined;
  }

  private cancelRequested(name: string): boolean {
    return this.stopped || !!findJob(this.store.peek(), name)?.cancelRequested;
  }

  private finish(job: BatchJob, end: End | undefined): Promise<void> {
    return this.store.update((s) => {
      const j = this.mine(s, job);
      if (!j) return;
      delete j.claim;
      // Stopped while running: leave the job to the next emulator process on this state directory.
      if (!end) return;
      j.status = end.status;
      j.endedAt = new Date().toISOString();
      if (end.error) j.error = end.error;
      if (end.counts) j.counts = end.counts;
    });
  }

  private async carryOut(job: BatchJob): Promise<End | undefined> {
    const spec = job.spec;
    const dir = jobDir(this.o.stateDir, job.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const log = new BoundedLog(join(dir, USER_LOG));
    log.reset();
    const info = (l: string) => log.line(`${new Date().toISOString()} | INFO | ${l}`);
    const fail = (code: string, message: string): never => {
      log.line(`${new Date().toISOString()} | ERROR | ${message}`);
      throw new JobFailure(code, message);
    };
    info(`Batch job ${job.name} of deployment '${job.deployment}' (endpoint '${job.endpointId.slice(job.endpointId.lastIndexOf('/') + 1)}')`);
    if (spec.cannotRun) fail(spec.cannotRun.code, spec.cannotRun.message);
    const state = this.store.read();
    if (!state.azurite) fail('SystemError', 'Blob storage is not running (the emulator was started without Azurite): a batch job reads its inputs and writes its output there.');
    const python =
      findPython(this.o.searchPath ?? process.env.PATH) ??
      fail('PythonNotFound', 'python3 was not found on PATH: the emulator runs batch scoring scripts with a local python3 (3.8 or later). Install Python 3 or put python3 on PATH.');
    const ep: BlobEndpoint = { hostPort: storageEndpoint(state), ca: this.o.ca };
    const account = (loc: BlobLocation) => state.storageAccounts[loc.account] ?? fail('UserError', `Storage account '${loc.account}' does not exist.`);

    const out = spec.output.blob;
    const outPath = trim(out.path);
    if ((await listBlobNames(ep, account(out), out.container, outPath)).includes(outPath)) {
      fail('UserError', `The output file '${spec.output.uri}' already exists: a batch scoring job does not overwrite its output. Choose an output location that does not exist yet.`);
    }
    const files: string[] = [];
    for (const input of spec.inputs) files.push(...(await this.download(ep, account(input.blob), input, join(dir, 'inputs', input.name), info, fail)));
    const codeDir = join(dir, 'code');
    const modelDir = join(dir, 'model');
    const deps = { store: this.o.store, ca: this.o.ca };
    try {
      info('Downloading the code');
      await materialize(deps, { blob: spec.code! }, codeDir, info);
      if (spec.model) {
        info('Downloading the model');
        await materialize(deps, { blob: spec.model }, modelDir, info, true);
      } else mkdirSync(modelDir, { recursive: true });
    } catch (e) {
      fail('UserError', `The deployment's files could not be fetched: ${(e as Error).message}`);
    }
    const script = resolve(codeDir, spec.scoringScript!);
    if (!script.startsWith(codeDir + sep) || !statSync(script, { throwIfNoEntry: false })?.isFile()) {
      fail('UserError', `The scoring script '${spec.scoringScript}' was not found in the deployment's code.`);
    }
    const harness = join(this.o.stateDir, 'batch', BATCH_HARNESS_FILE);
    writeFileSync(harness, BATCH_HARNESS_PY);
    const outputDir = join(dir, 'outputs');
    mkdirSync(outputDir, { recursive: true });

    const miniBatches: string[][] = [];
    for (let i = 0; i < files.length; i += spec.miniBatchSize) miniBatches.push(files.slice(i, i + spec.miniBatchSize));
    const processes = Math.max(1, Math.min(spec.processes, this.o.maxProcesses ?? 4));
    await this.store.update((s) => {
      const j = this.mine(s, job);
      if (j && !TERMINAL.includes(j.status)) {
        j.status = 'Running';
        j.startedAt = new Date().toISOString();
      }
    });
    info(`Running: ${files.length} files in ${miniBatches.length} mini-batches of up to ${spec.miniBatchSize}, ${processes} scoring process(es), error threshold ${spec.errorThreshold}, ${spec.maxRetries} retries, timeout ${spec.timeoutMs} ms`);
    const result = await executeMiniBatches({
      python,
      harness,
      script,
      cwd: dirname(script),
      env: {
        ...(spec.environmentVariables ?? {}),
        AZUREML_MODEL_DIR: modelDir,
        AZUREML_BI_OUTPUT_PATH: outputDir,
        AZUREML_ENTRY_SCRIPT: script,
        AMLEMU_SCORING_SCRIPT: script,
      },
      miniBatches,
      processes,
      maxRetries: spec.maxRetries,
      timeoutMs: spec.timeoutMs,
      errorThreshold: spec.errorThreshold,
      log,
      canceled: () => this.cancelRequested(job.name),
    });
    if (result.outcome === 'Canceled') {
      if (this.stopped) return undefined;
      info('Canceled');
      return { status: 'Canceled', counts: result.counts };
    }
    if (result.outcome === 'Failed') {
      log.line(`${new Date().toISOString()} | ERROR | ${result.error.message}`);
      return { status: 'Failed', error: result.error, counts: result.counts };
    }
    const folder = outPath.includes('/') ? outPath.slice(0, outPath.lastIndexOf('/')) : '';
    for (const f of walk(outputDir)) {
      const name = `${folder ? `${folder}/` : ''}${relative(outputDir, f).split(sep).join('/')}`;
      await putBlob(ep, account(out), out.container, name, { data: readFileSync(f), metadata: {} });
      info(`Uploaded ${name}`);
    }
    if (spec.outputAction === 'AppendRow') {
      const text = result.rows.length ? `${result.rows.join('\n')}\n` : '';
      await putBlob(ep, account(out), out.container, outPath, { data: Buffer.from(text), contentType: 'text/csv', metadata: {} });
      info(`Wrote ${result.rows.length} rows to ${spec.output.uri}`);
    }
    info(`Completed: ${result.counts.succeededMiniBatches} of ${result.counts.miniBatches} mini-batches, ${result.counts.failedFiles} failed files`);
    return { status: 'Completed', counts: result.counts };
  }

  /** Downloads an input's files; returns their local paths (sorted by blob name). */
  private async download(ep: BlobEndpoint, account: { name: string; key: string }, input: BatchInput, dest: string, info: (l: string) => void, fail: (code: string, m: string) => never): Promise<string[]> {
    const loc = input.blob;
    const path = trim(loc.path);
    const names = await listBlobNames(ep, account, loc.container, path);
    const single = path !== '' && names.includes(path);
    const prefix = path ? `${path}/` : '';
    const inFolder = names.filter((n) => n.startsWith(prefix) && !n.endsWith('/')).sort();
    if (input.type === 'UriFile' && !single) {
      fail('UserError', `The input '${input.name}' (UriFile '${input.uri}') ${inFolder.length ? 'is a folder: use JobInputType UriFolder' : 'does not exist'}.`);
    }
    const chosen = input.type === 'UriFile' ? [path] : inFolder;
    if (!chosen.length) fail('UserError', `The input '${input.name}' (UriFolder '${input.uri}') has no files${single ? ': it is a file, use JobInputType UriFile' : ''}.`);
    const local: string[] = [];
    for (const name of chosen) {
      const rel = input.type === 'UriFile' ? name.slice(name.lastIndexOf('/') + 1) : name.slice(prefix.length);
      const target = normalize(join(dest, rel));
      if (!target.startsWith(dest + sep)) fail('UserError', `Blob name '${name}' escapes the input folder.`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, (await getBlob(ep, account, loc.container, name)).data);
      local.push(target);
    }
    info(`Input '${input.name}': ${local.length} file(s) from ${input.uri}`);
    return local;
  }

  /** Jobs this process could take now (for tests and the control surface). */
  pending(): number {
    const now = Date.now();
    return Object.values(peekBatch(this.store.peek())?.jobs ?? {}).filter((j) => !TERMINAL.includes(j.status) && claimable(j.claim, now)).length;
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}
