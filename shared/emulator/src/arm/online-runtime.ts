/**
 * The hook for running what online deployments serve. Operations end by the clock (no process notices the moment),
 * so a reconciler looks at the state every `intervalMs`: a deployment that reached `Succeeded` (or succeeded again
 * after an update) is started, one that is gone, Failed, Canceled or Deleting is stopped. While an update runs,
 * the old version keeps serving, as on the service. The default runtime does nothing.
 *
 * A runtime that runs real scoring processes (python3 with the scoring script) implements `DeploymentRuntime` and
 * is passed as `EmulatorOptions.deploymentRuntime`; it can record logs for getLogs with `recordDeploymentLogs`.
 */
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json, StoredResource } from '../state/model';
import { isDone } from '../lro/operation';
import { propertiesOf } from './resource-helpers';
import { lastName } from './render';
import { DEPLOYMENT_TYPE } from './vm-sizes';
import type { DeploymentLogs } from './online-state';
import { setLogs } from './online-state';

export interface RunningDeployment {
  /** ARM id of the deployment. */
  id: string;
  endpointId: string;
  endpointName: string;
  deploymentName: string;
  /** The deployment as GET returns it (properties: model, environmentId, codeConfiguration, environmentVariables, ...). */
  body: Json;
  /** lastModifiedAt of the version being started: a new value means a new version. */
  version: string;
}

export interface DeploymentRuntime {
  /** The deployment (a new version of it) succeeded: start serving it. */
  start(d: RunningDeployment): Promise<void> | void;
  /** The deployment was deleted, failed, or is replaced by a newer version (start follows): stop serving it. */
  stop(d: RunningDeployment): Promise<void> | void;
}

export const noopRuntime: DeploymentRuntime = { start: () => undefined, stop: () => undefined };

/** The state a deployment is in now, applying a finished operation without writing anything. */
function effective(state: Readonly<ArmState>, res: StoredResource, now: number): { provisioningState: string; body: Json } | undefined {
  const op = res.opId ? state.operations[res.opId] : undefined;
  if (!op || !isDone(op, now)) return { provisioningState: String(propertiesOf(res.body).provisioningState), body: res.body };
  if (op.kind === 'delete' && op.outcome === 'Succeeded') return undefined;
  const body = op.outcome === 'Succeeded' ? (res.pending ?? res.body) : res.body;
  return { provisioningState: op.outcome, body };
}

/** Deployments that should be serving now, by lower-case id. */
export function servingDeployments(state: Readonly<ArmState>, now: number): Map<string, RunningDeployment> {
  const out = new Map<string, RunningDeployment>();
  for (const [k, res] of Object.entries(state.resources)) {
    if (res.type !== DEPLOYMENT_TYPE) continue;
    const endpointId = res.id.slice(0, res.id.toLowerCase().lastIndexOf('/deployments/'));
    const parent = state.resources[endpointId.toLowerCase()];
    if (!parent) continue;
    const parentOp = parent.opId ? state.operations[parent.opId] : undefined;
    if (parentOp?.kind === 'delete' && isDone(parentOp, now) && parentOp.outcome === 'Succeeded') continue;
    const eff = effective(state, res, now);
    if (!eff || ['Failed', 'Canceled', 'Deleting', 'Creating'].includes(eff.provisioningState)) continue;
    const body = eff.provisioningState === 'Succeeded' ? eff.body : res.body;
    const version = String(((body.systemData ?? {}) as Json).lastModifiedAt ?? '');
    // Updating/Scaling with no Succeeded version before (a first create) is not serving yet.
    if (eff.provisioningState !== 'Succeeded' && res.opId && state.operations[res.opId]?.kind === 'create') continue;
    out.set(k, { id: res.id, endpointId, endpointName: lastName(endpointId), deploymentName: lastName(res.id), body: { ...body, id: res.id, name: lastName(res.id), type: res.type }, version });
  }
  return out;
}

export class RuntimeReconciler {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, RunningDeployment>();
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly store: JsonStore<ArmState>,
    private readonly runtime: DeploymentRuntime,
    private readonly log: (line: string) => void = () => undefined,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    if (this.runtime === noopRuntime) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** One reconciliation pass (tests may call it directly). */
  tick(): Promise<void> {
    this.ticking ??= this.reconcile().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async reconcile(): Promise<void> {
    const want = servingDeployments(this.store.peek(), Date.now());
    for (const [k, d] of [...this.running]) {
      const next = want.get(k);
      if (next && next.version === d.version) continue;
      this.running.delete(k);
      await this.call('stop', d);
    }
    for (const [k, d] of want) {
      if (this.running.has(k)) continue;
      this.running.set(k, d);
      await this.call('start', d);
    }
  }

  private async call(what: 'start' | 'stop', d: RunningDeployment): Promise<void> {
    try {
      await this.runtime[what](d);
    } catch (e) {
      this.log(`deployment runtime ${what} ${d.endpointName}/${d.deploymentName} failed: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    for (const d of this.running.values()) await this.call('stop', d);
    this.running.clear();
  }
}

/** Record what getLogs returns for a deployment (e.g. a real init() traceback). */
export function recordDeploymentLogs(store: JsonStore<ArmState>, deploymentId: string, logs: Partial<DeploymentLogs>): Promise<void> {
  return store.update((s) => setLogs(s, deploymentId, logs));
}
