/**
 * Carries out the command jobs ARM accepted (arm/jobs.ts). Every emulator process runs one; a job is claimed under
 * the state lock (NotStarted → Queued), so exactly one process runs it, and a job whose claimer died is taken over and
 * run again from the start. Running a job:
 *   1. Starting: download the code folder and the uri_file / uri_folder inputs from Azurite into
 *      <stateDir>/command-jobs/<name>/ (code/, inputs/<input>/), make an empty folder per output (outputs/<output>/);
 *   2. Running: the command with `${{inputs.x}}` / `${{outputs.y}}` replaced by those local paths (literal inputs by
 *      their value), split into words as a shell would (quotes kept together), run without a shell in the code
 *      folder; a command starting with `node` runs the emulator's own Node (process.execPath), anything else as is;
 *      stdout and stderr go to the user log;
 *   3. exit 0: every output folder's files are uploaded under the output's uri → Completed; otherwise Failed with
 *      {code: UserError, message: the last stderr lines}; cancelled: the process is killed → Canceled.
 * The user log is uploaded where the service keeps it (workspaceartifactstore, ExperimentRun/dcid.<job>/user_logs/std_log.txt).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { claimable, failedEnd, JobFailure, StateJobWorker } from '../state/job-worker';
import { putBlob, type BlobEndpoint } from '../blob-admin';
import { storageEndpoint } from '../arm/datastores';
import { materialize } from '../scoring/materialize';
import { BoundedLog, flushLogs } from '../scoring/logs';
import type { BlobLocation } from '../registry-copy-job';
import { COMMAND_TERMINAL, commandJobDir, commandJobs, findCommandJob, peekCommandJobs, STD_LOG, type CommandJob, type CommandJobStatus } from './state';

export interface CommandJobRunnerOptions {
  stateDir: string;
  store: JsonStore<ArmState>;
  /** CA of the blob front. */
  ca: string;
  log?: (line: string) => void;
}

interface End {
  status: CommandJobStatus;
  error?: { code: string; message: string };
}


/** Words of a command line as a POSIX shell splits them (single and double quotes, backslash escapes). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let any = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) words.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (quote) throw new JobFailure('UserError', `The command has an unclosed ${quote} quote.`);
  if (cur || any) words.push(cur);
  return words;
}

const REFERENCE = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}/g;

export class CommandJobRunner extends StateJobWorker {
  constructor(private readonly o: CommandJobRunnerOptions, sweepMs = 1000) {
    super(o.store, o.log ?? (() => undefined), 'command-jobs', sweepMs);
  }

  protected drain(mtime: number): Promise<void> {
    return this.drainClaimed(mtime, () => this.claim(), async (job) => this.finish(job, await this.carryOut(job).catch(failedEnd)));
  }

  private claim(): Promise<CommandJob | undefined> {
    const now = Date.now();
    return this.store.update((s) => {
      const job = Object.values(commandJobs(s).jobs).find((j) => !COMMAND_TERMINAL.includes(j.status) && !j.cancelRequested && claimable(j.claim, now));
      if (!job) return undefined;
      job.claim = this.claimNow(now);
      job.status = 'Queued';
      return JSON.parse(JSON.stringify(job)) as CommandJob;
    });
  }

  private setStatus(job: CommandJob, status: CommandJobStatus, started = false): Promise<void> {
    return this.store.update((s) => {
      const j = this.mine(s, job);
      if (!j || COMMAND_TERMINAL.includes(j.status) || j.cancelRequested) return;
      j.status = status;
      if (started) j.startedAt = new Date().toISOString();
    });
  }

  private mine(s: ArmState, job: CommandJob): CommandJob | undefined {
    const j = commandJobs(s).jobs[job.id.toLowerCase()];
    return j?.claim?.nonce === this.nonce ? j : undefined;
  }

  private cancelRequested(job: CommandJob): boolean {
    return this.stopped || !!findCommandJob(this.store.peek(), job.id)?.cancelRequested;
  }

  private finish(job: CommandJob, end: End | undefined): Promise<void> {
    return this.store.update((s) => {
      const j = this.mine(s, job);
      if (!j) return;
      delete j.claim;
      if (!end) return; // stopped while running: the next emulator process on this state directory runs it
      j.status = end.status;
      j.endedAt = new Date().toISOString();
      if (end.error) j.error = end.error;
    });
  }

  private async carryOut(job: CommandJob): Promise<End | undefined> {
    const spec = job.spec;
    const dir = commandJobDir(this.o.stateDir, job.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const log = new BoundedLog(join(dir, STD_LOG));
    log.reset();
    const info = (l: string) => log.line(`${new Date().toISOString()} | emulator | ${l}`);
    const state = this.store.read();
    const ep: BlobEndpoint = { hostPort: storageEndpoint(state), ca: this.o.ca };
    const account = (loc: BlobLocation) => state.storageAccounts[loc.account] ?? fail('UserError', `Storage account '${loc.account}' does not exist.`);
    const fail = (code: string, message: string): never => {
      info(message);
      throw new JobFailure(code, message);
    };
    const uploadLog = async () => {
      flushLogs();
      if (spec.log && state.azurite) await putBlob(ep, account(spec.log), spec.log.container, spec.log.path, { data: readFileSync(join(dir, STD_LOG)), contentType: 'text/plain', metadata: {} }).catch(() => undefined);
    };
    try {
      info(`Command job ${job.name}`);
      if (!state.azurite) fail('SystemError', 'Blob storage is not running (the emulator was started without Azurite): a command job reads its code and inputs and writes its outputs there.');
      await this.setStatus(job, 'Starting');
      const deps = { store: this.o.store, ca: this.o.ca };
      const codeDir = join(dir, 'code');
      const paths = new Map<string, string>();
      try {
        if (spec.code) await materialize(deps, { blob: spec.code }, codeDir, info);
        else mkdirSync(codeDir, { recursive: true });
        for (const input of spec.inputs) {
          if (input.type === 'literal') {
            paths.set(`inputs.${input.name}`, input.value ?? '');
            continue;
          }
          const dest = join(dir, 'inputs', input.name);
          const files = await materialize(deps, { blob: input.blob! }, dest, info);
          if (input.type === 'uri_file' && files.length !== 1) fail('UserError', `Input '${input.name}' (uri_file '${input.uri}') is a folder: use jobInputType uri_folder.`);
          paths.set(`inputs.${input.name}`, input.type === 'uri_file' ? join(dest, files[0]!) : dest);
        }
      } catch (e) {
        if (e instanceof JobFailure) throw e;
        fail('UserError', `The job's code or inputs could not be fetched: ${(e as Error).message}`);
      }
      for (const output of spec.outputs) {
        const p = join(dir, 'outputs', output.name);
        mkdirSync(p, { recursive: true });
        paths.set(`outputs.${output.name}`, p);
      }
      const words = splitCommand(spec.command).map((w) => w.replace(REFERENCE, (_, kind: string, name: string) => paths.get(`${kind}.${name}`) ?? ''));
      if (!words.length) fail('UserError', 'The command is empty.');
      const program = words[0] === 'node' ? process.execPath : words[0]!;
      await this.setStatus(job, 'Running', true);
      info(`Running: ${spec.command}`);
      const result = await this.execute(job, program, words.slice(1), codeDir, spec.environmentVariables, log);
      if (result === 'canceled') {
        if (this.stopped) return undefined;
        info('Canceled');
        return { status: 'Canceled' };
      }
      if (result.code !== 0) {
        const tail = result.stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-5).join('\n');
        fail('UserError', `Execution failed: the command exited with code ${result.code}${tail ? `: ${tail}` : ''}`);
      }
      for (const output of spec.outputs) {
        const local = paths.get(`outputs.${output.name}`)!;
        const folder = output.blob.path.replace(/^\/+|\/+$/g, '');
        for (const f of walk(local)) {
          const name = output.type === 'uri_file' ? folder : `${folder ? `${folder}/` : ''}${relative(local, f).split(sep).join('/')}`;
          await putBlob(ep, account(output.blob), output.blob.container, name, { data: readFileSync(f), metadata: {} });
          info(`Output '${output.name}': uploaded ${name}`);
        }
      }
      info('Completed');
      return { status: 'Completed' };
    } finally {
      await uploadLog();
    }
  }

  private execute(job: CommandJob, program: string, args: string[], cwd: string, env: Record<string, string>, log: BoundedLog): Promise<{ code: number; stderr: string } | 'canceled'> {
    return new Promise((done, reject) => {
      const child = spawn(program, args, { cwd, env: { ...process.env, ...env, AZUREML_RUN_ID: job.name }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let canceled = false;
      child.stdout.on('data', (d: Buffer) => log.chunk(d));
      child.stderr.on('data', (d: Buffer) => {
        log.chunk(d);
        stderr = (stderr + d.toString()).slice(-8192);
      });
      const watch = setInterval(() => {
        if (this.cancelRequested(job)) {
          canceled = true;
          child.kill('SIGKILL');
        }
      }, 200);
      child.on('error', (e) => {
        clearInterval(watch);
        reject(new JobFailure('UserError', `The command could not start: ${e.message}`));
      });
      child.on('close', (code) => {
        clearInterval(watch);
        log.flush();
        done(canceled ? 'canceled' : { code: code ?? 1, stderr });
      });
    });
  }

  /** Jobs this process could take now (for tests). */
  pending(): number {
    const now = Date.now();
    return Object.values(peekCommandJobs(this.store.peek())?.jobs ?? {}).filter((j) => !COMMAND_TERMINAL.includes(j.status) && !j.cancelRequested && claimable(j.claim, now)).length;
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
