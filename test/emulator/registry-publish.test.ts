import { startTestEmulator, type TestEmulator } from './harness';
import { appWithoutRegistryAccess, pollLocation, registryBlobs, registryPath, seedWorkspaceModel } from './registry-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true, lroDurationMs: 300 });
});
afterAll(() => t.stop());

const FILES = { 'model.pkl': 'weights-v1', 'conda.yaml': 'name: churn', 'nested/extra.txt': 'more' };
const publish = (name: string, version: string, body: unknown, token?: string) =>
  t.arm('POST', `${t.wsPath}/models/${name}/versions/${version}/publish`, body, { token });
const regVersion = (name: string, version: string) => `${registryPath(t)}/models/${name}/versions/${version}`;

/** Blob URL → path below the registry container. */
async function folderOf(modelUri: string): Promise<string> {
  const { arm } = await t.world();
  const reg = arm.registries.find((r: { name: string }) => r.name === 'mlr-shared');
  const prefix = `https://127.0.0.1:${arm.azurite.frontPort}/${reg.storageAccount}/${reg.container}/`;
  expect(modelUri.startsWith(prefix)).toBe(true);
  return modelUri.slice(prefix.length);
}

test('publish copies the files into the registry storage and creates the version with the source metadata', async () => {
  const meta = { description: 'churn model', tags: { team: 'risk' }, properties: { auc: '0.91' }, flavors: { python_function: { data: { loader_module: 'm' } } }, jobName: 'job-42' };
  await seedWorkspaceModel(t, 'churn', '1', 'models/churn/1', FILES, meta);
  const r = await publish('churn', '1', { registryName: 'mlr-shared' });
  expect(r.status).toBe(202);
  const location = r.headers.get('location')!;
  expect(location).toContain('/mfeOperationResults/');
  const during = await t.arm('GET', regVersion('churn', '1'));
  expect(during.json.properties.provisioningState).toBe('Creating');

  const { statuses, last } = await pollLocation(t, location);
  expect(statuses[0]).toBe(202);
  expect([200, 204]).toContain(last.status);

  const got = await t.arm('GET', regVersion('churn', '1'));
  expect(got.status).toBe(200);
  expect(got.json.properties).toMatchObject({ ...meta, modelType: 'custom_model', provisioningState: 'Succeeded' });
  // A fresh folder, then the model's own folder name (the last segment of its path), as the service keeps it.
  const folder = await folderOf(got.json.properties.modelUri);
  expect(folder).toMatch(/^[0-9a-f-]{36}\/1$/);
  expect(await registryBlobs(t, `${folder}/`)).toEqual({
    [`${folder}/model.pkl`]: 'weights-v1',
    [`${folder}/conda.yaml`]: 'name: churn',
    [`${folder}/nested/extra.txt`]: 'more',
  });
  expect((await t.arm('GET', `${registryPath(t)}/models/churn`)).json.properties.latestVersion).toBe('1');
});

test('publishing the same content again succeeds without writing; other content into the same version fails with Conflict', async () => {
  const before = (await t.arm('GET', regVersion('churn', '1'))).json;
  const blobsBefore = Object.keys(await registryBlobs(t)).length;
  const again = await publish('churn', '1', { registryName: 'mlr-shared' });
  expect(again.status).toBe(202);
  const { last } = await pollLocation(t, again.headers.get('location')!);
  expect([200, 204]).toContain(last.status);
  const after = (await t.arm('GET', regVersion('churn', '1'))).json;
  expect(after.properties.modelUri).toBe(before.properties.modelUri);
  expect(after.systemData.lastModifiedAt).toBe(before.systemData.lastModifiedAt);
  expect(Object.keys(await registryBlobs(t))).toHaveLength(blobsBefore);

  await seedWorkspaceModel(t, 'churn', '2', 'models/churn/2', { ...FILES, 'model.pkl': 'weights-v2' });
  const conflict = await publish('churn', '2', { registryName: 'mlr-shared', destinationVersion: '1' });
  expect(conflict.status).toBe(202);
  const failed = await pollLocation(t, conflict.headers.get('location')!);
  expect(failed.last.status).toBe(400);
  expect(failed.last.json.error.code).toBe('Conflict');
  expect(failed.last.json.error.message).toContain("churn:1 in registry 'mlr-shared' already exists with different content");
  expect((await t.arm('GET', regVersion('churn', '1'))).json.properties).toMatchObject({ modelUri: before.properties.modelUri, provisioningState: 'Succeeded' });
  expect(Object.keys(await registryBlobs(t))).toHaveLength(blobsBefore);
});

test('destinationName / destinationVersion rename the copy; a single-file model keeps its file name in the modelUri', async () => {
  await seedWorkspaceModel(t, 'onnx', '3', 'models/onnx/model.onnx', { '': 'onnx-bytes' });
  const r = await publish('onnx', '3', { registryName: 'MLR-SHARED', destinationName: 'onnx-prod', destinationVersion: '7' });
  expect(r.status).toBe(202);
  await pollLocation(t, r.headers.get('location')!);
  const got = await t.arm('GET', regVersion('onnx-prod', '7'));
  expect(got.json.properties.provisioningState).toBe('Succeeded');
  const path = await folderOf(got.json.properties.modelUri);
  expect(path).toMatch(/^[0-9a-f-]{36}\/model\.onnx$/);
  expect(await registryBlobs(t, path)).toEqual({ [path]: 'onnx-bytes' });
});

test('a folder model uploaded as az ml does (LocalUpload/<hash>/<folder>) keeps its folder name as the last segment of the copy', async () => {
  await seedWorkspaceModel(t, 'credit', '1', 'LocalUpload/0a1b2c/credit-model', { 'model.json': '{"w":1}', 'score.py': 'def run(x): return x' });
  const r = await publish('credit', '1', { registryName: 'mlr-shared' });
  await pollLocation(t, r.headers.get('location')!);
  const got = await t.arm('GET', regVersion('credit', '1'));
  expect(got.json.properties.provisioningState).toBe('Succeeded');
  const folder = await folderOf(got.json.properties.modelUri);
  expect(folder).toMatch(/^[0-9a-f-]{36}\/credit-model$/);
  expect(await registryBlobs(t, `${folder}/`)).toEqual({ [`${folder}/model.json`]: '{"w":1}', [`${folder}/score.py`]: 'def run(x): return x' });
});

test('a source without files ends the operation Failed (AssetNotFound) and the version Failed, never Succeeded', async () => {
  const put = await t.arm('PUT', `${t.wsPath}/models/empty/versions/1`, { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/nothing/here/' } });
  expect(put.status).toBe(201);
  const r = await publish('empty', '1', { registryName: 'mlr-shared' });
  const { last } = await pollLocation(t, r.headers.get('location')!);
  expect(last.status).toBe(400);
  expect(last.json.error.code).toBe('AssetNotFound');
  expect((await t.arm('GET', regVersion('empty', '1'))).json.properties.provisioningState).toBe('Failed');
});

test('an injected failure on the destination fails the publish operation with its code', async () => {
  await seedWorkspaceModel(t, 'flaky', '1', 'models/flaky/1', FILES);
  await t.control('POST', '/seed', { settings: { provisioningFailures: [{ resourceIdPattern: 'registries/mlr-shared/models/flaky/versions/1$', code: 'InternalServerError', message: 'copy broke', times: 1 }] } });
  const r = await publish('flaky', '1', { registryName: 'mlr-shared' });
  const { last } = await pollLocation(t, r.headers.get('location')!);
  expect(last.json.error).toEqual({ code: 'InternalServerError', message: 'copy broke' });
  expect((await t.arm('GET', regVersion('flaky', '1'))).json.properties.provisioningState).toBe('Failed');
  const retry = await publish('flaky', '1', { registryName: 'mlr-shared' });
  expect([200, 204]).toContain((await pollLocation(t, retry.headers.get('location')!)).last.status);
  expect((await t.arm('GET', regVersion('flaky', '1'))).json.properties.provisioningState).toBe('Succeeded');
});

test('errors: missing registry (404 naming it), missing source, bad body, unreadable modelUri', async () => {
  const missing = await publish('churn', '1', { registryName: 'no-such-registry' });
  expect(missing.status).toBe(404);
  expect(missing.json.error.message).toContain("Registry 'no-such-registry' was not found");
  expect(missing.json.error.details[0].code).toBe('RegistryNotFound');
  expect((await publish('churn', '99', { registryName: 'mlr-shared' })).status).toBe(404);
  expect((await publish('churn', '1', { destinationName: 'x' })).status).toBe(400);
  await t.arm('PUT', `${t.wsPath}/models/jobout/versions/1`, { properties: { modelUri: 'azureml://jobs/abc/outputs/artifacts/paths/model' } });
  const unreadable = await publish('jobout', '1', { registryName: 'mlr-shared' });
  expect(unreadable.status).toBe(400);
  expect(unreadable.json.error.message).toContain("modelUri 'azureml://jobs/abc/outputs/artifacts/paths/model' cannot be read");
});

test("a principal without access to the registry's subscription gets 403 AuthorizationFailed naming the registry scope", async () => {
  const app = await appWithoutRegistryAccess(t);
  const token = await t.token(app);
  const r = await publish('churn', '1', { registryName: 'mlr-shared' }, token);
  expect(r.status).toBe(403);
  expect(r.json.error.code).toBe('AuthorizationFailed');
  expect(r.json.error.message).toContain(`'${app.appId}'`);
  expect(r.json.error.message).toContain(`over scope '${registryPath(t)}'`);
});

test('publishUnavailable makes publish answer NoRegisteredProviderFound, as where the operation does not exist', async () => {
  await t.control('POST', '/seed', { settings: { publishUnavailable: true } });
  try {
    const r = await publish('churn', '1', { registryName: 'mlr-shared' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('NoRegisteredProviderFound');
    expect(r.json.error.message).toContain("'workspaces/models/versions/publish'");
  } finally {
    await t.control('POST', '/seed', { settings: { publishUnavailable: false } });
  }
  expect((await publish('churn', '1', { registryName: 'mlr-shared' })).status).toBe(202);
});
