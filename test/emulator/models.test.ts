import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());

const body = (modelUri: string, extra: Record<string, unknown> = {}) => ({
  properties: { modelUri, modelType: 'custom_model', description: 'first', tags: { a: '1' }, ...extra },
});

test('PUT a new version answers 201; the same PUT again answers 200; tags and description may change', async () => {
  const path = `${t.wsPath}/models/churn/versions/1`;
  const created = await t.arm('PUT', path, body('azureml://datastores/workspaceblobstore/paths/churn/1'));
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ name: '1', type: 'Microsoft.MachineLearningServices/workspaces/models/versions', id: path });
  expect(created.json.properties.provisioningState).toBe('Succeeded');
  expect(created.json.systemData.createdBy).toBe((await t.world()).identity.apps[0].appId);

  const again = await t.arm('PUT', path, body('azureml://datastores/workspaceblobstore/paths/churn/1', { description: 'second', tags: { b: '2' } }));
  expect(again.status).toBe(200);
  expect(again.json.properties).toMatchObject({ description: 'second', tags: { b: '2' } });
  expect(again.json.systemData.createdAt).toBe(created.json.systemData.createdAt);

  const got = await t.arm('GET', path);
  expect(got.json.properties.description).toBe('second');
});

test('changing modelUri of an existing version is 400 UserError saying the asset is immutable', async () => {
  const path = `${t.wsPath}/models/immut/versions/1`;
  expect((await t.arm('PUT', path, body('azureml://a'))).status).toBe(201);
  const r = await t.arm('PUT', path, body('azureml://b'));
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('UserError');
  expect(r.json.error.message).toMatch(/immutable/i);
  expect(r.json.error.message).toMatch(/changing the path/i);
  expect((await t.arm('GET', path)).json.properties.modelUri).toBe('azureml://a');
});

test('invalid names, missing properties and missing modelUri are 400 UserError', async () => {
  const badName = await t.arm('PUT', `${t.wsPath}/models/-bad.name/versions/1`, body('azureml://a'));
  expect(badName.status).toBe(400);
  expect(badName.json.error.code).toBe('UserError');
  const noProps = await t.arm('PUT', `${t.wsPath}/models/ok/versions/1`, { tags: {} });
  expect(noProps.status).toBe(400);
  const noUri = await t.arm('PUT', `${t.wsPath}/models/ok/versions/1`, { properties: { description: 'x' } });
  expect(noUri.status).toBe(400);
  expect(noUri.json.error.message).toContain('modelUri');
  expect((await t.arm('GET', `${t.wsPath}/models/ok/versions/1`)).status).toBe(404);
});

test('fields the emulator does not know are stored and returned', async () => {
  const path = `${t.wsPath}/models/future/versions/3`;
  const r = await t.arm('PUT', path, { properties: { modelUri: 'azureml://f', newerField: { nested: [1, 2] } }, topLevelNew: 'kept' });
  expect(r.status).toBe(201);
  const got = await t.arm('GET', path);
  expect(got.json.properties.newerField).toEqual({ nested: [1, 2] });
  expect(got.json.topLevelNew).toBe('kept');
});

test('creating versions creates the container and moves latestVersion / nextVersion', async () => {
  for (const v of ['1', '2', '5']) expect((await t.arm('PUT', `${t.wsPath}/models/fraud/versions/${v}`, body(`azureml://fraud/${v}`))).status).toBe(201);
  const ctr = await t.arm('GET', `${t.wsPath}/models/fraud`);
  expect(ctr.status).toBe(200);
  expect(ctr.json.properties).toMatchObject({ latestVersion: '5', nextVersion: '6' });
  const names = (await t.arm('GET', `${t.wsPath}/models`)).json.value.map((m: { name: string }) => m.name);
  expect(names).toContain('fraud');
});

test('version list: $orderBy=createdtime desc, $top, $skip and nextLink paging', async () => {
  for (const v of ['1', '2', '3', '4', '5']) await t.arm('PUT', `${t.wsPath}/models/paged/versions/${v}`, body(`azureml://p/${v}`));
  const list = (q: string) => t.arm('GET', `${t.wsPath}/models/paged/versions?${q}`);
  const desc = await list('$orderBy=createdtime%20desc');
  expect(desc.json.value.map((v: { name: string }) => v.name)).toEqual(['5', '4', '3', '2', '1']);
  const top2 = await list('$orderBy=createdtime%20desc&$top=2');
  expect(top2.json.value.map((v: { name: string }) => v.name)).toEqual(['5', '4']);
  expect(top2.json.nextLink).toBeUndefined();
  const skipped = await list('$skip=3');
  expect(skipped.json.value.map((v: { name: string }) => v.name)).toEqual(['4', '5']);

  await t.control('POST', '/seed', { settings: { pageSize: 2 } });
  try {
    const seen: string[] = [];
    let next: string | undefined = `${t.url}${t.wsPath}/models/paged/versions?api-version=2025-04-01&$orderBy=createdtime%20desc&$top=4`;
    let pages = 0;
    while (next) {
      const p = await t.arm('GET', next);
      seen.push(...p.json.value.map((v: { name: string }) => v.name));
      next = p.json.nextLink;
      pages++;
    }
    expect(seen).toEqual(['5', '4', '3', '2']);
    expect(pages).toBe(2);
  } finally {
    await t.control('POST', '/seed', { settings: { pageSize: 100 } });
  }
});

test('DELETE a version: 200, then 204 when it is gone; container DELETE removes versions', async () => {
  const path = `${t.wsPath}/models/gone/versions/1`;
  await t.arm('PUT', path, body('azureml://g'));
  expect((await t.arm('DELETE', path)).status).toBe(200);
  expect((await t.arm('DELETE', path)).status).toBe(204);
  expect((await t.arm('GET', path)).status).toBe(404);
  await t.arm('PUT', path, body('azureml://g'));
  expect((await t.arm('DELETE', `${t.wsPath}/models/gone`)).status).toBe(200);
  expect((await t.arm('GET', path)).status).toBe(404);
});

test('model container PUT is synchronous: 201 then 200', async () => {
  const path = `${t.wsPath}/models/ctr-only`;
  expect((await t.arm('PUT', path, { properties: { description: 'd' } })).status).toBe(201);
  const again = await t.arm('PUT', path, { properties: { description: 'e' } });
  expect(again.status).toBe(200);
  expect(again.json.properties.description).toBe('e');
});
