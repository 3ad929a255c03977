/**
 * Deployments created through ARM are served by real scoring processes: the operation succeeds only once the
 * process is ready, fails with the service's error when init() raises, an update swaps versions without a gap, a
 * failed update leaves the old version serving, delete stops the process. Code and model are blobs uploaded with
 * the datastore's key, referenced by code and model versions (datastore URIs and a blob URL).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { pidAlive } from '../../shared/emulator/src/pid';
import { deploymentDir } from '../../shared/emulator/src/scoring/records';
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { createEndpoint, dep, ep, pollOp } from './online-helpers';
import { pollLocation, registryPath } from './registry-helpers';
import { CRASH_DIR, FIXTURES, INPUT, PREDICTIONS, score } from './scoring-helpers';

jest.setTimeout(120_000);

let t: TestEmulator;
let env: string;
const code = (name: string) => `${t.wsPath}/codes/${name}/versions/1`;
const model = (v: string) => `${t.wsPath}/models/lin/versions/${v}`;

async function put(path: string, body: unknown): Promise<void> {
  const r = await t.arm('PUT', path, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  t = await startTestEmulator({ azurite: true, lroDurationMs: 300 });
  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const { key } = (await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`)).json;
  const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
  const upload = (name: string, text: string) => container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  await upload('online/code/score.py', readFileSync(join(FIXTURES, 'arm', 'score.py'), 'utf8'));
  await upload('online/crash/score.py', readFileSync(join(CRASH_DIR, 'score.py'), 'utf8'));
  await upload('online/m1/model/model.json', JSON.stringify({ weights: [2, 3], bias: 1 }));
  await upload('online/m2/model/model.json', JSON.stringify({ weights: [1, 1], bias: 0 }));
  await put(code('score'), { properties: { codeUri: 'azureml://datastores/workspaceblobstore/paths/online/code' } });
  await put(code('crash'), { properties: { codeUri: `${container.url}/online/crash` } });
  const long = `azureml://subscriptions/${t.sub}/resourcegroups/${t.emu.env.AML_RESOURCE_GROUP}/workspaces/${t.emu.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths`;
  await put(model('1'), { properties: { modelUri: `${long}/online/m1/model`, modelType: 'custom_model' } });
  await put(model('2'), { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/online/m2/model/', modelType: 'custom_model' } });
  env = `${t.wsPath}/environments/py/versions/1`;
  await put(env, { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' } });
  await createEndpoint(t, 'ep-live', 'Key');
}, 180_000);
afterAll(() => t?.stop());

function body(modelVersion: string, codeName = 'score', capacity = 1) {
  return {
    location: 'eastus',
    sku: { name: 'Default', capacity },
    properties: {
      endpointComputeType: 'Managed',
      model: model(modelVersion),
      environmentId: env,
      codeConfiguration: { codeId: code(codeName), scoringScript: 'score.py' },
      instanceType: 'Standard_DS3_v2',
      environmentVariables: { DEPLOYMENT_COLOR: 'blue' },
      requestSettings: { requestTimeout: 'PT10S', maxConcurrentRequestsPerInstance: 4 },
    },
  };
}

async function scoringUri(): Promise<string> {
  return (await t.arm('GET', ep(t, 'ep-live'))).json.properties.scoringUri;
}

async function primaryKey(): Promise<string> {
  const keys = await t.arm('POST', `${ep(t, 'ep-live')}/listKeys`);
  expect(keys.status).toBe(200);
  return keys.json.primaryKey;
}

const pinned = async (d: string) => score(await scoringUri(), await primaryKey(), INPUT, { 'azureml-model-deployment': d });

test('a deployment PUT succeeds only once its scoring process is ready; listKeys opens the scoring URI', async () => {
  const r = await t.arm('PUT', dep(t, 'ep-live', 'blue'), body('1'));
  expect(r.status).toBe(201);
  const final = await pollOp(t, r.headers.get('azure-asyncoperation')!);
  expect(final.status).toBe('Succeeded');
  const rec = t.emu.scoring.status(dep(t, 'ep-live', 'blue'))!;
  expect(rec).toMatchObject({ status: 'running', requestTimeoutMs: 10000, maxConcurrentRequestsPerInstance: 4 });
  expect(rec.instances).toHaveLength(1);
  // Straight away: ready means ready.
  const s = await pinned('blue');
  expect(s.status).toBe(200);
  expect(s.json).toEqual({ predictions: PREDICTIONS, color: 'blue' });
  // The endpoint PUT with traffic keeps the keys; unpinned requests go to blue.
  const k = await primaryKey();
  const e = await t.arm('PUT', ep(t, 'ep-live'), { location: 'eastus', properties: { authMode: 'Key', traffic: { blue: 100 } } });
  expect((await pollOp(t, e.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  expect(await primaryKey()).toBe(k);
  expect((await score(await scoringUri(), k, INPUT)).json.predictions).toEqual(PREDICTIONS);
  expect((await score(await scoringUri(), 'wrong-key', INPUT)).status).toBe(401);
  const logs = await t.arm('POST', `${dep(t, 'ep-live', 'blue')}/getLogs`, { containerType: 'InferenceServer' });
  expect(logs.json.content).toContain('model loaded: 2 weights');
  // Live: the requests served since the start are in it, one line each (the 401 never reached the deployment).
  expect(logs.json.content.match(/^\S+ \| INFO \| 200 \| POST \/score \| \d+\.\d ms$/gm)).toHaveLength(2);
  const init = await t.arm('POST', `${dep(t, 'ep-live', 'blue')}/getLogs`, { containerType: 'StorageInitializer' });
  expect(init.json.content).toMatch(/Downloaded .*online\/m1\/model\/model\.json/);
});

test('init() raising: the operation fails with ResourceNotReady and getLogs has the traceback', async () => {
  const r = await t.arm('PUT', dep(t, 'ep-live', 'red'), body('1', 'crash'));
  const final = await pollOp(t, r.headers.get('azure-asyncoperation')!);
  expect(final.status).toBe('Failed');
  expect(final.error.code).toBe('ResourceNotReady');
  expect(final.error.message).toMatch(/^User container has crashed or terminated.*KeyError.*#error-resourcenotready$/);
  expect((await t.arm('GET', dep(t, 'ep-live', 'red'))).json.properties.provisioningState).toBe('Failed');
  const logs = await t.arm('POST', `${dep(t, 'ep-live', 'red')}/getLogs`, {});
  expect(logs.json.content).toContain('Traceback (most recent call last)');
  expect(logs.json.content).toContain("KeyError: 'threshold'");
  expect((await pinned('red')).status).toBe(404);
});

test('an update keeps the old version serving until the new one is ready; a failed update leaves it serving', async () => {
  const id = dep(t, 'ep-live', 'blue');
  const oldPids = t.emu.scoring.status(id)!.instances.map((i) => i.pid);
  const r = await t.arm('PUT', id, body('2', 'score', 2));
  expect(r.status).toBe(201);
  const op = r.headers.get('azure-asyncoperation')!;
  // While the operation runs every request is answered: by the old version, then (once the new one is ready,
  // which may be a moment before the operation reports it) by the new one, never the other way round.
  const seen: string[] = [];
  for (;;) {
    const st = (await t.arm('GET', op)).json.status;
    if (st !== 'Updating') break;
    const s = await pinned('blue');
    expect(s.status).toBe(200);
    seen.push(JSON.stringify(s.json.predictions));
    await sleep(20);
  }
  expect(seen[0]).toBe(JSON.stringify(PREDICTIONS));
  expect(seen.join(' ')).toMatch(/^(\[9,1\] ?)+(\[3,0\] ?)*$/);
  expect((await pollOp(t, op)).status).toBe('Succeeded');
  expect((await pinned('blue')).json.predictions).toEqual([3, 0]);
  expect(t.emu.scoring.status(id)!.instances).toHaveLength(2);
  for (let i = 0; i < 40 && oldPids.some((p) => pidAlive(p)); i++) await sleep(100);
  expect(oldPids.some((p) => pidAlive(p))).toBe(false);

  const bad = await t.arm('PUT', id, body('1', 'crash'));
  const final = await pollOp(t, bad.headers.get('azure-asyncoperation')!);
  expect(final).toMatchObject({ status: 'Failed', error: { code: 'ResourceNotReady' } });
  expect((await pinned('blue')).json.predictions).toEqual([3, 0]);
  expect((await score(await scoringUri(), await primaryKey(), INPUT)).status).toBe(200);
});

test('deleting the deployment stops its processes', async () => {
  const id = dep(t, 'ep-live', 'blue');
  const pids = t.emu.scoring.status(id)!.instances.map((i) => i.pid);
  expect(pids.every((p) => pidAlive(p))).toBe(true);
  const e = await t.arm('PUT', ep(t, 'ep-live'), { location: 'eastus', properties: { authMode: 'Key', traffic: {} } });
  await pollOp(t, e.headers.get('azure-asyncoperation')!);
  const del = await t.arm('DELETE', id);
  expect(del.status).toBe(202);
  await pollOp(t, del.headers.get('azure-asyncoperation')!);
  for (let i = 0; i < 40 && pids.some((p) => pidAlive(p)); i++) await sleep(100);
  expect(pids.some((p) => pidAlive(p))).toBe(false);
  expect(t.emu.scoring.running()).toEqual([]);
});

test('the token of an AMLToken endpoint (GetToken) is what its scoring URI accepts', async () => {
  await createEndpoint(t, 'ep-tok', 'AMLToken');
  const tok = await t.arm('POST', `${ep(t, 'ep-tok')}/token`);
  expect(tok.status).toBe(200);
  const uri = (await t.arm('GET', ep(t, 'ep-tok'))).json.properties.scoringUri;
  // Authenticated (no deployment yet: 404), where a wrong token is refused.
  expect((await score(uri, tok.json.accessToken, INPUT)).status).toBe(404);
  expect((await score(uri, 'x.y.z', INPUT)).status).toBe(401);
});

test('deleting the endpoint stops its deployments’ processes', async () => {
  await createEndpoint(t, 'ep-gone', 'Key');
  const r = await t.arm('PUT', dep(t, 'ep-gone', 'green'), body('1'));
  expect((await pollOp(t, r.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const pids = t.emu.scoring.status(dep(t, 'ep-gone', 'green'))!.instances.map((i) => i.pid);
  expect(pids.every((p) => pidAlive(p))).toBe(true);
  const del = await t.arm('DELETE', ep(t, 'ep-gone'));
  expect(del.status).toBe(202);
  await pollOp(t, del.headers.get('azure-asyncoperation')!);
  for (let i = 0; i < 40 && pids.some((p) => pidAlive(p)); i++) await sleep(100);
  expect(pids.some((p) => pidAlive(p))).toBe(false);
});

test('a registry model copied from the workspace keeps its folder name: the script finds it at AZUREML_MODEL_DIR/<folder>/', async () => {
  const registry = t.emu.env.AML_REGISTRY_NAME;
  const pub = await t.arm('POST', `${model('1')}/publish`, { registryName: registry, destinationName: 'lin-shared', destinationVersion: '1' });
  expect(pub.status).toBe(202);
  expect([200, 204]).toContain((await pollLocation(t, pub.headers.get('location')!)).last.status);
  const copied = (await t.arm('GET', `${registryPath(t)}/models/lin-shared/versions/1`)).json.properties.modelUri as string;
  // The source is the folder online/m1/model: the copy is <fresh folder>/model.
  expect(copied).toMatch(/\/[0-9a-f-]{36}\/model$/);

  await createEndpoint(t, 'ep-reg', 'Key');
  const id = dep(t, 'ep-reg', 'shared');
  const r = await t.arm('PUT', id, { ...body('1'), properties: { ...body('1').properties, model: `azureml://registries/${registry}/models/lin-shared/versions/1` } });
  expect(r.status).toBe(201);
  expect((await pollOp(t, r.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const rec = t.emu.scoring.status(id)!;
  const modelDir = join(deploymentDir(t.stateDir, id), 'versions', rec.version!, 'model');
  expect(readdirSync(modelDir)).toEqual(['model']);
  expect(readdirSync(join(modelDir, 'model'))).toEqual(['model.json']);
  // The fixture script opens $AZUREML_MODEL_DIR/model/model.json in init(): it came up and answers.
  const uri = (await t.arm('GET', ep(t, 'ep-reg'))).json.properties.scoringUri;
  const key = (await t.arm('POST', `${ep(t, 'ep-reg')}/listKeys`)).json.primaryKey;
  const s = await score(uri, key, INPUT, { 'azureml-model-deployment': 'shared' });
  expect(s.status).toBe(200);
  expect(s.json.predictions).toEqual(PREDICTIONS);
});
