/**
 * The Kubernetes clusters Azure ML attaches, as ARM serves them: the seeded Arc (`arc-demo`) and AKS (`aks-demo`)
 * clusters with their providers' api-versions, their `azureml` extension (an extension resource under the
 * cluster), RBAC on them, and the control routes that break the extension or set a cluster's capacity.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArmPath } from '../../shared/emulator/src/arm/target';
import { startTestEmulator, tempStateDir, type TestEmulator } from './harness';
import { AKS_API, ARC_API, EXT_API, aksId, arcId, extensionsOf, rgPath, setExtension } from './kubernetes-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());

describe('parseArmPath', () => {
  test('an extension resource is parsed under the resource it sits on; other paths are unchanged', () => {
    const ext = parseArmPath('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions/azureml', 'GET');
    expect(ext).toEqual({
      kind: 'resource',
      subscriptionId: 's',
      resourceGroup: 'rg',
      namespace: 'Microsoft.KubernetesConfiguration',
      types: ['extensions'],
      names: ['azureml'],
      collection: false,
      action: undefined,
      parent: { namespace: 'Microsoft.Kubernetes', types: ['connectedClusters'], names: ['c1'] },
    });
    const list = parseArmPath('/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/a/providers/Microsoft.KubernetesConfiguration/extensions', 'GET');
    expect(list).toMatchObject({ kind: 'resource', types: ['extensions'], names: [], collection: true, parent: { types: ['managedClusters'], names: ['a'] } });
    const action = parseArmPath('/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/deployments/d/getLogs', 'POST');
    expect(action).toMatchObject({ kind: 'resource', types: ['workspaces', 'onlineEndpoints', 'deployments'], names: ['w', 'e', 'd'], action: 'getLogs' });
    expect(action).not.toHaveProperty('parent');
    // A resource *named* "providers" is a name, not a nested provider.
    const named = parseArmPath('/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/providers/versions/1', 'GET');
    expect(named).toMatchObject({ types: ['workspaces', 'models', 'versions'], names: ['w', 'providers', '1'] });
    expect(named).not.toHaveProperty('parent');
  });
});

describe('clusters', () => {
  test.each(['2021-10-01', '2022-10-01-preview', '2024-01-01', '2024-07-15-preview'])('Arc cluster GET with api-version %s', async (v) => {
    const r = await t.arm('GET', arcId(t), undefined, { apiVersion: v });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      id: arcId(t),
      name: 'arc-demo',
      type: 'Microsoft.Kubernetes/connectedClusters',
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      properties: { provisioningState: 'Succeeded', connectivityStatus: 'Connected', totalNodeCount: 3, totalCoreCount: 12, distribution: 'k3s', infrastructure: 'generic' },
    });
    expect(r.json.properties.kubernetesVersion).toMatch(/^1\.\d+\.\d+$/);
    expect(r.json.properties.agentVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test.each(['2023-10-01', '2024-05-01', '2024-09-01', '2025-01-01'])('AKS cluster GET with api-version %s', async (v) => {
    const r = await t.arm('GET', aksId(t), undefined, { apiVersion: v });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      id: aksId(t),
      name: 'aks-demo',
      type: 'Microsoft.ContainerService/ManagedClusters',
      properties: { provisioningState: 'Succeeded', powerState: { code: 'Running' }, agentPoolProfiles: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_DS3_v2', mode: 'System' }] },
    });
    expect(r.json.properties.fqdn).toMatch(/\.hcp\.eastus\.azmk8s\.io$/);
  });

  test("each provider has its own api-versions: another's (or an unknown one) is 400 NoRegisteredProviderFound", async () => {
    for (const [id, v, listed] of [
      [arcId(t), AKS_API, '2024-07-15-preview'],
      [aksId(t), ARC_API, '2025-01-01'],
      [aksId(t), '2025-04-01', '2023-10-01'],
      [arcId(t), '2019-01-01', '2021-10-01'],
    ]) {
      const r = await t.arm('GET', id, undefined, { apiVersion: v });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('NoRegisteredProviderFound');
      expect(r.json.error.message).toContain(`API version '${v}'`);
      expect(r.json.error.message).toContain(listed);
    }
  });

  test('lists by resource group and by subscription; a missing cluster is the gateway 404; clusters are read-only', async () => {
    const byRg = await t.arm('GET', `${rgPath(t)}/providers/Microsoft.Kubernetes/connectedClusters`, undefined, { apiVersion: ARC_API });
    expect(byRg.json.value.map((c: { name: string }) => c.name)).toEqual(['arc-demo']);
    const bySub = await t.arm('GET', `/subscriptions/${t.sub}/providers/Microsoft.ContainerService/managedClusters`, undefined, { apiVersion: AKS_API });
    expect(bySub.json.value.map((c: { id: string }) => c.id)).toEqual([aksId(t)]);
    const missing = await t.arm('GET', arcId(t).replace('arc-demo', 'arc-nope'), undefined, { apiVersion: ARC_API });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
    expect(missing.json.error.message).toContain("The Resource 'Microsoft.Kubernetes/connectedClusters/arc-nope' under resource group 'rg-demo' was not found");
    expect(missing.headers.get('x-ms-failure-cause')).toBe('gateway');
    const put = await t.arm('PUT', arcId(t), { location: 'eastus', properties: {} }, { apiVersion: ARC_API });
    expect(put.status).toBe(405);
    const gizmo = await t.arm('GET', `${rgPath(t)}/providers/Microsoft.Kubernetes/gizmos/x`, undefined, { apiVersion: ARC_API });
    expect(gizmo.json.error.code).toBe('InvalidResourceType');
  });
});

describe('extensions', () => {
  test.each(['2022-11-01', '2023-05-01', '2024-11-01'])('the azureml extension on both clusters, api-version %s', async (v) => {
    for (const id of [arcId(t), aksId(t)]) {
      const r = await t.arm('GET', `${extensionsOf(id)}/azureml`, undefined, { apiVersion: v });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        id: `${extensionsOf(id)}/azureml`,
        name: 'azureml',
        type: 'Microsoft.KubernetesConfiguration/extensions',
        properties: {
          extensionType: 'Microsoft.AzureML.Kubernetes',
          autoUpgradeMinorVersion: true,
          releaseTrain: 'stable',
          provisioningState: 'Succeeded',
          configurationSettings: { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer' },
          statuses: [],
        },
      });
      expect(r.json.properties.version).toMatch(/^\d+\.\d+\.\d+$/);
      const list = await t.arm('GET', extensionsOf(id), undefined, { apiVersion: v });
      expect(list.json.value.map((e: { name: string }) => e.name)).toEqual(['azureml']);
    }
  });

  test('errors: api-version, missing extension, missing cluster, extensions under another type', async () => {
    const badVersion = await t.arm('GET', `${extensionsOf(arcId(t))}/azureml`, undefined, { apiVersion: ARC_API });
    expect(badVersion.status).toBe(400);
    expect(badVersion.json.error.code).toBe('NoRegisteredProviderFound');
    expect(badVersion.json.error.message).toContain('2022-11-01, 2023-05-01, 2024-11-01');
    const none = await t.arm('GET', `${extensionsOf(arcId(t))}/flux`, undefined, { apiVersion: EXT_API });
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('ResourceNotFound');
    const noCluster = await t.arm('GET', `${extensionsOf(arcId(t).replace('arc-demo', 'arc-nope'))}/azureml`, undefined, { apiVersion: EXT_API });
    expect(noCluster.status).toBe(404);
    expect(noCluster.headers.get('x-ms-failure-cause')).toBe('gateway');
    expect(noCluster.json.error.message).toContain("'Microsoft.Kubernetes/connectedClusters/arc-nope'");
    const underWorkspace = await t.arm('GET', `${t.wsPath}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`, undefined, { apiVersion: EXT_API });
    expect(underWorkspace.status).toBe(404);
    expect(underWorkspace.json.error.code).toBe('InvalidResourceType');
  });

  test('the control route breaks and repairs the extension, as the extension GET shows', async () => {
    const ext = `${extensionsOf(arcId(t))}/azureml`;
    expect((await setExtension(t, 'arc-demo', 'failed')).status).toBe(200);
    const failed = (await t.arm('GET', ext, undefined, { apiVersion: EXT_API })).json;
    expect(failed.properties.provisioningState).toBe('Failed');
    expect(failed.properties.statuses[0]).toMatchObject({ level: 'Error', code: 'InstallationFailed' });
    await setExtension(t, arcId(t).toUpperCase(), 'no-inference');
    expect((await t.arm('GET', ext, undefined, { apiVersion: EXT_API })).json.properties).toMatchObject({ provisioningState: 'Succeeded', configurationSettings: { enableInference: 'False' } });
    const missing = await setExtension(t, arcId(t), 'missing');
    expect(missing.json.cluster.extensionProblem).toMatch(/AzureML extension .* is not installed/);
    expect((await t.arm('GET', ext, undefined, { apiVersion: EXT_API })).status).toBe(404);
    expect((await t.arm('GET', extensionsOf(arcId(t)), undefined, { apiVersion: EXT_API })).json.value).toEqual([]);
    const healthy = await setExtension(t, arcId(t), 'healthy');
    expect(healthy.json.cluster.extensionProblem).toBeNull();
    expect((await t.arm('GET', ext, undefined, { apiVersion: EXT_API })).json.properties.configurationSettings.enableInference).toBe('True');
    expect((await setExtension(t, arcId(t), 'sideways')).status).toBe(400);
    expect((await setExtension(t, 'nope', 'healthy')).status).toBe(404);
  });
});

test('RBAC: AzureML Data Scientist may not read clusters or extensions (403 naming the action); Reader may read', async () => {
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'ds-app' }] } });
  const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'ds-app');
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: t.wsPath, role: 'AzureML Data Scientist' }] });
  const token = await t.token(app);
  const wsScoped = await t.arm('GET', arcId(t), undefined, { token, apiVersion: ARC_API });
  expect(wsScoped.status).toBe(403);
  // On the resource group too, the role covers workspace actions only.
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: rgPath(t), role: 'AzureML Data Scientist' }] });
  const cluster = await t.arm('GET', arcId(t), undefined, { token, apiVersion: ARC_API });
  expect(cluster.status).toBe(403);
  expect(cluster.json.error.code).toBe('AuthorizationFailed');
  expect(cluster.json.error.message).toContain("perform action 'Microsoft.Kubernetes/connectedClusters/read'");
  expect(cluster.json.error.message).toContain(`over scope '${arcId(t)}'`);
  const aks = await t.arm('GET', aksId(t), undefined, { token, apiVersion: AKS_API });
  expect(aks.json.error.message).toContain("'Microsoft.ContainerService/managedClusters/read'");
  const ext = await t.arm('GET', `${extensionsOf(aksId(t))}/azureml`, undefined, { token, apiVersion: EXT_API });
  expect(ext.status).toBe(403);
  expect(ext.json.error.message).toContain(`'Microsoft.KubernetesConfiguration/extensions/read' over scope '${extensionsOf(aksId(t))}/azureml'`);
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: rgPath(t), role: 'Reader' }] });
  expect((await t.arm('GET', arcId(t), undefined, { token, apiVersion: ARC_API })).status).toBe(200);
  expect((await t.arm('GET', `${extensionsOf(aksId(t))}/azureml`, undefined, { token, apiVersion: EXT_API })).status).toBe(200);
});

test('control: capacities derived from the clusters, overridden and reset; a further cluster', async () => {
  const all = (await t.control('GET', '/kubernetes')).json.clusters;
  expect(all.map((c: { name: string; capacity: unknown }) => [c.name, c.capacity])).toEqual([
    ['arc-demo', { cpu: 12, memoryGi: 48, gpu: 0 }],
    ['aks-demo', { cpu: 12, memoryGi: 42, gpu: 0 }],
  ]);
  const set = await t.control('PUT', '/kubernetes/capacity', { clusterId: 'aks-demo', cpu: 2.5, memoryGi: 8 });
  expect(set.status).toBe(200);
  expect(set.json.cluster.capacity).toEqual({ cpu: 2.5, memoryGi: 8, gpu: 0 });
  expect((await t.control('PUT', '/kubernetes/capacity', { clusterId: 'aks-demo', cpu: -1, memoryGi: 8 })).status).toBe(400);
  expect((await t.control('DELETE', '/kubernetes/capacity', { clusterId: 'aks-demo' })).status).toBe(204);
  expect((await t.control('GET', '/kubernetes')).json.clusters[1].capacity).toEqual({ cpu: 12, memoryGi: 42, gpu: 0 });
  const more = await t.control('POST', '/kubernetes/clusters', { kind: 'managed', name: 'aks-gpu', nodes: 2, vmSize: 'Standard_NC6s_v3', extension: 'missing' });
  expect(more.status).toBe(201);
  expect(more.json.cluster).toMatchObject({ name: 'aks-gpu', capacity: { cpu: 12, memoryGi: 224, gpu: 2 }, extensions: [] });
  expect((await t.arm('GET', `${rgPath(t)}/providers/Microsoft.ContainerService/managedClusters/aks-gpu`, undefined, { apiVersion: AKS_API })).status).toBe(200);
  expect((await t.control('POST', '/kubernetes/clusters', { kind: 'managed', name: 'aks-gpu' })).status).toBe(400);
  expect((await t.world()).arm.kubernetesClusters.map((c: { name: string }) => c.name)).toEqual(['arc-demo', 'aks-demo', 'aks-gpu']);
});

test('a state seeded before clusters existed gets the default clusters on start, once; overrides survive a restart', async () => {
  const stateDir = tempStateDir();
  const first = await startTestEmulator({ stateDir });
  await first.stop();
  // Make it look like a state written by an emulator that knew no clusters.
  const file = join(stateDir, 'arm.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  delete doc.kubernetes;
  for (const k of Object.keys(doc.resources)) if (/connectedclusters|managedclusters/.test(k)) delete doc.resources[k];
  writeFileSync(file, JSON.stringify(doc));
  const second = await startTestEmulator({ stateDir });
  try {
    expect((await second.arm('GET', arcId(second), undefined, { apiVersion: ARC_API })).status).toBe(200);
    expect((await second.arm('GET', `${extensionsOf(aksId(second))}/azureml`, undefined, { apiVersion: EXT_API })).json.properties.provisioningState).toBe('Succeeded');
    await second.control('PUT', '/kubernetes/capacity', { clusterId: 'arc-demo', cpu: 3, memoryGi: 6 });
  } finally {
    await second.stop();
  }
  const third = await startTestEmulator({ stateDir });
  try {
    const names = (await third.control('GET', '/kubernetes')).json.clusters.map((c: { name: string; capacity: { cpu: number } }) => [c.name, c.capacity.cpu]);
    expect(names).toEqual([['arc-demo', 3], ['aks-demo', 12]]);
  } finally {
    await third.stop();
  }
});
