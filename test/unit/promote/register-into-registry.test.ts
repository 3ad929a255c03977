import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient, ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../../shared/emulator/src/azurite';
import { ensureTls } from '../../../shared/emulator/src/tls';
import { StepError } from '../../../shared/src/core/errors';
import type { RunContext } from '../../../shared/src/hosts/host';
import type { ModelVersionBody } from '../../../shared/src/specs/model-spec';
import { registerIntoRegistry, type RegisterIntoRegistryRequest } from '../../../shared/src/promote/register-into-registry';
import { registryRegistrationSummary } from '../../../shared/src/promote/summary';
import { ScriptedServer } from '../azureml/scripted-server';
import { recordingLogger, testClient } from '../azureml/helpers';
import { FakeAzureMl, REG_SUB } from './fake-azureml';

const repo = join(__dirname, '..', '..', '..');
const account = { name: 'reg' + randomBytes(3).toString('hex'), key: randomBytes(32).toString('base64') };
const sharedKey = new StorageSharedKeyCredential(account.name, account.key);
const RUN: RunContext = { system: 'azure-devops', runUrl: 'https://dev.azure.com/contoso/credit/_build/results?buildId=7', commit: 'abc123' };
const NOW = new Date('2026-07-30T12:00:00.000Z');
const BODY: ModelVersionBody = {
  properties: { modelType: 'mlflow_model', description: 'gbm', tags: { team: 'risk' }, properties: { 'metrics.auc': '0.9' }, isAnonymous: false },
};

let az: RunningAzurite;
let service: BlobServiceClient;
let server: ScriptedServer;
let fake: FakeAzureMl;
let container: string;
let sasKey: StorageSharedKeyCredential;

beforeAll(async () => {
  const tls = ensureTls(join(repo, 'test', '.ca'));
  az = await startAzurite({ location: mkdtempSync(join(tmpdir(), 'azurite-reg-')), certPath: tls.serverCertPath, keyPath: tls.serverKeyPath, accounts: [account] });
  service = new BlobServiceClient(az.accountUrl(account.name), sharedKey);
  server = await ScriptedServer.start();
});
afterAll(async () => {
  await server?.close();
  await az?.stop();
});
beforeEach(async () => {
  server.reset();
  fake = new FakeAzureMl(server).install();
  fake.addRegistry(REG_SUB, 'rg-registry', 'mlr-shared');
  container = 'mlr-' + randomBytes(4).toString('hex');
  await service.createContainer(container);
  sasKey = sharedKey;
  // The registry's storage hands out a container SAS for a folder named after the pending upload id.
  fake.options.pendingUpload = (_registry, _name, _version, body) => {
    const folder = String(body.pendingUploadId ?? randomBytes(8).toString('hex'));
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse('racwl'), expiresOn: new Date(Date.now() + 3600_000) },
      sasKey,
    ).toString();
    const blobUri = `${az.accountUrl(account.name)}/${container}/${folder}`;
    return {
      pendingUploadId: folder,
      pendingUploadType: 'TemporaryBlobReference',
      blobReferenceForConsumption: { blobUri, storageAccountArmId: '/subscriptions/x/storageAccounts/reg', credential: { credentialType: 'SAS', sasUri: `${blobUri}?${sas}` } },
    };
  };
});

function modelFolder(extra = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'reg-src-'));
  const files: Record<string, string> = { 'credit-model/MLmodel': 'flavors: {}\n', 'credit-model/model.pkl': 'weights' + extra, 'credit-model/sub/conda.yaml': 'name: x\n' };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return join(root, 'credit-model');
}

function request(localPath: string, overrides: Partial<RegisterIntoRegistryRequest> = {}): RegisterIntoRegistryRequest & { logger: ReturnType<typeof recordingLogger> } {
  return {
    client: testClient(server).forSubscription(REG_SUB),
    resourceGroup: 'rg-registry',
    registry: 'mlr-shared',
    name: 'credit',
    localPath,
    body: BODY,
    run: RUN,
    now: () => NOW,
    ...overrides,
    logger: recordingLogger(),
  };
}

async function blobsUnder(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const b of service.getContainerClient(container).listBlobsFlat({ prefix })) names.push(b.name);
  return names.sort();
}

describe('registerIntoRegistry', () => {
  test('uploads with the pending-upload SAS, writes the version (LRO), verifies, and reruns as a no-op', async () => {
    const folder = modelFolder();
    const req = request(folder, { alias: 'champion' });
    const out = await registerIntoRegistry(req);
    expect(out.result).toBe('registered');
    expect(out.plan.version).toBe('1');
    expect(out.plan.assetId).toBe('azureml://registries/mlr-shared/models/credit/versions/1');
    const hash = out.plan.content.hash;
    const id = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
    expect(server.hits('POST', /startPendingUpload$/)[0]!.json).toEqual({ pendingUploadId: id, pendingUploadType: 'TemporaryBlobReference' });
    expect(await blobsUnder(`${id}/`)).toEqual([`${id}/credit-model/MLmodel`, `${id}/credit-model/model.pkl`, `${id}/credit-model/sub/conda.yaml`]);
    expect(out.modelUri).toBe(`${az.accountUrl(account.name)}/${container}/${id}/credit-model`);

    const put = server.hits('PUT', /\/registries\/mlr-shared\/models\/credit\/versions\/1$/)[0]!;
    expect(put.json).toEqual({
      properties: {
        modelType: 'mlflow_model',
        description: 'gbm',
        isAnonymous: false,
        properties: { 'metrics.auc': '0.9' },
        modelUri: out.modelUri,
        tags: {
          team: 'risk',
          'lineage.content_sha256': hash,
          'lineage.registered_at': '2026-07-30T12:00:00.000Z',
          'lineage.ci': 'azure-devops',
          'lineage.run_url': RUN.runUrl,
          'lineage.commit': 'abc123',
          'lineage.tool': 'aml-lifecycle',
        },
      },
    });
    // The LRO was followed to its end (asset-store Location polled) before the version was read back.
    expect(server.hits('GET', /\/assetstore\/v1\.0\/operations\//).length).toBeGreaterThanOrEqual(2);
    expect(out.destination?.properties.provisioningState).toBe('Succeeded');
    expect(out.alias).toMatchObject({ holder: '1', changed: true });
    expect(out.lineage['lineage.content_sha256']).toBe(hash);
    // No SAS signature in anything logged.
    expect(req.logger.lines.map((l) => l.message).join('\n')).not.toMatch(/sig=/);
    const md = registryRegistrationSummary(out);
    expect(md).toContain('### Model credit:1 in registry mlr-shared');
    expect(md).toContain('| Upload | 3 files, ');

    const writes = fake.writes().length;
    const again = await registerIntoRegistry(request(folder, { alias: 'champion' }));
    expect(again.result).toBe('unchanged');
    expect(again.plan.version).toBe('1');
    expect(again.alias?.changed).toBe(false);
    expect(fake.writes().length).toBe(writes);
    expect(registryRegistrationSummary(again)).toContain('already registered with this content');
  });

  test('new content takes the next version; an explicit version holding other content is a conflict', async () => {
    await registerIntoRegistry(request(modelFolder()));
    const second = await registerIntoRegistry(request(modelFolder('v2')));
    expect(second.plan.version).toBe('2');
    expect(second.result).toBe('registered');

    const writes = fake.writes().length;
    const e = (await registerIntoRegistry(request(modelFolder('v3'), { version: '1' })).catch((x: unknown) => x)) as StepError;
    expect(e).toBeInstanceOf(StepError);
    expect(e.kind).toBe('conflict');
    expect(e.message).toMatch(/^Registry 'mlr-shared' already holds credit:1 with other content/);
    expect(fake.writes().length).toBe(writes);
  });

  test('a single file is uploaded under the folder and the model URI names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reg-file-'));
    writeFileSync(join(dir, 'model.onnx'), 'onnx');
    const out = await registerIntoRegistry(request(join(dir, 'model.onnx'), { version: '5' }));
    const folder = (server.hits('POST', /startPendingUpload$/)[0]!.json as { pendingUploadId: string }).pendingUploadId;
    expect(await blobsUnder(`${folder}/`)).toEqual([`${folder}/model.onnx`]);
    expect(out.modelUri).toMatch(new RegExp(`/${container}/${folder}/model\\.onnx$`));
  });

  test('an interrupted run (upload done, version write failed) resumes without uploading again', async () => {
    const folder = modelFolder('resume');
    server.sequence('PUT', /\/registries\/mlr-shared\/models\/credit\/versions\/1$/, [{ status: 400, body: { error: { code: 'BadRequest', message: 'flaky' } } }]);
    const e = (await registerIntoRegistry(request(folder)).catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('input');
    expect(fake.registryVersion(REG_SUB, 'rg-registry', 'mlr-shared', 'credit', '1')).toBeUndefined();

    server.reset();
    fake.install();
    const out = await registerIntoRegistry(request(folder));
    expect(out.result).toBe('registered');
    expect(out.upload?.skipped).toBe(true);
  });

  test('a SAS the storage refuses is an auth failure and no version is written', async () => {
    sasKey = new StorageSharedKeyCredential(account.name, randomBytes(32).toString('base64'));
    const e = (await registerIntoRegistry(request(modelFolder('badsas'))).catch((x: unknown) => x)) as StepError;
    expect(e).toBeInstanceOf(StepError);
    expect(e.kind).toBe('auth');
    expect(e.message).not.toMatch(/sig=[^R]/);
    expect(server.hits('PUT', /\/registries\//)).toHaveLength(0);
  });

  test('a missing registry is a not-found naming it; dry run writes nothing', async () => {
    const e = (await registerIntoRegistry(request(modelFolder(), { registry: 'other-reg' })).catch((x: unknown) => x)) as StepError;
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(`Registry 'other-reg' was not found in resource group 'rg-registry' of subscription ${REG_SUB}.`);

    const dry = await registerIntoRegistry(request(modelFolder(), { dryRun: true }));
    expect(dry.result).toBe('dry-run');
    expect(fake.writes()).toEqual([]);
  });

  test('beforeWrite sees the plan and can stop it before anything is written', async () => {
    const e = await registerIntoRegistry(
      request(modelFolder(), {
        beforeWrite: (plan) => {
          expect(plan).toMatchObject({ action: 'create', version: '1', name: 'credit' });
          throw new StepError('input', 'gate failed', { code: 'GateFailed' });
        },
      }),
    ).catch((x: unknown) => x as StepError);
    expect((e as StepError).code).toBe('GateFailed');
    expect(fake.writes()).toEqual([]);
  });
});
