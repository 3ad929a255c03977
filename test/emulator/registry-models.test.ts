import { join } from 'node:path';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { listAll, sleep, startTestEmulator, type TestEmulator } from './harness';
import { pollLocation, registryPath } from './registry-helpers';

const LRO_MS = 400;
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: LRO_MS });
});
afterAll(() => t.stop());

const models = () => `${registryPath(t)}/models`;
const versionBody = (modelUri: string, extra: Record<string, unknown> = {}) => ({
  properties: { modelUri, modelType: 'custom_model', description: 'd', tags: { stage: 'x' }, ...extra },
});

async function putVersion(name: string, version: string, modelUri: string) {
  const put = await t.arm('PUT', `${models()}/${name}/versions/${version}`, versionBody(modelUri));
  expect(put.status).toBe(202);
  return pollLocation(t, put.headers.get('location')!);
}

test('version PUT answers 202 with body null and an asset-store Location; polling gives 202 empty, then 200 {assetId}; the version ends Succeeded', async () => {
  const path = `${models()}/churn/versions/1`;
  const put = await t.arm('PUT', path, versionBody('https://example.invalid/c/churn/1'));
  expect(put.status).toBe(202);
  expect(put.text).toBe('null');
  expect(put.headers.get('x-ms-async-operation-timeout')).toBe('PT1H');
  const location = put.headers.get('location')!;
  expect(location).toMatch(new RegExp(`^${t.url}/assetstore/v1\\.0/operations/[0-9a-f-]+$`));

  const during = await t.arm('GET', path);
  expect(during.status).toBe(200);
  expect(during.json.properties.provisioningState).toBe('Creating');

  const started = Date.now();
  const { statuses, last } = await pollLocation(t, location);
  expect(Date.now() - started).toBeGreaterThanOrEqual(LRO_MS - 150);
  expect(statuses[0]).toBe(202);
  expect(last.status).toBe(200);
  expect(last.json).toEqual({ assetId: 'azureml://registries/mlr-shared/models/churn/versions/1' });

  const got = await t.arm('GET', path);
  expect(got.json).toMatchObject({ id: path, name: '1', type: 'Microsoft.MachineLearningServices/registries/models/versions' });
  expect(got.json.properties).toMatchObject({ provisioningState: 'Succeeded', modelUri: 'https://example.invalid/c/churn/1', description: 'd', tags: { stage: 'x' } });

  const ctr = await t.arm('GET', `${models()}/churn`);
  expect(ctr.status).toBe(200);
  expect(ctr.json.properties).toMatchObject({ latestVersion: '1', nextVersion: '2', provisioningState: 'Succeeded' });
});

test('versions are immutable: a different modelUri is 400 naming the registry; same modelUri may update tags', async () => {
  await putVersion('immut', '1', 'https://example.invalid/a');
  const r = await t.arm('PUT', `${models()}/immut/versions/1`, versionBody('https://example.invalid/b'));
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('UserError');
  expect(r.json.error.message).toMatch(/immutable/);
  expect(r.json.error.message).toContain("registry 'mlr-shared'");
  expect(r.json.error.details[0].code).toBe('Immutable');

  const again = await t.arm('PUT', `${models()}/immut/versions/1`, versionBody('https://example.invalid/a', { tags: { stage: 'prod' } }));
  expect(again.status).toBe(202);
  expect((await t.arm('GET', `${models()}/immut/versions/1`)).json.properties.provisioningState).toBe('Updating');
  await pollLocation(t, again.headers.get('location')!);
  const got = await t.arm('GET', `${models()}/immut/versions/1`);
  expect(got.json.properties).toMatchObject({ modelUri: 'https://example.invalid/a', tags: { stage: 'prod' }, provisioningState: 'Succeeded' });
});

test('a second write while the first runs is 409; bad names and missing modelUri are 400', async () => {
  // The first write runs long enough for the second to meet it on a loaded machine; then it is ended by hand.
  const store = new JsonStore<ArmState>(join(t.stateDir, 'arm.json'), emptyState);
  await store.update((s) => void (s.settings.durations = { ...s.settings.durations, versions: 60_000 }));
  const first = await t.arm('PUT', `${models()}/busy/versions/1`, versionBody('https://example.invalid/busy'));
  expect(first.status).toBe(202);
  const second = await t.arm('PUT', `${models()}/busy/versions/1`, versionBody('https://example.invalid/busy'));
  expect(second.status).toBe(409);
  expect(second.json.error.message).toContain('another operation on same entity is already running');
  await store.update((s) => {
    delete s.settings.durations.versions;
    for (const op of Object.values(s.operations)) if (op.durationMs === 60_000) op.durationMs = 0;
  });
  await pollLocation(t, first.headers.get('location')!);

  expect((await t.arm('PUT', `${models()}/-bad/versions/1`, versionBody('https://x'))).status).toBe(400);
  const noUri = await t.arm('PUT', `${models()}/ok/versions/1`, { properties: { description: 'x' } });
  expect(noUri.status).toBe(400);
  expect(noUri.json.error.message).toContain('modelUri');
  expect((await t.arm('GET', `${models()}/ok/versions/1`)).status).toBe(404);
});

test('version list: paged, $orderBy=createdtime desc and $top', async () => {
  for (const v of ['1', '2', '3', '4']) await putVersion('paged', v, `https://example.invalid/p/${v}`);
  const desc = await t.arm('GET', `${models()}/paged/versions?$orderBy=createdtime%20desc&$top=2`);
  expect(desc.status).toBe(200);
  expect(desc.json.value.map((v: { name: string }) => v.name)).toEqual(['4', '3']);
  await t.control('POST', '/seed', { settings: { pageSize: 3 } });
  try {
    const first = await t.arm('GET', `${models()}/paged/versions`);
    expect(first.json.value).toHaveLength(3);
    expect(first.json.nextLink).toBeTruthy();
    expect((await listAll(t, `${models()}/paged/versions`)).map((v) => v.name)).toEqual(['1', '2', '3', '4']);
  } finally {
    await t.control('POST', '/seed', { settings: { pageSize: 100 } });
  }
  const names = (await listAll(t, models())).map((m) => m.name);
  expect(names).toEqual(expect.arrayContaining(['churn', 'paged']));
});

test('version DELETE answers 202 with a Location, then the version is gone; a missing one is 204', async () => {
  await putVersion('gone', '1', 'https://example.invalid/g');
  const del = await t.arm('DELETE', `${models()}/gone/versions/1`);
  expect(del.status).toBe(202);
  const location = del.headers.get('location')!;
  expect(location).toContain('/mfeOperationResults/');
  const { last } = await pollLocation(t, location);
  expect(last.status).toBe(204);
  expect((await t.arm('GET', `${models()}/gone/versions/1`)).status).toBe(404);
  expect((await t.arm('DELETE', `${models()}/gone/versions/1`)).status).toBe(204);
});

test('container PUT answers 201 with Azure-AsyncOperation and ends Succeeded; container DELETE removes its versions', async () => {
  const put = await t.arm('PUT', `${models()}/ctr`, { properties: { description: 'container' } });
  expect(put.status).toBe(201);
  expect(put.json.properties.provisioningState).toBe('Creating');
  const status = put.headers.get('azure-asyncoperation')!;
  let s = '';
  for (let i = 0; i < 100 && !['Succeeded', 'Failed'].includes(s); i++) {
    s = (await t.arm('GET', status)).json.status;
    if (s !== 'Succeeded') await sleep(50);
  }
  expect(s).toBe('Succeeded');
  expect((await t.arm('GET', `${models()}/ctr`)).json.properties).toMatchObject({ description: 'container', provisioningState: 'Succeeded', latestVersion: null });

  await putVersion('ctr', '1', 'https://example.invalid/ctr');
  const del = await t.arm('DELETE', `${models()}/ctr`);
  expect(del.status).toBe(202);
  await pollLocation(t, del.headers.get('location')!);
  expect((await t.arm('GET', `${models()}/ctr`)).status).toBe(404);
  expect((await t.arm('GET', `${models()}/ctr/versions/1`)).status).toBe(404);
});

test('an injected provisioning failure ends the asset-store operation with its error code and leaves the version Failed', async () => {
  await t.control('POST', '/seed', {
    settings: { provisioningFailures: [{ resourceIdPattern: 'registries/mlr-shared/models/failing/versions/1$', code: 'InternalServerError', message: 'asset store failed', times: 1 }] },
  });
  const put = await t.arm('PUT', `${models()}/failing/versions/1`, versionBody('https://example.invalid/f'));
  const { last } = await pollLocation(t, put.headers.get('location')!);
  expect(last.status).toBeGreaterThanOrEqual(400);
  expect(last.json.error).toEqual({ code: 'InternalServerError', message: 'asset store failed' });
  expect((await t.arm('GET', `${models()}/failing/versions/1`)).json.properties.provisioningState).toBe('Failed');
  // A failed version may be written again, even with another modelUri.
  const retry = await t.arm('PUT', `${models()}/failing/versions/1`, versionBody('https://example.invalid/f2'));
  expect(retry.status).toBe(202);
  await pollLocation(t, retry.headers.get('location')!);
  expect((await t.arm('GET', `${models()}/failing/versions/1`)).json.properties).toMatchObject({ provisioningState: 'Succeeded', modelUri: 'https://example.invalid/f2' });
});

test('the journal records registry requests with the caller', async () => {
  const since = Math.max(0, ...(await t.control('GET', '/journal')).json.entries.map((e: { seq: number }) => e.seq));
  await t.arm('GET', `${models()}/churn/versions/1`);
  const entries = (await t.control('GET', `/journal?since=${since}`)).json.entries;
  const app = (await t.world()).identity.apps[0];
  expect(entries).toContainEqual(expect.objectContaining({ method: 'GET', path: `${models()}/churn/versions/1`, status: 200, principal: app.objectId, area: 'arm' }));
});
