// The official SDKs, pointed at the emulator, must work unchanged: auth through the emulated Entra, LRO
// polling through the emulated operation URLs.
import { ClientSecretCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
let client: AzureMachineLearningWorkspaces;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 400 });
  const { identity } = await t.world();
  const app = identity.apps[0];
  const credential = new ClientSecretCredential(identity.tenantId, app.appId, app.secrets[0].value, {
    authorityHost: t.emu.env.AML_AUTHORITY_HOST,
    disableInstanceDiscovery: true,
  });
  client = new AzureMachineLearningWorkspaces(credential, t.sub, {
    endpoint: t.url,
    credentialScopes: ['https://management.azure.com/.default'],
  });
});
afterAll(() => t.stop());

test('@azure/arm-machinelearning reads the workspace and registers a model version', async () => {
  const ws = await client.workspaces.get('rg-demo', 'mlw-demo');
  expect(ws.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
  const v = await client.modelVersions.createOrUpdate('rg-demo', 'mlw-demo', 'sdk-model', '1', {
    properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/sdk/1', modelType: 'custom_model' },
  });
  expect(v.properties.modelUri).toBe('azureml://datastores/workspaceblobstore/paths/sdk/1');
  const all = [];
  for await (const x of client.modelVersions.list('rg-demo', 'mlw-demo', 'sdk-model')) all.push(x);
  expect(all.map((x) => x.name)).toEqual(['1']);
});

test('the SDK poller drives an online endpoint create and delete to completion', async () => {
  const created = await client.onlineEndpoints.beginCreateOrUpdateAndWait('rg-demo', 'mlw-demo', 'sdk-ep', {
    location: 'eastus',
    properties: { authMode: 'Key' },
  }, { updateIntervalInMs: 100 });
  expect(created.properties.provisioningState).toBe('Succeeded');
  await client.onlineEndpoints.beginDeleteAndWait('rg-demo', 'mlw-demo', 'sdk-ep', { updateIntervalInMs: 100 });
  await expect(client.onlineEndpoints.get('rg-demo', 'mlw-demo', 'sdk-ep')).rejects.toMatchObject({ statusCode: 404 });
});

test('a provisioning failure reaches the SDK as an error with the injected code', async () => {
  await t.control('POST', '/seed', { settings: { provisioningFailures: [{ resourceIdPattern: 'sdk-fail$', code: 'OutOfQuota', message: 'No quota.' }] } });
  await expect(
    client.onlineEndpoints.beginCreateOrUpdateAndWait('rg-demo', 'mlw-demo', 'sdk-fail', { location: 'eastus', properties: { authMode: 'Key' } }, { updateIntervalInMs: 100 }),
  ).rejects.toThrow(/OutOfQuota. No quota\./);
});
