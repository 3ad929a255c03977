import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../../shared/emulator/src/azurite';
import { ensureTls } from '../../../shared/emulator/src/tls';
import { blobServiceUrl } from '../../../shared/src/assets/blob-service-url';
import { hashContent } from '../../../shared/src/assets/content-hash';
import { localUploadLayout } from '../../../shared/src/assets/local-upload';
import { CONTENT_HASH_METADATA, uploadToContainer, type UploadProgress } from '../../../shared/src/assets/upload';
import type { Logger } from '../../../shared/src/core/logger';

const repo = join(__dirname, '..', '..', '..');
const account = { name: 'up' + randomBytes(3).toString('hex'), key: randomBytes(32).toString('base64') };
const credential = new StorageSharedKeyCredential(account.name, account.key);
let az: RunningAzurite;
let service: BlobServiceClient;

beforeAll(async () => {
  const tls = ensureTls(join(repo, 'test', '.ca'));
  az = await startAzurite({
    location: mkdtempSync(join(tmpdir(), 'azurite-upload-')),
    certPath: tls.serverCertPath,
    keyPath: tls.serverKeyPath,
    accounts: [account],
  });
  // Path-style URL for a loopback endpoint, as a datastore pointing at an emulator would give it.
  service = new BlobServiceClient(blobServiceUrl({ accountName: account.name, endpoint: az.hostPort }), credential);
});

afterAll(async () => {
  await az?.stop();
});

function modelFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'upload-src-'));
  const files: Record<string, string | Buffer> = {
    'mlflow-model/MLmodel': 'flavors:\n  python_function: {}\n',
    'mlflow-model/model.pkl': randomBytes(300_000),
    'mlflow-model/conda.yaml': 'name: x\n',
    'mlflow-model/nested/dir/empty.txt': '',
    'mlflow-model/.amlignore': 'scratch/\n',
    'mlflow-model/scratch/tmp.bin': 'ignored',
  };
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
  return join(root, 'mlflow-model');
}

async function newContainer(): Promise<ContainerClient> {
  const c = service.getContainerClient('azureml-blobstore-' + randomBytes(4).toString('hex'));
  await c.create();
  return c;
}

async function listed(c: ContainerClient, prefix: string): Promise<Record<string, { size?: number; hash?: string }>> {
  const out: Record<string, { size?: number; hash?: string }> = {};
  for await (const b of c.listBlobsFlat({ prefix, includeMetadata: true })) {
    out[b.name] = { size: b.properties.contentLength, hash: b.metadata?.[CONTENT_HASH_METADATA] };
  }
  return out;
}

function recordingLogger(lines: string[]): Logger {
  const push = (m: string) => void lines.push(m);
  return { info: push, debug: push, warning: push, error: push, progress: push, group: (_t, fn) => fn() };
}

test('uploads under the prefix with hash metadata, skips a complete rerun, and repairs a partial one', async () => {
  const container = await newContainer();
  const content = await hashContent(modelFolder());
  const { prefix } = localUploadLayout(content);
  const progress: UploadProgress[] = [];

  const first = await uploadToContainer({ containerClient: container, prefix, content, onProgress: (p) => progress.push(p), concurrency: 2 });
  expect(first).toMatchObject({ skipped: false, uploadedFiles: 5, reusedFiles: 0, uploadedBytes: content.totalBytes });
  const blobs = await listed(container, `${prefix}/`);
  expect(Object.keys(blobs).sort()).toEqual(content.files.map((f) => `${prefix}/${f.relativePath}`).sort());
  expect(Object.keys(blobs)).not.toContain(`${prefix}/scratch/tmp.bin`);
  for (const f of content.files) expect(blobs[`${prefix}/${f.relativePath}`]).toEqual({ size: f.size, hash: content.hash });
  expect(progress.at(-1)).toEqual({ loadedBytes: content.totalBytes, totalBytes: content.totalBytes, filesDone: 5, filesTotal: 5 });
  const pkl = await container.getBlobClient(`${prefix}/model.pkl`).downloadToBuffer();
  expect(pkl.equals(await import('node:fs').then((fs) => fs.readFileSync(join(content.root, 'model.pkl'))))).toBe(true);

  const lines: string[] = [];
  const second = await uploadToContainer({ containerClient: container, prefix, content, logger: recordingLogger(lines) });
  expect(second).toEqual({ skipped: true, prefix, uploadedFiles: 0, reusedFiles: 5, uploadedBytes: 0 });
  expect(lines.join('\n')).toMatch(/Already uploaded/);

  // An interrupted earlier run: one blob missing, one truncated, one written without the hash metadata.
  await container.deleteBlob(`${prefix}/conda.yaml`);
  await container.getBlockBlobClient(`${prefix}/model.pkl`).upload('partial', 7, { metadata: { [CONTENT_HASH_METADATA]: content.hash } });
  await container.getBlockBlobClient(`${prefix}/MLmodel`).upload('flavors:\n  python_function: {}\n', 30);
  const third = await uploadToContainer({ containerClient: container, prefix, content });
  expect(third).toMatchObject({ skipped: false, uploadedFiles: 3, reusedFiles: 2 });
  const repaired = await listed(container, `${prefix}/`);
  for (const f of content.files) expect(repaired[`${prefix}/${f.relativePath}`]).toEqual({ size: f.size, hash: content.hash });
  expect((await container.getBlobClient(`${prefix}/model.pkl`).downloadToBuffer()).length).toBe(300_000);
});

test('a single file uploads to LocalUpload/<hash>/<file> with a SAS token credential', async () => {
  const container = await newContainer();
  const dir = mkdtempSync(join(tmpdir(), 'upload-file-'));
  writeFileSync(join(dir, 'model.onnx'), 'onnx bytes');
  const content = await hashContent(join(dir, 'model.onnx'));
  const { prefix, assetPath } = localUploadLayout(content);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container.containerName,
      permissions: ContainerSASPermissions.parse('rwl'),
      expiresOn: new Date(Date.now() + 3600_000),
    },
    credential,
  ).toString();

  const lines: string[] = [];
  const result = await uploadToContainer({ containerUrl: container.url, credential: sas, prefix, content, logger: recordingLogger(lines) });
  expect(result.uploadedFiles).toBe(1);
  expect(Object.keys(await listed(container, 'LocalUpload/'))).toEqual([assetPath]);
  expect(lines.join('\n')).not.toMatch(/sig=/);
  expect((await uploadToContainer({ containerUrl: `${container.url}?${sas}`, prefix, content })).skipped).toBe(true);
});

test('failures are classified: bad credentials, missing container, cancellation', async () => {
  const content = await hashContent(modelFolder());
  const { prefix } = localUploadLayout(content);
  const container = await newContainer();
  const wrong = new StorageSharedKeyCredential(account.name, randomBytes(32).toString('base64'));
  await expect(uploadToContainer({ containerUrl: container.url, credential: wrong, prefix, content })).rejects.toMatchObject({
    kind: 'auth',
    status: 403,
  });
  await expect(uploadToContainer({ containerClient: service.getContainerClient('missing-container'), prefix, content })).rejects.toMatchObject({
    kind: 'not-found',
  });
  const ac = new AbortController();
  ac.abort();
  await expect(uploadToContainer({ containerClient: container, prefix, content, signal: ac.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  expect(await listed(container, `${prefix}/`)).toEqual({});
});
