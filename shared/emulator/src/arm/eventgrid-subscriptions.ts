/**
 * Event Grid event subscriptions on a workspace (`{workspace}/providers/Microsoft.EventGrid/eventSubscriptions/{name}`,
 * the scope form; the workspace is the system topic, type Microsoft.MachineLearningServices.Workspaces), checked as
 * the service checks them: the name (3-64 letters, digits, '-'), a WebHook destination with an https (or loopback
 * http) URL, batch limits, event types the workspace publishes, advanced filters (known operators, at most 25
 * values in all, each string at most 512 characters), the delivery schema and the retry policy. A new or changed
 * endpoint is validated by the handshake (eventgrid/deliver.ts) before the write; a failed handshake fails the
 * create operation with the service's reason. PUT is a long-running operation (201 + Azure-AsyncOperation,
 * Creating/Updating → Succeeded); the endpoint URL is never returned (only `endpointBaseUrl`), `getFullUrl` gives
 * it to whoever may read the subscription. DELETE is 200 (204 when there is nothing).
 */
import type { Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { ArmCall, PrepareCall, ResourceTypeHandler } from './call';
import { armError } from './errors';
import { getResource, page, propertiesOf, putResource, systemData } from './resource-helpers';
import { render } from './render';
import { startOperation } from '../lro/operation';
import { busy } from '../lro/settle';
import { mfeCreateHeaders } from '../lro/poll-urls';
import { conflict } from './online-endpoints';
import { retryAfter } from './batch-endpoints';
import { baseUrlOf, NUMBER_OPERATORS, OTHER_OPERATORS, STRING_OPERATORS, validationHandshake } from '../eventgrid/deliver';

export const EVENTGRID = 'Microsoft.EventGrid';
export const EVENT_SUBSCRIPTION_TYPE = `${EVENTGRID}/eventSubscriptions`;
const API_VERSIONS = ['2020-06-01', '2021-12-01', '2022-06-15', '2023-12-15-preview', '2024-06-01-preview', '2025-02-15'];
/** The events a workspace publishes (the system topic type Microsoft.MachineLearningServices.Workspaces). */
export const WORKSPACE_EVENT_TYPES = ['ModelRegistered', 'ModelDeployed', 'RunCompleted', 'DatasetDriftDetected', 'RunStatusChanged'].map((t) => `Microsoft.MachineLearningServices.${t}`);
const SCHEMAS = ['EventGridSchema', 'CloudEventSchemaV1_0', 'CustomInputSchema'];
const NAME = /^[A-Za-z0-9-]{3,64}$/;
/** The ML api-version the poll URLs carry (the LRO engine's polling routes are the ML provider's). */
const POLL_API_VERSION = '2024-10-01';

const bad = (message: string): Reply => armError(400, 'BadRequest', message);

function loopbackOrHttps(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'));
  } catch {
    return false;
  }
}

/** The WebHook destination's properties (REST nests them under destination.properties). */
function webhookOf(p: Json): Json | undefined {
  const d = isObject(p.destination) ? p.destination : undefined;
  return d && d.endpointType === 'WebHook' && isObject(d.properties) ? d.properties : undefined;
}

export function subscriptionProblem(name: string, body: unknown): string | undefined {
  if (!NAME.test(name)) return `Event subscription name '${name}' is invalid: it must be 3 to 64 characters long and hold only letters, digits and '-'.`;
  const p = isObject(body) && isObject(body.properties) ? body.properties : undefined;
  if (!p) return "'properties' is required.";
  const d = isObject(p.destination) ? p.destination : undefined;
  if (!d) return "'properties.destination' is required.";
  if (d.endpointType !== 'WebHook') return `Destination endpointType '${String(d.endpointType)}' is not emulated (WebHook only).`;
  const w = webhookOf(p) ?? {};
  if (typeof w.endpointUrl !== 'string' || !w.endpointUrl) return "The attribute 'EndpointUrl' is required for a WebHook destination.";
  if (!loopbackOrHttps(w.endpointUrl)) return "The attribute 'EndpointUrl' has an invalid value: the webhook endpoint must be an https URL.";
  if (w.maxEventsPerBatch !== undefined && !(Number.isInteger(w.maxEventsPerBatch) && (w.maxEventsPerBatch as number) >= 1 && (w.maxEventsPerBatch as number) <= 5000)) return "'maxEventsPerBatch' must be an integer from 1 to 5000.";
  if (w.preferredBatchSizeInKilobytes !== undefined && !(Number.isInteger(w.preferredBatchSizeInKilobytes) && (w.preferredBatchSizeInKilobytes as number) >= 1 && (w.preferredBatchSizeInKilobytes as number) <= 1024)) return "'preferredBatchSizeInKilobytes' must be an integer from 1 to 1024.";
  const f = isObject(p.filter) ? p.filter : {};
  for (const t of Array.isArray(f.includedEventTypes) ? f.includedEventTypes : []) {
    if (!WORKSPACE_EVENT_TYPES.some((k) => k.toLowerCase() === String(t).toLowerCase())) return `Event type '${String(t)}' is not published by topic type Microsoft.MachineLearningServices.Workspaces; it publishes ${WORKSPACE_EVENT_TYPES.join(', ')}.`;
  }
  const adv = Array.isArray(f.advancedFilters) ? f.advancedFilters : [];
  let total = 0;
  for (const [i, raw] of adv.entries()) {
    const a = isObject(raw) ? raw : {};
    const op = String(a.operatorType);
    if (![...STRING_OPERATORS, ...NUMBER_OPERATORS, ...OTHER_OPERATORS].includes(op)) return `advancedFilters[${i}]: operatorType '${op}' is not valid.`;
    if (typeof a.key !== 'string' || !a.key) return `advancedFilters[${i}]: 'key' is required.`;
    const multi = STRING_OPERATORS.includes(op) || op === 'NumberIn' || op === 'NumberNotIn';
    if (multi) {
      const vs = Array.isArray(a.values) ? a.values : [];
      if (!vs.length) return `advancedFilters[${i}]: 'values' must hold at least one value for ${op}.`;
      if (STRING_OPERATORS.includes(op) && vs.some((v) => typeof v !== 'string' || v.length > 512)) return `advancedFilters[${i}]: each value must be a string of at most 512 characters.`;
      total += vs.length;
    } else total += 1;
  }
  if (total > 25) return `Advanced filters hold ${total} values; the limit is 25 across all filters of a subscription.`;
  if (p.eventDeliverySchema !== undefined && !SCHEMAS.includes(String(p.eventDeliverySchema))) return `'eventDeliverySchema' '${String(p.eventDeliverySchema)}' is not one of ${SCHEMAS.join(', ')}.`;
  const r = isObject(p.retryPolicy) ? p.retryPolicy : {};
  if (r.maxDeliveryAttempts !== undefined && !(Number.isInteger(r.maxDeliveryAttempts) && (r.maxDeliveryAttempts as number) >= 1 && (r.maxDeliveryAttempts as number) <= 30)) return "'retryPolicy.maxDeliveryAttempts' must be an integer from 1 to 30.";
  if (r.eventTimeToLiveInMinutes !== undefined && !(Number.isInteger(r.eventTimeToLiveInMinutes) && (r.eventTimeToLiveInMinutes as number) >= 1 && (r.eventTimeToLiveInMinutes as number) <= 1440)) return "'retryPolicy.eventTimeToLiveInMinutes' must be an integer from 1 to 1440.";
  if (p.labels !== undefined && !(Array.isArray(p.labels) && p.labels.every((l) => typeof l === 'string'))) return "'labels' must be an array of strings.";
  return undefined;
}

const nameOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
const topicOf = (id: string) => id.slice(0, id.toLowerCase().lastIndexOf(`/providers/${EVENT_SUBSCRIPTION_TYPE.toLowerCase()}/`));

/** The stored subscription's endpoint URL (full, with its query). */
export function endpointUrlOf(res: StoredResource): string | undefined {
  const w = webhookOf(propertiesOf(res.body));
  return typeof w?.endpointUrl === 'string' ? w.endpointUrl : undefined;
}

/** As the service answers: the endpoint URL replaced by its base. */
function view(res: StoredResource): Json {
  const out = render(res);
  const p = propertiesOf(out);
  const w = webhookOf(p);
  if (w) {
    // New objects all the way down: the stored resource (and a shared snapshot) keeps its URL.
    const { endpointUrl, ...rest } = w;
    out.properties = { ...p, destination: { ...(p.destination as Json), properties: { ...rest, endpointBaseUrl: baseUrlOf(String(endpointUrl ?? '')) } } };
  }
  return out;
}

/** The handshake runs before the lock, only when the endpoint is new or changed. */
async function prepare(c: PrepareCall): Promise<{ handshake?: string }> {
  if (subscriptionProblem(nameOf(c.id), c.body)) return {};
  const url = String(webhookOf((c.body as { properties: Json }).properties)?.endpointUrl);
  const prev = getResource(c.state as never, c.id);
  if (prev && endpointUrlOf(prev) === url) return {};
  return { handshake: (await validationHandshake(url, topicOf(c.id), c.baseUrl)) ?? 'ok' };
}

function put(c: ArmCall): Reply {
  const name = nameOf(c.id);
  const problem = subscriptionProblem(name, c.body);
  if (problem) return bad(problem);
  const prev = getResource(c.state, c.id);
  if (busy(c.state, prev, c.now)) return conflict(c);
  const p = (c.body as { properties: Json }).properties;
  const url = String(webhookOf(p)?.endpointUrl);
  const handshake = (c.prepared as { handshake?: string } | undefined)?.handshake;
  // The endpoint changed between the handshake and the lock: validate again on the next PUT.
  if (!handshake && (!prev || endpointUrlOf(prev) !== url)) return armError(409, 'Conflict', `Event subscription '${name}' changed while it was being validated; retry.`);
  const topic = topicOf(c.id);
  const filter = isObject(p.filter) ? p.filter : {};
  const properties: Json = {
    topic,
    destination: { endpointType: 'WebHook', properties: { maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64, ...webhookOf(p) } },
    filter: { subjectBeginsWith: '', subjectEndsWith: '', isSubjectCaseSensitive: false, enableAdvancedFilteringOnArrays: false, ...filter },
    labels: Array.isArray(p.labels) ? p.labels : [],
    eventDeliverySchema: p.eventDeliverySchema ?? 'EventGridSchema',
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440, ...(isObject(p.retryPolicy) ? p.retryPolicy : {}) },
  };
  const running = prev ? 'Updating' : 'Creating';
  const failed = handshake && handshake !== 'ok' ? handshake : undefined;
  const parent = getResource(c.state, c.parentId);
  const op = startOperation(c.state, {
    resourceId: c.id,
    resourceType: EVENT_SUBSCRIPTION_TYPE,
    kind: prev ? 'update' : 'create',
    prefix: 'egs',
    subscriptionId: c.subscriptionId,
    workspaceId: String(propertiesOf(parent?.body ?? {}).workspaceId ?? ''),
    location: String(parent?.body.location ?? 'eastus'),
    runningStatus: running,
    now: c.now,
    ...(failed ? { failure: { code: 'Url validation', message: failed } } : {}),
  });
  const desired: Json = { properties, systemData: systemData(prev?.body.systemData as Json | undefined, c) };
  const withState = (b: Json, s: string): Json => ({ ...b, properties: { ...propertiesOf(b), provisioningState: s } });
  // A failed re-validation leaves the subscription as it was (the service keeps the old endpoint).
  const pending = failed && prev ? prev.body : desired;
  const stored = putResource(c.state, { id: c.id, type: EVENT_SUBSCRIPTION_TYPE, createdSeq: prev?.createdSeq, body: withState(prev ? prev.body : desired, running), pending, opId: op.id });
  return { status: 201, headers: { ...mfeCreateHeaders(c.baseUrl, op, POLL_API_VERSION, c.state.signingKey), 'Retry-After': retryAfter(op) }, body: view({ ...stored, body: withState(desired, running) }) };
}

export const eventSubscriptionHandlers: ResourceTypeHandler = {
  namespace: EVENTGRID,
  path: ['eventSubscriptions'],
  parentTypes: ['Microsoft.MachineLearningServices/workspaces'],
  apiVersions: API_VERSIONS,
  list: (c) =>
    page(
      c,
      Object.values(c.state.resources)
        .filter((r) => r.type === EVENT_SUBSCRIPTION_TYPE && topicOf(r.id).toLowerCase() === c.parentId.toLowerCase())
        .sort((a, b) => a.createdSeq - b.createdSeq)
        .map(view),
    ),
  get: (c) => {
    const r = getResource(c.state, c.id);
    return r && r.type === EVENT_SUBSCRIPTION_TYPE ? { status: 200, body: view(r) } : armError(404, 'ResourceNotFound', `The event subscription '${nameOf(c.id)}' was not found.`);
  },
  prepare,
  put,
  delete: (c) => {
    const r = getResource(c.state, c.id);
    if (!r || r.type !== EVENT_SUBSCRIPTION_TYPE) return { status: 204 };
    if (busy(c.state, r, c.now)) return conflict(c);
    delete c.state.resources[r.id.toLowerCase()];
    return { status: 200 };
  },
  actions: {
    getfullurl: (c) => {
      const r = getResource(c.state, c.id);
      if (!r || r.type !== EVENT_SUBSCRIPTION_TYPE) return armError(404, 'ResourceNotFound', `The event subscription '${nameOf(c.id)}' was not found.`);
      return { status: 200, body: { endpointUrl: endpointUrlOf(r) ?? '' } };
    },
  },
};
