/**
 * The loop back to retraining: an Event Grid subscription on the workspace (the scope form, through
 * @azure/arm-eventgrid, loaded on first use) for the run status changes of monitor runs that breached a threshold,
 * filtered as Azure ML documents it (event type Microsoft.MachineLearningServices.RunStatusChanged, advanced filter
 * StringContains on `data.RunTags.azureml_modelmonitor_threshold_breached`; not the v1 "dataset drift" event),
 * delivering to a webhook: an Azure DevOps incoming webhook or the relay the templates provide. Read once, compared
 * (only what we set), written only when it differs. The service never returns the webhook URL (it may carry a key):
 * it is compared through `getFullUrl`, by hash, and never appears in a plan.
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { StepError } from '../../core/errors';
import { subsetDifferences } from '../../specs/common/subset-diff';
import { BREACH_PHRASE, BREACH_TAG } from '../breach';

type Json = Record<string, unknown>;
type Options = { abortSignal?: AbortSignal };

export const RUN_STATUS_CHANGED = 'Microsoft.MachineLearningServices.RunStatusChanged';
export const BREACH_FILTER_KEY = `data.RunTags.${BREACH_TAG}`;
export const MONITOR_LABEL = 'aml-lifecycle.monitor:';

export interface EventsConnection {
  credential: TokenCredential;
  subscriptionId: string;
  resourceManager: string;
  audience: string;
}

interface EventGridLike {
  eventSubscriptions: {
    get(scope: string, name: string, o?: Options): Promise<Json>;
    getFullUrl(scope: string, name: string, o?: Options): Promise<{ endpointUrl?: string }>;
    beginCreateOrUpdateAndWait(scope: string, name: string, body: Json, o?: Options): Promise<Json>;
  };
}

export async function eventGridClient(c: EventsConnection): Promise<EventGridLike> {
  const { EventGridManagementClient } = await import('@azure/arm-eventgrid');
  return new EventGridManagementClient(c.credential, c.subscriptionId, { endpoint: c.resourceManager, credentialScopes: [`${c.audience.replace(/\/$/, '')}/.default`] }) as unknown as EventGridLike;
}

/** Event Grid subscription names: 3-64 letters, digits and '-'. */
const NAME = /^[A-Za-z0-9-]{3,64}$/;
export function subscriptionNameProblem(name: string): string | undefined {
  return NAME.test(name) ? undefined : `'${name}' is not a valid event subscription name: 3 to 64 letters, digits and '-'`;
}

/** `<monitor>-breach`, made valid: '_' becomes '-', and a long name keeps its start and a hash of the whole. */
export function defaultSubscriptionName(monitor: string): string {
  const base = monitor.replace(/[^A-Za-z0-9-]/g, '-');
  const name = `${base}-breach`;
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(monitor).digest('hex').slice(0, 8);
  return `${base.slice(0, 64 - 16)}-${hash}-breach`;
}

export interface EventsPlan {
  /** ARM id of the workspace (the scope, and the system topic) */
  workspaceId: string;
  name: string;
  monitor: string;
  webhook: string;
}

export interface EventsOutcome {
  id: string;
  name: string;
  /** Scheme, host and path of the webhook (its query may carry a key) */
  deliversTo: string;
  change?: { action: 'create' | 'update'; differences: string[] };
}

export function subscriptionModel(plan: EventsPlan): Json {
  return {
    destination: { endpointType: 'WebHook', endpointUrl: plan.webhook, maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64 },
    filter: {
      includedEventTypes: [RUN_STATUS_CHANGED],
      advancedFilters: [{ operatorType: 'StringContains', key: BREACH_FILTER_KEY, values: [BREACH_PHRASE] }],
    },
    labels: ['aml-lifecycle', `${MONITOR_LABEL}${plan.monitor}`],
    eventDeliverySchema: 'EventGridSchema',
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
  };
}

export function baseOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

const hash = (u: string) => `sha256:${createHash('sha256').update(u).digest('hex').slice(0, 16)}`;
const statusOf = (e: unknown): number | undefined => (e as { statusCode?: number }).statusCode;
function serviceError(what: string, e: unknown): StepError {
  const code = (e as { code?: string }).code;
  const message = (e as Error).message;
  const handshake = /validation handshake/i.test(message);
  return new StepError('service', `Event Grid refused to ${what}: ${code ? `${code}: ` : ''}${message}`, {
    input: 'event-webhook',
    ...(handshake
      ? { hint: "Event Grid only delivers to a webhook that answers its validation handshake. An Azure DevOps incoming webhook does not: point event-webhook at the relay in workflows-templates/relay, which answers it and forwards to Azure DevOps or GitHub." }
      : {}),
  });
}

export interface PlannedEvents {
  outcome: EventsOutcome;
  apply(): Promise<void>;
}

/** Reads the live subscription once and says what differs; `apply` writes exactly that. */
export async function planEvents(grid: EventGridLike, plan: EventsPlan, signal?: AbortSignal): Promise<PlannedEvents> {
  const o: Options = signal ? { abortSignal: signal } : {};
  const scope = plan.workspaceId;
  const desired = subscriptionModel(plan);
  const outcome: EventsOutcome = { id: `${scope}/providers/Microsoft.EventGrid/eventSubscriptions/${plan.name}`, name: plan.name, deliversTo: baseOf(plan.webhook) };
  let live: Json | undefined;
  try {
    live = await grid.eventSubscriptions.get(scope, plan.name, o);
  } catch (e) {
    if (statusOf(e) !== 404) throw serviceError(`read event subscription ${plan.name}`, e);
  }
  let differences: string[] = [];
  if (live) {
    const { endpointUrl: _u, ...destination } = desired.destination as Json;
    differences = subsetDifferences({ ...desired, destination }, live);
    if (!/^succeeded$/i.test(String(live.provisioningState ?? 'Succeeded'))) differences.push(`provisioningState: ${String(live.provisioningState)} → Succeeded`);
    let full: string | undefined;
    try {
      full = (await grid.eventSubscriptions.getFullUrl(scope, plan.name, o)).endpointUrl;
    } catch (e) {
      throw serviceError(`read the endpoint of event subscription ${plan.name}`, e);
    }
    if (!full || hash(full) !== hash(plan.webhook)) differences.push(`destination.endpointUrl: ${full ? hash(full) : '(none)'} → ${hash(plan.webhook)}`);
  }
  if (!live || differences.length) outcome.change = { action: live ? 'update' : 'create', differences };
  return {
    outcome,
    apply: async () => {
      if (!outcome.change) return;
      let written: Json;
      try {
        written = await grid.eventSubscriptions.beginCreateOrUpdateAndWait(scope, plan.name, desired, o);
      } catch (e) {
        throw serviceError(`write event subscription ${plan.name}`, e);
      }
      const state = String(written?.provisioningState ?? 'Succeeded');
      if (!/^succeeded$/i.test(state)) throw new StepError('service', `Event subscription ${plan.name} reports provisioning state ${state} after the write.`);
    },
  };
}
