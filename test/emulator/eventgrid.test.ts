/**
 * Event Grid below the step: the project's events library (monitoring/events) writes the workspace's breach
 * subscription through @azure/arm-eventgrid to the emulator, which runs the webhook validation handshake, stores
 * the subscription without ever returning its URL, and checks the body as the service does; a rerun writes
 * nothing; a changed webhook is re-validated; a webhook that does not answer the handshake fails the write with
 * the service's reason. Published workspace events reach the webhook only when the filter lets them through.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { startRecorder, type Recorder } from '../support/http-recorder';
import { ClientSecretCredential } from '@azure/identity';
import { eventGridClient, planEvents, subscriptionModel } from '../../shared/src/monitoring/events/subscription';
import { BREACH_PHRASE, BREACH_TAG } from '../../shared/src/monitoring/breach';
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
let hook: Recorder;
let base: string;
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { eventType: string; data: Record<string, unknown> }[];
}
let seen = 0;
/** What the webhook received since the last `forget()`. */
const received = (): Received[] => hook.requests.slice(seen).map((r) => ({ path: r.url ?? '', headers: r.headers, body: JSON.parse(r.body) }));
const forget = () => (seen = hook.requests.length);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 100 });
  // /silent never answers the handshake (as an Azure DevOps incoming webhook does not).
  hook = await startRecorder((r) =>
    r.headers['aeg-event-type'] === 'SubscriptionValidation' && !r.url?.startsWith('/silent') ? { status: 200, body: { validationResponse: JSON.parse(r.body)[0].data.validationCode } } : { status: 200 },
  );
  base = hook.url;
}, 60_000);
afterAll(async () => {
  await hook.close();
  await t.stop();
});

const wsId = () => t.wsPath;
/** An Event Grid ARM request (api-version 2022-06-15, the SDK's, unless given). */
const arm = async <T = any>(_t: TestEmulator, method: string, path: string, body?: unknown, apiVersion = '2022-06-15') => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await _t.arm(method, path, body, { apiVersion });
  return { status: r.status, json: r.json as T };
};
const subPath = (name: string) => `${wsId()}/providers/Microsoft.EventGrid/eventSubscriptions/${name}`;

async function grid() {
  const { identity } = await t.world();
  const app = identity.apps[0];
  const credential = new ClientSecretCredential(identity.tenantId, app.appId, app.secrets[0].value, { authorityHost: t.emu.env.AML_AUTHORITY_HOST, disableInstanceDiscovery: true });
  return eventGridClient({ credential, subscriptionId: t.sub, resourceManager: t.url, audience: 'https://management.azure.com' });
}

async function publish(runTags: Record<string, string>) {
  const r = await t.control('POST', '/eventgrid/publish', {
    workspaceId: wsId(),
    eventType: 'Microsoft.MachineLearningServices.RunStatusChanged',
    subject: 'experiments/m/runs/r1',
    data: { runId: 'r1', runTags, runStatus: 'Failed' },
  });
  return (r.json as { deliveries: { status?: number; to: string }[] }).deliveries;
}

test('the breach subscription is validated, written once, never shows its URL, and delivers only breaches', async () => {
  const g = await grid();
  const plan = { workspaceId: wsId(), name: 'credit-monitor-breach', monitor: 'credit-monitor', webhook: `${base}/relay?code=hook-key-123` };
  const first = await planEvents(g, plan);
  expect(first.outcome.change?.action).toBe('create');
  await first.apply();
  const handshake = received().find((r) => r.headers['aeg-event-type'] === 'SubscriptionValidation');
  expect(handshake?.body[0].eventType).toBe('Microsoft.EventGrid.SubscriptionValidationEvent');

  const live = await arm<{ properties: Record<string, any> }>(t, 'GET', subPath(plan.name), undefined, '2022-06-15'); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(live.status).toBe(200);
  expect(live.json.properties.provisioningState).toBe('Succeeded');
  expect(live.json.properties.topic.toLowerCase()).toBe(wsId().toLowerCase());
  expect(live.json.properties.destination.properties.endpointBaseUrl).toBe(`${base}/relay`);
  expect(JSON.stringify(live.json)).not.toContain('hook-key-123');
  const full = await arm<{ endpointUrl: string }>(t, 'POST', `${subPath(plan.name)}/getFullUrl`, undefined, '2022-06-15');
  expect(full.json.endpointUrl).toBe(plan.webhook);

  // Rerun: nothing differs. A new key in the URL: an update, shown by hash only.
  expect((await planEvents(g, plan)).outcome.change).toBeUndefined();
  const moved = await planEvents(g, { ...plan, webhook: `${base}/relay?code=hook-key-456` });
  expect(moved.outcome.change?.action).toBe('update');
  expect(moved.outcome.change?.differences.join('\n')).toMatch(/^destination\.endpointUrl: sha256:[0-9a-f]{16} → sha256:[0-9a-f]{16}$/);
  expect(JSON.stringify(moved.outcome)).not.toContain('hook-key');

  forget();
  const breach = `The signal 'data-drift' ${BREACH_PHRASE}. [{"group":"age","metric_name":"jensen_shannon_distance","metric_value":0.4,"threshold_value":0.1}]`;
  const delivered = await publish({ [BREACH_TAG]: breach });
  expect(delivered).toEqual([expect.objectContaining({ status: 200, to: `${base}/relay` })]);
  expect(received()).toHaveLength(1);
  expect(received()[0]!.path).toBe('/relay?code=hook-key-123');
  expect(received()[0]!.headers['aeg-event-type']).toBe('Notification');
  expect(received()[0]!.body[0].data.runTags).toEqual({ [BREACH_TAG]: breach });
  // A run that failed for another reason, or carries the tag without the phrase, is filtered out.
  expect(await publish({})).toEqual([]);
  expect(await publish({ [BREACH_TAG]: 'nothing breached' })).toEqual([]);
  expect(received()).toHaveLength(1);
});

test('a webhook that does not answer the validation handshake fails the write with the service reason', async () => {
  const g = await grid();
  const planned = await planEvents(g, { workspaceId: wsId(), name: 'silent-breach', monitor: 'silent', webhook: `${base}/silent` });
  await expect(planned.apply()).rejects.toThrow(/validation handshake failed for http:\/\/127\.0\.0\.1:\d+\/silent/);
});

test('bodies are checked as the service checks them', async () => {
  const good = subscriptionModel({ workspaceId: wsId(), name: 'x', monitor: 'm', webhook: `${base}/relay` });
  const rest = (m: Record<string, any>) => ({ properties: { ...m, destination: { endpointType: 'WebHook', properties: { endpointUrl: `${base}/relay` } } } }); // eslint-disable-line @typescript-eslint/no-explicit-any
  const put = (name: string, body: unknown) => arm<{ error: { message: string } }>(t, 'PUT', subPath(name), body, '2022-06-15');
  expect((await put('a_b', rest(good))).json.error.message).toMatch(/3 to 64 characters/);
  expect((await put('bad-type', rest({ filter: { includedEventTypes: ['Microsoft.Storage.BlobCreated'] } }))).json.error.message).toMatch(/not published by topic type Microsoft\.MachineLearningServices\.Workspaces/);
  const many = { filter: { advancedFilters: [{ operatorType: 'StringIn', key: 'data.runStatus', values: Array.from({ length: 26 }, (_, i) => `s${i}`) }] } };
  expect((await put('too-many', rest(many))).json.error.message).toMatch(/limit is 25/);
  const plain = { properties: { destination: { endpointType: 'WebHook', properties: { endpointUrl: 'http://example.com/hook' } } } };
  expect((await put('plain-http', plain)).json.error.message).toMatch(/must be an https URL/);
  expect((await arm(t, 'PUT', subPath('old-api'), rest(good), '2018-01-01')).status).toBe(400);
});
