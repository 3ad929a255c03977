/**
 * The blob front: what @azure/storage-blob sends through it reaches Azurite unchanged (block uploads, streaming
 * downloads, a server-side copy whose source URL names the front), each request is journaled with its operation's
 * query, and blob faults answer as Azure Storage does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BlobSASPermissions, BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { blobOperation } from '../../shared/emulator/src/blob-operations';
import { validateFaultSpec } from '../../shared/emulator/src/faults';
import type { JournalEntry } from '../../shared/emulator/src/journal';
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true });
});
afterAll(() => t.stop());
afterEach(() => t.control('DELETE', '/faults'));

interface Account {
  name: string;
  key: string;
}

async function accounts(): Promise<{ front: string; workspace: Account; registry: Account; registryContainer: string; workspaceContainer: string }> {
  const { arm } = await t.world();
  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const byName = (n: string) => arm.storageAccounts.find((a: Account) => a.name === n) as Account;
  const reg = arm.registries[0];
  return { front: `https://${ds.endpoint}`, workspace: byName(ds.accountName), workspaceContainer: ds.containerName, registry: byName(reg.storageAccount), registryContainer: reg.container };
}

const containerOf = (front: string, a: Account, container: string, retry?: { maxTries: number; retryDelayInMs?: number }) =>
  new BlobServiceClient(`${front}/${a.name}`, new StorageSharedKeyCredential(a.name, a.key), retry ? { retryOptions: retry } : {}).getContainerClient(container);

async function journalSince(since: number): Promise<JournalEntry[]> {
  return (await t.control('GET', `/journal?since=${since}`)).json.entries;
}
const lastSeq = async () => Math.max(0, ...(await journalSince(0)).map((e) => e.seq));
const opOf = (e: JournalEntry) => blobOperation(e.method, e.path, new URLSearchParams(e.query), {});

test('blocks, the block list and a streamed download pass through byte for byte, and each request is journaled', async () => {
  const a = await accounts();
  const container = containerOf(a.front, a.workspace, a.workspaceContainer);
  const data = randomBytes(5 * 1024 * 1024 + 17);
  const since = await lastSeq();
  const blob = container.getBlockBlobClient(`front/${randomBytes(4).toString('hex')}/big.bin`);
  await blob.uploadData(data, { maxSingleShotSize: 1024 * 1024, blockSize: 1024 * 1024, concurrency: 2 });
  const down = await blob.download();
  const hash = createHash('sha256');
  for await (const chunk of down.readableStreamBody!) hash.update(chunk as Buffer);
  expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  const ops = (await journalSince(since)).filter((e) => e.area === 'blob').map(opOf);
  expect(ops.filter((o) => o === 'PutBlock')).toHaveLength(6);
  expect(ops.filter((o) => o === 'PutBlockList')).toHaveLength(1);
  expect(ops).toContain('GetBlob');
});

test('a 503 on the first Put Block is retried; a persistent 500 on Put Block List is reported with the Storage error code', async () => {
  const a = await accounts();
  const fault = await t.control('POST', '/faults', { operation: 'PutBlock', path: '/blocks\\.bin$', status: 503, times: 1 });
  expect(fault.status).toBe(201);
  const container = containerOf(a.front, a.workspace, a.workspaceContainer, { maxTries: 3, retryDelayInMs: 10 });
  const blob = container.getBlockBlobClient('front/blocks.bin');
  const since = await lastSeq();
  await blob.uploadData(randomBytes(3000), { maxSingleShotSize: 1000, blockSize: 1000, concurrency: 1 });
  const puts = (await journalSince(since)).filter((e) => opOf(e) === 'PutBlock');
  expect(puts.map((e) => [e.status, e.fault])).toEqual([[503, fault.json.id], [201, undefined], [201, undefined], [201, undefined]]);

  await t.control('POST', '/faults', { host: 'blob', operation: 'PutBlockList', path: '.', status: 500 });
  const e = (await blob.uploadData(randomBytes(3000), { maxSingleShotSize: 1000, blockSize: 1000 }).catch((x: unknown) => x)) as { statusCode: number; code: string };
  expect(e.statusCode).toBe(500);
  expect(e.code).toBe('InternalError');
});

test('an injected fault answers with the Azure Storage XML error and x-ms-error-code; ARM-only faults leave blobs alone', async () => {
  const a = await accounts();
  await t.control('POST', '/faults', { path: '.', method: 'GET', status: 500 }); // host 'emulator' (the default)
  await t.control('POST', '/faults', { host: 'blob', method: 'GET', path: '/missing$', status: 403, body: { code: 'AuthorizationPermissionMismatch', message: 'No <permission>.' } });
  const res = await fetch(`${a.front}/${a.workspace.name}/${a.workspaceContainer}/missing`);
  expect(res.status).toBe(403);
  expect(res.headers.get('x-ms-error-code')).toBe('AuthorizationPermissionMismatch');
  expect(res.headers.get('content-type')).toBe('application/xml');
  expect(await res.text()).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?><Error><Code>AuthorizationPermissionMismatch<\/Code><Message>No &lt;permission&gt;\.\nRequestId:[0-9a-f-]{36}\nTime:[^<]+<\/Message><\/Error>$/);
  // Azurite's own answer comes through unchanged (here: no credential on a private container).
  const plain = await fetch(`${a.front}/${a.workspace.name}/${a.workspaceContainer}/other`);
  expect(plain.status).not.toBe(500);
  expect(plain.headers.get('x-ms-error-code')).toBeTruthy();
});

test('a server-side copy across accounts whose source URL names the front works; the Copy Blob PUT and Azurite\'s source check are journaled', async () => {
  const a = await accounts();
  const src = containerOf(a.front, a.workspace, a.workspaceContainer).getBlockBlobClient(`front/copy-src-${randomBytes(3).toString('hex')}.txt`);
  await src.upload('copied bytes', 12);
  const sasUrl = await src.generateSasUrl({ permissions: BlobSASPermissions.parse('r'), expiresOn: new Date(Date.now() + 600_000) });
  expect(sasUrl.startsWith(a.front)).toBe(true);
  const dest = containerOf(a.front, a.registry, a.registryContainer).getBlockBlobClient('front/copy-dest.txt');
  const since = await lastSeq();
  const poller = await dest.beginCopyFromURL(sasUrl, { intervalInMs: 50 });
  await poller.pollUntilDone();
  expect((await dest.downloadToBuffer()).toString()).toBe('copied bytes');
  const journal = await journalSince(since);
  const copy = journal.find((e) => e.area === 'blob' && e.method === 'PUT' && e.path.endsWith('/copy-dest.txt') && !e.query.comp);
  expect(copy?.status).toBe(202);
  // Azurite checked its access to the source through the front; the journal never holds a signature.
  expect(journal.some((e) => e.path === new URL(sasUrl).pathname && e.query.comp === 'metadata')).toBe(true);
  expect(JSON.stringify(journal)).not.toMatch(/"sig":"(?!REDACTED)/);
});

describe('blobOperation and blob fault rules', () => {
  const op = (method: string, url: string, headers: Record<string, string> = {}) => {
    const u = new URL(url, 'https://x');
    return blobOperation(method, u.pathname, u.searchParams, headers);
  };
  test.each([
    ['PUT', '/acct/c/b', {}, 'PutBlob'],
    ['PUT', '/acct/c/b?comp=block&blockid=AA', {}, 'PutBlock'],
    ['PUT', '/acct/c/b?comp=blocklist', {}, 'PutBlockList'],
    ['GET', '/acct/c?restype=container&comp=list&prefix=x', {}, 'ListBlobs'],
    ['PUT', '/acct/c?restype=container', {}, 'CreateContainer'],
    ['PUT', '/acct/c/b', { 'x-ms-copy-source': 'https://h/a/c/s' }, 'CopyBlob'],
    ['PUT', '/acct/c/b', { 'x-ms-copy-source': 'https://h/a/c/s', 'x-ms-requires-sync': 'true' }, 'CopyBlobFromURL'],
    ['PUT', '/acct/c/b', { 'x-ms-copy-source': 'https://h/a/c/s', 'x-ms-blob-type': 'BlockBlob' }, 'PutBlobFromURL'],
    ['PUT', '/acct/c/b?comp=block&blockid=AA', { 'x-ms-copy-source': 'https://h/a/c/s' }, 'PutBlockFromURL'],
    ['GET', '/acct/c/b', {}, 'GetBlob'],
    ['HEAD', '/acct/c/b', {}, 'GetBlobProperties'],
    ['GET', '/acct/c/b?comp=metadata', {}, 'GetBlobMetadata'],
    ['DELETE', '/acct/c/b', {}, 'DeleteBlob'],
    ['GET', '/acct?comp=list', {}, 'ListContainers'],
  ])('%s %s %j is %s', (method, url, headers, expected) => {
    expect(op(method, url, headers)).toBe(expected);
  });

  test('fault specs: host and operation are checked; an operation implies the blob front', () => {
    expect(validateFaultSpec({ path: '.', status: 500, host: 'storage' })).toMatch(/`host` must be/);
    expect(validateFaultSpec({ path: '.', status: 500, operation: 3 })).toMatch(/`operation` must be a string/);
    expect(validateFaultSpec({ path: '.', status: 503, operation: 'PutBlock' })).toMatchObject({ host: 'blob', operation: 'PutBlock' });
    expect(validateFaultSpec({ path: '.', status: 503 })).not.toHaveProperty('host');
  });
});
