// The scoring URI answers like a managed online endpoint: auth by authMode, routing by header or traffic,
// mirroring, the service's status codes, and test behaviour layered on top of a real python scoring script.
import { startTestEmulator, type TestEmulator } from './harness';
import { INPUT, PREDICTIONS, endpointPath, keysOf, putEndpoint, score, seedDeployment } from './scoring-helpers';

let t: TestEmulator;
let uri: string;
let key: string;

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 100 });
  await putEndpoint(t, 'ep-route', 'Key');
  for (const [name, color] of [['blue', 'blue'], ['green', 'green']]) {
    const r = await seedDeployment(t, 'ep-route', name, { environmentVariables: { DEPLOYMENT_COLOR: color }, requestTimeoutMs: 1500 });
    expect(r.json.ok).toBe(true);
  }
  const ep = await putEndpoint(t, 'ep-route', 'Key', { blue: 90, green: 10 });
  uri = ep.properties.scoringUri;
  key = (await keysOf(t, 'ep-route')).primaryKey;
  await t.control('POST', '/scoring/seed', { seed: 7 });
});
afterAll(() => t.stop());
afterEach(() => t.control('DELETE', '/scoring/behaviour'));

test('the scoring URI runs the real script: init() loaded the model file, run() predicts', async () => {
  const r = await score(uri, key, INPUT, { 'azureml-model-deployment': 'blue' });
  expect(r.status).toBe(200);
  expect(r.json).toEqual({ predictions: PREDICTIONS, color: 'blue' });
  expect(r.headers.get('azureml-model-deployment')).toBe('blue');
  expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('Key auth: 401 without a credential or with a wrong key; the secondary key works', async () => {
  expect((await score(uri, undefined, INPUT)).status).toBe(401);
  expect((await score(uri, 'not-the-key', INPUT)).status).toBe(401);
  const { secondaryKey } = await keysOf(t, 'ep-route');
  expect((await score(uri, secondaryKey, INPUT)).status).toBe(200);
});

test('AMLToken auth accepts the endpoint token and nothing else; AADToken wants an ml.azure.com Entra token', async () => {
  const aml = await putEndpoint(t, 'ep-amltoken', 'AMLToken');
  expect((await seedDeployment(t, 'ep-amltoken', 'blue')).json.ok).toBe(true);
  await putEndpoint(t, 'ep-amltoken', 'AMLToken', { blue: 100 });
  const token = (await t.control('POST', `/scoring/token?endpointId=${encodeURIComponent(endpointPath(t, 'ep-amltoken'))}`)).json;
  expect(token).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String), expiryTimeUtc: expect.any(Number) });
  expect((await score(aml.properties.scoringUri, token.accessToken, INPUT)).status).toBe(200);
  expect((await score(aml.properties.scoringUri, key, INPUT)).status).toBe(401);
  // A token of another endpoint does not open this one.
  const other = (await t.control('POST', `/scoring/token?endpointId=${encodeURIComponent(endpointPath(t, 'ep-route'))}`)).json;
  expect((await score(aml.properties.scoringUri, other.accessToken, INPUT)).status).toBe(401);

  const aad = await putEndpoint(t, 'ep-aad', 'AADToken');
  expect((await seedDeployment(t, 'ep-aad', 'blue')).json.ok).toBe(true);
  await putEndpoint(t, 'ep-aad', 'AADToken', { blue: 100 });
  const mlToken = await t.token(undefined, 'https://ml.azure.com/.default');
  const armToken = await t.token();
  expect((await score(aad.properties.scoringUri, mlToken, INPUT)).status).toBe(200);
  const wrongAudience = await score(aad.properties.scoringUri, armToken, INPUT);
  expect(wrongAudience.status).toBe(401);
  expect(wrongAudience.json.message).toMatch(/audience/);
});

test('the azureml-model-deployment header picks the deployment; an unknown one is 404', async () => {
  const green = await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' });
  expect(green.json.color).toBe('green');
  expect(green.headers.get('azureml-model-deployment')).toBe('green');
  expect((await score(uri, key, INPUT, { 'azureml-model-deployment': 'purple' })).status).toBe(404);
});

test('traffic 90/10 splits 400 requests within a binomial tolerance', async () => {
  const counts: Record<string, number> = { blue: 0, green: 0 };
  for (let i = 0; i < 400; i++) {
    const r = await score(uri, key, INPUT);
    expect(r.status).toBe(200);
    counts[r.json.color]++;
    expect(r.headers.get('azureml-model-deployment')).toBe(r.json.color);
  }
  // Expected 40 green; sd = sqrt(400 * 0.1 * 0.9) = 6, so ±4 sd is [16, 64] (the routing RNG is seeded besides).
  expect(counts.green).toBeGreaterThanOrEqual(16);
  expect(counts.green).toBeLessThanOrEqual(64);
  expect(counts.blue + counts.green).toBe(400);
});

test('all traffic at 0: 404 "no valid deployment with positive weight"', async () => {
  await putEndpoint(t, 'ep-zero', 'Key');
  expect((await seedDeployment(t, 'ep-zero', 'blue')).json.ok).toBe(true);
  const ep = await putEndpoint(t, 'ep-zero', 'Key', { blue: 0 });
  const k = (await keysOf(t, 'ep-zero')).primaryKey;
  const r = await score(ep.properties.scoringUri, k, INPUT);
  expect(r.status).toBe(404);
  expect(r.json.message).toBe("The endpoint doesn't have any valid deployment with positive weight.");
  expect((await score(ep.properties.scoringUri, k, INPUT, { 'azureml-model-deployment': 'blue' })).status).toBe(200);
});

test('a script error is 424 with the model status headers; a slow script is 408', async () => {
  const r = await score(uri, key, { ...INPUT, fail: true }, { 'azureml-model-deployment': 'blue' });
  expect(r.status).toBe(424);
  expect(r.headers.get('ms-azureml-model-error-statuscode')).toBe('500');
  expect(r.headers.get('ms-azureml-model-error-reason')).toBe('Internal Server Error');
  const slow = await score(uri, key, { ...INPUT, sleep: 3 }, { 'azureml-model-deployment': 'blue' });
  expect(slow.status).toBe(408);
  const logs = (await t.control('GET', `/scoring/logs?id=${encodeURIComponent(`${endpointPath(t, 'ep-route')}/deployments/blue`)}`)).json.content;
  expect(logs).toMatch(/ValueError: asked to fail/);
  expect(logs).toMatch(/model loaded: 2 weights/);
});

test('behaviour layering: added latency, error rate and fixed output', async () => {
  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-route', deployment: 'green', latencyMs: 300 });
  const t0 = Date.now();
  expect((await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' })).status).toBe(200);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-route', deployment: 'green', errorRate: 0.5, errorStatus: 503 });
  const statuses: number[] = [];
  for (let i = 0; i < 60; i++) statuses.push((await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' })).status);
  const failed = statuses.filter((s) => s === 503).length;
  expect(failed).toBeGreaterThanOrEqual(12);
  expect(failed).toBeLessThanOrEqual(48);
  expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);

  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-route', deployment: 'green', output: { fixed: true } });
  expect((await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' })).json).toEqual({ fixed: true });

  await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-route', deployment: 'green', latencyMs: 5000 });
  expect((await score(uri, key, INPUT, { 'azureml-model-deployment': 'green' })).status).toBe(408);

  expect((await t.control('POST', '/scoring/behaviour', { endpoint: 'ep-route', deployment: 'green', errorRate: 2 })).status).toBe(400);
});
