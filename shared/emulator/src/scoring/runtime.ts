/**
 * DeploymentRuntime: what sits behind a managed online deployment (a deployment operation starts it before it
 * can succeed: deployment-starter.ts). `start(spec)` materializes the code and model into
 * <stateDir>/scoring/deployments/<…>/versions/<v>/, starts one python3 harness per
 * instance (scoring/harness.ts), waits for init() to finish, and records ports and pids in runtime.json so any
 * emulator process can route scoring requests to it. `stop(id)` ends the processes. Processes are killed when
 * this emulator process exits; a later emulator on the same state directory reaps what a dead one left
 * (`recover()`) and brings running deployments back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { withFileLock } from '../state/lock';
import { pidAlive } from '../pid';
import { HARNESS_FILE, HARNESS_PY, INIT_FAILED_EXIT, READY_PREFIX } from './harness';
import { CollectionFlusher, collectionEnv } from './collector';
import { BoundedLog, LOG_FILES, readLog, readLogFile, type ContainerType } from './logs';
import { materialize } from './materialize';
import { MetricsStore } from './metrics-store';
import type { DeploymentSpec, InstanceRecord, RuntimeRecord } from './records';
import { allRecords, deploymentDir, deploymentNames, readRecord, scoringRoot, writeRecord } from './records';
import { percentages, procCommandLine, procUsage, type ProcUsage } from './sampler';

export type { DeploymentSpec } from './records';

export type StartResult =
  | { ok: true; record: RuntimeRecord }
  /** `code` ResourceNotReady (init() raised / the process died: crash loop), PythonNotFound, or FilesUnavailable. `log` is the InferenceServer log. */
  | { ok: false; code: string; message: string; log: string };

export interface RuntimeOptions {
  stateDir: string;
  store: JsonStore<ArmState>;
  /** CA of the blob front (to download blob sources). */
  ca: string;
  log?: (line: string) => void;
  /** Where python3 is looked up; default process.env.PATH at each start. */
  searchPath?: string;
  /** Resource samples every this many ms (default 5000). */
  sampleMs?: number;
  /** Collected model data is uploaded every this many ms (default 1000). */
  collectMs?: number;
}

interface Live {
  /** The deployment id as given. */
  id: string;
  children: ChildProcess[];
  timer?: NodeJS.Timeout;
  last: Map<number, { usage: ProcUsage; at: number }>;
  /** Uploads what the scoring script collected (dataCollector), on a timer and once more when it stops. */
  collector?: { flusher: CollectionFlusher; timer: NodeJS.Timeout };
}

const TSG = 'Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-resourcenotready';

export function findPython(searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'python3');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export class DeploymentRuntime {
  private readonly live = new Map<string, Live>();
  /** Versions being started (not serving yet). */
  private readonly starting = new Set<Live>();
  private seq = 0;
  readonly metrics: MetricsStore;
  private readonly onExit = () => this.killAllSync();

  constructor(private readonly opts: RuntimeOptions) {
    this.metrics = new MetricsStore(opts.stateDir);
    process.on('exit', this.onExit);
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /**
   * Start (or restart) the harness processes of a deployment. Never throws for user errors: see StartResult.
   * A deployment that already serves keeps serving until the new processes are ready; they then take over and
   * the old ones stop. A failed start leaves the old processes serving (as a failed update does on the service).
   */
  async start(spec: DeploymentSpec): Promise<StartResult> {
    const id = spec.id;
    const k = id.toLowerCase();
    const { deployment } = deploymentNames(id);
    const dir = deploymentDir(this.opts.stateDir, id);
    mkdirSync(dir, { recursive: true });
    const previous = readRecord(this.opts.stateDir, id);
    const serving = previous?.status === 'running' && previous.instances.length ? previous : undefined;
    const inference = new BoundedLog(join(dir, LOG_FILES.InferenceServer));
    const storage = new BoundedLog(join(dir, LOG_FILES.StorageInitializer));
    inference.reset();
    storage.reset();
    const base: RuntimeRecord = {
      id,
      status: 'starting',
      ownerPid: process.pid,
      startedAt: Date.now(),
      instances: [],
      requestTimeoutMs: spec.requestTimeoutMs ?? 5000,
      maxConcurrentRequestsPerInstance: spec.maxConcurrentRequestsPerInstance ?? 1,
      spec,
    };
    if (!serving) writeRecord(this.opts.stateDir, base);
    const fresh: Live = { id, children: [], last: new Map() };
    this.starting.add(fresh);
    const fail = async (code: string, message: string): Promise<StartResult> => {
      await Promise.all(fresh.children.map((c) => stopChild(c)));
      this.starting.delete(fresh);
      inference.flush();
      const current = readRecord(this.opts.stateDir, id);
      if (current?.status === 'running' && current.instances.length) writeRecord(this.opts.stateDir, { ...current, error: { code, message } });
      else writeRecord(this.opts.stateDir, { ...base, status: 'failed', error: { code, message } });
      return { ok: false, code, message, log: readLog(inference.path) };
    };

    const python = findPython(this.opts.searchPath ?? process.env.PATH);
    if (!python) {
      const message = 'python3 was not found on PATH: the emulator runs scoring scripts with a local python3 (3.8 or later). Install Python 3 or put python3 on PATH.';
      inference.line(message);
      return fail('PythonNotFound', message);
    }

    // StorageInitializer: the files, as the service's init container downloads them (a folder per version).
    const version = `${Date.now().toString(36)}-${process.pid}-${(this.seq++).toString(36)}`;
    const codeDir = join(dir, 'versions', version, 'code');
    const modelDir = join(dir, 'versions', version, 'model');
    const deps = { store: this.opts.store, ca: this.opts.ca };
    const info = (l: string) => storage.line(`${new Date().toISOString()} | INFO | ${l}`);
    try {
      info(`Starting storage initializer for deployment ${deployment}`);
      if (spec.model !== undefined) {
        info(`Downloading model files to ${modelDir}`);
        await materialize(deps, spec.model, modelDir, info, spec.nestModelFolder);
      } else mkdirSync(modelDir, { recursive: true });
      info(`Downloading code to ${codeDir}`);
      await materialize(deps, spec.code, codeDir, info);
      info('Storage initializer completed successfully');
    } catch (e) {
      storage.line(`${new Date().toISOString()} | ERROR | ${(e as Error).message}`);
      return fail('FilesUnavailable', `The storage initializer could not fetch the deployment's files: ${(e as Error).message}`);
    }
    const script = resolve(codeDir, spec.scoringScript);
    if (!script.startsWith(codeDir + sep)) return fail('BadArgument', `The scoring script '${spec.scoringScript}' is outside the code folder.`);
    const harness = join(scoringRoot(this.opts.stateDir), HARNESS_FILE);
    writeFileSync(harness, HARNESS_PY);

    const count = Math.max(1, Math.floor(spec.instanceCount ?? 1));
    const instances: InstanceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const instanceId = `${deployment}-${i}`;
      const outcome = await this.spawnInstance(python, harness, script, modelDir, spec, instanceId, inference, fresh, spec.startupTimeoutMs ?? 120000);
      if (typeof outcome === 'string') {
        const trace = outcome.trim().split('\n').pop() ?? '';
        return fail('ResourceNotReady', `User container has crashed or terminated: Back-off restarting failed container (init() failed${trace ? `: ${trace}` : ''}). ${TSG}`);
      }
      instances.push({ instanceId, pid: outcome.pid, port: outcome.port });
    }
    // Ready: the new processes take the traffic, then the old ones stop.
    const old = this.live.get(k);
    this.starting.delete(fresh);
    this.live.set(k, fresh);
    const record: RuntimeRecord = { ...base, status: 'running', instances, version };
    writeRecord(this.opts.stateDir, record);
    this.startSampling(record, fresh);
    this.startCollecting(spec, fresh);
    await this.retire(old, serving, fresh);
    removeOtherVersions(dir, version);
    this.log(`deployment ${id} serving on ${instances.map((x) => x.port).join(', ')}`);
    return { ok: true, record };
  }

  /** Ends the processes of a replaced version: ours (`old`), and those another emulator process recorded. */
  private async retire(old: Live | undefined, replaced: RuntimeRecord | undefined, keep: Live): Promise<void> {
    if (old?.timer) clearInterval(old.timer);
    const waits = (old?.children ?? []).map((c) => stopChild(c));
    if (old) waits.push(this.stopCollecting(old));
    for (const inst of replaced?.instances ?? []) {
      if (!old?.children.some((c) => c.pid === inst.pid) && !keep.children.some((c) => c.pid === inst.pid)) killIfHarness(inst.pid);
    }
    await Promise.all(waits);
  }

  /** Resolves with the port, or with the last stderr text when the process ended (or timed out) before it was ready. */
  private spawnInstance(
    python: string,
    harness: string,
    script: string,
    modelDir: string,
    spec: DeploymentSpec,
    instanceId: string,
    log: BoundedLog,
    live: Live,
    timeoutMs: number,
  ): Promise<{ pid: number; port: number } | string> {
    const child = spawn(python, ['-u', harness], {
      cwd: dirname(script),
      env: {
        ...process.env,
        ...(spec.environmentVariables ?? {}),
        AZUREML_MODEL_DIR: modelDir,
        AZUREML_ENTRY_SCRIPT: script,
        AMLEMU_SCORING_SCRIPT: script,
        AMLEMU_INSTANCE_ID: instanceId,
        AMLEMU_PORT: '0',
        ...collectionEnv(this.opts.stateDir, spec),
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.children.push(child);
    return new Promise((done) => {
      let settled = false;
      let stdout = '';
      let stderr = '';
      const finish = (v: { pid: number; port: number } | string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done(v);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(`init() did not finish within ${timeoutMs} ms`);
      }, timeoutMs);
      timer.unref();
      child.stdout!.on('data', (d: Buffer) => {
        const text = d.toString();
        log.chunk(text.split('\n').filter((l) => !l.startsWith(READY_PREFIX)).join('\n'));
        if (settled) return;
        stdout += text;
        const m = new RegExp(`^${READY_PREFIX}(\\d+)$`, 'm').exec(stdout);
        if (m) finish({ pid: child.pid!, port: Number(m[1]) });
      });
      child.stderr!.on('data', (d: Buffer) => {
        log.chunk(d);
        if (!settled) stderr += d.toString();
      });
      child.on('error', (e) => finish(`could not start ${python}: ${e.message}`));
      child.on('exit', (code, signal) => {
        log.flush();
        if (!settled) {
          log.line(`The inference server exited with ${code === INIT_FAILED_EXIT ? 'code 3 (init() raised)' : signal ? `signal ${signal}` : `code ${code}`}.`);
          finish(stderr || `the process exited with code ${code}`);
          return;
        }
        live.children = live.children.filter((c) => c !== child);
      });
    });
  }

  private startCollecting(spec: DeploymentSpec, live: Live): void {
    if (!spec.collections) return;
    const flusher = new CollectionFlusher(join(deploymentDir(this.opts.stateDir, spec.id), 'collected'), spec.collections, { store: this.opts.store, ca: this.opts.ca }, (l) => this.log(l));
    const timer = setInterval(() => void flusher.flush(), this.opts.collectMs ?? 1000);
    timer.unref();
    live.collector = { flusher, timer };
  }

  private async stopCollecting(live: Live): Promise<void> {
    if (!live.collector) return;
    clearInterval(live.collector.timer);
    await live.collector.flusher.flush();
  }

  /** Uploads what a deployment's scoring script has collected so far (the control surface's flush). */
  async flushCollected(id: string): Promise<void> {
    await this.live.get(id.toLowerCase())?.collector?.flusher.flush();
  }

  private startSampling(record: RuntimeRecord, live: Live): void {
    const { endpointId } = deploymentNames(record.id);
    const { deployment } = deploymentNames(record.id);
    const sample = () => {
      const at = Date.now();
      for (const inst of record.instances) {
        const usage = procUsage(inst.pid);
        if (!usage) continue;
        const p = percentages(live.last.get(inst.pid), usage, at);
        live.last.set(inst.pid, { usage, at });
        this.metrics.append({ k: 's', t: at, ep: endpointId.toLowerCase(), d: deployment, i: inst.instanceId, cpu: p.cpu, mem: p.mem, cap: record.instances.length });
      }
    };
    sample();
    live.timer = setInterval(sample, this.opts.sampleMs ?? 5000);
    live.timer.unref();
  }

  /** Stop a deployment's processes (accepts the id or anything with an `id`); a no-op when none run. */
  async stop(deployment: string | { id: string }): Promise<void> {
    const id = typeof deployment === 'string' ? deployment : deployment.id;
    const live = this.live.get(id.toLowerCase());
    this.live.delete(id.toLowerCase());
    if (live?.timer) clearInterval(live.timer);
    const waits = (live?.children ?? []).map((c) => stopChild(c));
    if (live) waits.push(this.stopCollecting(live));
    // Processes another (dead or alive) emulator process started for this deployment.
    const rec = readRecord(this.opts.stateDir, id);
    for (const inst of rec?.instances ?? []) {
      if (!live?.children.some((c) => c.pid === inst.pid)) killIfHarness(inst.pid);
    }
    await Promise.all(waits);
    if (rec && rec.status !== 'failed') writeRecord(this.opts.stateDir, { ...rec, status: 'stopped', instances: [] });
  }

  /** The log of a container of the deployment (getLogs): `tail` last lines, all by default; '' when there is none. */
  logs(id: string, container: ContainerType = 'InferenceServer', tail?: number): string {
    return this.logFile(id, container, tail) ?? '';
  }

  /** As `logs`, undefined when the deployment has no such log file (no process was ever started for it). */
  logFile(id: string, container: ContainerType = 'InferenceServer', tail?: number): string | undefined {
    return readLogFile(join(deploymentDir(this.opts.stateDir, id), LOG_FILES[container]), tail);
  }

  /** The runtime record (status, ports, pids) of a deployment, from any process. */
  status(id: string): RuntimeRecord | undefined {
    return readRecord(this.opts.stateDir, id);
  }

  /**
   * After a restart: kill harness processes whose emulator process died, and start again the deployments that
   * were running (this process becomes their owner). Returns the ids restarted.
   */
  async recover(): Promise<string[]> {
    const lock = join(scoringRoot(this.opts.stateDir), 'recover.lock');
    mkdirSync(dirname(lock), { recursive: true });
    const resources = this.opts.store.read().resources;
    const claimed = await withFileLock(lock, () => {
      const mine: RuntimeRecord[] = [];
      for (const rec of allRecords(this.opts.stateDir)) {
        if (rec.ownerPid === process.pid || pidAlive(rec.ownerPid) || rec.status === 'stopped' || rec.status === 'failed') continue;
        for (const inst of rec.instances) killIfHarness(inst.pid);
        // Deleted while no emulator ran it: nothing to bring back.
        const gone = !resources[rec.id.toLowerCase()];
        writeRecord(this.opts.stateDir, { ...rec, ownerPid: process.pid, instances: [], status: gone ? 'stopped' : 'starting' });
        if (!gone) mine.push(rec);
      }
      return mine;
    });
    const restarted: string[] = [];
    for (const rec of claimed) {
      const out = await this.start(rec.spec);
      if (out.ok) restarted.push(rec.id);
      else this.log(`could not restart deployment ${rec.id}: ${out.message}`);
    }
    return restarted;
  }

  /** Stop every deployment this process runs (emulator stop). */
  async stopAll(): Promise<void> {
    const starting = [...this.starting].flatMap((l) => l.children);
    this.starting.clear();
    await Promise.all([...this.live.values()].map((l) => this.stop(l.id)).concat(starting.map((c) => stopChild(c))));
    process.off('exit', this.onExit);
  }

  /** Ids of the deployments this process serves. */
  running(): string[] {
    return [...this.live.values()].map((l) => l.id);
  }

  private killAllSync(): void {
    for (const live of [...this.live.values(), ...this.starting]) for (const c of live.children) c.kill('SIGKILL');
  }
}

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const hard = setTimeout(() => c.kill('SIGKILL'), 2000);
    hard.unref();
    c.once('exit', () => {
      clearTimeout(hard);
      done();
    });
    c.kill('SIGTERM');
  });
}

/** Removes the folders of versions other than `keep` (their processes have stopped). */
function removeOtherVersions(dir: string, keep: string): void {
  const root = join(dir, 'versions');
  for (const v of existsSync(root) ? readdirSync(root) : []) if (v !== keep) rmSync(join(root, v), { recursive: true, force: true });
}

/** Kill a recorded pid only while it still runs our harness (pids are reused). */
function killIfHarness(pid: number): void {
  if (!pidAlive(pid) || !procCommandLine(pid)?.includes(HARNESS_FILE)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
