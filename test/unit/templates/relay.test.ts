/**
 * The monitor-breach relay (workflows-templates/relay/relay.js) as the Functions host calls it: the Event Grid
 * validation handshake, the key check, breach events forwarded to GitHub repository_dispatch or an Azure DevOps
 * incoming webhook (signed with the connection's secret), other events dropped, failed forwards answered 502 so
 * Event Grid retries. The forwards go to real local HTTP servers.
 */
import { createHmac } from 'node:crypto';
import { startRecorder, type Recorder } from '../../support/http-recorder';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handle, breachOf } = require('../../../workflows-templates/relay/relay.js');

const TAG = 'azureml_modelmonitor_threshold_breached';
const breachText = `The signal 'data-drift' has failed due to one or more features violating metric thresholds. [{"group":"age"}] The signal 'quality' has failed due to one or more features violating metric thresholds. []`;
const event = (runTags: Record<string, string>, eventType = 'Microsoft.MachineLearningServices.RunStatusChanged') => ({
  id: 'e1',
  topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw',
  subject: 'experiments/credit/runs/r1',
  eventType,
  eventTime: '2026-12-04T00:00:00Z',
  data: { runId: 'r1', experimentName: 'credit', runTags, runProperties: { 'azureml.modelmonitor.schedule': 'credit-monitor' }, runStatus: 'Failed' },
});
const notification = (events: unknown[], query: Record<string, string> = {}) => ({ method: 'POST', headers: { 'aeg-event-type': 'Notification' }, query, body: JSON.stringify(events) });

let server: Recorder;
let base: string;
let got: Recorder['requests'];
let answer = 204;
beforeAll(async () => {
  server = await startRecorder(() => ({ status: answer }));
  base = server.url;
  got = server.requests;
});
afterAll(() => server.close());
beforeEach(() => {
  got.length = 0;
  answer = 204;
});

test('answers the validation handshake with the code Event Grid sent', async () => {
  const a = await handle({ method: 'POST', headers: { 'aeg-event-type': 'SubscriptionValidation' }, query: {}, body: JSON.stringify([{ eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc-123' } }]) }, {});
  expect(a).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ validationResponse: 'abc-123' }) });
});

test('a breach goes to repository_dispatch with the monitor, run, workspace and signal names only', async () => {
  const logs: string[] = [];
  const env = { RELAY_TARGET: 'github', GITHUB_API_URL: base, GITHUB_REPOSITORY: 'contoso/credit', GITHUB_TOKEN: 'ghs_x', RELAY_EVENT_TYPE: 'retrain' };
  const a = await handle(notification([event({ [TAG]: breachText })]), env, fetch, (l: string) => logs.push(l));
  expect(a.status).toBe(200);
  expect(got).toHaveLength(1);
  expect(got[0]!.url).toBe('/repos/contoso/credit/dispatches');
  expect(got[0]!.headers.authorization).toBe('Bearer ghs_x');
  const sent = JSON.parse(got[0]!.body);
  expect(sent).toEqual({ event_type: 'retrain', client_payload: expect.objectContaining({ monitor: 'credit-monitor', run: 'r1', workspace: 'mlw', signals: ['data-drift', 'quality'] }) });
  expect(got[0]!.body).not.toContain('"group"');
  expect(logs).toEqual(['forwarded breach of credit-monitor (run r1, data-drift, quality) to repository_dispatch to contoso/credit']);
});

test('to Azure DevOps: the incoming webhook gets the breach, signed as the service connection checks it', async () => {
  const env = { RELAY_TARGET: 'azure-devops', ADO_WEBHOOK_URL: `${base}/_apis/public/distributedtask/webhooks/monitorBreach?api-version=6.0-preview`, ADO_WEBHOOK_SECRET: 's3cret' };
  expect((await handle(notification([event({ [TAG]: breachText })]), env)).status).toBe(200);
  expect(got[0]!.url).toBe('/_apis/public/distributedtask/webhooks/monitorBreach?api-version=6.0-preview');
  expect(got[0]!.headers['x-hub-signature']).toBe(`sha1=${createHmac('sha1', 's3cret').update(got[0]!.body).digest('hex')}`);
  expect(JSON.parse(got[0]!.body)).toMatchObject({ monitor: 'credit-monitor', signals: ['data-drift', 'quality'], eventType: 'Microsoft.MachineLearningServices.RunStatusChanged' });
});

test('other events are dropped; a failed forward answers 502 so Event Grid retries; a wrong key is refused', async () => {
  const env = { RELAY_TARGET: 'github', GITHUB_API_URL: base, GITHUB_REPOSITORY: 'contoso/credit', GITHUB_TOKEN: 'ghs_x', RELAY_KEY: 'k1' };
  expect((await handle(notification([event({})], { key: 'k1' }), env)).status).toBe(200);
  expect((await handle(notification([event({ [TAG]: breachText }, 'Microsoft.MachineLearningServices.RunCompleted')], { key: 'k1' }), env)).status).toBe(200);
  expect(got).toHaveLength(0);
  answer = 500;
  expect((await handle(notification([event({ [TAG]: breachText })], { key: 'k1' }), env)).status).toBe(502);
  expect((await handle(notification([event({ [TAG]: breachText })], { key: 'k2' }), env)).status).toBe(401);
  expect((await handle({ ...notification([]), body: 'not json' }, {})).status).toBe(400);
  expect((await handle({ method: 'GET', headers: {}, query: {}, body: '' }, {})).status).toBe(405);
});

test('breachOf reads the tag case-insensitively and never trusts its text', () => {
  const e = event({});
  (e.data as Record<string, unknown>).RunTags = { [TAG.toUpperCase()]: breachText };
  delete (e.data as Record<string, unknown>).runTags;
  expect(breachOf(e)).toMatchObject({ signals: ['data-drift', 'quality'] });
  expect(breachOf(event({ [TAG]: '::set-output name=x::y' }))).toBeUndefined();
});
