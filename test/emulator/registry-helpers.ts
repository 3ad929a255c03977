/** Paths, principals and model files the registry tests share. */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { TestEmulator, TestWorld } from './harness';
import { sleep } from './harness';

export function registryPath(t: TestEmulator, name = t.emu.env.AML_REGISTRY_NAME, sub = t.emu.env.AML_REGISTRY_SUBSCRIPTION_ID, rg = t.emu.env.AML_REGISTRY_RESOURCE_GROUP): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/registries/${name}`;
}

/** An app with Contributor on the workspace subscription only (no access to the registry's subscription). */
export async function appWithoutRegistryAccess(t: TestEmulator): Promise<TestWorld['apps'][number]> {
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'workspace-only-app' }] } });
  const app = (seeded.json.identity as TestWorld).apps.find((a) => a.displayName === 'workspace-only-app')!;
  const r = await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: `/subscriptions/${t.sub}`, role: 'Contributor' }] });
  expect(r.status).toBe(200);
  return app;
}

/** Polls a Location URL until it stops answering 202; returns every status seen and the last response. */
export async function pollLocation(t: TestEmulator, url: string, opts: { token?: string } = {}) {
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) {
    const r = await t.arm('GET', url, undefined, { apiVersion: null, token: opts.token });
    statuses.push(r.status);
    if (r.status !== 202) return { statuses, last: r };
    await sleep(50);
  }
  throw new Error(`operation at ${url} did not finish`);
}

/**
 * Uploads `files` to the workspace's default datastore under `folder` and registers them as model `name:version`.
 * A single file named '' is uploaded as `folder` itself (a single-file model).
 */
export async function seedWorkspaceModel(
  t: TestEmulator,
  name: string,
  version: string,
  folder: string,
  files: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<{ modelUri: string }> {
  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const key = (await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`)).json.key;
  const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
  for (const [rel, content] of Object.entries(files)) await container.getBlockBlobClient(rel ? `${folder}/${rel}` : folder).upload(content, Buffer.byteLength(content));
  const ws = t.wsPath.split('/');
  const single = Object.keys(files).length === 1 && Object.keys(files)[0] === '';
  const modelUri = `azureml://subscriptions/${ws[2]}/resourcegroups/${ws[4]}/workspaces/${ws[8]}/datastores/workspaceblobstore/paths/${folder}${single ? '' : '/'}`;
  const put = await t.arm('PUT', `${t.wsPath}/models/${name}/versions/${version}`, { properties: { modelUri, modelType: 'custom_model', ...extra } });
  expect(put.status).toBe(201);
  return { modelUri };
}

/** Every blob (name → content) of a registry's container under `prefix`, read with the account key. */
export async function registryBlobs(t: TestEmulator, prefix = ''): Promise<Record<string, string>> {
  const { arm } = await t.world();
  const reg = arm.registries.find((r: { name: string }) => r.name === t.emu.env.AML_REGISTRY_NAME);
  const account = arm.storageAccounts.find((a: { name: string }) => a.name === reg.storageAccount);
  const container = new BlobServiceClient(`https://127.0.0.1:${arm.azurite.port}/${account.name}`, new StorageSharedKeyCredential(account.name, account.key)).getContainerClient(reg.container);
  const out: Record<string, string> = {};
  for await (const b of container.listBlobsFlat({ prefix })) out[b.name] = (await container.getBlockBlobClient(b.name).downloadToBuffer()).toString();
  return out;
}
