/**
 * Azure Monitor's metrics API on online endpoints and deployments, computed from the traffic the scoring data
 * plane actually served (scoring/metrics-store):
 *   GET {resourceId}/providers/Microsoft.Insights/metrics?api-version=…&metricnames=A,B&timespan=start/end
 *       &interval=PT1M&aggregation=Average,Total&$filter=deployment eq 'green'&metricnamespace=…&resultType=…&top=…
 *   GET {resourceId}/providers/Microsoft.Insights/metricDefinitions?api-version=…
 * A dimension named with `eq` in $filter splits the answer (`eq '*'` splits without filtering), as the service does.
 */
import type { ArmState } from '../state/model';
import type { Reply } from '../http';
import { getResource } from './resource-helpers';
import { armError, gatewayError } from './errors';
import { ML_PROVIDER } from './target';
import type { MetricsStore, MetricSample } from '../scoring/metrics-store';
import type { Aggregation, MetricDef, Scope } from '../scoring/metric-catalog';
import { DEPLOYMENT_METRICS, ENDPOINT_METRICS } from '../scoring/metric-catalog';

export const METRICS_API_VERSIONS = ['2017-05-01-preview', '2018-01-01', '2019-07-01', '2021-05-01', '2023-10-01', '2024-02-01'];

const PATH = /^(\/subscriptions\/.+?)\/providers\/microsoft\.insights\/(metrics|metricdefinitions)\/?$/i;

export interface InsightsTarget {
  resourceId: string;
  what: 'metrics' | 'metricDefinitions';
}

export function insightsTarget(pathname: string): InsightsTarget | undefined {
  const m = PATH.exec(pathname);
  if (!m) return undefined;
  return { resourceId: decodeURIComponent(m[1]), what: m[2].toLowerCase() === 'metrics' ? 'metrics' : 'metricDefinitions' };
}

/** Monitor's own error shape: `{code, message}` at the top level. */
function monitorError(status: number, code: string, message: string): Reply {
  return { status, body: { code, message } };
}

function scopeOf(resourceId: string): { scope: Scope; type: string; endpointId: string; deployment?: string } | undefined {
  const m = /^(.*\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/onlineEndpoints\/[^/]+)(?:\/deployments\/([^/]+))?$/i.exec(resourceId);
  if (!m) return undefined;
  return m[2]
    ? { scope: 'deployment', type: `${ML_PROVIDER}/workspaces/onlineEndpoints/deployments`, endpointId: m[1], deployment: m[2] }
    : { scope: 'endpoint', type: `${ML_PROVIDER}/workspaces/onlineEndpoints`, endpointId: m[1] };
}

/** ISO 8601 duration (PT1M, PT1H, P1D, PT30S) in ms; undefined when not one. */
export function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60000 + Number(m[4] ?? 0) * 1000;
}

function parseTimespan(text: string | null, now: number): { from: number; to: number } | string {
  if (!text) return { from: now - 3600000, to: now };
  const [a, b] = text.split('/');
  const dur = (s: string) => durationMs(s);
  const at = (s: string) => (/^\d{4}-/.test(s) ? Date.parse(s) : NaN);
  let from: number;
  let to: number;
  if (b === undefined) {
    const d = dur(a);
    if (d === undefined) return `Invalid timespan '${text}'.`;
    [from, to] = [now - d, now];
  } else {
    from = at(a);
    to = Number.isNaN(at(b)) ? from + (dur(b) ?? NaN) : at(b);
    if (Number.isNaN(from)) from = to - (dur(a) ?? NaN);
  }
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return `Invalid timespan '${text}': expected start/end in ISO 8601.`;
  return { from, to };
}

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Clause {
  dim: string;
  alts: { op: 'eq' | 'ne'; value: string }[];
}

function parseFilter(text: string | null, dims: string[]): Clause[] | string {
  if (!text || !text.trim()) return [];
  const clauses: Clause[] = [];
  for (const raw of text.split(/\s+and\s+/i)) {
    const alts: Clause['alts'] = [];
    let dim: string | undefined;
    for (const part of raw.trim().replace(/^\(|\)$/g, '').split(/\s+or\s+/i)) {
      const m = /^\s*([\w.]+)\s+(eq|ne)\s+'([^']*)'\s*$/i.exec(part);
      if (!m) return `Invalid $filter clause '${part.trim()}': expected <dimension> eq|ne '<value>'.`;
      const known = dims.find((d) => d.toLowerCase() === m[1].toLowerCase());
      if (!known) return `Metric dimension '${m[1]}' is not valid; valid dimensions: ${dims.join(', ') || '(none)'}.`;
      dim = known;
      alts.push({ op: m[2].toLowerCase() as 'eq' | 'ne', value: m[3] });
    }
    clauses.push({ dim: dim!, alts });
  }
  return clauses;
}

function dimsOf(s: MetricSample, scope: Scope): Record<string, string> {
  if (s.k === 's') return { instanceId: s.i, State: 'Running' };
  if (scope === 'deployment') return { envoy_response_code: String(s.s) };
  return { deployment: s.d ?? '', statusCode: String(s.s), statusCodeClass: `${Math.floor(s.s / 100)}xx`, modelStatusCode: s.m === undefined ? '' : String(s.m) };
}

function matches(dims: Record<string, string>, clauses: Clause[]): boolean {
  return clauses.every((c) =>
    c.alts.some((a) => {
      if (a.value === '*') return true;
      const same = (dims[c.dim] ?? '').toLowerCase() === a.value.toLowerCase();
      return a.op === 'eq' ? same : !same;
    }),
  );
}

const AGG_FIELD: Record<Aggregation, string> = { Average: 'average', Count: 'count', Maximum: 'maximum', Minimum: 'minimum', Total: 'total' };

function point(t: number, values: number[], aggs: Aggregation[]): Record<string, unknown> {
  const p: Record<string, unknown> = { timeStamp: iso(t) };
  for (const a of aggs) {
    if (a === 'Count') p.count = values.length;
    else if (a === 'Total') p.total = values.reduce((x, y) => x + y, 0);
    else if (values.length) p[AGG_FIELD[a]] = a === 'Average' ? values.reduce((x, y) => x + y, 0) / values.length : a === 'Maximum' ? Math.max(...values) : Math.min(...values);
  }
  return p;
}

/** One time series: the metric's values bucketed by `interval` over [from, to). */
function series(def: MetricDef, samples: MetricSample[], from: number, to: number, interval: number, aggs: Aggregation[]) {
  // Values with their time: per sample, or per minute of samples.
  const values: { t: number; v: number }[] = [];
  if (def.kind === 'per-value') for (const s of samples) values.push({ t: s.t, v: def.value!([s]) });
  else if (def.kind === 'per-minute') {
    const byMinute = new Map<number, MetricSample[]>();
    for (const s of samples) {
      const minute = Math.floor(s.t / 60000) * 60000;
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), s]);
    }
    for (const [minute, group] of byMinute) values.push({ t: minute, v: def.value!(group) });
  }
  const start = Math.floor(from / 60000) * 60000;
  const data: Record<string, unknown>[] = [];
  for (let b = start; b < to; b += interval) data.push(point(b, values.filter((x) => x.t >= b && x.t < b + interval).map((x) => x.v), aggs));
  return data;
}

export interface MetricsDeps {
  metrics: MetricsStore;
}

export function serveInsights(deps: MetricsDeps, state: Readonly<ArmState>, target: InsightsTarget, url: URL, now = Date.now()): Reply {
  const apiVersion = url.searchParams.get('api-version');
  if (!apiVersion || !METRICS_API_VERSIONS.includes(apiVersion)) {
    return armError(400, 'NoRegisteredProviderFound', `No registered resource provider found for namespace 'Microsoft.Insights' and API version '${apiVersion ?? ''}'. The supported api-versions are '${METRICS_API_VERSIONS.join(', ')}'.`);
  }
  const sc = scopeOf(target.resourceId);
  const res = getResource(state as ArmState, target.resourceId);
  if (!res) return gatewayError(404, 'ResourceNotFound', `The Resource '${target.resourceId}' was not found.`);
  if (!sc) return monitorError(400, 'BadRequest', `Metrics are not available for the resource type '${res.type}' in this emulator (online endpoints and deployments only).`);
  const catalog = sc.scope === 'endpoint' ? ENDPOINT_METRICS : DEPLOYMENT_METRICS;
  const region = String(res.body.location ?? 'eastus');
  if (target.what === 'metricDefinitions') {
    return {
      status: 200,
      body: {
        value: catalog.map((d) => ({
          id: `${res.id}/providers/microsoft.insights/metricdefinitions/${d.name}`,
          resourceId: res.id,
          namespace: sc.type,
          category: d.category,
          name: { value: d.name, localizedValue: d.displayName },
          displayDescription: d.description,
          isDimensionRequired: false,
          unit: d.unit,
          primaryAggregationType: d.primary,
          supportedAggregationTypes: d.supported,
          metricAvailabilities: [{ timeGrain: 'PT1M', retention: 'P93D' }],
          dimensions: d.dimensions.map((x) => ({ value: x, localizedValue: x })),
        })),
      },
    };
  }
  const ns = url.searchParams.get('metricnamespace');
  if (ns && ns.toLowerCase() !== sc.type.toLowerCase()) return monitorError(400, 'BadRequest', `Metric namespace '${ns}' is not valid for resource type '${sc.type}'.`);
  const names = (url.searchParams.get('metricnames') ?? catalog[0].name).split(',').map((n) => n.trim()).filter(Boolean);
  const defs: MetricDef[] = [];
  for (const n of names) {
    const d = catalog.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!d) {
      return monitorError(400, 'BadRequest', `Failed to find metric configuration for provider: ${ML_PROVIDER}, resource Type: ${sc.type.slice(ML_PROVIDER.length + 1)}, metric: ${n}, Valid metrics: ${catalog.map((x) => x.name).join(',')}`);
    }
    defs.push(d);
  }
  const span = parseTimespan(url.searchParams.get('timespan'), now);
  if (typeof span === 'string') return monitorError(400, 'BadRequest', span);
  const intervalText = url.searchParams.get('interval') ?? 'PT1M';
  const interval = intervalText.toUpperCase() === 'FULL' ? span.to - Math.floor(span.from / 60000) * 60000 : durationMs(intervalText);
  if (!interval || interval < 60000) return monitorError(400, 'BadRequest', `Invalid interval '${intervalText}': use an ISO 8601 duration of at least PT1M, or FULL.`);
  const aggText = url.searchParams.get('aggregation');
  const top = Number(url.searchParams.get('top') ?? 10) || 10;
  const metadataOnly = (url.searchParams.get('resultType') ?? '').toLowerCase() === 'metadata';
  const all = deps.metrics.read(sc.endpointId, span.from, span.to).filter((s) => s.ep === sc.endpointId.toLowerCase());

  const value = [];
  for (const def of defs) {
    const aggs = (aggText ? aggText.split(',') : [def.primary]).map((a) => a.trim()).filter(Boolean);
    const known = aggs.map((a) => (['Average', 'Count', 'Maximum', 'Minimum', 'Total'] as Aggregation[]).find((x) => x.toLowerCase() === a.toLowerCase()));
    if (known.some((k) => !k)) return monitorError(400, 'BadRequest', `Invalid aggregation '${aggText}': use Average, Count, Maximum, Minimum or Total.`);
    const clauses = parseFilter(url.searchParams.get('$filter'), def.dimensions);
    if (typeof clauses === 'string') return monitorError(400, 'BadRequest', clauses);
    const split = [...new Set(clauses.filter((c) => c.alts.some((a) => a.op === 'eq')).map((c) => c.dim))];
    const mine = all.filter((s) => {
      if (def.source === 'none' || (def.source === 'request') !== (s.k === 'r')) return false;
      if (sc.scope === 'endpoint') return s.k === 'r' && !s.mir;
      return (s.d ?? '').toLowerCase() === sc.deployment!.toLowerCase();
    });
    const groups = new Map<string, { meta: Record<string, string>; samples: MetricSample[] }>();
    for (const s of mine) {
      const dims = dimsOf(s, sc.scope);
      if (!matches(dims, clauses)) continue;
      const meta = Object.fromEntries(split.map((d) => [d, dims[d] ?? '']));
      const k = JSON.stringify(meta);
      if (!groups.has(k)) groups.set(k, { meta, samples: [] });
      groups.get(k)!.samples.push(s);
    }
    if (!split.length && !groups.size) groups.set('{}', { meta: {}, samples: [] });
    const timeseries = [...groups.values()].slice(0, top).map((g) => ({
      metadatavalues: Object.entries(g.meta).map(([name, v]) => ({ name: { value: name, localizedValue: name }, value: v })),
      ...(metadataOnly ? {} : { data: series(def, g.samples, span.from, span.to, interval, known as Aggregation[]) }),
    }));
    value.push({
      id: `${res.id}/providers/Microsoft.Insights/metrics/${def.name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: def.name, localizedValue: def.displayName },
      displayDescription: def.description,
      errorCode: 'Success',
      unit: def.unit,
      timeseries,
    });
  }
  const points = Math.ceil((span.to - span.from) / interval);
  return {
    status: 200,
    body: { cost: points * defs.length, timespan: `${iso(span.from)}/${iso(span.to)}`, interval: intervalText.toUpperCase() === 'FULL' ? 'FULL' : intervalText, value, namespace: sc.type, resourceregion: region },
  };
}
