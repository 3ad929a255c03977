import { sleep, startTestEmulator, type TestEmulator } from './harness';

const LRO_MS = 600;
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: LRO_MS });
});
afterAll(() => t.stop());

const ep = (name: string) => `${t.wsPath}/onlineEndpoints/${name}`;
const endpointBody = (extra: Record<string, unknown> = {}) => ({ location: 'eastus', properties: { authMode: 'Key', ...extra } });

async function pollUntilDone(url: string): Promise<{ statuses: string[]; final: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const statuses: string[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await t.arm('GET', url);
    expect(r.status).toBe(200);
    expect(r.headers.get('retry-after')).toBeNull();
    statuses.push(r.json.status);
    if (['Succeeded', 'Failed', 'Canceled'].includes(r.json.status)) return { statuses, final: r.json };
    await sleep(100);
  }
  throw new Error('operation did not finish');
}

test('create: 201 with Azure-AsyncOperation, Location and timeout; status goes Creating -> Succeeded; resource follows', async () => {
  // The operation lasts LRO_MS from its creation: timed from before the PUT, so a slow machine cannot shorten it.
  const sent = Date.now();
  const put = await t.arm('PUT', ep('ep-create'), endpointBody());
  expect(put.status).toBe(201);
  expect(put.json.properties.provisioningState).toBe('Creating');
  expect(put.json.properties.scoringUri).toBeNull();
  expect(put.headers.get('x-ms-async-operation-timeout')).toBe('PT30M');
  expect(put.headers.get('retry-after')).toBeNull();
  const async = put.headers.get('azure-asyncoperation')!;
  const { arm } = await t.world();
  const wsId = arm.workspaces[0].workspaceId;
  expect(async).toMatch(new RegExp(`/subscriptions/${t.sub}/providers/Microsoft.MachineLearningServices/locations/eastus/mfeOperationsStatus/oe:${wsId}:[0-9a-f-]+\\?api-version=[^&]+&sig=`));
  expect(put.headers.get('location')).toContain(ep('ep-create'));

  expect((await t.arm('GET', ep('ep-create'))).json.properties.provisioningState).toBe('Creating');
  const { statuses, final } = await pollUntilDone(async);
  expect(Date.now() - sent).toBeGreaterThanOrEqual(LRO_MS - 20);
  expect(statuses[0]).toBe('Creating');
  expect(final.endTime).not.toBe('0001-01-01T00:00:00');
  expect(final.percentComplete).toBe(0);
  const got = await t.arm('GET', ep('ep-create'));
  expect(got.json.properties.provisioningState).toBe('Succeeded');
  expect(got.json.properties.scoringUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/.+\/score$/);
});

test('while running, the status endTime is 0001-01-01 and a second write is 409', async () => {
  const put = await t.arm('PUT', ep('ep-busy'), endpointBody());
  const status = await t.arm('GET', put.headers.get('azure-asyncoperation')!);
  expect(status.json.endTime).toBe('0001-01-01T00:00:00');
  const second = await t.arm('PUT', ep('ep-busy'), endpointBody());
  expect(second.status).toBe(409);
  expect(second.json.error.message).toContain('another operation on same entity is already running');
  const del = await t.arm('DELETE', ep('ep-busy'));
  expect(del.status).toBe(409);
  await pollUntilDone(put.headers.get('azure-asyncoperation')!);
  const update = await t.arm('PUT', ep('ep-busy'), endpointBody({ description: 'updated' }));
  expect(update.status).toBe(201);
  expect(update.json.properties.provisioningState).toBe('Updating');
  const { statuses } = await pollUntilDone(update.headers.get('azure-asyncoperation')!);
  expect(statuses[0]).toBe('Updating');
  expect((await t.arm('GET', ep('ep-busy'))).json.properties.description).toBe('updated');
});

test('DELETE: 202 with null body, mfeOperationsStatus + mfeOperationResults; Location 202 then 204; then GET 404 and DELETE 204', async () => {
  const put = await t.arm('PUT', ep('ep-delete'), endpointBody());
  await pollUntilDone(put.headers.get('azure-asyncoperation')!);
  const del = await t.arm('DELETE', ep('ep-delete'));
  expect(del.status).toBe(202);
  expect(del.text).toBe('');
  expect(del.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/');
  const location = del.headers.get('location')!;
  expect(location).toContain('/mfeOperationResults/');
  const running = await t.arm('GET', location);
  expect(running.status).toBe(202);
  expect(running.text).toBe('');
  expect(running.headers.get('retry-after')).toBeNull();
  await sleep(LRO_MS + 50);
  const done = await t.arm('GET', location);
  expect(done.status).toBe(204);
  expect((await t.arm('GET', ep('ep-delete'))).status).toBe(404);
  expect((await t.arm('DELETE', ep('ep-delete'))).status).toBe(204);
});

test('validation: name, location, authMode, traffic', async () => {
  const cases: [string, unknown, number, string?][] = [
    ['1bad', endpointBody(), 400],
    ['ab', endpointBody(), 400],
    ['ends-with-', endpointBody(), 400],
    ['ok-name', { properties: { authMode: 'Key' } }, 400, 'LocationRequired'],
    ['ok-name', { location: 'eastus', properties: {} }, 400],
    ['ok-name', endpointBody({ authMode: 'Password' }), 400],
    ['ok-name', endpointBody({ traffic: { blue: 100 } }), 400],
    ['ok-name', endpointBody({ mirrorTraffic: { blue: 10 } }), 400],
  ];
  for (const [name, body, status, code] of cases) {
    const r = await t.arm('PUT', ep(name), body);
    expect({ name, status: r.status }).toEqual({ name, status });
    if (code) expect(r.json.error.code).toBe(code);
  }
  expect((await t.arm('GET', ep('ok-name'))).status).toBe(404);
  const ok = await t.arm('PUT', ep('ok-name'), endpointBody({ traffic: {} }));
  expect(ok.status).toBe(201);
});

test('an injected provisioning failure surfaces as Failed with the error, and the resource ends Failed', async () => {
  await t.control('POST', '/seed', {
    settings: { provisioningFailures: [{ resourceIdPattern: '/onlineEndpoints/ep-quota$', code: 'OutOfQuota', message: 'Not enough quota for Standard_DS3_v2.' }] },
  });
  try {
    const put = await t.arm('PUT', ep('ep-quota'), endpointBody());
    expect(put.status).toBe(201);
    const { final } = await pollUntilDone(put.headers.get('azure-asyncoperation')!);
    expect(final.status).toBe('Failed');
    expect(final.error).toEqual({ code: 'OutOfQuota', message: 'Not enough quota for Standard_DS3_v2.' });
    expect((await t.arm('GET', ep('ep-quota'))).json.properties.provisioningState).toBe('Failed');
  } finally {
    await t.control('POST', '/seed', { settings: { provisioningFailures: [] } });
  }
});

test('per-type duration is settable', async () => {
  await t.control('POST', '/seed', { settings: { durations: { onlineEndpoints: 50 } } });
  try {
    const put = await t.arm('PUT', ep('ep-fast'), endpointBody());
    await sleep(120);
    expect((await t.arm('GET', put.headers.get('azure-asyncoperation')!)).json.status).toBe('Succeeded');
  } finally {
    await t.control('POST', '/seed', { settings: { durations: { onlineEndpoints: LRO_MS } } });
  }
});

test('a tampered polling URL is refused with 403', async () => {
  const put = await t.arm('PUT', ep('ep-sig'), endpointBody());
  const url = new URL(put.headers.get('azure-asyncoperation')!);
  // Change the first character to one it is not (a signature starting with 'x' made this a 1-in-64 flake).
  const sig = url.searchParams.get('sig')!;
  url.searchParams.set('sig', (sig[0] === 'x' ? 'y' : 'x') + sig.slice(1));
  expect((await t.arm('GET', url.toString())).status).toBe(403);
  url.searchParams.delete('sig');
  expect((await t.arm('GET', url.toString())).status).toBe(403);
});
