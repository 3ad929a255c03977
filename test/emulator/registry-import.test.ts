import { http, startTestEmulator, type TestEmulator } from './harness';
import { appWithoutRegistryAccess, pollLocation, registryBlobs, registryPath, seedWorkspaceModel } from './registry-helpers';

const DP = '2021-10-01-dataplanepreview';
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true, lroDurationMs: 300 });
});
afterAll(() => t.stop());

const discoveryUrl = (name: string) => `${t.url}/registrymanagement/v1.0/registries/${name}/discovery`;

async function discover(name = 'mlr-shared', token?: string) {
  const auth = token ?? (await t.token());
  return http(discoveryUrl(name), { headers: { authorization: `Bearer ${auth}` } });
}

/** {primaryRegionResourceProviderUri}mferp/managementfrontend/subscriptions/.../registries/{r} */
async function mfeRegistryBase(): Promise<string> {
  const d = (await discover()).json;
  return `${d.primaryRegionResourceProviderUri}mferp/managementfrontend/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.MachineLearningServices/registries/${d.registryName}`;
}

async function sourceAssetId(name: string, version: string): Promise<string> {
  const ws = (await t.arm('GET', t.wsPath)).json;
  return `azureml://locations/${ws.location}/workspaces/${ws.properties.workspaceId}/models/${name}/versions/${version}`;
}

test('discovery (ARM token) names the registry, its subscription, resource group and regional endpoint', async () => {
  const r = await discover();
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({
    registryName: 'mlr-shared',
    primaryRegionResourceProviderUri: `${t.url}/`,
    subscriptionId: t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID,
    resourceGroup: 'rg-registry',
    primaryRegion: 'eastus',
  });
  expect((await t.arm('GET', registryPath(t))).json.properties.discoveryUrl).toBe(discoveryUrl('mlr-shared'));
  expect((await http(discoveryUrl('mlr-shared'))).status).toBe(401);
  const missing = await discover('nope-registry');
  expect(missing.status).toBe(404);
  expect(missing.json.error.message).toContain("Registry 'nope-registry' was not found");
  const app = await appWithoutRegistryAccess(t);
  const denied = await discover('mlr-shared', await t.token(app));
  expect(denied.status).toBe(403);
  expect(denied.json.error.code).toBe('AuthorizationFailed');
});

test('existence check 404, import 202 with Location, then the version exists with the files copied into the registry', async () => {
  await seedWorkspaceModel(t, 'fraud', '4', 'models/fraud/4', { 'model.pkl': 'fraud-weights', 'MLmodel': 'flavors: {}' }, { description: 'fraud', tags: { t: '1' } });
  const base = await mfeRegistryBase();
  const versionUrl = `${base}/models/fraud-shared/versions/1?api-version=${DP}`;
  const before = await t.arm('GET', versionUrl);
  expect(before.status).toBe(404);

  const body = { properties: { referenceType: 'Id', sourceAssetId: await sourceAssetId('fraud', '4'), destinationName: 'fraud-shared', destinationVersion: '1' } };
  const imp = await t.arm('POST', `${base}/import?api-version=${DP}`, body);
  expect(imp.status).toBe(202);
  expect(imp.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/');
  const { last } = await pollLocation(t, imp.headers.get('location')!);
  expect([200, 204]).toContain(last.status);

  const after = await t.arm('GET', versionUrl);
  expect(after.status).toBe(200);
  expect(after.json.properties).toMatchObject({ provisioningState: 'Succeeded', description: 'fraud', tags: { t: '1' } });
  const arm = await t.arm('GET', `${registryPath(t)}/models/fraud-shared/versions/1`);
  expect(arm.json.properties.modelUri).toBe(after.json.properties.modelUri);
  const folder = after.json.properties.modelUri.split('/').slice(-2).join('/');
  expect(folder).toMatch(/^[0-9a-f-]{36}\/4$/);
  expect(await registryBlobs(t, `${folder}/`)).toEqual({ [`${folder}/model.pkl`]: 'fraud-weights', [`${folder}/MLmodel`]: 'flavors: {}' });

  const entries = (await t.control('GET', '/journal')).json.entries;
  const app = (await t.world()).identity.apps[0];
  expect(entries).toContainEqual(expect.objectContaining({ method: 'POST', path: new URL(`${base}/import`).pathname, status: 202, principal: app.objectId, requestBody: body }));
});

test('import defaults the destination to the source name and version; a rerun with the same content succeeds', async () => {
  await seedWorkspaceModel(t, 'same', '2', 'models/same/2', { 'a.txt': 'A' });
  const base = await mfeRegistryBase();
  const body = { properties: { referenceType: 'Id', sourceAssetId: await sourceAssetId('same', '2') } };
  for (let i = 0; i < 2; i++) {
    const imp = await t.arm('POST', `${base}/import?api-version=${DP}`, body);
    expect(imp.status).toBe(202);
    expect([200, 204]).toContain((await pollLocation(t, imp.headers.get('location')!)).last.status);
  }
  expect((await t.arm('GET', `${base}/models/same/versions/2?api-version=${DP}`)).json.properties.provisioningState).toBe('Succeeded');
});

test('import errors: wrong api-version, bad body, unknown source asset, missing registry, no access to the source', async () => {
  const base = await mfeRegistryBase();
  const wrongVersion = await t.arm('GET', `${base}/models/x/versions/1?api-version=2025-04-01`);
  expect(wrongVersion.status).toBe(400);
  expect(wrongVersion.json.error.details[0].code).toBe('ApiVersionNotSupported');
  expect((await t.arm('POST', `${base}/import?api-version=${DP}`, { properties: { referenceType: 'Id' } })).status).toBe(400);
  const unknown = await t.arm('POST', `${base}/import?api-version=${DP}`, {
    properties: { referenceType: 'Id', sourceAssetId: 'azureml://locations/eastus/workspaces/00000000-0000-0000-0000-000000000000/models/m/versions/1' },
  });
  expect(unknown.status).toBe(404);
  const noRegistry = await t.arm('POST', `${base.replace(/mlr-shared$/, 'nope-registry')}/import?api-version=${DP}`, {
    properties: { referenceType: 'Id', sourceAssetId: await sourceAssetId('same', '2') },
  });
  expect(noRegistry.status).toBe(404);
  expect(noRegistry.json.error.message).toContain('nope-registry');

  // An app that may write the registry but not read the workspace cannot import from it.
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'registry-only-app' }] } });
  const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'registry-only-app');
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: registryPath(t), role: 'AzureML Registry User' }] });
  const denied = await t.arm('POST', `${base}/import?api-version=${DP}`, { properties: { referenceType: 'Id', sourceAssetId: await sourceAssetId('same', '2') } }, { token: await t.token(app) });
  expect(denied.status).toBe(403);
  expect(denied.json.error.message).toContain('/workspaces/models/versions/read');
});
