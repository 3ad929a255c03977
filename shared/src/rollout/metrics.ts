/**
 * The metric vocabulary of rollout analysis: what a rule may name, in which unit a MetricsSource reports it, and
 * which units a rule may write its threshold in.
 *
 * | metric                                                | reported as                    | a rule writes       |
 * |-------------------------------------------------------|--------------------------------|---------------------|
 * | latency.p50, latency.p90, latency.p95, latency.p99    | milliseconds                   | `300ms`, `0.3s`     |
 * | errors.5xx.rate, errors.4xx.rate, errors.rate         | percent of requests (0..100)   | `1%`                |
 * | probe.failure.rate                                    | percent of probe requests      | `0%`                |
 * | cpu, memory                                           | percent utilisation (0..100)   | `80%`               |
 * | requests.count                                        | requests in the check window   | `30` (a count)      |
 * | requests.rate                                         | requests per second            | `1/s`, `60/min`     |
 *
 * `errors.rate` counts every failed request (4xx, 5xx, and requests that got no response); `probe.failure.rate`
 * the probe's requests whose status or output was not the expected one.
 */

export const LATENCY_METRICS = ['latency.p50', 'latency.p90', 'latency.p95', 'latency.p99'] as const;
export const RATE_METRICS = ['errors.5xx.rate', 'errors.4xx.rate', 'errors.rate', 'probe.failure.rate'] as const;
export const UTILISATION_METRICS = ['cpu', 'memory'] as const;
export const ROLLOUT_METRICS = [...LATENCY_METRICS, ...RATE_METRICS, ...UTILISATION_METRICS, 'requests.count', 'requests.rate'] as const;
export type RolloutMetric = (typeof ROLLOUT_METRICS)[number];

/** Measured values, in the units above; a metric absent or undefined had no data in the window. */
export type Measurements = Partial<Record<RolloutMetric, number | undefined>>;

/** The time span a check looks at (the interval since the previous check). */
export interface MetricWindow {
  start: Date;
  end: Date;
}

/** Where measurements come from: Azure Monitor for the deployment, the probe's own observations, or both. */
export interface MetricsSource {
  measure(deployment: string, window: MetricWindow, signal?: AbortSignal): Promise<Measurements>;
}

export type UnitKind = 'duration' | 'percent' | 'count' | 'per-second';

export function unitKind(metric: RolloutMetric): UnitKind {
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) return 'duration';
  if (metric === 'requests.count') return 'count';
  if (metric === 'requests.rate') return 'per-second';
  return 'percent';
}

export function isRolloutMetric(name: string): name is RolloutMetric {
  return (ROLLOUT_METRICS as readonly string[]).includes(name);
}

/** Suffix → factor to the reported unit, per kind ('' is a bare number). */
export const UNITS: Record<UnitKind, Record<string, number>> = {
  duration: { ms: 1, s: 1000 },
  percent: { '%': 1 },
  count: { '': 1 },
  'per-second': { '/s': 1, '/min': 1 / 60, '/m': 1 / 60, '/h': 1 / 3600 },
};

/** How a rule writes a value of the metric, e.g. "300ms", "1%", "2/s", "30". */
export function formatMetricValue(metric: RolloutMetric, value: number): string {
  const n = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  switch (unitKind(metric)) {
    case 'duration':
      return `${n}ms`;
    case 'percent':
      return `${n}%`;
    case 'per-second':
      return `${n}/s`;
    case 'count':
      return n;
  }
}

/**
 * Several sources as one: per metric, the first source (in the order given) that measured it wins. For example
 * `combineSources(azureMonitor, probe)` takes CPU and server-side latency from Azure Monitor and falls back to the
 * probe's client-side latency when Azure Monitor has no data yet.
 */
export function combineSources(...sources: MetricsSource[]): MetricsSource {
  return {
    async measure(deployment, window, signal) {
      const all = await Promise.all(sources.map((s) => s.measure(deployment, window, signal)));
      const out: Measurements = {};
      for (const m of all) {
        for (const [k, v] of Object.entries(m) as Array<[RolloutMetric, number | undefined]>) {
          if (out[k] === undefined && v !== undefined && Number.isFinite(v)) out[k] = v;
        }
      }
      return out;
    },
  };
}
