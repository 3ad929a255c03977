/** An in-memory online endpoint implementing the rollout ports, enforcing Azure's rules on traffic maps. */
import { abortError } from '../../../shared/src/core/sleep';
import type { Measurements, MetricWindow } from '../../../shared/src/rollout/metrics';
import type { RolloutPorts, SmokeResult } from '../../../shared/src/rollout/ports';
import { mapProblems, normalizeMap, type EndpointState, type TrafficMap } from '../../../shared/src/rollout/traffic';

export type Call = { op: string; args: unknown[] };

export class FakeEndpoint implements RolloutPorts {
  traffic: Record<string, number>;
  mirror: Record<string, number>;
  deployments: Map<string, { instances: number; version: number }>;
  calls: Call[] = [];
  /** Every traffic map the endpoint has had, in order (the initial one first) */
  history: Array<{ traffic: Record<string, number>; mirror: Record<string, number> }> = [];
  clock = Date.parse('2026-01-01T00:00:00Z');
  smokeResult: SmokeResult = { passed: true, detail: '2 of 2 requests as expected' };
  /** Scripted measurements per call to measure(); the last one repeats */
  measurements: Array<Measurements | Error> = [{}];
  windows: MetricWindow[] = [];
  load?: (deployment: string, signal: AbortSignal) => Promise<void>;
  /** Make an operation fail, hang until aborted, or run a hook first */
  failOn = new Map<string, Error>();
  hangOn = new Set<string>();
  before = new Map<string, () => void>();

  constructor(state: Partial<EndpointState> & { instances?: number } = {}) {
    this.traffic = { ...(state.traffic ?? {}) };
    this.mirror = { ...(state.mirror ?? {}) };
    const names = new Set([...(state.deployments ?? []), ...Object.keys(this.traffic), ...Object.keys(this.mirror)]);
    this.deployments = new Map([...names].map((n) => [n, { instances: state.instances ?? 3, version: 1 }]));
    this.history.push({ traffic: normalizeMap(this.traffic), mirror: normalizeMap(this.mirror) });
  }

  state(): EndpointState {
    return { traffic: { ...this.traffic }, mirror: { ...this.mirror }, deployments: [...this.deployments.keys()] };
  }

  private async op(name: string, args: unknown[], signal: AbortSignal): Promise<void> {
    this.calls.push({ op: name, args });
    this.before.get(name)?.();
    if (signal.aborted) throw abortError();
    const failure = this.failOn.get(name);
    if (failure) throw failure;
    if (this.hangOn.has(name)) {
      await new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(abortError()), { once: true }));
    }
  }

  async setTraffic(traffic: TrafficMap, mirror: TrafficMap, signal: AbortSignal): Promise<void> {
    await this.op('setTraffic', [normalizeMap(traffic), normalizeMap(mirror)], signal);
    const problems = mapProblems(traffic, mirror);
    for (const d of [...Object.keys(normalizeMap(traffic)), ...Object.keys(normalizeMap(mirror))]) {
      if (!this.deployments.has(d)) problems.push(`deployment '${d}' does not exist`);
    }
    if (problems.length > 0) throw new Error(`BadArgument: ${problems.join('; ')}`);
    this.traffic = normalizeMap(traffic);
    this.mirror = normalizeMap(mirror);
    this.history.push({ traffic: this.traffic, mirror: this.mirror });
  }

  async createOrUpdateDeployment(deployment: string, signal: AbortSignal): Promise<void> {
    await this.op('createOrUpdateDeployment', [deployment], signal);
    const prev = this.deployments.get(deployment);
    this.deployments.set(deployment, { instances: prev?.instances ?? 1, version: (prev?.version ?? 0) + 1 });
  }

  async deleteDeployment(deployment: string, signal: AbortSignal): Promise<void> {
    await this.op('deleteDeployment', [deployment], signal);
    if ((this.traffic[deployment] ?? 0) > 0) throw new Error(`Conflict: '${deployment}' has live traffic`);
    this.deployments.delete(deployment);
  }

  async scaleDeployment(deployment: string, instances: number, signal: AbortSignal): Promise<void> {
    await this.op('scaleDeployment', [deployment, instances], signal);
    this.deployments.get(deployment)!.instances = instances;
  }

  async smoke(deployment: string, signal: AbortSignal): Promise<SmokeResult> {
    await this.op('smoke', [deployment], signal);
    return this.smokeResult;
  }

  metrics = {
    measure: async (deployment: string, window: MetricWindow, signal?: AbortSignal): Promise<Measurements> => {
      await this.op('measure', [deployment], signal ?? new AbortController().signal);
      this.windows.push(window);
      const next = this.measurements.length > 1 ? this.measurements.shift()! : this.measurements[0]!;
      if (next instanceof Error) throw next;
      return next;
    },
  };

  sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    this.calls.push({ op: 'sleep', args: [ms] });
    this.before.get('sleep')?.();
    if (signal.aborted) throw abortError();
    this.clock += ms;
  };

  now = (): number => this.clock;

  /** The operations in order, without sleeps and measurements */
  ops(): string[] {
    return this.calls.filter((c) => c.op !== 'sleep' && c.op !== 'measure').map((c) => `${c.op}(${c.args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : String(a))).join(', ')})`);
  }
}
