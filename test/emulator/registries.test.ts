import { listAll, startTestEmulator, type TestEmulator } from './harness';
import { appWithoutRegistryAccess, registryPath } from './registry-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());

test('the default world has registry mlr-shared in rg-registry of a second subscription, with its own storage', async () => {
  const { arm } = await t.world();
  const regSub = t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID;
  expect(regSub).toBeTruthy();
  expect(regSub).not.toBe(t.sub);
  expect(arm.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual(expect.arrayContaining([t.sub, regSub]));
  const reg = arm.registries.find((r: { name: string }) => r.name === 'mlr-shared');
  expect(reg).toMatchObject({ subscriptionId: regSub, resourceGroup: 'rg-registry', location: 'eastus' });
  const workspaceAccount = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties.accountName;
  expect(reg.storageAccount).toBeTruthy();
  expect(reg.storageAccount).not.toBe(workspaceAccount);
  expect(reg.container).toMatch(/^[a-z0-9-]{3,63}$/);
});

test('GET a registry returns the tracked resource with discovery, MLflow and storage details', async () => {
  const r = await t.arm('GET', registryPath(t));
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ id: registryPath(t), name: 'mlr-shared', type: 'Microsoft.MachineLearningServices/registries', location: 'eastus' });
  expect(r.json.properties.discoveryUrl).toBe(`${t.url}/registrymanagement/v1.0/registries/mlr-shared/discovery`);
  expect(r.json.properties.mlFlowRegistryUri).toMatch(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\/.+\/registries\/mlr-shared$/);
  expect(r.json.properties).toHaveProperty('intellectualPropertyPublisher');
  const region = r.json.properties.regionDetails[0];
  expect(region.location).toBe('eastus');
  const account = region.storageAccountDetails[0].systemCreatedStorageAccount;
  expect(account.storageAccountName).toBe((await t.world()).arm.registries[0].storageAccount);
  expect(account.armResourceId.resourceId).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\//);
});

test('a missing registry is ARM 404 ResourceNotFound naming the registry and resource group', async () => {
  const r = await t.arm('GET', registryPath(t, 'nope-registry'));
  expect(r.status).toBe(404);
  expect(r.headers.get('x-ms-failure-cause')).toBe('gateway');
  expect(r.json.error).toEqual({
    code: 'ResourceNotFound',
    message: expect.stringContaining("The Resource 'Microsoft.MachineLearningServices/registries/nope-registry' under resource group 'rg-registry' was not found"),
  });
  const child = await t.arm('GET', `${registryPath(t, 'nope-registry')}/models/m/versions/1`);
  expect(child.status).toBe(404);
  expect(child.json.error.code).toBe('ResourceNotFound');
});

test('list by resource group and by subscription, paged; seeded registries join them; names are unique', async () => {
  const regSub = t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID;
  const seeded = await t.control('POST', '/seed', {
    registries: [
      { subscriptionId: regSub, resourceGroup: 'rg-registry', name: 'mlr-second', location: 'westeurope' },
      { subscriptionId: regSub, resourceGroup: 'rg-other', name: 'mlr_third' },
    ],
  });
  expect(seeded.status).toBe(200);
  const byRg = await listAll(t, `/subscriptions/${regSub}/resourceGroups/rg-registry/providers/Microsoft.MachineLearningServices/registries`);
  expect(byRg.map((r) => r.name)).toEqual(['mlr-shared', 'mlr-second']);
  expect(byRg[1].location).toBe('westeurope');

  await t.control('POST', '/seed', { settings: { pageSize: 2 } });
  try {
    const first = await t.arm('GET', `/subscriptions/${regSub}/providers/Microsoft.MachineLearningServices/registries`);
    expect(first.status).toBe(200);
    expect(first.json.value).toHaveLength(2);
    expect(new URL(first.json.nextLink).searchParams.get('$skip')).toBe('2');
    const all = await listAll(t, `/subscriptions/${regSub}/providers/Microsoft.MachineLearningServices/registries`);
    expect(all.map((r) => r.name)).toEqual(['mlr-shared', 'mlr-second', 'mlr_third']);
  } finally {
    await t.control('POST', '/seed', { settings: { pageSize: 100 } });
  }
  const wsSubList = await t.arm('GET', `/subscriptions/${t.sub}/providers/Microsoft.MachineLearningServices/registries`);
  expect(wsSubList.json.value).toEqual([]);

  const clash = await t.control('POST', '/seed', { registries: [{ subscriptionId: t.sub, resourceGroup: 'rg-demo', name: 'MLR-SHARED' }] });
  expect(clash.status).toBe(400);
  expect(clash.json.error.message).toContain('already exists');
  const badName = await t.control('POST', '/seed', { registries: [{ resourceGroup: 'rg-demo', name: '-x' }] });
  expect(badName.status).toBe(400);
});

test("an app without access to the registry's subscription gets ARM 403 AuthorizationFailed naming itself and the scope", async () => {
  const app = await appWithoutRegistryAccess(t);
  const token = await t.token(app);
  expect((await t.arm('GET', t.wsPath, undefined, { token })).status).toBe(200);
  const r = await t.arm('GET', registryPath(t), undefined, { token });
  expect(r.status).toBe(403);
  expect(r.json.error.code).toBe('AuthorizationFailed');
  expect(r.json.error.message).toContain(`'${app.appId}'`);
  expect(r.json.error.message).toContain(`'${app.objectId}'`);
  expect(r.json.error.message).toContain(`over scope '${registryPath(t)}'`);
  const list = await t.arm('GET', `/subscriptions/${t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID}/providers/Microsoft.MachineLearningServices/registries`, undefined, { token });
  expect(list.status).toBe(403);
  expect(list.json.error.message).toContain("action 'Microsoft.MachineLearningServices/registries/read'");
});

test('an AzureML Registry User on the registry reads it and writes assets but cannot delete it', async () => {
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'registry-user-app' }] } });
  const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'registry-user-app');
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: registryPath(t), role: 'AzureML Registry User' }] });
  const token = await t.token(app);
  expect((await t.arm('GET', registryPath(t), undefined, { token })).status).toBe(200);
  expect((await t.arm('GET', `${registryPath(t)}/models`, undefined, { token })).status).toBe(200);
  const del = await t.arm('DELETE', registryPath(t), undefined, { token });
  expect(del.status).toBe(403);
});
