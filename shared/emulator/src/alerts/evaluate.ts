/**
 * Evaluating metric alert rules on demand (the control surface's `POST /_emulator/alerts/evaluate`), as Azure
 * Monitor does every evaluationFrequency: each enabled rule's criteria are computed over the last windowSize from
 * the metrics the scoring data plane recorded (through the same Metrics API code, arm/metrics.ts), per time series
 * of its dimensions; when every criterion holds the rule fires, and when a fired rule's condition no longer holds
 * it resolves (autoMitigate). On each change the rule's action groups are notified: each webhook receiver gets
 * the common alert schema POSTed, each email receiver a message in the outbox (`GET /_emulator/alerts/notifications`).
 * A rule's state (Fired / Resolved) is kept in the state file.
 */
import { randomUUID } from 'node:crypto';
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject, json } from '../http';
import { getResource, propertiesOf } from '../arm/resource-helpers';
import { insightsTarget, serveInsights } from '../arm/metrics';
import type { MetricsStore } from '../scoring/metrics-store';
import { ACTION_GROUP_TYPE, METRIC_ALERT_TYPE } from '../arm/insights-alerts';

export interface AlertsDeps {
  store: JsonStore<ArmState>;
  metrics: MetricsStore;
  /** Where webhook deliveries and emails are recorded */
  outbox: Notification[];
}

export interface Notification {
  kind: 'webhook' | 'email';
  rule: string;
  monitorCondition: 'Fired' | 'Resolved';
  to: string;
  status?: number;
  error?: string;
  at: string;
}

interface Criterion {
  name: string;
  metricName: string;
  operator: string;
  threshold: number;
  timeAggregation: string;
  dimensions?: { name: string; operator: string; values: string[] }[];
}

const AGG_FIELD: Record<string, string> = { Average: 'average', Count: 'count', Maximum: 'maximum', Minimum: 'minimum', Total: 'total' };

function holds(op: string, v: number, t: number): boolean {
  switch (op) {
    case 'GreaterThan':
      return v > t;
    case 'GreaterThanOrEqual':
      return v >= t;
    case 'LessThan':
      return v < t;
    case 'LessThanOrEqual':
      return v <= t;
    default:
      return v === t;
  }
}

const WINDOW_MS: Record<string, number> = { PT1M: 60e3, PT5M: 300e3, PT15M: 900e3, PT30M: 1800e3, PT1H: 3600e3, PT6H: 21600e3, PT12H: 43200e3, P1D: 86400e3 };

/** The criterion's values (one per time series with data) over the window ending `now`. */
function measure(deps: AlertsDeps, state: ArmState, scope: string, c: Criterion, windowMs: number, now: number): number[] {
  const url = new URL(`https://emulator${scope}/providers/microsoft.insights/metrics`);
  url.searchParams.set('api-version', '2024-02-01');
  url.searchParams.set('metricnames', c.metricName);
  url.searchParams.set('timespan', `${new Date(now - windowMs).toISOString()}/${new Date(now).toISOString()}`);
  url.searchParams.set('interval', 'FULL');
  url.searchParams.set('aggregation', c.timeAggregation);
  const filter = (c.dimensions ?? []).map((d) => `(${d.values.map((v) => `${d.name} ${d.operator === 'Exclude' ? 'ne' : 'eq'} '${v.replace(/'/g, "''")}'`).join(' or ')})`).join(' and ');
  if (filter) url.searchParams.set('$filter', filter);
  const reply = serveInsights({ metrics: deps.metrics }, state, insightsTarget(url.pathname)!, url, now);
  const body = reply.body as { value?: { timeseries?: { data?: Json[] }[] }[] };
  if (reply.status !== 200 || !body.value?.[0]) return [];
  const field = AGG_FIELD[c.timeAggregation] ?? 'average';
  return (body.value[0].timeseries ?? []).flatMap((ts) => (ts.data ?? []).map((p) => p[field]).filter((v): v is number => typeof v === 'number'));
}

function commonSchema(rule: StoredResource, p: Json, condition: 'Fired' | 'Resolved', results: { criterion: Criterion; value: number | undefined }[], now: number): Json {
  const at = new Date(now).toISOString();
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `${rule.id}/alerts/${randomUUID()}`,
        alertRule: rule.id.slice(rule.id.lastIndexOf('/') + 1),
        severity: `Sev${String(p.severity ?? 3)}`,
        signalType: 'Metric',
        monitorCondition: condition,
        monitoringService: 'Platform',
        alertTargetIDs: (p.scopes as string[]).map((s) => s.toLowerCase()),
        configurationItems: (p.scopes as string[]).map((s) => s.slice(s.lastIndexOf('/') + 1)),
        originAlertId: randomUUID(),
        firedDateTime: at,
        ...(condition === 'Resolved' ? { resolvedDateTime: at } : {}),
        description: String(p.description ?? ''),
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        properties: null,
        conditionType: 'SingleResourceMultipleMetricCriteria',
        condition: {
          windowSize: p.windowSize,
          allOf: results.map(({ criterion: c, value }) => ({
            metricName: c.metricName,
            metricNamespace: (c as unknown as Json).metricNamespace,
            operator: c.operator,
            threshold: String(c.threshold),
            timeAggregation: c.timeAggregation,
            dimensions: (c.dimensions ?? []).map((d) => ({ name: d.name, value: d.values.join(',') })),
            metricValue: value,
          })),
          windowStartTime: new Date(now - (WINDOW_MS[String(p.windowSize)] ?? 300e3)).toISOString(),
          windowEndTime: at,
        },
      },
    },
  };
}

async function notify(deps: AlertsDeps, state: ArmState, rule: StoredResource, p: Json, payload: Json, condition: 'Fired' | 'Resolved', now: number): Promise<void> {
  const name = rule.id.slice(rule.id.lastIndexOf('/') + 1);
  for (const a of Array.isArray(p.actions) ? p.actions : []) {
    const group = isObject(a) && typeof a.actionGroupId === 'string' ? getResource(state, a.actionGroupId) : undefined;
    if (!group || group.type !== ACTION_GROUP_TYPE) continue;
    const g = propertiesOf(group.body);
    if (g.enabled === false) continue;
    for (const e of Array.isArray(g.emailReceivers) ? g.emailReceivers : []) {
      deps.outbox.push({ kind: 'email', rule: name, monitorCondition: condition, to: String((e as Json).emailAddress), at: new Date(now).toISOString() });
    }
    for (const w of Array.isArray(g.webhookReceivers) ? g.webhookReceivers : []) {
      const to = String((w as Json).serviceUri);
      const n: Notification = { kind: 'webhook', rule: name, monitorCondition: condition, to, at: new Date(now).toISOString() };
      try {
        const r = await fetch(to, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(10_000) });
        n.status = r.status;
      } catch (e) {
        n.error = (e as Error).message;
      }
      deps.outbox.push(n);
    }
  }
}

export async function evaluateAlerts(deps: AlertsDeps, now = Date.now()): Promise<Json[]> {
  const state = deps.store.read();
  const out: Json[] = [];
  const changes: { id: string; condition: 'Fired' | 'Resolved' }[] = [];
  for (const rule of Object.values(state.resources).filter((r) => r.type === METRIC_ALERT_TYPE)) {
    const p = propertiesOf(rule.body);
    if (p.enabled !== true) continue;
    const crit = isObject(p.criteria) && Array.isArray(p.criteria.allOf) ? (p.criteria.allOf as Criterion[]) : [];
    const windowMs = WINDOW_MS[String(p.windowSize)] ?? 300e3;
    const results = crit.map((c) => {
      const values = measure(deps, state, (p.scopes as string[])[0]!, c, windowMs, now);
      const hit = values.find((v) => holds(c.operator, v, c.threshold));
      return { criterion: c, value: hit ?? values[0], holds: hit !== undefined };
    });
    const firing = results.length > 0 && results.every((r) => r.holds);
    const was = String(p.monitorCondition ?? 'Resolved');
    const condition = firing ? 'Fired' : 'Resolved';
    out.push({ id: rule.id, condition, changed: condition !== was, values: results.map((r) => ({ metric: r.criterion.metricName, value: r.value ?? null })) });
    if (condition !== was && (firing || p.autoMitigate !== false)) {
      changes.push({ id: rule.id, condition });
      await notify(deps, state, rule, p, commonSchema(rule, p, condition, results, now), condition, now);
    }
  }
  if (changes.length) {
    await deps.store.update((s) => {
      for (const ch of changes) {
        const r = getResource(s, ch.id);
        if (r) (r.body.properties as Json).monitorCondition = ch.condition;
      }
    });
  }
  return out;
}

/** `POST /_emulator/alerts/evaluate` `{at?}`, `GET /_emulator/alerts/notifications`, `DELETE …/notifications`. */
export async function handleAlertsControl(deps: AlertsDeps, method: string, url: URL, body?: Buffer): Promise<Reply | undefined> {
  const route = url.pathname.replace(/\/+$/, '');
  if (!route.startsWith('/_emulator/alerts/')) return undefined;
  switch (`${method} ${route}`) {
    case 'POST /_emulator/alerts/evaluate': {
      // `{at}`: evaluate as the service would at that time (epoch ms), e.g. one window later.
      let at = Date.now();
      try {
        const v = body?.length ? (JSON.parse(body.toString('utf8')) as { at?: unknown }) : {};
        if (typeof v.at === 'number' && Number.isFinite(v.at)) at = v.at;
      } catch {
        return json(400, { error: { code: 'BadRequest', message: 'invalid JSON' } });
      }
      return json(200, { rules: await evaluateAlerts(deps, at) });
    }
    case 'GET /_emulator/alerts/notifications':
      return json(200, { notifications: deps.outbox });
    case 'DELETE /_emulator/alerts/notifications':
      deps.outbox.length = 0;
      return { status: 204 };
    default:
      return json(404, { error: { code: 'NotFound', message: `No control route ${method} ${url.pathname}.` } });
  }
}
