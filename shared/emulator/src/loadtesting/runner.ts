/**
 * Carries out the test runs the data plane accepted, in whichever emulator process on the state directory claims
 * one (a run whose claimer died is taken over and run again): ACCEPTED → PROVISIONING (claimed) → EXECUTING (the
 * plan's target driven by the project's load engine: threads × engine instances connections for the scheduler's
 * duration, the secret behind `${__GetSecret(name)}` as the bearer) → DONE with statistics and the pass/fail
 * criteria judged, FAILED with errorDetails, or CANCELLED when :stop was asked (with what ran until then).
 * Key Vault secrets cannot be read here: a run that needs one fails and says so. Ramp-up is not emulated: all
 * threads start at once and run for the whole scheduler duration.
 */
import { runLoad } from '../../../src/checks/load/engine';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { claimable, StateJobWorker } from '../state/job-worker';
import { judge, statisticsOf } from './statistics';
import { loadTesting, peekLoadTesting, RUN_TERMINAL, itemKey, type LtRun } from './state';

export interface LoadTestRunnerOptions {
  store: JsonStore<ArmState>;
  /** CA the engine trusts for the target (the emulator's own, for its scoring URIs); default Node's */
  ca?: string;
  log?: (line: string) => void;
  /** How long PROVISIONING lasts; default 300 ms */
  provisionMs?: number;
}

class RunFailure extends Error {}

const GET_SECRET = /^\$\{__GetSecret\(([A-Za-z0-9_-]+)\)\}$/;

export class LoadTestRunner extends StateJobWorker {
  constructor(private readonly o: LoadTestRunnerOptions, sweepMs = 500) {
    super(o.store, o.log ?? (() => undefined), 'load-tests', sweepMs);
  }

  protected drain(mtime: number): Promise<void> {
    return this.drainClaimed(mtime, () => this.claim(), (run) => this.carryOut(run));
  }

  private claim(): Promise<LtRun | undefined> {
    const now = Date.now();
    return this.store.update((s) => {
      const run = Object.values(loadTesting(s).runs).find((r) => !RUN_TERMINAL.includes(r.status) && claimable(r.claim, now));
      if (!run) return undefined;
      run.claim = this.claimNow(now);
      if (!run.stopRequested) run.status = 'PROVISIONING';
      run.startDateTime = new Date(now).toISOString();
      return JSON.parse(JSON.stringify(run)) as LtRun;
    });
  }

  private stopAsked(run: LtRun): boolean {
    return !!peekLoadTesting(this.store.peek())?.runs[itemKey(run.guid, run.testRunId)]?.stopRequested;
  }

  private update(run: LtRun, change: (r: LtRun) => void): Promise<void> {
    return this.store.update((s) => {
      const r = loadTesting(s).runs[itemKey(run.guid, run.testRunId)];
      if (r && r.claim?.nonce === this.nonce) change(r);
    });
  }

  private async carryOut(run: LtRun): Promise<void> {
    const end = (status: string, extra: Partial<LtRun> = {}) =>
      this.update(run, (r) => {
        Object.assign(r, extra, { status, endDateTime: new Date().toISOString() });
        delete r.claim;
      });
    try {
      if (this.stopAsked(run)) return await end('CANCELLED');
      await new Promise((ok) => setTimeout(ok, this.o.provisionMs ?? 300).unref());
      if (this.stopped) return;
      if (this.stopAsked(run)) return await end('CANCELLED');
      const plan = run.plan;
      const headers: Record<string, string> = {};
      let bearer: string | undefined;
      for (const [name, value] of Object.entries(plan.headers)) {
        const token = /^Bearer (.*)$/i.exec(value);
        if (name.toLowerCase() === 'authorization' && token) {
          bearer = this.secret(run, token[1]!);
          continue;
        }
        if (value.includes('${')) {
          const secret = GET_SECRET.exec(value);
          if (!secret) throw new RunFailure(`Header '${name}': the emulator evaluates only \${__GetSecret(<name>)}, not '${value}'.`);
          headers[name] = this.secret(run, value);
          continue;
        }
        headers[name] = value;
      }
      await this.update(run, (r) => {
        r.status = 'EXECUTING';
        r.executedDateTime = new Date().toISOString();
      });
      const ac = new AbortController();
      const watch = setInterval(() => {
        if (this.stopped || this.stopAsked(run)) ac.abort();
      }, 200);
      watch.unref();
      const sampler = plan.samplers[0]!;
      let result;
      try {
        result = await runLoad({
          url: sampler.url,
          method: sampler.method as 'POST',
          headers,
          bodies: plan.samplers.map((s) => s.body),
          ...(bearer !== undefined ? { bearer: async () => bearer! } : {}),
          mode: { kind: 'concurrency', connections: plan.threads * run.engineInstances },
          durationMs: plan.durationS * 1000,
          timeoutMs: sampler.timeoutMs,
          ...(this.o.ca ? { ca: this.o.ca } : {}),
          signal: ac.signal,
        });
      } finally {
        clearInterval(watch);
      }
      // Stopped with the emulator process: the next process on this state directory runs it again.
      if (this.stopped) return;
      const sentBytes = plan.samplers.reduce((n, s) => n + Buffer.byteLength(s.body), 0) * (result.sent / plan.samplers.length);
      const statistics = statisticsOf(result, sentBytes);
      const judged = judge(run.passFailMetrics, statistics);
      await end(result.stopped === 'cancelled' ? 'CANCELLED' : 'DONE', { statistics, passFailMetrics: judged.metrics, testResult: judged.testResult });
    } catch (e) {
      const message = e instanceof RunFailure ? e.message : `The emulator could not run the test: ${(e as Error).message}`;
      await end('FAILED', { errorDetails: [{ message }] });
    }
  }

  /** The value behind `${__GetSecret(name)}` (or a plain value). */
  private secret(run: LtRun, text: string): string {
    const m = GET_SECRET.exec(text);
    if (!m) {
      if (text.includes('${')) throw new RunFailure(`The emulator evaluates only \${__GetSecret(<name>)}, not '${text}'.`);
      return text;
    }
    const s = run.secrets[m[1]!];
    if (!s) throw new RunFailure(`The JMX file reads the secret '${m[1]}', which the test does not define (secrets: ${Object.keys(run.secrets).join(', ') || 'none'}).`);
    if (s.type === 'AKV_SECRET_URI') throw new RunFailure(`Secret '${m[1]}' is a Key Vault reference (${s.value}): the emulator has no Key Vault; give the value as a SECRET_VALUE secret.`);
    return s.value;
  }
}
