// Promotion and registration into a registry against the local Azure ML emulator: real sign-in, a registry in a
// second subscription, publish and its import fallback copying blobs in Azurite, lineage, aliases, and 403.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createCredential } from '../../../shared/src/auth/credential';
import { resolveCloud, type CloudEndpoints } from '../../../shared/src/auth/clouds';
import { AzureMlClient } from '../../../shared/src/azureml/client';
import { StepError } from '../../../shared/src/core/errors';
import type { RunContext } from '../../../shared/src/hosts/host';
import { aliasHolders } from '../../../shared/src/promote/aliases';
import { registryModels } from '../../../shared/src/promote/model-store';
import { promoteToRegistry, type PromoteRequest } from '../../../shared/src/promote/promote';
import { registerIntoRegistry } from '../../../shared/src/promote/register-into-registry';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { recordingLogger } from '../azureml/helpers';

interface App {
  appId: string;
  objectId: string;
  displayName: string;
  secrets: { value: string }[];
}
interface World {
  identity: { tenantId: string; apps: App[] };
}

const RUN: RunContext = { system: 'github', runUrl: 'https://github.com/contoso/credit/actions/runs/1', commit: 'c0ffee' };
let t: TestEmulator;
let cloud: CloudEndpoints;
let client: AzureMlClient;
let env: Record<string, string>;
const masked: string[] = [];

function clientFor(app: App, subscriptionId: string): AzureMlClient {
  const logger = recordingLogger();
  const tenantId = (t.world as unknown as World).identity.tenantId;
  const credential = createCredential(
    { type: 'service-principal-secret', tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value },
    { cloud, onSecret: (v) => masked.push(v), logger },
  );
  return new AzureMlClient({ credential, cloud, subscriptionId, logger, pollSchedule: () => 100, retry: { baseDelayMs: 50 }, onSecret: (v) => masked.push(v) });
}

async function workspaceContainer(): Promise<ContainerClient> {
  const ds = await client.getDatastore(env.AML_RESOURCE_GROUP!, env.AML_WORKSPACE!, 'workspaceblobstore');
  const secrets = await client.getDatastoreSecrets(env.AML_RESOURCE_GROUP!, env.AML_WORKSPACE!, 'workspaceblobstore');
  const p = ds.properties;
  return new BlobServiceClient(`https://${p.endpoint}/${p.accountName}`, new StorageSharedKeyCredential(p.accountName!, secrets.key!)).getContainerClient(p.containerName!);
}

/** A workspace model version whose files are in the workspace datastore. */
async function seedModel(name: string, version: string): Promise<void> {
  const container = await workspaceContainer();
  const folder = `models/${name}/${version}`;
  for (const [rel, text] of Object.entries({ MLmodel: 'flavors: {}\n', 'model.pkl': `weights of ${name}:${version}` })) {
    await container.getBlockBlobClient(`${folder}/${rel}`).upload(text, Buffer.byteLength(text));
  }
  await client.createOrUpdateModelVersion(env.AML_RESOURCE_GROUP!, env.AML_WORKSPACE!, name, version, {
    properties: {
      modelUri: `azureml://subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${env.AML_RESOURCE_GROUP}/workspaces/${env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/${folder}/`,
      modelType: 'custom_model',
      tags: { team: 'risk' },
      properties: { 'metrics.auc': '0.9' },
    },
  });
}

function request(name: string, overrides: Partial<PromoteRequest> = {}): PromoteRequest {
  return {
    source: { client, resourceGroup: env.AML_RESOURCE_GROUP!, workspace: env.AML_WORKSPACE!, name, version: '1' },
    target: { client: client.forSubscription(env.AML_REGISTRY_SUBSCRIPTION_ID!), resourceGroup: env.AML_REGISTRY_RESOURCE_GROUP!, registry: env.AML_REGISTRY_NAME! },
    run: RUN,
    approver: 'release-board',
    logger: recordingLogger(),
    ...overrides,
  };
}

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  env = t.env;
  cloud = resolveCloud({ cloud: 'Custom', armEndpoint: env.AML_ARM_ENDPOINT, authorityHost: env.AML_AUTHORITY_HOST, armAudience: env.AML_ARM_AUDIENCE, mlAudience: env.AML_ML_AUDIENCE });
  client = clientFor((t.world as unknown as World).identity.apps[0]!, env.AZURE_SUBSCRIPTION_ID!);
});
afterAll(() => t?.stop());

test('promote copies into the registry of the other subscription with lineage and alias; a rerun writes nothing', async () => {
  expect(env.AML_REGISTRY_SUBSCRIPTION_ID).not.toBe(env.AZURE_SUBSCRIPTION_ID);
  await seedModel('credit', '1');
  const out = await promoteToRegistry(request('credit', { alias: 'champion' }));
  expect(out.result).toBe('promoted');
  expect(out.mechanism).toBe('publish');
  expect(out.plan.assetId).toBe(`azureml://registries/${env.AML_REGISTRY_NAME}/models/credit/versions/1`);
  const dest = out.destination!;
  expect(dest.properties.provisioningState).toBe('Succeeded');
  expect(dest.properties.tags).toMatchObject({
    team: 'risk',
    'lineage.source_model': 'credit:1',
    'lineage.run_url': RUN.runUrl,
    'lineage.approver': 'release-board',
    'alias.champion': expect.any(String),
  });
  expect(dest.properties.tags?.['lineage.source_workspace']?.toLowerCase()).toBe(
    `/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${env.AML_RESOURCE_GROUP}/providers/microsoft.machinelearningservices/workspaces/${env.AML_WORKSPACE}`.toLowerCase(),
  );
  // The registry's copy is readable and holds the files.
  const registryClient = client.forSubscription(env.AML_REGISTRY_SUBSCRIPTION_ID!);
  const read = await registryClient.getRegistryModelVersion(env.AML_REGISTRY_RESOURCE_GROUP!, env.AML_REGISTRY_NAME!, 'credit', '1');
  expect(read?.properties.tags?.['lineage.source_model']).toBe('credit:1');
  expect(read?.properties.modelUri).toMatch(/^https:\/\//);

  const seq = await t.control.lastSeq();
  const again = await promoteToRegistry(request('credit', { alias: 'champion' }));
  expect(again.result).toBe('already-promoted');
  const writes = (await t.control.journal(seq)).filter((e) => e.method !== 'GET' && e.path.startsWith('/subscriptions/'));
  expect(writes).toEqual([]);
  expect(masked.some((v) => /^eyJ/.test(v))).toBe(true);
});

test('publish unavailable: discovery + import does the copy', async () => {
  await seedModel('churn', '1');
  await t.control.seed({ settings: { publishUnavailable: true } });
  try {
    const out = await promoteToRegistry(request('churn'));
    expect(out.mechanism).toBe('import');
    expect(out.fallbackReason).toBe('NoRegisteredProviderFound');
    expect(out.destination?.properties.tags?.['lineage.source_model']).toBe('churn:1');
  } finally {
    await t.control.seed({ settings: { publishUnavailable: false } });
  }
});

test('the alias moves to the newly promoted version and has exactly one holder', async () => {
  await seedModel('credit', '2');
  await promoteToRegistry(request('credit', { alias: 'champion', source: { ...request('credit').source, version: '2' } }));
  const store = registryModels(client.forSubscription(env.AML_REGISTRY_SUBSCRIPTION_ID!), env.AML_REGISTRY_RESOURCE_GROUP!, env.AML_REGISTRY_NAME!);
  expect((await aliasHolders(store, 'credit', 'champion')).map((v) => v.name)).toEqual(['2']);
});

test('a principal without access to the registry subscription gets a clear 403 naming it', async () => {
  const seeded = (await t.control.seed({ identity: { apps: [{ displayName: 'workspace-only-app' }] } })) as unknown as { identity: World['identity'] };
  const app = seeded.identity.apps.find((a) => a.displayName === 'workspace-only-app')!;
  await t.control.seed({ roleAssignments: [{ principalId: app.objectId, scope: `/subscriptions/${env.AZURE_SUBSCRIPTION_ID}`, role: 'Contributor' }] });
  const limited = clientFor(app, env.AZURE_SUBSCRIPTION_ID!);
  await seedModel('fraud', '1');
  const e = (await promoteToRegistry(request('fraud', { source: { ...request('fraud').source, client: limited }, target: { ...request('fraud').target, client: limited.forSubscription(env.AML_REGISTRY_SUBSCRIPTION_ID!) } })).catch(
    (x: unknown) => x,
  )) as StepError;
  expect(e).toBeInstanceOf(StepError);
  expect(e.kind).toBe('auth');
  expect(e.status).toBe(403);
  expect(e.message).toContain(app.appId);
  expect(e.message).toContain(`/subscriptions/${env.AML_REGISTRY_SUBSCRIPTION_ID}`);
});

test('registerIntoRegistry: startPendingUpload SAS, upload, asset-store LRO, verify; rerun unchanged', async () => {
  const root = mkdtempSync(join(tmpdir(), 'reg-emu-'));
  for (const [rel, text] of Object.entries({ 'credit-model/MLmodel': 'flavors: {}\n', 'credit-model/data/model.pkl': 'w' })) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const req = {
    client: client.forSubscription(env.AML_REGISTRY_SUBSCRIPTION_ID!),
    resourceGroup: env.AML_REGISTRY_RESOURCE_GROUP!,
    registry: env.AML_REGISTRY_NAME!,
    name: 'local-model',
    localPath: join(root, 'credit-model'),
    body: { properties: { modelType: 'custom_model' as const, tags: {}, properties: {}, isAnonymous: false as const } },
    run: RUN,
    alias: 'champion',
    logger: recordingLogger(),
  };
  const out = await registerIntoRegistry(req);
  expect(out.result).toBe('registered');
  expect(out.plan.version).toBe('1');
  expect(out.destination?.properties.provisioningState).toBe('Succeeded');
  expect(out.upload?.uploadedFiles).toBe(2);
  expect(masked.some((v) => /sig=/.test(v))).toBe(true);
  const again = await registerIntoRegistry({ ...req, logger: recordingLogger() });
  expect(again.result).toBe('unchanged');
  expect(again.plan.version).toBe('1');
});
