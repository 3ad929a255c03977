/**
 * Infrastructure alerts end to end below the step: the project's alerts library (monitoring/alerts) writes an action
 * group and metric alert rules through @azure/arm-monitor to the emulator, which validates them as Azure Monitor
 * does; a rerun writes nothing; an injected latency on the live deployment makes the p95 rule fire on evaluation
 * and its action group's webhook receives the common alert schema; the rule resolves when the traffic is fast again.
 */
import { startRecorder, type Recorder } from '../support/http-recorder';
import { ClientSecretCredential } from '@azure/identity';
import { applyAlerts, monitorClient } from '../../shared/src/monitoring/alerts/apply';
import { parseAlertRules } from '../../shared/src/monitoring/alerts/rules';
import { startTestEmulator, type TestEmulator } from './harness';
import { INPUT, endpointPath, keysOf, putEndpoint, score, seedDeployment } from './scoring-helpers';

let t: TestEmulator;
let hook: Recorder;
let hookUrl: string;
const received = (): any[] => hook.requests.map((r) => JSON.parse(r.body)); // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 100 });
  hook = await startRecorder();
  hookUrl = `${hook.url}/alerts?code=secret-key`;
}, 60_000);
afterAll(async () => {
  await hook.close();
  await t.stop();
});

async function monitor() {
  const { identity } = await t.world();
  const app = identity.apps[0];
  const credential = new ClientSecretCredential(identity.tenantId, app.appId, app.secrets[0].value, { authorityHost: t.emu.env.AML_AUTHORITY_HOST, disableInstanceDiscovery: true });
  return monitorClient({ credential, subscriptionId: t.sub, resourceManager: t.url, audience: 'https://management.azure.com' });
}

test('rules and action group are written once, fire on injected latency, notify the webhook, and resolve', async () => {
  await putEndpoint(t, 'ep-alerts', 'Key');
  expect((await seedDeployment(t, 'ep-alerts', 'blue')).json.ok).toBe(true);
  const ep = await putEndpoint(t, 'ep-alerts', 'Key', { blue: 100 });
  const key = (await keysOf(t, 'ep-alerts')).primaryKey;
  const m = await monitor();
  const plan = {
    target: { endpointId: endpointPath(t, 'ep-alerts'), endpointName: 'ep-alerts', deploymentName: 'blue', resourceGroup: 'rg-demo', owner: 'ep-alerts' },
    rules: parseAlertRules('latency-p95 > 300ms\nerrors-5xx > 10'),
    emails: ['oncall@contoso.com'],
    webhook: hookUrl,
  };
  const first = await applyAlerts(m, plan, false);
  expect(first.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['create action group ep-alerts-alerts', 'create alert rule ep-alerts-latency-p95', 'create alert rule ep-alerts-errors-5xx']);
  expect(first.ruleIds).toHaveLength(2);
  const again = await applyAlerts(m, plan, false);
  expect(again.changes).toEqual([]);
  // Taking a signal out deletes its rule; changing the webhook updates the group without printing the URL.
  const fewer = await applyAlerts(m, { ...plan, rules: plan.rules.slice(0, 1), webhook: `${hookUrl}&v=2` }, true);
  expect(fewer.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['update action group ep-alerts-alerts', 'delete alert rule ep-alerts-errors-5xx']);
  expect(JSON.stringify(fewer.changes)).not.toContain('secret-key');

  // A rule the service would refuse: a metric the deployment does not have.
  const bad = await t.arm('PUT', `/subscriptions/${t.sub}/resourceGroups/rg-demo/providers/Microsoft.Insights/metricAlerts/bad?api-version=2026-01-01`, {
    location: 'global',
    properties: { severity: 2, enabled: true, scopes: [`${endpointPath(t, 'ep-alerts')}/deployments/blue`], evaluationFrequency: 'PT1M', windowSize: 'PT5M', criteria: { 'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria', allOf: [{ criterionType: 'StaticThresholdCriterion', name: 'x', metricName: 'NoSuchMetric', operator: 'GreaterThan', threshold: 1, timeAggregation: 'Average' }] } },
  });
  expect(bad.status).toBe(400);
  expect(bad.json.error.message).toMatch(/Couldn't find a metric named NoSuchMetric/);

  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-alerts', deployment: 'blue', latencyMs: 400 });
  for (let i = 0; i < 4; i++) expect((await score(ep.properties.scoringUri, key, INPUT)).status).toBe(200);
  const fired = (await t.control('POST', '/alerts/evaluate')).json.rules;
  expect(fired.find((r: { id: string }) => /latency-p95$/.test(r.id))).toMatchObject({ condition: 'Fired', changed: true });
  expect(fired.find((r: { id: string }) => /errors-5xx$/.test(r.id))).toMatchObject({ condition: 'Resolved', changed: false });
  expect(received()).toHaveLength(1);
  expect(received()[0]).toMatchObject({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { alertRule: 'ep-alerts-latency-p95', monitorCondition: 'Fired', signalType: 'Metric' } } });
  expect(received()[0].data.alertContext.condition.allOf[0]).toMatchObject({ metricName: 'RequestLatency_P95', operator: 'GreaterThan', threshold: '300' });
  expect(received()[0].data.alertContext.condition.allOf[0].metricValue).toBeGreaterThan(300);
  const outbox = (await t.control('GET', '/alerts/notifications')).json.notifications;
  expect(outbox.filter((n: { kind: string }) => n.kind === 'email').map((n: { to: string }) => n.to)).toEqual(['oncall@contoso.com']);
  // Evaluated again with nothing changed: no second notification.
  await t.control('POST', '/alerts/evaluate');
  expect(received()).toHaveLength(1);

  // The rule reads the last five minutes: evaluated a window later (no slow requests in it), it resolves.
  await t.control('DELETE', '/scoring/behaviour');
  const later = (await t.control('POST', '/alerts/evaluate', { at: Date.now() + 6 * 60_000 })).json.rules;
  expect(later.find((r: { id: string }) => /latency-p95$/.test(r.id))).toMatchObject({ condition: 'Resolved', changed: true });
  expect(received().map((r) => r.data.essentials.monitorCondition)).toEqual(['Fired', 'Resolved']);
}, 90_000);
