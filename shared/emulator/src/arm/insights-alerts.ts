/**
 * Azure Monitor alerting, as the resource group's `Microsoft.Insights` resources:
 *   metricAlerts/{rule}    (api-version 2018-03-01 … 2026-01-01): static-threshold rules over the metrics the
 *                          scoring data plane records (arm/metrics.ts), on online endpoints and deployments
 *   actionGroups/{group}   (2019-06-01 … 2024-10-01-preview): email and webhook receivers
 * PUTs are synchronous (a rule answers 200, a new action group 201) and validated as Azure Monitor does: location, severity 0-4,
 * evaluation frequency and window from the allowed sets (window ≥ frequency), one to five criteria whose metric
 * exists on the scope's resource type, operators and aggregations from their enums, existing scopes and action
 * groups; a short name of 1-12 characters, receivers with names, emails and https (or loopback http) webhooks.
 * Rule evaluation and notification: alerts/evaluate.ts.
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { armError } from './errors';
import { getResource, page, putResource, systemData } from './resource-helpers';
import { render } from './render';
import { rgId } from './target';
import { DEPLOYMENT_METRICS, ENDPOINT_METRICS } from '../scoring/metric-catalog';

export const INSIGHTS = 'Microsoft.Insights';
export const METRIC_ALERT_TYPE = `${INSIGHTS}/metricAlerts`;
export const ACTION_GROUP_TYPE = `${INSIGHTS}/actionGroups`;
const ALERT_API_VERSIONS = ['2018-03-01', '2024-03-01-preview', '2026-01-01'];
const GROUP_API_VERSIONS = ['2019-06-01', '2021-09-01', '2022-06-01', '2023-01-01', '2024-10-01-preview'];
const FREQUENCIES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'];
const WINDOWS = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'];
const OPERATORS = ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'];
const AGGREGATIONS = ['Average', 'Count', 'Minimum', 'Maximum', 'Total'];
const MINUTES: Record<string, number> = { PT1M: 1, PT5M: 5, PT15M: 15, PT30M: 30, PT1H: 60, PT6H: 360, PT12H: 720, P1D: 1440 };
const DEPLOYMENT_ID = /\/onlineEndpoints\/[^/]+\/deployments\/[^/]+$/i;
const ENDPOINT_ID = /\/onlineEndpoints\/[^/]+$/i;

const bad = (message: string): Reply => armError(400, 'BadRequest', message);
const str = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function ofType(c: ArmCall, type: string): StoredResource[] {
  const prefix = `${rgId(c.subscriptionId, c.resourceGroup)}/`.toLowerCase();
  return Object.values(c.state.resources)
    .filter((r) => r.type === type && r.id.toLowerCase().startsWith(prefix))
    .sort((a, b) => a.createdSeq - b.createdSeq);
}

function notFound(c: ArmCall, what: string): Reply {
  return armError(404, 'ResourceNotFound', `The Resource '${what}/${c.names[0]}' under resource group '${c.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}

/** The metric names a rule scope's type has, or why the scope cannot carry metric alerts. */
function metricsOf(c: ArmCall, scope: string): string[] | string {
  const res = getResource(c.state, scope);
  if (!res) return `Scope '${scope}' does not exist.`;
  if (DEPLOYMENT_ID.test(res.id)) return DEPLOYMENT_METRICS.map((m) => m.name);
  if (ENDPOINT_ID.test(res.id)) return ENDPOINT_METRICS.map((m) => m.name);
  return `Metric alerts on resources of type '${res.type}' are not available in this emulator (online endpoints and deployments only).`;
}

function ruleProblem(c: ArmCall, p: Json): string | undefined {
  if (!Number.isInteger(p.severity) || (p.severity as number) < 0 || (p.severity as number) > 4) return "'severity' must be an integer from 0 to 4.";
  if (typeof p.enabled !== 'boolean') return "'enabled' is required (true or false).";
  if (!Array.isArray(p.scopes) || p.scopes.length !== 1 || !str(p.scopes[0])) return "'scopes' must hold exactly one resource id (single-resource metric criteria).";
  if (!FREQUENCIES.includes(String(p.evaluationFrequency))) return `'evaluationFrequency' '${String(p.evaluationFrequency)}' is not one of ${FREQUENCIES.join(', ')}.`;
  if (!WINDOWS.includes(String(p.windowSize))) return `'windowSize' '${String(p.windowSize)}' is not one of ${WINDOWS.join(', ')}.`;
  if (MINUTES[String(p.windowSize)]! < MINUTES[String(p.evaluationFrequency)]!) return "'windowSize' must be at least 'evaluationFrequency'.";
  const metrics = metricsOf(c, p.scopes[0] as string);
  if (typeof metrics === 'string') return metrics;
  const crit = isObject(p.criteria) ? p.criteria : undefined;
  if (!crit || crit['odata.type'] !== 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria') return "'criteria' must have odata.type Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria.";
  const all = Array.isArray(crit.allOf) ? crit.allOf : [];
  if (all.length < 1 || all.length > 5) return "'criteria.allOf' must hold 1 to 5 criteria.";
  for (const [i, raw] of all.entries()) {
    const x = isObject(raw) ? raw : {};
    const at = `criteria.allOf[${i}]`;
    if (x.criterionType !== 'StaticThresholdCriterion') return `'${at}.criterionType' must be StaticThresholdCriterion (dynamic thresholds are not emulated).`;
    if (!str(x.name)) return `'${at}.name' is required.`;
    if (!metrics.includes(String(x.metricName))) return `Couldn't find a metric named ${String(x.metricName)} for the resource; valid metrics: ${metrics.join(', ')}.`;
    if (!OPERATORS.includes(String(x.operator))) return `'${at}.operator' '${String(x.operator)}' is not one of ${OPERATORS.join(', ')}.`;
    if (!AGGREGATIONS.includes(String(x.timeAggregation))) return `'${at}.timeAggregation' '${String(x.timeAggregation)}' is not one of ${AGGREGATIONS.join(', ')}.`;
    if (typeof x.threshold !== 'number' || !Number.isFinite(x.threshold)) return `'${at}.threshold' must be a number.`;
    for (const d of Array.isArray(x.dimensions) ? x.dimensions : []) {
      if (!isObject(d) || !str(d.name) || !['Include', 'Exclude'].includes(String(d.operator)) || !Array.isArray(d.values) || !d.values.length) return `'${at}.dimensions' entries need name, operator Include|Exclude and values.`;
    }
  }
  for (const a of Array.isArray(p.actions) ? p.actions : []) {
    const id = isObject(a) ? a.actionGroupId : undefined;
    const g = str(id) ? getResource(c.state, id) : undefined;
    if (!g || g.type !== ACTION_GROUP_TYPE) return `Action group '${String(id)}' does not exist.`;
  }
  return undefined;
}

function groupProblem(p: Json): string | undefined {
  if (!str(p.groupShortName) || p.groupShortName.length > 12) return "'groupShortName' is required and at most 12 characters.";
  if (typeof p.enabled !== 'boolean') return "'enabled' is required (true or false).";
  for (const e of Array.isArray(p.emailReceivers) ? p.emailReceivers : []) {
    if (!isObject(e) || !str(e.name) || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(e.emailAddress))) return 'Each email receiver needs a name and a valid emailAddress.';
  }
  for (const w of Array.isArray(p.webhookReceivers) ? p.webhookReceivers : []) {
    let u: URL | undefined;
    try {
      u = new URL(String(isObject(w) ? w.serviceUri : ''));
    } catch {
      u = undefined;
    }
    const loopback = u && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
    if (!isObject(w) || !str(w.name) || !u || !(u.protocol === 'https:' || (u.protocol === 'http:' && loopback))) return 'Each webhook receiver needs a name and an https serviceUri.';
  }
  return undefined;
}

function handlers(path: 'metricAlerts' | 'actionGroups', apiVersions: string[], check: (c: ArmCall, p: Json) => string | undefined, defaults: Json, createdStatus: number): ResourceTypeHandler {
  const type = `${INSIGHTS}/${path}`;
  return {
    namespace: INSIGHTS,
    path: [path],
    apiVersions,
    list: (c) => page(c, ofType(c, type).map((r) => render(r))),
    get: (c) => {
      const r = getResource(c.state, c.id);
      return r && r.type === type ? { status: 200, body: render(r) } : notFound(c, type);
    },
    put: (c) => {
      const body = isObject(c.body) ? c.body : {};
      if (!str(body.location)) return bad("'location' is required.");
      const p = isObject(body.properties) ? body.properties : undefined;
      if (!p) return bad("'properties' is required.");
      const problem = check(c, p);
      if (problem) return bad(problem);
      const prev = getResource(c.state, c.id);
      const stored = putResource(c.state, {
        id: c.id,
        type,
        createdSeq: prev?.createdSeq,
        body: { location: body.location, tags: isObject(body.tags) ? body.tags : {}, properties: { ...defaults, ...p }, systemData: systemData(prev?.body.systemData as Json | undefined, c) },
      });
      return { status: prev ? 200 : createdStatus, body: render(stored) };
    },
    delete: (c) => {
      const r = getResource(c.state, c.id);
      if (!r || r.type !== type) return { status: 204, body: undefined };
      delete c.state.resources[r.id.toLowerCase()];
      return { status: 200, body: undefined };
    },
  };
}

// Metric alert rules answer 200 on create too; action groups 201.
export const metricAlertHandlers = handlers('metricAlerts', ALERT_API_VERSIONS, ruleProblem, { autoMitigate: true, actions: [] }, 200);
export const actionGroupHandlers = handlers('actionGroups', GROUP_API_VERSIONS, (_c, p) => groupProblem(p), { emailReceivers: [], webhookReceivers: [] }, 201);
