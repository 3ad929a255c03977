/**
 * Event Grid delivery, as the service does it for a WebHook event subscription:
 *  - the validation handshake when a subscription is created or its endpoint changes: a
 *    `Microsoft.EventGrid.SubscriptionValidationEvent` POSTed with `aeg-event-type: SubscriptionValidation`; the
 *    endpoint must answer 200 with `{"validationResponse": "<validationCode>"}`;
 *  - filtering (included event types, subject prefix/suffix, advanced filters with keys matched case-insensitively
 *    as the service does, so `data.RunTags.x` reads `data.runTags.x`);
 *  - delivery in the Event Grid schema (a JSON array), `aeg-event-type: Notification`, retried on 408, 429, 5xx and
 *    network errors up to the subscription's maxDeliveryAttempts (bounded here to 3, 200 ms apart); every attempt's
 *    outcome is kept in the outbox (`GET /_emulator/eventgrid/deliveries`).
 */
import { randomUUID } from 'node:crypto';
import type { Json } from '../state/model';
import { isObject } from '../http';

export interface GridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Json;
  dataVersion: string;
  metadataVersion: '1';
}

export interface Delivery {
  subscription: string;
  eventType: string;
  eventId: string;
  /** Scheme, host and path only (the query of a webhook URL may carry a key). */
  to: string;
  attempts: number;
  status?: number;
  error?: string;
  at: string;
}

const TIMEOUT_MS = 10_000;

/** The URL without its query and fragment: what may be shown (the service's endpointBaseUrl). */
export function baseUrlOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}

/** Runs the validation handshake; undefined when the endpoint echoed the code, else the service's reason. */
export async function validationHandshake(endpointUrl: string, topic: string, validationBase: string): Promise<string | undefined> {
  const code = randomUUID();
  const event = {
    id: randomUUID(),
    topic,
    subject: '',
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: new Date().toISOString(),
    data: { validationCode: code, validationUrl: `${validationBase}/_emulator/eventgrid/validate?id=${code}` },
    dataVersion: '1',
    metadataVersion: '1',
  };
  const reason = (why: string) => `Webhook validation handshake failed for ${baseUrlOf(endpointUrl)}. ${why} For troubleshooting, visit https://aka.ms/esvalidation.`;
  try {
    const r = await fetch(endpointUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([event]),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await r.text();
    if (r.status !== 200) return reason(`Http POST request failed with response code ${r.status}.`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return reason('The response was not JSON with a validationResponse.');
    }
    const echoed = isObject(answer) ? answer.validationResponse : undefined;
    return echoed === code ? undefined : reason('The validationResponse did not match the validationCode that was sent.');
  } catch (e) {
    return reason(`Http POST request failed: ${(e as Error).message}.`);
  }
}

/** A value at a dotted key, each segment matched case-insensitively. */
export function valueAt(event: Json, key: string): unknown {
  let v: unknown = event;
  for (const seg of key.split('.')) {
    if (!isObject(v)) return undefined;
    const k = Object.keys(v).find((x) => x.toLowerCase() === seg.toLowerCase());
    v = k === undefined ? undefined : v[k];
  }
  return v;
}

/**
 * Tag names may contain dots; the service reads `data.RunTags.<tag>` with the whole rest as the tag name when the
 * dotted walk finds nothing.
 */
function lookup(event: Json, key: string): unknown {
  const direct = valueAt(event, key);
  if (direct !== undefined) return direct;
  const parts = key.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = valueAt(event, parts.slice(0, i).join('.'));
    if (isObject(head)) {
      const rest = parts.slice(i).join('.').toLowerCase();
      const k = Object.keys(head).find((x) => x.toLowerCase() === rest);
      if (k !== undefined) return head[k];
    }
  }
  return undefined;
}

export const STRING_OPERATORS = ['StringContains', 'StringNotContains', 'StringBeginsWith', 'StringNotBeginsWith', 'StringEndsWith', 'StringNotEndsWith', 'StringIn', 'StringNotIn'];
export const NUMBER_OPERATORS = ['NumberGreaterThan', 'NumberGreaterThanOrEquals', 'NumberLessThan', 'NumberLessThanOrEquals', 'NumberIn', 'NumberNotIn'];
export const OTHER_OPERATORS = ['BoolEquals', 'IsNullOrUndefined', 'IsNotNull'];

function filterHolds(f: Json, event: Json): boolean {
  const op = String(f.operatorType);
  const v = lookup(event, String(f.key ?? ''));
  const values = Array.isArray(f.values) ? f.values : [];
  if (op === 'IsNullOrUndefined') return v === undefined || v === null;
  if (op === 'IsNotNull') return v !== undefined && v !== null;
  if (op === 'BoolEquals') return typeof v === 'boolean' && v === f.value;
  if (op.startsWith('Number')) {
    const n = typeof v === 'number' ? v : NaN;
    const x = Number(f.value);
    switch (op) {
      case 'NumberGreaterThan':
        return n > x;
      case 'NumberGreaterThanOrEquals':
        return n >= x;
      case 'NumberLessThan':
        return n < x;
      case 'NumberLessThanOrEquals':
        return n <= x;
      case 'NumberIn':
        return values.includes(n);
      default:
        return !values.includes(n);
    }
  }
  // String comparisons are case-insensitive; a missing key never matches a positive operator.
  const s = typeof v === 'string' ? v.toLowerCase() : undefined;
  const vs = values.map((x) => String(x).toLowerCase());
  const negative = op.includes('Not');
  if (s === undefined) return negative;
  const any = (p: (x: string) => boolean) => vs.some(p);
  switch (op.replace('Not', '')) {
    case 'StringContains':
      return negative !== any((x) => s.includes(x));
    case 'StringBeginsWith':
      return negative !== any((x) => s.startsWith(x));
    case 'StringEndsWith':
      return negative !== any((x) => s.endsWith(x));
    default:
      return negative !== vs.includes(s);
  }
}

/** Does the subscription's filter let the event through? */
export function passesFilter(filter: Json, event: GridEvent): boolean {
  const types = Array.isArray(filter.includedEventTypes) ? filter.includedEventTypes.map((t) => String(t).toLowerCase()) : undefined;
  if (types && types.length && !types.includes(event.eventType.toLowerCase())) return false;
  const cs = filter.isSubjectCaseSensitive === true;
  const subj = cs ? event.subject : event.subject.toLowerCase();
  const norm = (x: unknown) => (cs ? String(x) : String(x).toLowerCase());
  if (typeof filter.subjectBeginsWith === 'string' && filter.subjectBeginsWith && !subj.startsWith(norm(filter.subjectBeginsWith))) return false;
  if (typeof filter.subjectEndsWith === 'string' && filter.subjectEndsWith && !subj.endsWith(norm(filter.subjectEndsWith))) return false;
  const adv = Array.isArray(filter.advancedFilters) ? filter.advancedFilters : [];
  return adv.every((f) => isObject(f) && filterHolds(f, event as unknown as Json));
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** Delivers one event to a webhook, retrying as the service does (bounded); the outcome of the last attempt. */
export async function deliver(subscription: string, endpointUrl: string, maxAttempts: number, event: GridEvent): Promise<Delivery> {
  const d: Delivery = { subscription, eventType: event.eventType, eventId: event.id, to: baseUrlOf(endpointUrl), attempts: 0, at: new Date().toISOString() };
  const attempts = Math.max(1, Math.min(3, maxAttempts));
  for (let i = 0; i < attempts; i++) {
    d.attempts = i + 1;
    delete d.error;
    try {
      const r = await fetch(endpointUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aeg-event-type': 'Notification',
          'aeg-subscription-name': subscription.toUpperCase(),
          'aeg-delivery-count': String(i),
          'aeg-data-version': event.dataVersion,
          'aeg-metadata-version': event.metadataVersion,
        },
        body: JSON.stringify([event]),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await r.arrayBuffer();
      d.status = r.status;
      if (!retryable(r.status)) return d;
    } catch (e) {
      d.error = (e as Error).message;
    }
    if (i + 1 < attempts) await new Promise((res) => setTimeout(res, 200));
  }
  return d;
}
