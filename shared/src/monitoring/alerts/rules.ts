/**
 * Infrastructure alerts of an online deployment as Azure Monitor metric alert rules, and the action group they
 * notify. The rule language of the `alerts` input, one per line: `<signal> <op> <value>[unit]`:
 *   latency-p50|p90|p95|p99 > 800ms   RequestLatency_P<n> of the deployment (Average over the window)
 *   errors-5xx > 10                   5xx answers of the endpoint to this deployment (Total over the window)
 *   requests-per-minute < 5           requests reaching the deployment (Average per minute; a drop, or a surge with >)
 *   cpu > 85%   memory > 85%          CpuUtilizationPercentage / CpuMemoryUtilizationPercentage (Average)
 *   capacity < 2                      DeploymentCapacity, the instances running (Minimum)
 * Endpoint-scope metrics are filtered to the deployment (dimension `deployment`), so after a blue/green switch
 * a rerun re-points every rule at the new live deployment. Bodies are in @azure/arm-monitor's model shape.
 */
import { inputError } from '../../core/errors';

export type AlertSignal = 'latency-p50' | 'latency-p90' | 'latency-p95' | 'latency-p99' | 'errors-5xx' | 'requests-per-minute' | 'cpu' | 'memory' | 'capacity';
export type Operator = 'GreaterThan' | 'GreaterThanOrEqual' | 'LessThan' | 'LessThanOrEqual';

export interface AlertRule {
  signal: AlertSignal;
  operator: Operator;
  threshold: number;
}

interface SignalDef {
  metric: string;
  scope: 'endpoint' | 'deployment';
  aggregation: 'Average' | 'Total' | 'Minimum' | 'Maximum';
  unit: 'ms' | '%' | '';
  what: string;
  /** Dimensions besides the deployment filter */
  dimensions?: { name: string; operator: 'Include'; values: string[] }[];
}

export const ALERT_SIGNALS: Record<AlertSignal, SignalDef> = {
  'latency-p50': { metric: 'RequestLatency_P50', scope: 'deployment', aggregation: 'Average', unit: 'ms', what: 'median latency' },
  'latency-p90': { metric: 'RequestLatency_P90', scope: 'deployment', aggregation: 'Average', unit: 'ms', what: 'p90 latency' },
  'latency-p95': { metric: 'RequestLatency_P95', scope: 'deployment', aggregation: 'Average', unit: 'ms', what: 'p95 latency' },
  'latency-p99': { metric: 'RequestLatency_P99', scope: 'deployment', aggregation: 'Average', unit: 'ms', what: 'p99 latency' },
  'errors-5xx': { metric: 'RequestsPerMinute', scope: 'endpoint', aggregation: 'Total', unit: '', what: '5xx answers', dimensions: [{ name: 'statusCodeClass', operator: 'Include', values: ['5xx'] }] },
  'requests-per-minute': { metric: 'RequestsPerMinute', scope: 'endpoint', aggregation: 'Average', unit: '', what: 'requests per minute' },
  cpu: { metric: 'CpuUtilizationPercentage', scope: 'deployment', aggregation: 'Average', unit: '%', what: 'CPU' },
  memory: { metric: 'CpuMemoryUtilizationPercentage', scope: 'deployment', aggregation: 'Average', unit: '%', what: 'memory' },
  capacity: { metric: 'DeploymentCapacity', scope: 'deployment', aggregation: 'Minimum', unit: '', what: 'running instances' },
};

export const DEFAULT_ALERTS = 'latency-p95 > 1000ms\nerrors-5xx > 10\ncpu > 85%\nmemory > 85%';

const OPS: Record<string, Operator> = { '>': 'GreaterThan', '>=': 'GreaterThanOrEqual', '<': 'LessThan', '<=': 'LessThanOrEqual' };
export const OP_TEXT: Record<Operator, string> = { GreaterThan: '>', GreaterThanOrEqual: '>=', LessThan: '<', LessThanOrEqual: '<=' };

/** The rules of the `alerts` input; `none` (or an empty input with no default) gives none. */
export function parseAlertRules(text: string, input = 'alerts'): AlertRule[] {
  if (text.trim().toLowerCase() === 'none') return [];
  const out: AlertRule[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const where = `Input '${input}' line ${i + 1}`;
    const m = /^([a-z0-9-]+)\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|%)?$/i.exec(line);
    if (!m) throw inputError(`${where}: '${line}' is not '<signal> <op> <value>' (e.g. latency-p95 > 800ms).`, { input });
    const signal = m[1]!.toLowerCase() as AlertSignal;
    const def = ALERT_SIGNALS[signal];
    if (!def) throw inputError(`${where}: '${m[1]}' is not an alert signal; use ${Object.keys(ALERT_SIGNALS).join(', ')}.`, { input });
    const unit = (m[4] ?? '').toLowerCase();
    if (unit && unit !== def.unit) throw inputError(`${where}: ${signal} is measured in ${def.unit || 'a count'}, not '${unit}'.`, { input });
    const threshold = Number(m[3]);
    if (def.unit === '%' && threshold > 100) throw inputError(`${where}: ${signal} is a percentage (0-100); got ${threshold}.`, { input });
    if (out.some((r) => r.signal === signal)) throw inputError(`${where}: ${signal} is given twice.`, { input });
    out.push({ signal, operator: OPS[m[2]!]!, threshold });
  }
  return out;
}

export interface AlertTarget {
  endpointId: string;
  endpointName: string;
  deploymentName: string;
  /** Resource group the rules and the action group live in */
  resourceGroup: string;
  /** The monitor these alerts belong to: rules are `<owner>-<signal>`, the action group `<owner>-alerts` */
  owner: string;
}

/** Metric alert rule names: `<monitor>-<signal>`, one rule per signal (it follows the live deployment). */
export const ruleName = (owner: string, signal: AlertSignal): string => `${owner}-${signal}`;

export function ruleText(r: AlertRule): string {
  const d = ALERT_SIGNALS[r.signal];
  return `${d.what} ${OP_TEXT[r.operator]} ${r.threshold}${d.unit}`;
}

/** The metric alert rule (arm-monitor's MetricAlertResource shape) of one signal on the deployment. */
export function metricAlertModel(r: AlertRule, t: AlertTarget, actionGroupId: string | undefined, windowSize = 'PT5M', evaluationFrequency = 'PT1M'): Record<string, unknown> {
  const d = ALERT_SIGNALS[r.signal];
  const deploymentScope = d.scope === 'deployment';
  const scope = deploymentScope ? `${t.endpointId}/deployments/${t.deploymentName}` : t.endpointId;
  const dimensions = [...(deploymentScope ? [] : [{ name: 'deployment', operator: 'Include', values: [t.deploymentName] }]), ...(d.dimensions ?? [])];
  return {
    location: 'global',
    tags: { 'aml-lifecycle.monitor': t.owner, 'aml-lifecycle.endpoint': t.endpointName, 'aml-lifecycle.deployment': t.deploymentName },
    description: `${t.endpointName}/${t.deploymentName}: ${ruleText(r)} over ${windowSize.replace(/^PT/, '').toLowerCase()} (configured by aml-lifecycle).`,
    severity: r.signal === 'errors-5xx' || r.signal === 'capacity' ? 1 : 2,
    enabled: true,
    scopes: [scope],
    evaluationFrequency,
    windowSize,
    targetResourceType: deploymentScope ? 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments' : 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
    criteria: {
      odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion',
          name: r.signal,
          metricName: d.metric,
          metricNamespace: deploymentScope ? 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments' : 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
          operator: r.operator,
          threshold: r.threshold,
          timeAggregation: d.aggregation,
          dimensions,
        },
      ],
    },
    autoMitigate: true,
    actions: actionGroupId ? [{ actionGroupId }] : [],
  };
}

/** Action group short names: at most 12 characters. */
export function shortName(owner: string): string {
  return owner.replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 'amlalerts';
}

/** The action group (arm-monitor's ActionGroupResource shape): the emails and the webhook alerts go to. */
export function actionGroupModel(owner: string, emails: readonly string[], webhook: string | undefined): Record<string, unknown> {
  return {
    location: 'Global',
    tags: { 'aml-lifecycle.monitor': owner },
    groupShortName: shortName(owner),
    enabled: true,
    emailReceivers: emails.map((e, i) => ({ name: `email-${i + 1}`, emailAddress: e, useCommonAlertSchema: true })),
    webhookReceivers: webhook ? [{ name: 'webhook', serviceUri: webhook, useCommonAlertSchema: true }] : [],
  };
}
