/**
 * Runs a probe file against one deployment through an injected `send` (the step's HTTP call to the scoring URI
 * with the `azureml-model-deployment` header): once per request for the smoke test, and at the file's rate during
 * bakes (as the ports' `load`). Every response is recorded, so the runner is also a MetricsSource: client-side
 * latency percentiles, error rates, request counts and the share of responses that missed their expectations.
 */
import { describeError } from '../core/describe-error';
import { abortableSleep } from '../core/sleep';
import type { Measurements, MetricsSource, MetricWindow } from './metrics';
import type { ProbeFile, ProbeRequest } from './probe-file';
import { mismatch } from './probe-match';
import type { SmokeResult } from './ports';

export interface ProbeResponse {
  status: number;
  body: string;
  latencyMs: number;
}

export type ProbeSend = (deployment: string, request: ProbeRequest, signal: AbortSignal) => Promise<ProbeResponse>;

export interface Observation {
  /** When the answer came (ms since the epoch) */
  at: number;
  deployment: string;
  request: string;
  /** 0: no response (the request failed) */
  status: number;
  latencyMs?: number;
  /** Status and output as expected */
  ok: boolean;
  problem?: string;
}

export interface ProbeClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const MAX_OBSERVATIONS = 100_000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function problemOf(request: ProbeRequest, response: ProbeResponse): string | undefined {
  if (response.status !== request.expect.status) return `expected status ${request.expect.status}, got ${response.status}`;
  if (request.expect.output === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `the response is not JSON: ${response.body.slice(0, 80)}`;
  }
  return mismatch(request.expect.output, body, { tolerance: request.expect.tolerance });
}

export class ProbeRunner implements MetricsSource {
  private readonly seen: Observation[] = [];
  private readonly clock: ProbeClock;

  constructor(
    readonly probe: ProbeFile,
    private readonly send: ProbeSend,
    clock?: Partial<ProbeClock>,
  ) {
    this.clock = { now: clock?.now ?? Date.now, sleep: clock?.sleep ?? abortableSleep };
  }

  observations(deployment?: string): readonly Observation[] {
    return deployment === undefined ? this.seen : this.seen.filter((o) => o.deployment === deployment);
  }

  /** Send one request and record what came back; undefined when it was cut short by the signal. */
  async sendOne(deployment: string, request: ProbeRequest, signal: AbortSignal): Promise<Observation | undefined> {
    let o: Observation;
    try {
      const response = await this.send(deployment, request, signal);
      const problem = problemOf(request, response);
      o = { at: this.clock.now(), deployment, request: request.name, status: response.status, latencyMs: response.latencyMs, ok: !problem, ...(problem ? { problem } : {}) };
    } catch (e) {
      if (signal.aborted) return undefined;
      o = { at: this.clock.now(), deployment, request: request.name, status: 0, ok: false, problem: `no response: ${describeError(e)}` };
    }
    this.seen.push(o);
    if (this.seen.length > MAX_OBSERVATIONS) this.seen.splice(0, this.seen.length - MAX_OBSERVATIONS);
    return o;
  }

  /** Each request once, in order; passes when every one is as expected. */
  async smoke(deployment: string, signal: AbortSignal): Promise<SmokeResult> {
    const problems: string[] = [];
    for (const r of this.probe.requests) {
      const o = await this.sendOne(deployment, r, signal);
      if (!o) throw signal.reason ?? new Error('cancelled');
      if (!o.ok) problems.push(`${r.name}: ${o.problem}`);
    }
    const n = this.probe.requests.length;
    if (problems.length === 0) return { passed: true, detail: `${n} of ${n} requests as expected` };
    return { passed: false, detail: `${problems.length} of ${n} requests not as expected: ${problems.join('; ')}` };
  }

  /** The requests in turn at the file's rate until the signal aborts (a slow answer delays the next request). */
  async load(deployment: string, signal: AbortSignal): Promise<void> {
    const every = this.probe.rate > 0 ? 1000 / this.probe.rate : Infinity;
    for (let i = 0; !signal.aborted; i++) {
      const started = this.clock.now();
      if (every !== Infinity) await this.sendOne(deployment, this.probe.requests[i % this.probe.requests.length]!, signal);
      const wait = every === Infinity ? 3_600_000 : Math.max(0, every - (this.clock.now() - started));
      try {
        await this.clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
  }

  async measure(deployment: string, window: MetricWindow): Promise<Measurements> {
    const start = window.start.getTime();
    const end = window.end.getTime();
    const inWindow = this.seen.filter((o) => o.deployment === deployment && o.at >= start && o.at <= end);
    const total = inWindow.length;
    if (total === 0) return {};
    const share = (f: (o: Observation) => boolean) => (inWindow.filter(f).length * 100) / total;
    const latencies = inWindow.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs])).sort((a, b) => a - b);
    const seconds = (end - start) / 1000;
    return {
      'latency.p50': percentile(latencies, 50),
      'latency.p90': percentile(latencies, 90),
      'latency.p95': percentile(latencies, 95),
      'latency.p99': percentile(latencies, 99),
      'errors.5xx.rate': share((o) => o.status >= 500),
      'errors.4xx.rate': share((o) => o.status >= 400 && o.status < 500),
      'errors.rate': share((o) => o.status === 0 || o.status >= 400),
      'probe.failure.rate': share((o) => !o.ok),
      'requests.count': total,
      ...(seconds > 0 ? { 'requests.rate': total / seconds } : {}),
    };
  }
}
