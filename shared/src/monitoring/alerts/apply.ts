/**
 * Bringing the alert rules and the action group of a deployment to what is asked for, through @azure/arm-monitor
 * (MonitorClient, loaded on first use): each is read once, compared (common/subset-diff: only what we set), written
 * only when it differs; rules this step made earlier for the monitor (tag `aml-lifecycle.monitor`) whose signal is no
 * longer asked for are deleted. With `dryRun`, nothing is written and the plan is returned. A webhook URL (it may
 * carry a key) never appears in a difference: it is compared by its hash.
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { StepError } from '../../core/errors';
import { subsetDifferences } from '../../specs/common/subset-diff';
import { actionGroupModel, metricAlertModel, ruleName, type AlertRule, type AlertTarget } from './rules';

type Json = Record<string, unknown>;

export interface AlertsConnection {
  credential: TokenCredential;
  subscriptionId: string;
  resourceManager: string;
  audience: string;
}

export interface AlertsPlan {
  target: AlertTarget;
  rules: readonly AlertRule[];
  emails: readonly string[];
  webhook?: string;
  /** An existing action group to notify instead of the one this step keeps (`<monitor>-alerts`) */
  actionGroupId?: string;
}

export interface AlertsOutcome {
  actionGroupId?: string;
  ruleIds: string[];
  /** What was (or, in a dry run, would be) written: `create|update|delete <kind> <name>` with its differences */
  changes: { action: 'create' | 'update' | 'delete'; kind: 'action group' | 'alert rule'; name: string; differences: string[] }[];
}

type Options = { abortSignal?: AbortSignal };
interface MonitorLike {
  actionGroups: { get(rg: string, name: string, o?: Options): Promise<Json>; createOrUpdate(rg: string, name: string, body: Json, o?: Options): Promise<Json> };
  metricAlerts: {
    get(rg: string, name: string, o?: Options): Promise<Json>;
    createOrUpdate(rg: string, name: string, body: Json, o?: Options): Promise<Json>;
    delete(rg: string, name: string, o?: Options): Promise<void>;
    listByResourceGroup(rg: string, o?: Options): AsyncIterable<Json>;
  };
}

export async function monitorClient(c: AlertsConnection): Promise<MonitorLike> {
  const { MonitorClient } = await import('@azure/arm-monitor');
  return new MonitorClient(c.credential, c.subscriptionId, { endpoint: c.resourceManager, credentials: { scopes: [`${c.audience.replace(/\/$/, '')}/.default`] } }) as unknown as MonitorLike;
}

const statusOf = (e: unknown): number | undefined => (e as { statusCode?: number }).statusCode;

function serviceError(what: string, e: unknown): StepError {
  const code = (e as { code?: string }).code;
  return new StepError('service', `Azure Monitor refused to ${what}: ${code ? `${code}: ` : ''}${(e as Error).message}`);
}

async function getOrUndefined(f: () => Promise<Json>, what: string): Promise<Json | undefined> {
  try {
    return await f();
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw serviceError(`read ${what}`, e);
  }
}

const hashUri = (u: unknown) => (typeof u === 'string' ? `sha256:${createHash('sha256').update(u).digest('hex').slice(0, 16)}` : u);
function hideWebhooks(g: Json | undefined): Json | undefined {
  if (!g) return g;
  const hooks = Array.isArray(g.webhookReceivers) ? g.webhookReceivers.map((w: Json) => ({ ...w, serviceUri: hashUri(w.serviceUri) })) : g.webhookReceivers;
  return { ...g, webhookReceivers: hooks };
}

/** Compared without `location` (the service answers `global` for `Global`). */
const comparable = (m: Json): Json => ({ ...m, location: undefined });

export interface PlannedAlerts {
  outcome: AlertsOutcome;
  /** Performs the planned changes, in order (nothing when there are none). */
  apply(): Promise<void>;
}

/**
 * Reads and compares everything once: the outcome says what differs, `apply` writes exactly that. `signal` ends
 * every Azure Monitor call at the step's deadline.
 */
export async function planAlerts(monitor: MonitorLike, plan: AlertsPlan, signal?: AbortSignal): Promise<PlannedAlerts> {
  const { target: t } = plan;
  const o: Options = signal ? { abortSignal: signal } : {};
  const rg = t.resourceGroup;
  const sub = /^\/subscriptions\/([^/]+)\//i.exec(t.endpointId)?.[1] ?? '';
  const out: AlertsOutcome = { ruleIds: [], changes: [] };
  const writes: (() => Promise<unknown>)[] = [];

  // 1. Where alerts go: the named action group (it must exist), or ours.
  let groupId = plan.actionGroupId;
  if (groupId) {
    const m = /\/resourceGroups\/([^/]+)\/providers\/microsoft\.insights\/actionGroups\/([^/]+)$/i.exec(groupId);
    if (!m || !(await getOrUndefined(() => monitor.actionGroups.get(m[1]!, m[2]!, o), `action group ${groupId}`))) {
      throw new StepError('not-found', `Action group ${groupId} does not exist.`, { input: 'action-group', hint: 'Give the ARM id of an existing action group, or leave action-group empty to have one made from alert-emails and alert-webhook.' });
    }
  } else if (plan.emails.length || plan.webhook) {
    const name = `${t.owner}-alerts`;
    groupId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/microsoft.insights/actionGroups/${name}`;
    const desired = actionGroupModel(t.owner, plan.emails, plan.webhook);
    const live = await getOrUndefined(() => monitor.actionGroups.get(rg, name, o), `action group ${name}`);
    const differences = live ? subsetDifferences(hideWebhooks(comparable(desired)), hideWebhooks(live), ['tags']).filter((d) => !d.startsWith('tags.')) : [];
    if (!live || differences.length) {
      out.changes.push({ action: live ? 'update' : 'create', kind: 'action group', name, differences });
      writes.push(() => monitor.actionGroups.createOrUpdate(rg, name, desired, o).catch((e) => Promise.reject(serviceError(`write action group ${name}`, e))));
    }
  }
  out.actionGroupId = groupId;

  // 2. One rule per signal, on the live deployment.
  const wanted = new Set<string>();
  for (const r of plan.rules) {
    const name = ruleName(t.owner, r.signal);
    wanted.add(name.toLowerCase());
    const desired = metricAlertModel(r, t, groupId);
    const live = await getOrUndefined(() => monitor.metricAlerts.get(rg, name, o), `alert rule ${name}`);
    const differences = live ? subsetDifferences(comparable(desired), live) : [];
    if (!live || differences.length) {
      out.changes.push({ action: live ? 'update' : 'create', kind: 'alert rule', name, differences });
      writes.push(() => monitor.metricAlerts.createOrUpdate(rg, name, desired, o).catch((e) => Promise.reject(serviceError(`write alert rule ${name}`, e))));
    }
    out.ruleIds.push(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Insights/metricAlerts/${name}`);
  }

  // 3. Rules this step made for the endpoint whose signal is no longer asked for.
  try {
    for await (const rule of monitor.metricAlerts.listByResourceGroup(rg, o)) {
      const name = String(rule.name ?? '');
      const tags = (rule.tags ?? {}) as Record<string, string>;
      if (tags['aml-lifecycle.monitor'] !== t.owner || wanted.has(name.toLowerCase()) || !name.startsWith(`${t.owner}-`)) continue;
      out.changes.push({ action: 'delete', kind: 'alert rule', name, differences: [] });
      writes.push(() => monitor.metricAlerts.delete(rg, name, o).catch((e) => Promise.reject(serviceError(`delete alert rule ${name}`, e))));
    }
  } catch (e) {
    if (e instanceof StepError) throw e;
    throw serviceError('list the alert rules', e);
  }
  return {
    outcome: out,
    apply: async () => {
      for (const w of writes) await w();
    },
  };
}

/** Plans and (unless `dryRun`) applies in one go. */
export async function applyAlerts(monitor: MonitorLike, plan: AlertsPlan, dryRun: boolean, signal?: AbortSignal): Promise<AlertsOutcome> {
  const planned = await planAlerts(monitor, plan, signal);
  if (!dryRun) await planned.apply();
  return planned.outcome;
}
