import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());

const env = (n: string, v: string) => `${t.wsPath}/environments/${n}/versions/${v}`;
const code = (n: string, v: string) => `${t.wsPath}/codes/${n}/versions/${v}`;

test('environment versions: 201 then 200, defaults, container view, immutability, anonymous', async () => {
  const body = { properties: { image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', condaFile: 'name: e' } };
  const first = await t.arm('PUT', env('my-env', '1'), body);
  expect(first.status).toBe(201);
  expect(first.json.properties).toMatchObject({ osType: 'Linux', autoRebuild: 'Disabled', environmentType: 'UserCreated', isAnonymous: false, provisioningState: 'Succeeded' });
  expect((await t.arm('PUT', env('my-env', '1'), body)).status).toBe(200);
  const changed = await t.arm('PUT', env('my-env', '1'), { properties: { ...body.properties, image: 'other:1' } });
  expect(changed.status).toBe(400);
  expect(changed.json.error.details[0].code).toBe('Immutable');
  const ctr = await t.arm('GET', `${t.wsPath}/environments/my-env`);
  expect(ctr.json.properties).toMatchObject({ latestVersion: '1', nextVersion: '2' });
  const anon = await t.arm('PUT', env('CliV2AnonymousEnvironment', '3f1c2a'), { properties: { image: 'python:3.10', isAnonymous: true } });
  expect(anon.status).toBe(201);
  expect(anon.json.properties.isAnonymous).toBe(true);
  const list = await t.arm('GET', `${t.wsPath}/environments/my-env/versions`);
  expect(list.json.value.map((v: { name: string }) => v.name)).toEqual(['1']);
});

test('environment validation', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /'properties' field is required/],
    [{ properties: {} }, /either 'image'.*or 'build'/],
    [{ properties: { image: 'a:1', build: { contextUri: 'https://x/y' } } }, /not both/],
    [{ properties: { build: {} } }, /build.contextUri' is required/],
    [{ properties: { build: { contextUri: 'https://x/y' }, condaFile: 'name: e' } }, /condaFile' can only be given with 'image'/],
    [{ properties: { image: 'a:1', osType: 'Mac' } }, /osType' must be one of Linux, Windows/],
  ];
  for (const [body, msg] of cases) {
    const r = await t.arm('PUT', env('bad-env', '1'), body);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(msg);
  }
  expect((await t.arm('PUT', env('-bad', '1'), { properties: { image: 'a:1' } })).status).toBe(400);
  expect((await t.arm('GET', env('bad-env', '1'))).status).toBe(404);
});

test('code versions: codeUri required and immutable; delete', async () => {
  expect((await t.arm('PUT', code('src', '1'), { properties: {} })).json.error.message).toMatch(/'codeUri' is required/);
  expect((await t.arm('PUT', code('src', '1'), { properties: { codeUri: 'file:///tmp/x' } })).status).toBe(400);
  const uri = 'https://stamlw.blob.core.windows.net/azureml-blobstore-x/LocalUpload/abc/src';
  expect((await t.arm('PUT', code('src', '1'), { properties: { codeUri: uri } })).status).toBe(201);
  const moved = await t.arm('PUT', code('src', '1'), { properties: { codeUri: `${uri}2` } });
  expect(moved.status).toBe(400);
  expect(moved.json.error.details[0].code).toBe('Immutable');
  expect((await t.arm('GET', code('src', '1'))).json.properties.codeUri).toBe(uri);
  expect((await t.arm('DELETE', code('src', '1'))).status).toBe(200);
  expect((await t.arm('GET', code('src', '1'))).status).toBe(404);
});
