// The client and the credential against the local Azure ML emulator: real Entra sign-in, ARM reads and writes,
// long-running operations and an injected throttling fault, end to end.
import { createCredential } from '../../../shared/src/auth/credential';
import { resolveCloud } from '../../../shared/src/auth/clouds';
import { AzureMlClient } from '../../../shared/src/azureml/client';
import { StepError } from '../../../shared/src/core/errors';
import { startTestEmulator, type TestEmulator } from '../../support/emulator';
import { recordingLogger } from './helpers';

interface World {
  identity: { tenantId: string; apps: { appId: string; secrets: { value: string }[] }[] };
}

let t: TestEmulator;
let client: AzureMlClient;
let rg: string;
let ws: string;
const masked: string[] = [];
const logger = recordingLogger();

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  const world = t.world as unknown as World;
  const app = world.identity.apps[0];
  const cloud = resolveCloud({
    cloud: 'Custom',
    armEndpoint: t.env.AML_ARM_ENDPOINT,
    authorityHost: t.env.AML_AUTHORITY_HOST,
    armAudience: t.env.AML_ARM_AUDIENCE,
    mlAudience: t.env.AML_ML_AUDIENCE,
  });
  const credential = createCredential(
    { type: 'service-principal-secret', tenantId: world.identity.tenantId, clientId: app.appId, clientSecret: app.secrets[0].value },
    { cloud, onSecret: (v) => masked.push(v), logger },
  );
  rg = t.env.AML_RESOURCE_GROUP;
  ws = t.env.AML_WORKSPACE;
  client = new AzureMlClient({
    credential,
    cloud,
    subscriptionId: t.env.AZURE_SUBSCRIPTION_ID,
    logger,
    pollSchedule: () => 100,
    retry: { baseDelayMs: 50 },
  });
});
afterAll(() => t?.stop());

test('reads the workspace and its default datastore; the access token was masked', async () => {
  const workspace = await client.getWorkspace(rg, ws);
  expect(workspace.name).toBe(ws);
  expect(workspace.properties.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
  const ds = await client.getDefaultDatastore(rg, ws);
  expect(ds.properties.isDefault).toBe(true);
  expect(masked.some((v) => /^eyJ/.test(v))).toBe(true);
});

test('a model version with stage goes raw at the newer api-version and reads back whole', async () => {
  const body = {
    properties: {
      modelUri: 'azureml://datastores/workspaceblobstore/paths/models/client-test/1',
      modelType: 'custom_model',
      description: 'integration',
      tags: { source: 'client-test' },
      properties: {},
      stage: 'Development',
    },
  };
  const written = await client.createOrUpdateModelVersion(rg, ws, 'client-test', '1', body);
  expect(written.status).toBe(201);
  expect(written.apiVersion).toBe(client.apiVersion);
  const read = await client.getModelVersion(rg, ws, 'client-test', '1');
  expect(read?.properties.stage).toBe('Development');
  expect(read?.properties.tags).toEqual({ source: 'client-test' });
  expect(await client.getModelVersion(rg, ws, 'client-test', '99')).toBeUndefined();
  const [latest] = await client.listModelVersions(rg, ws, 'client-test', { orderBy: 'createdtime desc', top: 1 });
  expect(latest.name).toBe('1');
});

test('online endpoint create and delete run through the poller', async () => {
  const created = await client.online.createOrUpdateEndpoint(rg, ws, 'client-ep', { location: 'eastus', properties: { authMode: 'Key' } });
  expect(created.resource?.properties.provisioningState).toBe('Succeeded');
  expect(created.pollCount).toBeGreaterThan(0);
  const deleted = await client.online.deleteEndpoint(rg, ws, 'client-ep');
  expect(deleted.resource).toBeUndefined();
  expect(await client.online.getEndpoint(rg, ws, 'client-ep')).toBeUndefined();
});

test('an injected 429 with Retry-After is retried', async () => {
  await t.control.call('POST', '/_emulator/faults', { method: 'GET', path: `/workspaces/${ws}$`, status: 429, retryAfter: 1, times: 1 });
  const started = Date.now();
  await client.getWorkspace(rg, ws);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});

test('a missing workspace is a clear not-found', async () => {
  const e = (await client.getWorkspace(rg, 'no-such-ws').catch((x: unknown) => x)) as StepError;
  expect(e).toBeInstanceOf(StepError);
  expect(e.kind).toBe('not-found');
  expect(e.message).toMatch(/^workspace 'no-such-ws' was not found in resource group/);
});
