import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startAzurite } from '../../shared/emulator/src/azurite';
import { ensureTls } from '../../shared/emulator/src/tls';

test('Azurite serves blobs over HTTPS trusted through the test CA', async () => {
  const tls = ensureTls(join(__dirname, '..', '.ca'));
  const account = { name: 'acct' + randomBytes(3).toString('hex'), key: randomBytes(32).toString('base64') };
  const az = await startAzurite({
    location: mkdtempSync(join(tmpdir(), 'azurite-')),
    certPath: tls.serverCertPath,
    keyPath: tls.serverKeyPath,
    accounts: [account],
  });
  try {
    const svc = new BlobServiceClient(az.accountUrl(account.name), new StorageSharedKeyCredential(account.name, account.key));
    const c = svc.getContainerClient('models');
    await c.createIfNotExists();
    await c.getBlockBlobClient('a/b.txt').upload('hello', 5);
    const names: string[] = [];
    for await (const b of c.listBlobsFlat()) names.push(b.name);
    expect(names).toEqual(['a/b.txt']);
    const wrong = new BlobServiceClient(az.accountUrl(account.name), new StorageSharedKeyCredential(account.name, randomBytes(32).toString('base64')));
    await expect(wrong.getContainerClient('models').getProperties()).rejects.toMatchObject({ statusCode: 403 });
  } finally {
    await az.stop();
  }
});
