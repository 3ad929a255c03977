import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { sleep, startTestEmulator, tempStateDir } from './harness';

test('a restart on the same state dir keeps the world, resources, operations in flight and blobs', async () => {
  const stateDir = tempStateDir();
  const first = await startTestEmulator({ stateDir, azurite: true, lroDurationMs: 1500 });
  let put;
  let ds;
  try {
    expect((await first.arm('PUT', `${first.wsPath}/models/keep/versions/1`, { properties: { modelUri: 'azureml://keep/1' } })).status).toBe(201);
    put = await first.arm('PUT', `${first.wsPath}/onlineEndpoints/ep-keep`, { location: 'eastus', properties: { authMode: 'AMLToken' } });
    expect(put.status).toBe(201);
    ds = (await first.arm('GET', `${first.wsPath}/datastores/workspaceblobstore`)).json.properties;
    const key = (await first.arm('POST', `${first.wsPath}/datastores/workspaceblobstore/listSecrets`)).json.key;
    const svc = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key));
    await svc.getContainerClient(ds.containerName).getBlockBlobClient('kept.txt').upload('kept', 4);
  } finally {
    await first.stop();
  }

  const second = await startTestEmulator({ stateDir, azurite: true });
  try {
    expect(second.sub).toBe(first.sub);
    expect((await second.arm('GET', `${second.wsPath}/models/keep/versions/1`)).json.properties.modelUri).toBe('azureml://keep/1');
    // The operation started before the restart is still tracked by the clock; poll it through the new server.
    const old = new URL(put.headers.get('azure-asyncoperation')!);
    const statusUrl = `${second.url}${old.pathname}${old.search}`;
    const during = (await second.arm('GET', statusUrl)).json.status;
    expect(['Creating', 'Succeeded']).toContain(during);
    await sleep(1600);
    expect((await second.arm('GET', statusUrl)).json.status).toBe('Succeeded');
    expect((await second.arm('GET', `${second.wsPath}/onlineEndpoints/ep-keep`)).json.properties.provisioningState).toBe('Succeeded');

    const ds2 = (await second.arm('GET', `${second.wsPath}/datastores/workspaceblobstore`)).json.properties;
    expect(ds2.accountName).toBe(ds.accountName);
    const key = (await second.arm('POST', `${second.wsPath}/datastores/workspaceblobstore/listSecrets`)).json.key;
    const svc = new BlobServiceClient(`https://${ds2.endpoint}/${ds2.accountName}`, new StorageSharedKeyCredential(ds2.accountName, key));
    const text = (await svc.getContainerClient(ds2.containerName).getBlobClient('kept.txt').downloadToBuffer()).toString();
    expect(text).toBe('kept');
  } finally {
    await second.stop();
  }
}, 90_000);
