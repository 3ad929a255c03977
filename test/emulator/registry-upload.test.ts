import { ContainerClient, RestError } from '@azure/storage-blob';
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { pollLocation, registryPath } from './registry-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true });
});
afterAll(() => t.stop());

const pendingUpload = (name: string, version: string, body: unknown = { pendingUploadType: 'TemporaryBlobReference' }) =>
  t.arm('POST', `${registryPath(t)}/models/${name}/versions/${version}/startPendingUpload`, body);

/** The container client a client builds from a sasUri: account URL + container, SAS query kept; and the folder. */
function fromSasUri(sasUri: string): { container: ContainerClient; folder: string } {
  const u = new URL(sasUri);
  const [account, container, ...folder] = u.pathname.split('/').filter(Boolean);
  return { container: new ContainerClient(`${u.origin}/${account}/${container}${u.search}`), folder: folder.join('/') };
}

async function uploadStatus(client: ContainerClient, name: string): Promise<number> {
  try {
    await client.getBlockBlobClient(name).upload('x', 1);
    return 201;
  } catch (e) {
    if (e instanceof RestError) return e.statusCode ?? 0;
    throw e;
  }
}

test('startPendingUpload returns a fresh folder in the registry container with a real container SAS valid for hours', async () => {
  const r = await pendingUpload('uploaded', '1');
  expect(r.status).toBe(200);
  const { arm } = await t.world();
  const reg = arm.registries.find((x: { name: string }) => x.name === 'mlr-shared');
  const ref = r.json.blobReferenceForConsumption;
  expect(r.json.pendingUploadType).toBe('TemporaryBlobReference');
  expect(r.json.pendingUploadId).toMatch(/^[0-9a-f-]{36}$/);
  expect(ref.blobUri).toBe(`https://127.0.0.1:${arm.azurite.frontPort}/${reg.storageAccount}/${reg.container}/${r.json.pendingUploadId}`);
  expect(ref.credential.credentialType).toBe('SAS');
  expect(ref.credential.sasUri.startsWith(`${ref.blobUri}?`)).toBe(true);
  expect(ref.storageAccountArmId).toMatch(new RegExp(`/providers/Microsoft\\.Storage/storageAccounts/${reg.storageAccount}$`));
  const sas = new URL(ref.credential.sasUri).searchParams;
  expect(sas.get('sr')).toBe('c');
  expect(sas.get('sig')).toBeTruthy();
  const hours = (Date.parse(sas.get('se')!) - Date.now()) / 3_600_000;
  expect(hours).toBeGreaterThan(3);
  expect(hours).toBeLessThanOrEqual(4.01);

  const again = await pendingUpload('uploaded', '1');
  expect(again.json.pendingUploadId).not.toBe(r.json.pendingUploadId);
  const chosen = await pendingUpload('uploaded', '1', { pendingUploadId: 'my-upload-1', pendingUploadType: 'TemporaryBlobReference' });
  expect(chosen.json.pendingUploadId).toBe('my-upload-1');
  expect(chosen.json.blobReferenceForConsumption.blobUri).toMatch(/\/my-upload-1$/);
  expect((await pendingUpload('uploaded', '1', { pendingUploadType: 'Bogus' })).status).toBe(400);
  expect((await pendingUpload('uploaded', '1', { pendingUploadId: '../escape' })).status).toBe(400);
});

test('the SAS lets @azure/storage-blob upload into the registry container; the version PUT then points at it', async () => {
  const r = await pendingUpload('uploaded', '2');
  const { blobUri, credential } = r.json.blobReferenceForConsumption;
  const { container, folder } = fromSasUri(credential.sasUri);
  await container.getBlockBlobClient(`${folder}/model/model.pkl`).upload('weights', 7);
  await container.getBlockBlobClient(`${folder}/model/MLmodel`).upload('flavors: {}', 11);
  const listed: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix: `${folder}/` })) listed.push(b.name);
  expect(listed.sort()).toEqual([`${folder}/model/MLmodel`, `${folder}/model/model.pkl`]);
  expect((await container.getBlockBlobClient(`${folder}/model/model.pkl`).downloadToBuffer()).toString()).toBe('weights');

  const put = await t.arm('PUT', `${registryPath(t)}/models/uploaded/versions/2`, { properties: { modelUri: `${blobUri}/model`, modelType: 'mlflow_model' } });
  expect(put.status).toBe(202);
  const { last } = await pollLocation(t, put.headers.get('location')!);
  expect(last.status).toBe(200);
  const got = await t.arm('GET', `${registryPath(t)}/models/uploaded/versions/2`);
  expect(got.json.properties).toMatchObject({ provisioningState: 'Succeeded', modelUri: `${blobUri}/model` });
});

test('Azurite refuses a tampered SAS, the SAS on another container, and operations the SAS does not grant', async () => {
  const r = await pendingUpload('uploaded', '3');
  const { credential } = r.json.blobReferenceForConsumption;
  const { container, folder } = fromSasUri(credential.sasUri);
  expect(await uploadStatus(container, `${folder}/ok.bin`)).toBe(201);

  const tampered = new URL(credential.sasUri);
  const sig = tampered.searchParams.get('sig')!;
  tampered.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
  expect(await uploadStatus(fromSasUri(tampered.toString()).container, `${folder}/bad.bin`)).toBe(403);

  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const u = new URL(credential.sasUri);
  const elsewhere = new ContainerClient(`${u.origin}/${ds.accountName}/${ds.containerName}${u.search}`);
  expect(await uploadStatus(elsewhere, 'stolen.bin')).toBe(403);

  await expect(container.getBlockBlobClient(`${folder}/ok.bin`).delete()).rejects.toMatchObject({ statusCode: 403 });
});

test('an expired SAS is refused', async () => {
  await t.control('POST', '/seed', { settings: { pendingUploadSasSeconds: 1 } });
  try {
    const r = await pendingUpload('uploaded', '4');
    const { container, folder } = fromSasUri(r.json.blobReferenceForConsumption.credential.sasUri);
    await sleep(2200);
    expect(await uploadStatus(container, `${folder}/late.bin`)).toBe(403);
  } finally {
    await t.control('POST', '/seed', { settings: { pendingUploadSasSeconds: 4 * 3600 } });
  }
});
