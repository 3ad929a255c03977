import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { createEndpoint, dep, deploy, deploymentBody, ep, pollOp, seedAssets } from './online-helpers';

let t: TestEmulator;
let a: Awaited<ReturnType<typeof seedAssets>>;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  a = await seedAssets(t);
  // Room for every deployment in this file (quota itself is tested in online-quota-failures.test.ts).
  expect((await t.control('PUT', '/online/quota', { limits: { standardDSv2Family: 1000, total: 1000 } })).status).toBe(200);
});
afterAll(() => t.stop());

test('happy path: endpoint, deployment (Updating -> Succeeded, defaults filled), traffic 0 -> 100 after the operation', async () => {
  await createEndpoint(t, 'ep-happy');
  const { put, final } = await deploy(t, 'ep-happy', 'blue', deploymentBody(a));
  expect(put.status).toBe(201);
  expect(put.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/od:');
  expect(put.json.properties.provisioningState).toBe('Updating');
  expect(put.json.properties.livenessProbe).toBeUndefined();
  expect(put.json.properties.requestSettings).toBeUndefined();
  expect(final.status).toBe('Succeeded');
  const got = await t.arm('GET', dep(t, 'ep-happy', 'blue'));
  expect(got.json.properties.provisioningState).toBe('Succeeded');
  expect(got.json.properties.livenessProbe).toEqual({ failureThreshold: 30, successThreshold: 1, timeout: 'PT2S', period: 'PT10S', initialDelay: 'PT10S' });
  expect(got.json.properties.readinessProbe.timeout).toBe('PT2S');
  expect(got.json.properties.requestSettings).toEqual({ maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S', maxQueueWait: 'PT0.5S' });
  expect(got.json.properties.scaleSettings).toEqual({ scaleType: 'Default' });
  expect(got.json.sku).toMatchObject({ name: 'Default', capacity: 1 });

  const list = await t.arm('GET', `${ep(t, 'ep-happy')}/deployments`);
  expect(list.json.value.map((d: { name: string }) => d.name)).toEqual(['blue']);

  const traffic = await t.arm('PUT', ep(t, 'ep-happy'), { location: 'eastus', properties: { authMode: 'Key', traffic: { blue: 100 } } });
  expect(traffic.status).toBe(201);
  expect(traffic.json.properties.provisioningState).toBe('Updating');
  expect(traffic.json.properties.traffic).toEqual({});
  expect((await t.arm('GET', ep(t, 'ep-happy'))).json.properties.traffic).toEqual({});
  await pollOp(t, traffic.headers.get('azure-asyncoperation')!);
  const e = await t.arm('GET', ep(t, 'ep-happy'));
  expect(e.json.properties.traffic).toEqual({ blue: 100 });
  expect(e.json.properties.scoringUri).toMatch(/\/score$/);
  expect(e.json.properties.swaggerUri).toMatch(/\/swagger\.json$/);
  expect(e.json.properties.keys).toBeNull();
});

test('deployment body validation: the service error codes and messages', async () => {
  await createEndpoint(t, 'ep-valid');
  const props = (p: Record<string, unknown>) => deploymentBody(a, p);
  const cases: [string, unknown, string, RegExp][] = [
    ['1bad', deploymentBody(a), 'BadArgument', /Invalid deployment name/],
    ['good', { properties: deploymentBody(a).properties }, 'LocationRequired', /location property is required/],
    ['good', { location: 'eastus' }, 'BadArgument', /'properties' field is required/],
    ['good', props({ endpointComputeType: undefined }), 'BadArgument', /endpointComputeType' is required/],
    ['good', props({ endpointComputeType: 'Batch' }), 'BadArgument', /must be one of Managed, Kubernetes/],
    ['good', props({ endpointComputeType: 'Kubernetes' }), 'BadArgument', /managed online endpoint/],
    ['good', props({ instanceType: 'Standard_X99' }), 'BadArgument', /Instance type 'Standard_X99' is not supported/],
    ['good', deploymentBody(a, {}, 0), 'BadArgument', /sku.capacity' must be an integer between 1 and 50/],
    ['good', { ...deploymentBody(a), sku: { capacity: 1 } }, 'BadArgument', /'sku.name' is required/],
    ['good', props({ model: `${t.wsPath}/models/nope/versions/9` }), 'ModelNotFound', /was not found/],
    ['good', props({ model: 'azureml://registries/nope/models/x/versions/1' }), 'ModelNotFound', /was not found/],
    ['good', props({ model: 'clf:1' }), 'BadArgument', /Invalid model reference/],
    ['good', props({ environmentId: `${t.wsPath}/environments/nope/versions/1` }), 'EnvironmentNotFound', /was not found/],
    ['good', props({ environmentId: undefined }), 'BadArgument', /environmentId' is required unless the model is an MLflow model/],
    ['good', props({ codeConfiguration: { codeId: `${t.wsPath}/codes/nope/versions/1`, scoringScript: 'score.py' } }), 'CodeNotFound', /was not found/],
    ['good', props({ codeConfiguration: { codeId: a.code, scoringScript: '' } }), 'BadArgument', /scoringScript' is required/],
    ['good', props({ codeConfiguration: undefined }), 'BadArgument', /codeConfiguration' \(codeId and scoringScript\) is required/],
    ['good', props({ livenessProbe: { period: '10s' } }), 'BadArgument', /livenessProbe.period' must be an ISO 8601 duration/],
    ['good', props({ readinessProbe: { failureThreshold: 0 } }), 'BadArgument', /readinessProbe.failureThreshold/],
    ['good', props({ requestSettings: { requestTimeout: 'PT5M' } }), 'BadArgument', /at most PT180S/],
    ['good', props({ scaleSettings: { scaleType: 'TargetUtilization' } }), 'BadArgument', /not supported for managed online deployments/],
  ];
  for (const [name, body, code, message] of cases) {
    const r = await t.arm('PUT', dep(t, 'ep-valid', name), body);
    expect({ name, code, status: r.status }).toEqual({ name, code, status: 400 });
    const got = r.json.error.code === 'UserError' ? r.json.error.details[0].code : r.json.error.code;
    expect({ message: String(message), got }).toEqual({ message: String(message), got: code });
    expect(r.json.error.message).toMatch(message);
  }
  expect((await t.arm('PUT', dep(t, 'nope-ep', 'blue'), deploymentBody(a))).status).toBe(404);
  // An MLflow model needs neither environment nor scoring script; enum casing is normalised.
  const mlflow = await deploy(t, 'ep-valid', 'mlflow', { location: 'eastus', sku: { name: 'Default', capacity: 1 }, properties: { endpointComputeType: 'managed', model: a.mlflow, instanceType: 'Standard_DS2_v2' } });
  expect(mlflow.put.status).toBe(201);
  expect(mlflow.put.json.properties.endpointComputeType).toBe('Managed');
  expect(mlflow.final.status).toBe('Succeeded');
});

test('409 while an operation runs on the deployment; endpoint delete refused while a deployment operation runs', async () => {
  await createEndpoint(t, 'ep-busy');
  const put = await t.arm('PUT', dep(t, 'ep-busy', 'blue'), deploymentBody(a));
  expect(put.status).toBe(201);
  const again = await t.arm('PUT', dep(t, 'ep-busy', 'blue'), deploymentBody(a));
  expect(again.status).toBe(409);
  expect(again.json.error.message).toContain('another operation on same entity is already running');
  const delEp = await t.arm('DELETE', ep(t, 'ep-busy'));
  expect(delEp.status).toBe(409);
  await pollOp(t, put.headers.get('azure-asyncoperation')!);
  expect((await t.arm('DELETE', ep(t, 'ep-busy'))).status).toBe(202);
});

test('traffic and mirrorTraffic rules', async () => {
  await createEndpoint(t, 'ep-traffic');
  for (const d of ['blue', 'green', 'red']) expect((await deploy(t, 'ep-traffic', d, deploymentBody(a, { instanceType: 'Standard_DS2_v2' }))).final.status).toBe('Succeeded');
  const put = (p: Record<string, unknown>) => t.arm('PUT', ep(t, 'ep-traffic'), { location: 'eastus', properties: { authMode: 'Key', ...p } });
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ traffic: { blue: 60, green: 30 } }, /must sum to 0 or 100; they sum to 90/],
    [{ traffic: { blue: 100, nope: 0 } }, /references deployment 'nope'/],
    [{ traffic: { blue: 100 }, mirrorTraffic: { green: 60 } }, /at most 50/],
    [{ traffic: { blue: 100 }, mirrorTraffic: { green: 10, red: 10 } }, /only one deployment/],
    [{ traffic: { blue: 100 }, mirrorTraffic: { blue: 10 } }, /both live traffic/],
  ];
  for (const [p, msg] of refused) {
    const r = await put(p);
    expect(r.status).toBe(400);
    expect(r.json.error.details[0].code).toBe('BadArgument');
    expect(r.json.error.message).toMatch(msg);
  }
  const ok = await put({ traffic: { blue: 100 }, mirrorTraffic: { green: 20 } });
  expect(ok.status).toBe(201);
  await pollOp(t, ok.headers.get('azure-asyncoperation')!);
  // Deleting a deployment with live or mirrored traffic is refused; one without is accepted.
  const live = await t.arm('DELETE', dep(t, 'ep-traffic', 'blue'));
  expect(live.status).toBe(400);
  expect(live.json.error.message).toMatch(/cannot be deleted because it receives 100% of the endpoint's traffic/);
  const mirrored = await t.arm('DELETE', dep(t, 'ep-traffic', 'green'));
  expect(mirrored.status).toBe(400);
  expect(mirrored.json.error.message).toMatch(/20% mirrored traffic/);
  const del = await t.arm('DELETE', dep(t, 'ep-traffic', 'red'));
  expect(del.status).toBe(202);
  await pollOp(t, del.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', dep(t, 'ep-traffic', 'red'))).status).toBe(404);
  expect((await t.arm('DELETE', dep(t, 'ep-traffic', 'red'))).status).toBe(204);
});

test('PATCH scales (sku only) with a 202 operation; other fields are refused', async () => {
  await createEndpoint(t, 'ep-scale');
  await deploy(t, 'ep-scale', 'blue', deploymentBody(a, { instanceType: 'Standard_DS2_v2' }));
  const bad = await t.arm('PATCH', dep(t, 'ep-scale', 'blue'), { properties: { instanceType: 'Standard_DS3_v2' } });
  expect(bad.status).toBe(400);
  const p = await t.arm('PATCH', dep(t, 'ep-scale', 'blue'), { sku: { capacity: 2 }, tags: { k: 'v' } });
  expect(p.status).toBe(202);
  expect((await t.arm('GET', dep(t, 'ep-scale', 'blue'))).json.properties.provisioningState).toBe('Scaling');
  await pollOp(t, p.headers.get('azure-asyncoperation')!);
  const loc = await t.arm('GET', p.headers.get('location')!);
  expect(loc.status).toBe(200);
  expect(loc.json.sku.capacity).toBe(2);
  const got = await t.arm('GET', dep(t, 'ep-scale', 'blue'));
  expect(got.json.sku.capacity).toBe(2);
  expect(got.json.tags).toEqual({ k: 'v' });
  expect(got.json.properties.provisioningState).toBe('Succeeded');
  const skus = await t.arm('GET', `${dep(t, 'ep-scale', 'blue')}/skus`);
  expect(skus.json.value[0].capacity).toMatchObject({ minimum: 1, scaleType: 'Manual' });
});

test('getLogs: StorageInitializer and InferenceServer, tail, validation', async () => {
  await createEndpoint(t, 'ep-logs');
  await deploy(t, 'ep-logs', 'blue', deploymentBody(a, { instanceType: 'Standard_DS2_v2' }));
  const logs = (body: unknown) => t.arm('POST', `${dep(t, 'ep-logs', 'blue')}/getLogs`, body);
  const server = await logs({ containerType: 'InferenceServer' });
  expect(server.status).toBe(200);
  expect(server.json.content).toContain('Azure ML Inferencing HTTP server');
  const def = await logs({});
  expect(def.json.content).toBe(server.json.content);
  const init = await logs({ containerType: 'storageinitializer', tail: 2 });
  expect(init.json.content.split('\n')).toHaveLength(2);
  expect(init.json.content).toContain('Storage initializer finished');
  expect((await logs({ containerType: 'Sidecar' })).status).toBe(400);
  expect((await logs({ tail: -1 })).status).toBe(400);
  expect((await t.arm('POST', `${dep(t, 'ep-logs', 'nope')}/getLogs`, {})).status).toBe(404);
});

test('endpoint PATCH takes tags only (traffic needs a PUT); deleting the endpoint removes its deployments', async () => {
  await createEndpoint(t, 'ep-patch');
  await deploy(t, 'ep-patch', 'blue', deploymentBody(a, { instanceType: 'Standard_DS2_v2' }));
  expect((await t.arm('PATCH', ep(t, 'ep-patch'), { properties: { traffic: { blue: 100 } } })).status).toBe(400);
  const p = await t.arm('PATCH', ep(t, 'ep-patch'), { tags: { stage: 'prod' } });
  expect(p.status).toBe(202);
  await pollOp(t, p.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', ep(t, 'ep-patch'))).json.tags).toEqual({ stage: 'prod' });
  const del = await t.arm('DELETE', ep(t, 'ep-patch'));
  expect(del.status).toBe(202);
  await sleep(350);
  expect((await t.arm('GET', dep(t, 'ep-patch', 'blue'))).status).toBe(404);
});
