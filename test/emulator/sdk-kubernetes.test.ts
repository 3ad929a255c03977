// @azure/arm-machinelearning's ComputeOperations attaches, reads, lists and detaches a Kubernetes compute on the emulator unchanged.
import { ClientSecretCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { Kubernetes, KubernetesOnlineDeployment } from '@azure/arm-machinelearning';
import { startTestEmulator, type TestEmulator } from './harness';
import { seedAssets } from './online-helpers';
import { arcId, setExtension } from './kubernetes-helpers';

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

test('SDK: attach (LRO), get, list, a failed attach, detach', async () => {
  const props: Kubernetes = {
    computeType: 'Kubernetes',
    resourceId: arcId(t),
    description: 'arc via the SDK',
    properties: { namespace: 'default', defaultInstanceType: 'cpu-small', instanceTypes: { 'cpu-small': { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } } } },
  };
  const created = await client.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'sdk-arc', { location: 'eastus', properties: props }, poll);
  expect(created.properties).toMatchObject({ computeType: 'Kubernetes', provisioningState: 'Succeeded', isAttachedCompute: true, resourceId: arcId(t) });
  const got = await client.computeOperations.get(RG, WS, 'sdk-arc');
  expect((got.properties as Kubernetes).properties?.defaultInstanceType).toBe('cpu-small');
  expect(got.properties?.createdOn).toBeInstanceOf(Date);
  const names = [];
  // The workspace's seeded compute clusters are listed too; the Kubernetes ones are this test's.
  for await (const c of client.computeOperations.list(RG, WS)) if (c.properties?.computeType === 'Kubernetes') names.push(c.name);
  expect(names).toEqual(['sdk-arc']);

  await setExtension(t, arcId(t), 'missing');
  await expect(client.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'sdk-bad', { location: 'eastus', properties: { ...props, description: 'x' } }, poll)).rejects.toThrow(
    /AzureML extension .* is not installed/,
  );
  await setExtension(t, arcId(t), 'healthy');
  await expect(client.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'sdk-aml', { location: 'eastus', properties: { computeType: 'AmlCompute' } }, poll)).rejects.toMatchObject({
    statusCode: 400,
  });

  await client.computeOperations.beginDeleteAndWait(RG, WS, 'sdk-arc', 'Detach', poll);
  await expect(client.computeOperations.get(RG, WS, 'sdk-arc')).rejects.toMatchObject({ statusCode: 404 });
  await client.computeOperations.beginDeleteAndWait(RG, WS, 'sdk-bad', 'Detach', poll);
});

test('SDK: a Kubernetes online endpoint and deployment (KubernetesOnlineDeployment) on an attached compute', async () => {
  const a = await seedAssets(t);
  const compute = await client.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'sdk-k8s', { location: 'eastus', properties: { computeType: 'Kubernetes', resourceId: arcId(t) } }, poll);
  const e = await client.onlineEndpoints.beginCreateOrUpdateAndWait(RG, WS, 'sdk-k8s-ep', { location: 'eastus', properties: { authMode: 'Key', compute: compute.id } }, poll);
  expect(e.properties.compute?.toLowerCase()).toBe(compute.id!.toLowerCase());
  const props: KubernetesOnlineDeployment = {
    endpointComputeType: 'Kubernetes',
    model: a.model,
    environmentId: a.env,
    codeConfiguration: { codeId: a.code, scoringScript: 'score.py' },
    containerResourceRequirements: { containerResourceRequests: { cpu: '500m', memory: '1Gi' }, containerResourceLimits: { cpu: '1', memory: '2Gi' } },
  };
  const d = await client.onlineDeployments.beginCreateOrUpdateAndWait(RG, WS, 'sdk-k8s-ep', 'blue', { location: 'eastus', properties: props }, poll);
  expect(d.properties).toMatchObject({ endpointComputeType: 'Kubernetes', provisioningState: 'Succeeded', instanceType: 'defaultinstancetype', scaleSettings: { scaleType: 'TargetUtilization', maxInstances: 1 } });
  await expect(
    client.onlineDeployments.beginCreateOrUpdateAndWait(RG, WS, 'sdk-k8s-ep', 'green', { location: 'eastus', properties: { ...props, instanceType: 'Standard_DS3_v2' } }, poll),
  ).rejects.toThrow(/Available instance types: defaultinstancetype/);
  await expect(client.computeOperations.beginDeleteAndWait(RG, WS, 'sdk-k8s', 'Detach', poll)).rejects.toThrow(/still use it \(sdk-k8s-ep\)/);
});
