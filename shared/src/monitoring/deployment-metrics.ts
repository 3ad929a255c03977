/**
 * Azure Monitor metrics of one online deployment, in the rollout's vocabulary (rollout/metrics.ts). The endpoint
 * resource carries the traffic metrics with a `deployment` dimension (RequestLatency_P50…P99, RequestsPerMinute by
 * statusCodeClass); the deployment resource carries CPU and memory per instance. Loaded with @azure/arm-monitor
 * only when a rollout reads metrics. A metric without data points stays undefined: the analysis calls that
 * inconclusive, never a pass.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Measurements, MetricWindow, MetricsSource } from '../rollout/metrics';

export interface DeploymentMetricsOptions {
  credential: TokenCredential;
  subscriptionId: string;
  /** ARM base URL and token audience of the cloud (custom clouds and the emulator) */
  resourceManager: string;
  audience: string;
  /** ARM id of the online endpoint */
  endpointId: string;
  signal?: AbortSignal;
}

const LATENCY: Record<string, keyof Measurements> = {
  RequestLatency_P50: 'latency.p50',
  RequestLatency_P90: 'latency.p90',
  RequestLatency_P95: 'latency.p95',
  RequestLatency_P99: 'latency.p99',
};

interface Point {
  average?: number;
  total?: number;
  maximum?: number;
}
interface Series {
  metadatavalues?: { name?: { value?: string }; value?: string }[];
  data?: Point[];
}
interface Metric {
  name: { value: string };
  timeseries?: Series[];
}

const values = (s: Series[] | undefined, pick: (p: Point) => number | undefined): number[] =>
  (s ?? []).flatMap((x) => (x.data ?? []).map(pick)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const escapeFilter = (v: string) => v.replace(/'/g, "''");

/** From the two metric lists Azure Monitor answered, the rollout's measurements for the window. */
export function toMeasurements(traffic: Metric[], resource: Metric[], window: MetricWindow): Measurements {
  const out: Measurements = {};
  for (const m of traffic) {
    const key = LATENCY[m.name.value];
    if (key) out[key] = mean(values(m.timeseries, (p) => p.average));
  }
  const rpm = traffic.find((m) => m.name.value === 'RequestsPerMinute');
  if (rpm) {
    let total = 0;
    let e5 = 0;
    let e4 = 0;
    for (const s of rpm.timeseries ?? []) {
      const cls = s.metadatavalues?.find((d) => d.name?.value?.toLowerCase() === 'statuscodeclass')?.value ?? '';
      const n = values([s], (p) => p.total).reduce((a, b) => a + b, 0);
      total += n;
      if (cls.startsWith('5')) e5 += n;
      if (cls.startsWith('4')) e4 += n;
    }
    if (total > 0) {
      out['requests.count'] = total;
      out['requests.rate'] = total / Math.max(1, (window.end.getTime() - window.start.getTime()) / 1000);
      out['errors.5xx.rate'] = (100 * e5) / total;
      out['errors.4xx.rate'] = (100 * e4) / total;
      out['errors.rate'] = (100 * (e4 + e5)) / total;
    }
  }
  for (const m of resource) {
    const v = values(m.timeseries, (p) => p.maximum ?? p.average);
    const peak = v.length ? Math.max(...v) : undefined;
    if (m.name.value === 'CpuUtilizationPercentage') out.cpu = peak;
    if (m.name.value === 'CpuMemoryUtilizationPercentage') out.memory = peak;
  }
  return out;
}

export function azureMonitorSource(o: DeploymentMetricsOptions): MetricsSource {
  let client: Promise<import('@azure/arm-monitor').MonitorClient> | undefined;
  const monitor = () =>
    (client ??= import('@azure/arm-monitor').then(
      ({ MonitorClient }) => new MonitorClient(o.credential, o.subscriptionId, { endpoint: o.resourceManager, credentials: { scopes: [`${o.audience.replace(/\/$/, '')}/.default`] } }),
    ));
  const uri = (id: string) => id.replace(/^\//, '');
  return {
    async measure(deployment: string, window: MetricWindow, signal?: AbortSignal): Promise<Measurements> {
      const m = await monitor();
      const timespan = `${window.start.toISOString()}/${window.end.toISOString()}`;
      const abortSignal = signal ?? o.signal;
      const only = `deployment eq '${escapeFilter(deployment)}'`;
      // A filter may name only dimensions every listed metric has: latency has `deployment`, requests also the class.
      const [latency, requests, resource] = await Promise.all([
        m.metrics.list(uri(o.endpointId), { timespan, interval: 'PT1M', metricnames: Object.keys(LATENCY).join(','), aggregation: 'Average', filter: only, abortSignal }),
        m.metrics.list(uri(o.endpointId), {
          timespan,
          interval: 'PT1M',
          metricnames: 'RequestsPerMinute',
          aggregation: 'Total',
          filter: `${only} and statusCodeClass eq '*'`,
          abortSignal,
        }),
        m.metrics.list(uri(`${o.endpointId}/deployments/${deployment}`), {
          timespan,
          interval: 'PT1M',
          metricnames: 'CpuUtilizationPercentage,CpuMemoryUtilizationPercentage',
          aggregation: 'Average,Maximum',
          abortSignal,
        }),
      ]);
      const traffic = [...(latency.value as unknown as Metric[]), ...(requests.value as unknown as Metric[])];
      return toMeasurements(traffic, resource.value as unknown as Metric[], window);
    },
  };
}
