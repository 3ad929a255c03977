/**
 * Local mode's data seeding (`PUT /_emulator/data/...`): the text lands in the workspace blob store and the data
 * version is registered through the ARM handler, so ARM reads it as any other; bad names and paths are refused.
 */
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true });
}, 60_000);
afterAll(() => t.stop());

const route = (name: string, version = '1') => `/data/${t.sub}/${t.emu.env.AML_RESOURCE_GROUP}/${t.emu.env.AML_WORKSPACE}/${name}/${version}`;

test('a seeded data asset is stored and readable through ARM', async () => {
  const r = await t.control('PUT', route('baseline'), { text: 'a,b\n1,2\n', path: 'demo/baseline.csv' });
  expect(r.status).toBe(201);
  const v = await t.arm('GET', `${t.wsPath}/data/baseline/versions/1`);
  expect(v.status).toBe(200);
  expect(v.json.properties).toMatchObject({ dataType: 'uri_file', dataUri: 'azureml://datastores/workspaceblobstore/paths/demo/baseline.csv' });
  expect((await t.control('PUT', route('bad name'), { text: 'x' })).status).toBe(400);
  expect((await t.control('PUT', route('ok'), { text: 'x', path: '../escape.csv' })).status).toBe(400);
  expect((await t.control('PUT', route('ok'), {})).status).toBe(400);
  // The refused requests registered nothing.
  expect((await t.arm('GET', `${t.wsPath}/data/ok/versions/1`)).status).toBe(404);
});
