// @azure/arm-machinelearning drives the online deployment lifecycle against the emulator unchanged.
import { ClientSecretCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startTestEmulator, type TestEmulator } from './harness';
import { seedAssets } from './online-helpers';

let t: TestEmulator;
let client: AzureMachineLearningWorkspaces;
const RG = 'rg-demo';
const WS = 'mlw-demo';
const poll = { updateIntervalInMs: 100 };
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  const { identity } = await t.world();
  const app = identity.apps[0];
  const credential = new ClientSecretCredential(identity.tenantId, app.appId, app.secrets[0].value, {
    authorityHost: t.emu.env.AML_AUTHORITY_HOST,
    disableInstanceDiscovery: true,
  });
  client = new AzureMachineLearningWorkspaces(credential, t.sub, { endpoint: t.url, credentialScopes: ['https://management.azure.com/.default'] });
});
afterAll(() => t.stop());

test('SDK: environment and code versions, endpoint + deployment + traffic, keys, logs, scale, usages, vmSizes, failure', async () => {
  const a = await seedAssets(t);
  const env = await client.environmentVersions.createOrUpdate(RG, WS, 'sdk-env', '1', { properties: { image: 'python:3.10-slim' } });
  expect(env.properties.image).toBe('python:3.10-slim');
  const code = await client.codeVersions.createOrUpdate(RG, WS, 'sdk-code', '1', { properties: { codeUri: 'https://acct.blob.core.windows.net/c/code' } });
  expect(code.properties.codeUri).toBe('https://acct.blob.core.windows.net/c/code');

  await client.onlineEndpoints.beginCreateOrUpdateAndWait(RG, WS, 'sdk-oe', { location: 'eastus', properties: { authMode: 'Key' } }, poll);
  const d = await client.onlineDeployments.beginCreateOrUpdateAndWait(
    RG,
    WS,
    'sdk-oe',
    'blue',
    {
      location: 'eastus',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        model: a.model,
        environmentId: env.id,
        codeConfiguration: { codeId: code.id, scoringScript: 'score.py' },
        instanceType: 'Standard_DS3_v2',
      },
    },
    poll,
  );
  expect(d.properties.provisioningState).toBe('Succeeded');
  expect(d.properties.requestSettings?.requestTimeout).toBe('PT5S');

  const ep = await client.onlineEndpoints.get(RG, WS, 'sdk-oe');
  const traffic = await client.onlineEndpoints.beginCreateOrUpdateAndWait(RG, WS, 'sdk-oe', { ...ep, properties: { ...ep.properties, traffic: { blue: 100 } } }, poll);
  expect(traffic.properties.traffic).toEqual({ blue: 100 });

  const keys = await client.onlineEndpoints.listKeys(RG, WS, 'sdk-oe');
  expect(keys.primaryKey).toBeTruthy();
  await client.onlineEndpoints.beginRegenerateKeysAndWait(RG, WS, 'sdk-oe', { keyType: 'Primary' }, poll);
  expect((await client.onlineEndpoints.listKeys(RG, WS, 'sdk-oe')).primaryKey).not.toBe(keys.primaryKey);

  const logs = await client.onlineDeployments.getLogs(RG, WS, 'sdk-oe', 'blue', { containerType: 'StorageInitializer', tail: 3 });
  expect(logs.content?.split('\n')).toHaveLength(3);

  const scaled = await client.onlineDeployments.beginUpdateAndWait(RG, WS, 'sdk-oe', 'blue', { sku: { capacity: 2 } }, poll);
  expect(scaled.sku?.capacity).toBe(2);
  const all = [];
  for await (const x of client.onlineDeployments.list(RG, WS, 'sdk-oe')) all.push(x.name);
  expect(all).toEqual(['blue']);

  const usages = [];
  for await (const u of client.usages.list('eastus')) usages.push(u);
  expect(usages.find((u) => u.name?.value === 'standardDSv2Family')).toMatchObject({ currentValue: 12, limit: 24 });
  const sizes = await client.virtualMachineSizes.list('eastus');
  expect(sizes.value?.some((s) => s.name === 'Standard_F4s_v2')).toBe(true);

  await t.control('POST', '/online/failures', { kind: 'CrashLoop', deployment: 'green' });
  await expect(
    client.onlineDeployments.beginCreateOrUpdateAndWait(RG, WS, 'sdk-oe', 'green', { location: 'eastus', sku: { name: 'Default', capacity: 1 }, properties: { ...d.properties, instanceType: 'Standard_DS2_v2' } }, poll),
  ).rejects.toThrow(/User container has crashed or terminated/);

  await client.onlineEndpoints.beginCreateOrUpdateAndWait(RG, WS, 'sdk-oe', { ...ep, properties: { ...ep.properties, traffic: {} } }, poll);
  await client.onlineDeployments.beginDeleteAndWait(RG, WS, 'sdk-oe', 'blue', poll);
  await expect(client.onlineDeployments.get(RG, WS, 'sdk-oe', 'blue')).rejects.toMatchObject({ statusCode: 404 });

  await client.onlineEndpoints.beginCreateOrUpdateAndWait(RG, WS, 'sdk-aml', { location: 'eastus', properties: { authMode: 'AMLToken' } }, poll);
  const token = await client.onlineEndpoints.getToken(RG, WS, 'sdk-aml');
  expect(token.accessToken).toBeTruthy();
});
