import { startTestEmulator, sleep, type TestEmulator } from './harness';
import { createEndpoint, dep, deploy, deploymentBody, ep, seedAssets } from './online-helpers';

let t: TestEmulator;
let a: Awaited<ReturnType<typeof seedAssets>>;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  a = await seedAssets(t);
  await createEndpoint(t, 'ep-q');
});
afterAll(() => t.stop());

const usages = async () => {
  const r = await t.arm('GET', `/subscriptions/${t.sub}/providers/Microsoft.MachineLearningServices/locations/eastus/usages`);
  expect(r.status).toBe(200);
  return Object.fromEntries(r.json.value.map((u: { name: { value: string }; currentValue: number; limit: number }) => [u.name.value, [u.currentValue, u.limit]]));
};

test('vmSizes lists the catalogue; usages start empty with the default limits', async () => {
  const sizes = await t.arm('GET', `/subscriptions/${t.sub}/providers/Microsoft.MachineLearningServices/locations/eastus/vmSizes`);
  expect(sizes.status).toBe(200);
  expect(sizes.json.value.find((s: { name: string }) => s.name === 'Standard_DS3_v2')).toMatchObject({ family: 'standardDSv2Family', vCPUs: 4, memoryGB: 14 });
  const u = await usages();
  expect(u.standardDSv2Family).toEqual([0, 24]);
  expect(u.standardNCSv3Family).toEqual([0, 0]);
  expect(u.TotalCores).toEqual([0, 100]);
  const rgScoped = await t.arm('GET', `/subscriptions/${t.sub}/resourceGroups/rg-demo/providers/Microsoft.MachineLearningServices/locations/eastus/usages`);
  expect(rgScoped.status).toBe(404);
});

test('usages reflect instances (with the 20% upgrade reserve); out of quota fails the operation with OutOfQuota', async () => {
  await t.control('PUT', '/online/quota', { limits: { Standard_DS3_v2: 16 } });
  const first = await deploy(t, 'ep-q', 'blue', deploymentBody(a, {}, 1));
  expect(first.final.status).toBe('Succeeded');
  expect((await usages()).standardDSv2Family).toEqual([8, 16]);
  const second = await deploy(t, 'ep-q', 'green', deploymentBody(a, {}, 2));
  expect(second.put.status).toBe(201);
  expect(second.final.status).toBe('Failed');
  expect(second.final.error.code).toBe('OutOfQuota');
  expect(second.final.error.message).toBe(
    `Not enough quota available for Standard_DS3_v2 in SubscriptionId ${t.sub}. Current usage/limit: 8/16. Additional needed: 12 Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`,
  );
  expect((await t.arm('GET', dep(t, 'ep-q', 'green'))).json.properties.provisioningState).toBe('Failed');
  expect((await usages()).standardDSv2Family).toEqual([8, 16]);
  // Raising the limit lets the same PUT through; deleting gives the quota back.
  await t.control('PUT', '/online/quota', { limits: { standardDSv2Family: 40 } });
  expect((await deploy(t, 'ep-q', 'green', deploymentBody(a, {}, 2))).final.status).toBe('Succeeded');
  expect((await usages()).standardDSv2Family).toEqual([20, 40]);
  const del = await t.arm('DELETE', dep(t, 'ep-q', 'green'));
  expect(del.status).toBe(202);
  await sleep(350);
  expect((await usages()).standardDSv2Family).toEqual([8, 40]);
});

test.each([
  ['ImageBuildFailure', 'ImageBuildFailure', /^Image build failed\. .*\/azureml\/ImageLogs\/[0-9a-f]+\/build\.log\. .*#error-imagebuildfailure$/, ''],
  ['CrashLoop', 'ResourceNotReady', /^User container has crashed or terminated\. .*#error-resourcenotready$/, 'Traceback (most recent call last)'],
  ['LivenessProbeFailure', 'ResourceNotReady', /Liveness probe failed: HTTP probe failed with statuscode: 502/, '502 | GET /'],
  ['ReadinessProbeFailure', 'ResourceNotReady', /Readiness probe failed: HTTP probe failed with statuscode: 503/, '503 | GET /'],
  ['OutOfQuota', 'OutOfQuota', /^Not enough quota available for Standard_DS3_v2 in SubscriptionId .*Additional needed: 8 /, ''],
])('injected %s: the deployment ends Failed with the service error and fitting logs', async (kind, code, message, logText) => {
  const name = `f-${kind.toLowerCase().slice(0, 20)}`;
  const set = await t.control('POST', '/online/failures', { kind, deployment: name, times: 1 });
  expect(set.status).toBe(201);
  const { final } = await deploy(t, 'ep-q', name, deploymentBody(a));
  expect(final.status).toBe('Failed');
  expect(final.error.code).toBe(code);
  expect(final.error.message).toMatch(message);
  expect((await t.arm('GET', dep(t, 'ep-q', name))).json.properties.provisioningState).toBe('Failed');
  const logs = await t.arm('POST', `${dep(t, 'ep-q', name)}/getLogs`, { containerType: 'InferenceServer' });
  if (logText) expect(logs.json.content).toContain(logText);
  else expect(logs.json.content).toBe('');
  // times: 1 -> the next attempt succeeds.
  expect((await deploy(t, 'ep-q', name, deploymentBody(a))).final.status).toBe('Succeeded');
  await t.arm('DELETE', dep(t, 'ep-q', name));
  await sleep(350);
});

test('a failure for the next N deployment operations, with custom message and logs', async () => {
  await t.control('POST', '/online/failures', { kind: 'CrashLoop', times: 2, message: 'boom', logs: { inferenceServer: 'custom trace' } });
  expect((await t.control('GET', '/online/failures')).json.failures).toHaveLength(1);
  for (const d of ['n-one', 'n-two']) {
    const { final } = await deploy(t, 'ep-q', d, deploymentBody(a));
    expect(final.error).toEqual({ code: 'ResourceNotReady', message: 'boom' });
    expect((await t.arm('POST', `${dep(t, 'ep-q', d)}/getLogs`, {})).json.content).toBe('custom trace');
  }
  expect((await t.control('GET', '/online/failures')).json.failures).toHaveLength(0);
  expect((await t.control('POST', '/online/failures', { kind: 'Nope' })).status).toBe(400);
});

test('keys, regenerateKeys (202 operation), token for AMLToken endpoints only', async () => {
  const keys = await t.arm('POST', `${ep(t, 'ep-q')}/listKeys`);
  expect(keys.status).toBe(200);
  expect(keys.json.primaryKey).toMatch(/^[\w-]{20,}$/);
  expect(keys.json.secondaryKey).not.toBe(keys.json.primaryKey);
  const tokenOnKey = await t.arm('POST', `${ep(t, 'ep-q')}/token`);
  expect(tokenOnKey.status).toBe(400);
  expect(tokenOnKey.json.error.message).toMatch(/only available for endpoints with authMode 'AMLToken'/);
  expect((await t.arm('POST', `${ep(t, 'ep-q')}/regenerateKeys`, {})).status).toBe(400);
  const regen = await t.arm('POST', `${ep(t, 'ep-q')}/regenerateKeys`, { keyType: 'Secondary' });
  expect(regen.status).toBe(202);
  expect((await t.arm('POST', `${ep(t, 'ep-q')}/listKeys`)).json).toEqual(keys.json);
  await sleep(350);
  const after = (await t.arm('GET', regen.headers.get('location')!));
  expect(after.status).toBe(204);
  const k2 = (await t.arm('POST', `${ep(t, 'ep-q')}/listKeys`)).json;
  expect(k2.primaryKey).toBe(keys.json.primaryKey);
  expect(k2.secondaryKey).not.toBe(keys.json.secondaryKey);

  await createEndpoint(t, 'ep-aml', 'AMLToken');
  const tok = await t.arm('POST', `${ep(t, 'ep-aml')}/token`);
  expect(tok.status).toBe(200);
  expect(tok.json.tokenType).toBe('Bearer');
  expect(tok.json.expiryTimeUtc).toBeGreaterThan(Date.now() / 1000 + 3000);
  expect(tok.json.refreshAfterTimeUtc).toBeLessThan(tok.json.expiryTimeUtc);
  expect((await t.arm('POST', `${ep(t, 'ep-aml')}/listKeys`)).status).toBe(400);
});
