/**
 * Carries out the scoring starts online deployment operations wait for (arm/online-start.ts), and stops the
 * scoring processes of deployments that go. Every emulator process runs one over its ScoringRuntime; a start
 * job is claimed under the state lock, so exactly one process starts it (and then serves it), and a job whose
 * claimer died is taken over. When the start ends, the operation is given its outcome (Failed with the
 * runtime's error when the process could not come up), an end time no earlier than now, and the real logs (live
 * from then on when the process came up).
 */
import type { JsonStore } from './state/json-store';
import type { ArmState, StoredResource } from './state/model';
import { claimable, StateJobWorker } from './state/job-worker';
import type { StartJob } from './arm/online-state';
import { online, peekOnline, setLogs } from './arm/online-state';
import { propertiesOf } from './arm/resource-helpers';
import type { DeploymentRuntime, StartResult } from './scoring/runtime';
import { deploymentNames } from './scoring/records';

function provisioning(res: StoredResource | undefined): string | undefined {
  return res ? String(propertiesOf(res.body).provisioningState) : undefined;
}

export class DeploymentStarter extends StateJobWorker {
  constructor(
    store: JsonStore<ArmState>,
    private readonly runtime: DeploymentRuntime,
    log: (line: string) => void,
    sweepMs = 250,
  ) {
    super(store, log, 'deployment-start', sweepMs);
  }

  protected async drain(mtime: number, sweep: boolean): Promise<void> {
    if (sweep) await this.stopGone();
    if (mtime === this.lastMtime) return;
    for (;;) {
      if (this.stopped) return;
      const job = await this.claim();
      if (!job) {
        if (!Object.keys(peekOnline(this.store.read())?.starts ?? {}).length) this.lastMtime = mtime;
        return;
      }
      const out = await this.carryOut(job).catch((e: Error): StartResult => ({ ok: false, code: 'ResourceNotReady', message: e.message, log: '' }));
      await this.finish(job, out);
    }
  }

  /** Deployments this process serves that were deleted, or whose endpoint was: their processes stop. */
  private async stopGone(): Promise<void> {
    const ids = this.runtime.running();
    if (!ids.length) return;
    const state = this.store.peek();
    for (const id of ids) {
      const res = state.resources[id.toLowerCase()];
      const endpoint = state.resources[deploymentNames(id).endpointId.toLowerCase()];
      if (res && endpoint && provisioning(res) !== 'Deleting' && provisioning(endpoint) !== 'Deleting') continue;
      this.log(`deployment ${id} is gone: stopping its scoring processes`);
      await this.runtime.stop(id);
    }
  }

  private claim(): Promise<StartJob | undefined> {
    const now = Date.now();
    return this.store.update((s) => {
      const job = Object.values(online(s).starts).find((j) => claimable(j.claim, now));
      if (!job) return undefined;
      job.claim = this.claimNow(now);
      return { ...job };
    });
  }

  private async carryOut(job: StartJob): Promise<StartResult | undefined> {
    const op = this.store.read().operations[job.opId];
    // An injected provisioning failure already decided the outcome: nothing to start.
    if (!op || op.outcome !== 'Succeeded') return undefined;
    return this.runtime.start(job.spec);
  }

  private finish(job: StartJob, out: StartResult | undefined): Promise<void> {
    // A process that came up keeps writing its log: getLogs reads it live from then on.
    const logs = out && {
      storageInitializer: this.runtime.logs(job.deploymentId, 'StorageInitializer'),
      inferenceServer: out.ok ? this.runtime.logs(job.deploymentId, 'InferenceServer') : out.log,
      ...(out.ok ? { live: true as const } : {}),
    };
    return this.store.update((s) => {
      const starts = online(s).starts;
      if (starts[job.opId]?.claim?.nonce !== this.nonce) return;
      delete starts[job.opId];
      const op = s.operations[job.opId];
      if (!op) return;
      op.durationMs = Math.max(job.durationMs, Date.now() - op.start);
      if (out && !out.ok && op.outcome === 'Succeeded') {
        op.outcome = 'Failed';
        op.error = { code: out.code, message: out.message };
      }
      if (logs) setLogs(s, job.deploymentId, logs);
    });
  }
}
