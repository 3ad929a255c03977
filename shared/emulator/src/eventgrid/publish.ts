/**
 * Publishing a workspace's events to its Event Grid subscriptions (those that succeeded provisioning and whose
 * filter lets the event through), and the control routes that show what was delivered:
 * `GET /_emulator/eventgrid/deliveries`, `DELETE /_emulator/eventgrid/deliveries`, and `POST /_emulator/eventgrid/publish`
 * (an event as the workspace would publish it, e.g. to try a relay).
 */
import { randomUUID } from 'node:crypto';
import type { JsonStore } from '../state/json-store';
import type { ArmState, Json } from '../state/model';
import type { Reply } from '../http';
import { isObject, json } from '../http';
import { propertiesOf } from '../arm/resource-helpers';
import { settle } from '../lro/settle';
import { EVENT_SUBSCRIPTION_TYPE, endpointUrlOf } from '../arm/eventgrid-subscriptions';
import { deliver, passesFilter, type Delivery, type GridEvent } from './deliver';

export interface EventGridDeps {
  store: JsonStore<ArmState>;
  /** Every delivery's outcome, newest last */
  deliveries: Delivery[];
}

export async function publishWorkspaceEvent(deps: EventGridDeps, workspaceId: string, eventType: string, subject: string, data: Json): Promise<Delivery[]> {
  const state = deps.store.read();
  settle(state, Date.now());
  const event: GridEvent = { id: randomUUID(), topic: workspaceId, subject, eventType, eventTime: new Date().toISOString(), data, dataVersion: '2', metadataVersion: '1' };
  const prefix = `${workspaceId}/providers/${EVENT_SUBSCRIPTION_TYPE}/`.toLowerCase();
  const out: Delivery[] = [];
  for (const sub of Object.values(state.resources)) {
    if (sub.type !== EVENT_SUBSCRIPTION_TYPE || !sub.id.toLowerCase().startsWith(prefix)) continue;
    const p = propertiesOf(sub.body);
    const url = endpointUrlOf(sub);
    if (p.provisioningState !== 'Succeeded' || !url) continue;
    if (!passesFilter((p.filter ?? {}) as Json, event)) continue;
    const retry = (p.retryPolicy ?? {}) as Json;
    const d = await deliver(sub.id.slice(sub.id.lastIndexOf('/') + 1), url, Number(retry.maxDeliveryAttempts ?? 30), event);
    out.push(d);
    deps.deliveries.push(d);
  }
  return out;
}

export async function handleEventGridControl(deps: EventGridDeps, method: string, url: URL, body?: Buffer): Promise<Reply | undefined> {
  const route = url.pathname.replace(/\/+$/, '');
  if (route === '/_emulator/eventgrid/publish') {
    // `{workspaceId, eventType, subject, data}`: an event as the workspace would publish it.
    if (method !== 'POST') return json(405, { error: { code: 'MethodNotAllowed', message: 'POST publishes an event.' } });
    let e: Json;
    try {
      e = JSON.parse(body?.toString('utf8') || '{}') as Json;
    } catch {
      return json(400, { error: { code: 'BadRequest', message: 'invalid JSON' } });
    }
    if (typeof e.workspaceId !== 'string' || typeof e.eventType !== 'string' || typeof e.subject !== 'string' || !isObject(e.data)) {
      return json(400, { error: { code: 'BadRequest', message: 'workspaceId, eventType and subject (strings) and data (an object) are required.' } });
    }
    return json(200, { deliveries: await publishWorkspaceEvent(deps, e.workspaceId, e.eventType, e.subject, e.data) });
  }
  if (route !== '/_emulator/eventgrid/deliveries') return undefined;
  if (method === 'GET') return json(200, { deliveries: deps.deliveries });
  if (method === 'DELETE') {
    deps.deliveries.length = 0;
    return { status: 204 };
  }
  return json(405, { error: { code: 'MethodNotAllowed', message: 'GET or DELETE the deliveries.' } });
}
