/**
 * The blob path end to end (issue 6 §9): the steps reach storage through the emulator's blob front with the same
 * @azure/storage-blob code they use against Azure, so uploads, listings and the registry copy are journaled, and
 * storage faults (Azure Storage's XML errors) are retried when transient and reported, naming storage, when not.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { runNode, type ProcessResult } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/emulator/src/journal';
import { blobOperation } from '../../shared/emulator/src/blob-operations';
import { arm, workspacePath } from '../support/arm-reader';
import { isArmWrite, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { cliEnv, modelFolder, uniqueName } from '../support/e2e';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.clearFaults();
});

interface ArmWorld {
  azurite: { port: number; frontPort: number };
  registries: Array<{ name: string; storageAccount: string; container: string }>;
}
const armWorld = async () => (await t.control.world()).arm as ArmWorld;

const spEnv = () => cliEnv(t, { AZURE_CLIENT_ID: t.world.identity.apps[0].appId, AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value });
const shown = (r: ProcessResult) => `${visibleLog(r.stdout)}\n${visibleLog(r.stderr)}`;

/** What the run did, as the journal saw it. */
async function during(args: string[]): Promise<{ r: ProcessResult; journal: JournalEntry[] }> {
  const since = await t.control.lastSeq();
  const r = await runNode(CLI, args, spEnv());
  // The control client's entry type leaves out `area` and `fault`; the journal's own has them.
  return { r, journal: (await t.control.journal(since)) as JournalEntry[] };
}

interface BlobCall {
  op: string;
  path: string;
  status: number;
  fault?: string;
}

/** The journal's blob requests (served or answered by a fault), named by their Blob service operation. */
const blobCalls = (journal: JournalEntry[]): BlobCall[] =>
  journal
    .filter((e) => e.area === 'blob')
    .map((e) => ({ op: blobOperation(e.method, e.path, new URLSearchParams(e.query), {}), path: e.path, status: e.status, fault: e.fault }));

const versionPuts = (journal: JournalEntry[], name: string) => journal.filter((e) => isArmWrite(e) && e.path.includes(`/models/${name}/versions/`));

async function datastore() {
  const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${workspacePath(t)}/datastores/workspaceblobstore`)).json.properties;
  return ds;
}

const register = (name: string, path = modelFolder()) => during(['register-model', '--model-name', name, '--model-path', path]);

describe('register-model from a local folder', () => {
  test('the listing and the uploads go through the blob front and are journaled before the version is written', async () => {
    const ds = await datastore();
    const front = (await armWorld()).azurite;
    expect(ds.endpoint).toBe(`127.0.0.1:${front.frontPort}`);
    expect(front.frontPort).not.toBe(front.port);

    const name = uniqueName();
    const { r, journal } = await register(name);
    expect(shown(r)).not.toMatch(/error/i);
    expect(r.exitCode).toBe(0);
    const calls = blobCalls(journal);
    const container = `/${ds.accountName}/${ds.containerName}`;
    expect(calls.filter((c) => c.op === 'ListBlobs')).toEqual([{ op: 'ListBlobs', path: container, status: 200, fault: undefined }]);
    const uploads = calls.filter((c) => c.op === 'PutBlob');
    expect(uploads.map((c) => c.path.replace(/^.*\/LocalUpload\/[0-9a-f]+\/[^/]+\//, '')).sort()).toEqual(['MLmodel', 'weights/w.bin']);
    expect(uploads.every((c) => c.status === 201 && c.path.startsWith(`${container}/LocalUpload/`))).toBe(true);
    // The listing, then the uploads, then the version that names them.
    const seq = (pred: (e: JournalEntry) => boolean) => journal.filter(pred).map((e) => e.seq);
    const blobSeqs = seq((e) => e.area === 'blob');
    expect(Math.max(...blobSeqs)).toBeLessThan(Math.min(...seq((e) => isArmWrite(e) && e.path.endsWith(`/models/${name}/versions/1`))));
    // A SAS signature never reaches the journal.
    expect(JSON.stringify(journal)).not.toMatch(/"sig":"(?!REDACTED)/);
  });

  test('a 503 on the first Put Blob is retried by the storage SDK and the model registers', async () => {
    const { id } = await t.control.addFault({ host: 'blob', operation: 'PutBlob', method: 'PUT', path: '/MLmodel$', status: 503, times: 1 });
    const name = uniqueName();
    const { r, journal } = await register(name);
    expect(shown(r)).not.toMatch(/error/i);
    expect(r.exitCode).toBe(0);
    const mlmodel = blobCalls(journal).filter((c) => c.op === 'PutBlob' && c.path.endsWith('/MLmodel'));
    expect(mlmodel.map((c) => [c.status, c.fault])).toEqual([
      [503, id],
      [201, undefined],
    ]);
    expect(versionPuts(journal, name)).toHaveLength(1);
  });

  test('a persistent 403 on Put Blob fails naming storage and the remedy, with no stack trace and no model version', async () => {
    await t.control.addFault({ host: 'blob', operation: 'PutBlob', path: '.', status: 403 });
    const name = uniqueName();
    const { r, journal } = await register(name);
    expect(r.exitCode).toBe(1);
    const text = shown(r);
    expect(text).toMatch(/Uploading \S+ to https:\/\/127\.0\.0\.1:\d+\/\w+\/[\w-]+\/LocalUpload\/[0-9a-f]+/);
    expect(text).toMatch(/AuthorizationFailure|not authorized/);
    expect(text).toMatch(/Storage Blob Data Contributor|storage container/);
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(text).not.toMatch(/sig=(?!REDACTED)/);
    // Not retried: a 403 will not change.
    expect(blobCalls(journal).filter((c) => c.op === 'PutBlob' && c.path.endsWith('/MLmodel'))).toHaveLength(1);
    expect(versionPuts(journal, name)).toHaveLength(0);
    expect((await arm(t, 'GET', `${workspacePath(t)}/models/${name}/versions/1`)).status).toBe(404);
  });

  test('a persistent 500 on the listing is retried, then fails naming storage and the status; no model version', async () => {
    await t.control.addFault({ host: 'blob', operation: 'ListBlobs', path: '.', status: 500 });
    const name = uniqueName();
    const { r, journal } = await register(name);
    expect(r.exitCode).toBe(1);
    const text = shown(r);
    expect(text).toMatch(/Listing https:\/\/127\.0\.0\.1:\d+\/\w+\/[\w-]+\/LocalUpload\/[0-9a-f]+/);
    expect(text).toMatch(/InternalError|500/);
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    const listings = blobCalls(journal).filter((c) => c.op === 'ListBlobs');
    expect(listings.length).toBeGreaterThan(1);
    expect(listings.every((c) => c.status === 500)).toBe(true);
    expect(blobCalls(journal).filter((c) => c.op === 'PutBlob')).toHaveLength(0);
    expect(versionPuts(journal, name)).toHaveLength(0);
  }, 120_000);

  test('the fault answer is Azure Storage XML with x-ms-error-code', async () => {
    const ds = await datastore();
    await t.control.addFault({ host: 'blob', operation: 'GetBlob', path: '/nope$', status: 503, times: 1 });
    const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
    const blob = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key), { retryOptions: { maxTries: 1 } })
      .getContainerClient(ds.containerName)
      .getBlobClient('nope');
    const e = (await blob.download().catch((x: unknown) => x)) as { statusCode: number; code: string; message: string };
    expect(e.statusCode).toBe(503);
    expect(e.code).toBe('ServerBusy');
    expect(e.message).toMatch(/^The server is currently unable to receive requests/);
  });
});

describe('promote-model', () => {
  /** A workspace model version whose files were written straight to storage. */
  async function seedSource(name: string): Promise<void> {
    const ds = await datastore();
    const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
    const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
    for (const rel of ['model.pkl', 'conda.yaml']) {
      const text = randomBytes(16).toString('hex');
      await container.getBlockBlobClient(`e2e/${name}/${rel}`).upload(text, text.length);
    }
    const modelUri = `azureml://subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${t.env.AML_RESOURCE_GROUP}/workspaces/${t.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/e2e/${name}/`;
    const put = await arm(t, 'PUT', `${workspacePath(t)}/models/${name}/versions/1`, { properties: { modelUri, modelType: 'custom_model' } });
    expect(put.status).toBe(201);
  }

  const promote = (name: string) =>
    during([
      'promote-model',
      '--model', `azureml:${name}:1`,
      '--registry', t.env.AML_REGISTRY_NAME,
      '--registry-resource-group', t.env.AML_REGISTRY_RESOURCE_GROUP,
      '--registry-subscription-id', t.env.AML_REGISTRY_SUBSCRIPTION_ID,
    ]);

  async function registryContainer(): Promise<string> {
    const reg = (await armWorld()).registries.find((x) => x.name === t.env.AML_REGISTRY_NAME)!;
    return `/${reg.storageAccount}/${reg.container}`;
  }

  test('the copy into the registry storage is journaled: the source listed and read, the registry written', async () => {
    const ds = await datastore();
    const name = uniqueName();
    await seedSource(name);
    const { r, journal } = await promote(name);
    expect(shown(r)).not.toMatch(/^error:/m);
    expect(r.exitCode).toBe(0);
    const calls = blobCalls(journal);
    const source = `/${ds.accountName}/${ds.containerName}`;
    expect(calls).toContainEqual({ op: 'ListBlobs', path: source, status: 200, fault: undefined });
    expect(calls.filter((c) => c.op === 'GetBlob' && c.path.startsWith(`${source}/e2e/${name}/`)).map((c) => c.path.split('/').pop()).sort()).toEqual(['conda.yaml', 'model.pkl']);
    const dest = await registryContainer();
    const written = calls.filter((c) => c.op === 'PutBlob' && c.path.startsWith(`${dest}/`));
    expect(written.map((c) => c.path.split('/').pop()).sort()).toEqual(['conda.yaml', 'model.pkl']);
    expect(written.every((c) => c.status === 201)).toBe(true);
  });

  test('a storage fault on the copy fails the promotion with the storage error, and no copy is reported promoted', async () => {
    const name = uniqueName();
    await seedSource(name);
    const dest = await registryContainer();
    await t.control.addFault({ host: 'blob', operation: 'PutBlob', path: `^${dest}/`, status: 500 });
    const { r, journal } = await promote(name);
    expect(r.exitCode).toBe(1);
    const text = shown(r);
    expect(text).toMatch(/ended Failed: AssetCopyFailed/);
    expect(text).not.toMatch(/rejected as invalid/);
    expect(text).toMatch(/writing \w+\/registry-[\w-]+\/[\w/.-]+: blob storage answered HTTP 500 InternalError/);
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(blobCalls(journal).some((c) => c.op === 'PutBlob' && c.status === 500 && c.path.startsWith(`${dest}/`))).toBe(true);
    expect(r.stdout).not.toMatch(/"result":\s*"promoted"/);
  });
});
