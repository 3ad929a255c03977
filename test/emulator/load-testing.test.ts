/**
 * The emulated Azure Load Testing: the seeded loadTests resource through ARM, and its data plane (tests, files with
 * their validation, test runs ACCEPTED → PROVISIONING → EXECUTING → DONE, :stop, Azure.Core errors), with the load
 * really driven at a local server by the project's engine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildJmx } from '../../shared/src/loadtesting/jmx';
import { http, sleep, startTestEmulator, type HttpResult, type TestEmulator } from './harness';

const SCOPE = 'https://cnt-prod.loadtesting.azure.com/.default';
const V = '2022-11-01';
let t: TestEmulator;
let target: Server;
let targetUrl: string;
const seen: { auth?: string; deployment?: string; body: string }[] = [];

beforeAll(async () => {
  t = await startTestEmulator();
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, deployment: req.headers['azureml-model-deployment'] as string | undefined, body });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[0.5]'), 5);
    });
  });
  await new Promise<void>((ok) => target.listen(0, '127.0.0.1', () => ok()));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/score`;
});
afterAll(async () => {
  await t.stop();
  await new Promise((ok) => target.close(ok));
});

const ltId = () => `/subscriptions/${t.sub}/resourceGroups/${t.emu.env.AML_RESOURCE_GROUP}/providers/Microsoft.LoadTestService/loadTests/lt-demo`;

async function dataPlane(): Promise<string> {
  const r = await t.arm('GET', ltId(), undefined, { apiVersion: '2022-12-01' });
  return `https://${r.json.properties.dataPlaneURI}`;
}

async function dp(method: string, path: string, body?: unknown, opts: { contentType?: string; token?: string | null; apiVersion?: string | null; query?: Record<string, string> } = {}): Promise<HttpResult> {
  const url = new URL(`${await dataPlane()}${path}`);
  if (opts.apiVersion !== null) url.searchParams.set('api-version', opts.apiVersion ?? V);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const token = opts.token === undefined ? await t.token(undefined, SCOPE) : opts.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (typeof body === 'string') {
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/merge-patch+json';
    payload = JSON.stringify(body);
  }
  return http(url.toString(), { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
}

const jmx = (durationS: number) => buildJmx({ name: 't', url: targetUrl, deployment: 'green', headers: {}, bodies: ['{"data": [[1]]}', '{"data": [[2]]}'], threads: 2, rampUpS: 0, durationS, timeoutMs: 5000, secretName: 'endpoint-credential' });

async function testWithJmx(testId: string, plan: string, secret = { type: 'SECRET_VALUE', value: 'secret-xyz' }): Promise<void> {
  const created = await dp('PATCH', `/tests/${testId}`, {
    displayName: 'emulator test',
    loadTestConfiguration: { engineInstances: 1 },
    secrets: { 'endpoint-credential': secret },
    passFailCriteria: { passFailMetrics: { a: { clientmetric: 'response_time_ms', aggregate: 'p95', condition: '>', value: 10_000, action: 'continue' }, b: { clientmetric: 'error', aggregate: 'percentage', condition: '>', value: 0, action: 'continue' } } },
  });
  expect(created.status).toBe(201);
  expect((await dp('PUT', `/tests/${testId}/files/plan.jmx`, plan, { query: { fileType: 'JMX_FILE' } })).status).toBe(201);
  for (let i = 0; i < 50; i++) {
    const f = await dp('GET', `/tests/${testId}/files/plan.jmx`);
    if (f.json.validationStatus !== 'VALIDATION_INITIATED') return;
    await sleep(100);
  }
}

async function runUntil(runId: string, done: (status: string) => boolean, timeoutMs = 20_000): Promise<{ statuses: string[]; last: HttpResult }> {
  const statuses: string[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await dp('GET', `/test-runs/${runId}`);
    if (statuses[statuses.length - 1] !== r.json.status) statuses.push(r.json.status);
    if (done(r.json.status) || Date.now() > until) return { statuses, last: r };
    await sleep(50);
  }
}

describe('the loadTests resource through ARM', () => {
  test('lt-demo is seeded, with its data plane URI', async () => {
    const r = await t.arm('GET', ltId(), undefined, { apiVersion: '2022-12-01' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'lt-demo', type: 'Microsoft.LoadTestService/loadTests', location: 'eastus', properties: { provisioningState: 'Succeeded' } });
    expect(r.json.properties.dataPlaneURI).toBe(`${new URL(t.url).host}/loadtesting/${r.json.properties.dataPlaneURI.split('/').pop()}`);
    const missing = await t.arm('GET', ltId().replace(/lt-demo$/, 'nope'), undefined, { apiVersion: '2022-12-01' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
  });
});

describe('the data plane', () => {
  test('tokens and api-versions', async () => {
    expect((await dp('GET', '/tests/x1', undefined, { token: null })).status).toBe(401);
    const arm = await dp('GET', '/tests/x1', undefined, { token: await t.token() });
    expect(arm.status).toBe(401);
    const noVersion = await dp('GET', '/tests/x1', undefined, { apiVersion: null });
    expect([noVersion.status, noVersion.json.error.code, noVersion.headers.get('x-ms-error-code')]).toEqual([400, 'MissingApiVersionParameter', 'MissingApiVersionParameter']);
    expect((await dp('GET', '/tests/x1')).json.error.code).toBe('TestNotFound');
  });

  test('bad test bodies are refused with Azure errors; a test is created, then merged', async () => {
    expect((await dp('PATCH', '/tests/t-bad', { loadTestConfiguration: { engineInstances: 1 } }, { contentType: 'application/json' })).status).toBe(415);
    const zero = await dp('PATCH', '/tests/t-bad', { loadTestConfiguration: { engineInstances: 0 } });
    expect([zero.status, zero.json.error.code]).toEqual([400, 'InvalidRequestBody']);
    expect(zero.json.error.message).toMatch(/engineInstances/);
    expect((await dp('PATCH', '/tests/t-bad', { displayName: 'no engines' })).json.error.message).toMatch(/engineInstances' is required/);
    expect((await dp('PATCH', '/tests/t-bad', { loadTestConfiguration: { engineInstances: 1 }, passFailCriteria: { passFailMetrics: { x: { clientmetric: 'error', aggregate: 'p95', condition: '>', value: 1 } } } })).json.error.message).toMatch(/aggregate/);
    expect((await dp('PATCH', '/tests/t-bad', { loadTestConfiguration: { engineInstances: 1 }, secrets: { s: { type: 'PLAIN', value: 'x' } } })).json.error.message).toMatch(/secrets\.s\.type/);
    expect((await dp('PATCH', '/tests/Upper', { loadTestConfiguration: { engineInstances: 1 } })).json.error.code).toBe('InvalidTestId');
    const created = await dp('PATCH', '/tests/t-merge', { displayName: 'one', loadTestConfiguration: { engineInstances: 2 }, secrets: { k: { type: 'SECRET_VALUE', value: 'hidden' } } });
    expect(created.status).toBe(201);
    expect(created.json.secrets).toEqual({ k: { type: 'SECRET_VALUE' } });
    const merged = await dp('PATCH', '/tests/t-merge', { displayName: 'two', secrets: { k: null } });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ testId: 't-merge', displayName: 'two', loadTestConfiguration: { engineInstances: 2 } });
    expect(merged.json.secrets).toEqual({});
  });

  test('a JMX file the emulator cannot run fails validation, and no run starts on it', async () => {
    await dp('PATCH', '/tests/t-invalid', { loadTestConfiguration: { engineInstances: 1 } });
    const up = await dp('PUT', '/tests/t-invalid/files/x.jmx', jmx(1).replace('<HeaderManager', '<ConstantTimer testname="t"></ConstantTimer><hashTree/><HeaderManager'), { query: { fileType: 'JMX_FILE' } });
    expect([up.status, up.json.validationStatus]).toEqual([201, 'NOT_VALIDATED']);
    expect((await dp('GET', '/tests/t-invalid/files/x.jmx')).json.validationStatus).toBe('VALIDATION_INITIATED');
    await sleep(400);
    const f = await dp('GET', '/tests/t-invalid/files/x.jmx');
    expect(f.json).toMatchObject({ validationStatus: 'VALIDATION_FAILURE', validationFailureDetails: expect.stringMatching(/does not run <ConstantTimer>/) });
    const run = await dp('PATCH', '/test-runs/r-invalid', { testId: 't-invalid' });
    expect([run.status, run.json.error.code]).toEqual([400, 'TestScriptValidationFailed']);
    expect((await dp('PUT', '/tests/t-invalid/files/x.jmx', jmx(1), { query: { fileType: 'CSV' } })).json.error.code).toBe('InvalidFileType');
    expect((await dp('PATCH', '/test-runs/r-none', { testId: 'nope' })).json.error.code).toBe('TestNotFound');
    expect((await dp('PATCH', '/test-runs/r-none', { displayName: 'no test' })).json.error.message).toMatch(/testId' is required/);
  });

  test('a run goes ACCEPTED → PROVISIONING → EXECUTING → DONE, really sends the load, and reports statistics', async () => {
    seen.length = 0;
    await testWithJmx('t-run', jmx(2));
    const started = await dp('PATCH', '/test-runs/r-run-1', { testId: 't-run', displayName: 'first run' });
    expect([started.status, started.json.status]).toEqual([201, 'ACCEPTED']);
    const { statuses, last } = await runUntil('r-run-1', (s) => ['DONE', 'FAILED', 'CANCELLED'].includes(s));
    expect(statuses.filter((s) => s !== 'ACCEPTED')).toEqual(['PROVISIONING', 'EXECUTING', 'DONE']);
    const stats = last.json.testRunStatistics.Total;
    expect(stats.sampleCount).toBeGreaterThan(20);
    expect(stats).toMatchObject({ transaction: 'Total', errorCount: 0, errorPct: 0 });
    expect(stats.pct2ResTime).toBeGreaterThanOrEqual(5);
    expect(stats.throughput).toBeGreaterThan(5);
    expect(last.json).toMatchObject({ testResult: 'PASSED', virtualUsers: 2, secrets: { 'endpoint-credential': { type: 'SECRET_VALUE' } } });
    expect(last.json.passFailCriteria.passFailMetrics.a).toMatchObject({ result: 'passed', actualValue: stats.pct2ResTime });
    expect(last.json.portalUrl).toContain('r-run-1');
    expect(new Set(seen.map((s) => s.auth))).toEqual(new Set(['Bearer secret-xyz']));
    expect(new Set(seen.map((s) => s.deployment))).toEqual(new Set(['green']));
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(['{"data": [[1]]}', '{"data": [[2]]}']));
    expect((await dp('PATCH', '/test-runs/r-run-1', { testId: 't-run' })).json.error.code).toBe('TestRunAlreadyExists');
    expect((await dp('GET', '/test-runs', undefined, { query: { testId: 't-run' } })).json.value.map((r: { testRunId: string }) => r.testRunId)).toEqual(['r-run-1']);
  });

  test(':stop cancels an executing run; a finished one cannot be stopped', async () => {
    await testWithJmx('t-stop', jmx(60));
    await dp('PATCH', '/test-runs/r-stop', { testId: 't-stop' });
    await runUntil('r-stop', (s) => s === 'EXECUTING');
    const stop = await dp('POST', '/test-runs/r-stop:stop');
    expect([stop.status, stop.json.status]).toEqual([200, 'CANCELLING']);
    const started = Date.now();
    const { last } = await runUntil('r-stop', (s) => s === 'CANCELLED', 10_000);
    expect(last.json.status).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(5000);
    const again = await dp('POST', '/test-runs/r-stop:stop');
    expect([again.status, again.json.error.code]).toEqual([400, 'InvalidTestRunState']);
  });

  test('a Key Vault secret cannot be read by the emulator: the run fails and says so', async () => {
    await testWithJmx('t-akv', jmx(1), { type: 'AKV_SECRET_URI', value: 'https://kv.vault.azure.net/secrets/key' });
    await dp('PATCH', '/test-runs/r-akv', { testId: 't-akv' });
    const { last } = await runUntil('r-akv', (s) => s === 'FAILED' || s === 'DONE');
    expect(last.json.status).toBe('FAILED');
    expect(last.json.errorDetails[0].message).toMatch(/no Key Vault/);
  });
});
