// Azure Monitor metrics of online endpoints and deployments, computed from the traffic actually scored, over
// REST and through @azure/arm-monitor; mirrored copies count on the mirror deployment only.
import { ClientSecretCredential } from '@azure/identity';
import { MonitorClient } from '@azure/arm-monitor';
import { startTestEmulator, type TestEmulator } from './harness';
import { INPUT, endpointPath, keysOf, putEndpoint, score, seedDeployment } from './scoring-helpers';

let t: TestEmulator;
let from: string;
const MONITOR_API = '2024-02-01';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function metrics(resource: string, q: Record<string, string>): Promise<{ status: number; json: any }> {
  const params = new URLSearchParams({ timespan: `${from}/${new Date(Date.now() + 60000).toISOString()}`, interval: 'PT1H', ...q });
  return t.arm('GET', `${resource}/providers/Microsoft.Insights/metrics?${params.toString()}`, undefined, { apiVersion: MONITOR_API });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function totalsBy(json: any, dim: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ts of json.value[0].timeseries) {
    const key = ts.metadatavalues.find((m: { name: { value: string } }) => m.name.value === dim)?.value ?? '';
    out[key] = ts.data.reduce((a: number, p: { total?: number }) => a + (p.total ?? 0), 0);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 100 });
  from = new Date(Date.now() - 60000).toISOString();
  await putEndpoint(t, 'ep-metrics', 'Key');
  for (const name of ['blue', 'green']) {
    expect((await seedDeployment(t, 'ep-metrics', name, { environmentVariables: { DEPLOYMENT_COLOR: name } })).json.ok).toBe(true);
  }
  const ep = await putEndpoint(t, 'ep-metrics', 'Key', { blue: 100 }, { green: 50 });
  const key = (await keysOf(t, 'ep-metrics')).primaryKey;
  await t.control('POST', '/scoring/seed', { seed: 11 });
  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-metrics', deployment: 'green', latencyMs: 60 });
  const uri = ep.properties.scoringUri;
  // 40 unpinned (blue answers; about half are copied to green), 10 pinned to green, 3 failing on blue, 2 unauthenticated.
  for (let i = 0; i < 40; i++) {
    const r = await score(uri, key, INPUT);
    expect(r.json.color).toBe('blue');
  }
  for (let i = 0; i < 10; i++) expect((await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' })).status).toBe(200);
  for (let i = 0; i < 3; i++) expect((await score(uri, key, { fail: true }, { 'azureml-model-deployment': 'blue' })).status).toBe(424);
  for (let i = 0; i < 2; i++) expect((await score(uri, 'wrong', INPUT)).status).toBe(401);
  await new Promise((r) => setTimeout(r, 300)); // the last mirrored copies finish
});
afterAll(() => t.stop());

test('endpoint RequestsPerMinute totals by deployment and status class match the requests sent', async () => {
  const ep = endpointPath(t, 'ep-metrics');
  const byDeployment = await metrics(ep, { metricnames: 'RequestsPerMinute', aggregation: 'Total', $filter: "deployment eq '*'" });
  expect(byDeployment.status).toBe(200);
  expect(byDeployment.json).toMatchObject({ namespace: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints', resourceregion: 'eastus', interval: 'PT1H' });
  expect(byDeployment.json.value[0]).toMatchObject({ type: 'Microsoft.Insights/metrics', name: { value: 'RequestsPerMinute' }, unit: 'Count' });
  // Mirrored copies are not endpoint traffic; the 401s were not routed to a deployment.
  expect(totalsBy(byDeployment.json, 'deployment')).toEqual({ blue: 43, green: 10, '': 2 });

  const classes = await metrics(ep, { metricnames: 'RequestsPerMinute', aggregation: 'Total', $filter: "statusCodeClass eq '*'" });
  expect(totalsBy(classes.json, 'statusCodeClass')).toEqual({ '2xx': 50, '4xx': 5 });
  const model = await metrics(ep, { metricnames: 'RequestsPerMinute', aggregation: 'Total', $filter: "deployment eq 'blue' and modelStatusCode eq '500'" });
  expect(totalsBy(model.json, 'modelStatusCode')).toEqual({ '500': 3 });
  const notOk = await metrics(ep, { metricnames: 'RequestsPerMinute', aggregation: 'Total', $filter: "deployment eq 'green' and statusCodeClass ne '2xx'" });
  // No such traffic: no time series (a split answer has one series per value seen).
  expect(notOk.json.value[0].timeseries).toEqual([]);
});

test('latency percentiles are plausible and follow the added latency', async () => {
  const ep = endpointPath(t, 'ep-metrics');
  const r = await metrics(ep, { metricnames: 'RequestLatency_P50,RequestLatency_P95,RequestLatency', aggregation: 'Average,Maximum,Count', $filter: "deployment eq '*'" });
  expect(r.status).toBe(200);
  const avg = (i: number, d: string) =>
    r.json.value[i].timeseries.find((ts: { metadatavalues: { value: string }[] }) => ts.metadatavalues[0].value === d).data.find((p: { average?: number }) => p.average !== undefined)?.average;
  expect(avg(0, 'green')).toBeGreaterThanOrEqual(55);
  expect(avg(1, 'green')).toBeGreaterThanOrEqual(avg(0, 'green'));
  // Ordered per deployment (blue's own latency depends on the machine's load, so it is not compared with green's).
  expect(avg(1, 'blue')).toBeGreaterThanOrEqual(avg(0, 'blue'));
  expect(avg(0, 'blue')).toBeGreaterThan(0);
  const latency = r.json.value[2].timeseries.find((ts: { metadatavalues: { value: string }[] }) => ts.metadatavalues[0].value === 'green');
  expect(latency.data.reduce((a: number, p: { count: number }) => a + p.count, 0)).toBe(10);
});

test('deployment scope: mirrored copies count on the mirror; CPU, memory and capacity are sampled', async () => {
  const green = `${endpointPath(t, 'ep-metrics')}/deployments/green`;
  const r = await metrics(green, { metricnames: 'RequestsPerMinute', aggregation: 'Total' });
  expect(r.json.namespace).toBe('Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments');
  const total = r.json.value[0].timeseries[0].data.reduce((a: number, p: { total: number }) => a + p.total, 0);
  // 10 pinned plus the mirrored share of 40 (50%: binomial, sd ~3.2).
  expect(total).toBeGreaterThanOrEqual(10 + 8);
  expect(total).toBeLessThanOrEqual(10 + 32);
  const res = await metrics(green, { metricnames: 'CpuUtilizationPercentage,CpuMemoryUtilizationPercentage,DeploymentCapacity', aggregation: 'Average,Maximum' });
  expect(res.status).toBe(200);
  const first = (i: number) => res.json.value[i].timeseries[0].data.find((p: { average?: number }) => p.average !== undefined);
  expect(first(0).average).toBeGreaterThanOrEqual(0);
  expect(first(1).average).toBeGreaterThan(0);
  expect(first(2).maximum).toBe(1);
});

test('unknown metric names and dimensions are the service 400s; definitions list the documented names', async () => {
  const ep = endpointPath(t, 'ep-metrics');
  const bad = await metrics(ep, { metricnames: 'RequestLatency_P95,Nope' });
  expect(bad.status).toBe(400);
  expect(bad.json).toMatchObject({ code: 'BadRequest', message: expect.stringMatching(/^Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: workspaces\/onlineEndpoints, metric: Nope, Valid metrics: /) });
  expect((await metrics(ep, { metricnames: 'RequestLatency_P95', $filter: "color eq 'x'" })).status).toBe(400);
  const defs = await t.arm('GET', `${ep}/providers/Microsoft.Insights/metricDefinitions`, undefined, { apiVersion: '2018-01-01' });
  expect(defs.json.value.map((d: { name: { value: string } }) => d.name.value)).toEqual(
    expect.arrayContaining(['RequestLatency', 'RequestLatency_P50', 'RequestLatency_P90', 'RequestLatency_P95', 'RequestLatency_P99', 'RequestsPerMinute', 'ConnectionsActive', 'NetworkBytes', 'NewConnectionsPerSecond', 'DataCollectionEventsPerMinute']),
  );
  expect((await t.arm('GET', `${ep}/providers/Microsoft.Insights/metrics?metricnames=RequestsPerMinute`, undefined, { apiVersion: '2099-01-01' })).status).toBe(400);
});

test('@azure/arm-monitor MonitorClient reads RequestLatency_P95 and RequestsPerMinute by deployment', async () => {
  const { identity } = await t.world();
  const app = identity.apps[0];
  const credential = new ClientSecretCredential(identity.tenantId, app.appId, app.secrets[0].value, { authorityHost: t.emu.env.AML_AUTHORITY_HOST, disableInstanceDiscovery: true });
  const client = new MonitorClient(credential, t.sub, { endpoint: t.url, credentials: { scopes: ['https://management.azure.com/.default'] } });
  const res = await client.metrics.list(endpointPath(t, 'ep-metrics'), {
    metricnames: 'RequestLatency_P95,RequestsPerMinute',
    timespan: `${from}/${new Date(Date.now() + 60000).toISOString()}`,
    interval: 'PT1M',
    aggregation: 'Average,Total',
    filter: "deployment eq 'green'",
  });
  expect(res.namespace).toBe('Microsoft.MachineLearningServices/workspaces/onlineEndpoints');
  const [p95, rpm] = res.value;
  expect(p95.name.value).toBe('RequestLatency_P95');
  expect(rpm.timeseries![0].metadatavalues![0]).toMatchObject({ name: { value: 'deployment' }, value: 'green' });
  expect(rpm.timeseries![0].data!.reduce((a, p) => a + (p.total ?? 0), 0)).toBe(10);
  const p95Values = p95.timeseries![0].data!.filter((p) => p.average !== undefined).map((p) => p.average!);
  expect(p95Values.length).toBeGreaterThan(0);
  expect(Math.max(...p95Values)).toBeGreaterThanOrEqual(55);
});
