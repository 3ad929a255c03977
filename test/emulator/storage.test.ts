import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true });
});
afterAll(() => t.stop());

async function defaultDatastore() {
  const r = await t.arm('GET', `${t.wsPath}/datastores?isDefault=true`);
  expect(r.status).toBe(200);
  expect(r.json.value).toHaveLength(1);
  return r.json.value[0];
}

test('the default datastore points at an Azurite account whose key (listSecrets) reaches the workspace container', async () => {
  const ds = await defaultDatastore();
  expect(ds.name).toBe('workspaceblobstore');
  const { arm } = await t.world();
  expect(ds.properties).toMatchObject({
    datastoreType: 'AzureBlob',
    isDefault: true,
    protocol: 'https',
    containerName: `azureml-blobstore-${arm.workspaces[0].workspaceId}`,
  });
  expect(ds.properties.accountName).toMatch(/^[a-z0-9]{3,24}$/);
  expect(ds.properties.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);

  const all = await t.arm('GET', `${t.wsPath}/datastores`);
  expect(all.json.value.length).toBeGreaterThan(1);
  const notDefault = await t.arm('GET', `${t.wsPath}/datastores?isDefault=false`);
  expect(notDefault.json.value.every((d: { properties: { isDefault: boolean } }) => !d.properties.isDefault)).toBe(true);

  const secrets = await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`);
  expect(secrets.status).toBe(200);
  expect(secrets.json.secretsType).toBe('AccountKey');
  expect(t.emu.secretValues()).toContain(secrets.json.key);

  const { accountName, endpoint, containerName } = ds.properties;
  const svc = new BlobServiceClient(`https://${endpoint}/${accountName}`, new StorageSharedKeyCredential(accountName, secrets.json.key));
  const container = svc.getContainerClient(containerName);
  expect(await container.exists()).toBe(true);
  await container.getBlockBlobClient('models/m/1/model.pkl').upload('bytes', 5);
  const names: string[] = [];
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  expect(names).toContain('models/m/1/model.pkl');
});

test('a missing datastore is 404 and the get of one returns the same endpoint', async () => {
  expect((await t.arm('GET', `${t.wsPath}/datastores/nope`)).status).toBe(404);
  const one = await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`);
  expect(one.json.properties.endpoint).toBe((await defaultDatastore()).properties.endpoint);
});

test('a workspace added through the control surface gets its own storage account, datastore and container', async () => {
  const seeded = await t.control('POST', '/seed', { workspaces: [{ resourceGroup: 'rg-second', name: 'mlw-second', location: 'westeurope' }] });
  expect(seeded.status).toBe(200);
  const ws = seeded.json.arm.workspaces.find((w: { name: string }) => w.name === 'mlw-second');
  expect(ws).toMatchObject({ location: 'westeurope', resourceGroup: 'rg-second' });
  const base = `/subscriptions/${t.sub}/resourceGroups/rg-second/providers/Microsoft.MachineLearningServices/workspaces/mlw-second`;
  const got = await t.arm('GET', base);
  expect(got.status).toBe(200);
  expect(got.json.properties.workspaceId).toBe(ws.workspaceId);
  const ds = (await t.arm('GET', `${base}/datastores?isDefault=true`)).json.value[0];
  const key = (await t.arm('POST', `${base}/datastores/workspaceblobstore/listSecrets`)).json.key;
  expect(ds.properties.accountName).not.toBe((await defaultDatastore()).properties.accountName);
  const svc = new BlobServiceClient(`https://${ds.properties.endpoint}/${ds.properties.accountName}`, new StorageSharedKeyCredential(ds.properties.accountName, key));
  expect(await svc.getContainerClient(ds.properties.containerName).exists()).toBe(true);
  // The first workspace's account still works after Azurite restarted to learn the new account.
  const first = await defaultDatastore();
  const firstKey = (await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`)).json.key;
  const firstSvc = new BlobServiceClient(`https://${first.properties.endpoint}/${first.properties.accountName}`, new StorageSharedKeyCredential(first.properties.accountName, firstKey));
  expect(await firstSvc.getContainerClient(first.properties.containerName).getBlockBlobClient('models/m/1/model.pkl').exists()).toBe(true);
});
