import { StepError } from '../../../../shared/src/core/errors';
import { startDeadline } from '../../../../shared/src/core/deadline';
import type { AzureMlClient } from '../../../../shared/src/azureml/client';
import type { ClusterExtension, ClusterResource, ComputeResource } from '../../../../shared/src/azureml/computes';
import { clusterKind } from '../../../../shared/src/azureml/computes';
import { formatQuantity, parseCpu, parseMemory } from '../../../../shared/src/online/kubernetes-quantity';
import { deployArcStep } from '../../../../shared/src/steps/deploy-arc/definition';
import { parseInstanceTypes, readComputeInputs } from '../../../../shared/src/steps/deploy-arc/compute-inputs';
import { checkCluster } from '../../../../shared/src/steps/deploy-arc/cluster-checks';
import { planCompute } from '../../../../shared/src/steps/deploy-arc/compute';
import { capacityFindings, resolveInstanceType } from '../../../../shared/src/steps/deploy-arc/doctor';
import { StepInputs } from '../../../../shared/src/steps/inputs';
import { RecordingHost } from '../recording-host';
import { caught } from '../../specs/online/helpers';

const SUB = '6c443565-6b4e-452d-a2ea-7fd05d02b567';
const ARC = `/subscriptions/${SUB}/resourceGroups/rg-k8s/providers/Microsoft.Kubernetes/connectedClusters/arc-one`;
const AKS = `/subscriptions/${SUB}/resourceGroups/rg-k8s/providers/Microsoft.ContainerService/managedClusters/aks-one`;
const scope = { subscriptionId: 's1', resourceGroup: 'rg', workspaceName: 'ws' };

function ctx(values: Record<string, string>) {
  const host = new RecordingHost('github', values);
  return { host, inputs: new StepInputs(deployArcStep, host), deadline: startDeadline(60_000) };
}

/** A client with only the Kubernetes and VM size reads, answering from maps. */
function fakeClient(o: { computes?: Record<string, ComputeResource>; clusters?: Record<string, ClusterResource | 'denied'>; extensions?: Record<string, ClusterExtension[]> }): AzureMlClient {
  const denied = () => Object.assign(new StepError('auth', 'AuthorizationFailed: no read'), {});
  return {
    computes: {
      getCompute: async (_rg: string, _ws: string, name: string) => o.computes?.[name],
      getCluster: async (id: string) => {
        const c = o.clusters?.[id];
        if (c === 'denied') throw denied();
        return c;
      },
      listExtensions: async (id: string) => o.extensions?.[id] ?? [],
    },
    assets: { listVmSizes: async () => [{ name: 'Standard_DS3_v2', vCPUs: 4, family: 'standardDSv2Family' }] },
  } as unknown as AzureMlClient;
}

const healthy: ClusterExtension = {
  name: 'azureml',
  properties: { extensionType: 'Microsoft.AzureML.Kubernetes', provisioningState: 'Succeeded', configurationSettings: { enableInference: 'True' } },
};
const arc: ClusterResource = { id: ARC, properties: { provisioningState: 'Succeeded', connectivityStatus: 'Connected', totalCoreCount: 4 } };

describe('Kubernetes quantities', () => {
  test('cpu and memory in their usual spellings', () => {
    expect([parseCpu('500m'), parseCpu('2'), parseCpu('1.5'), parseCpu('abc')]).toEqual([0.5, 2, 1.5, undefined]);
    expect([parseMemory('1Gi'), parseMemory('512Mi'), parseMemory('1G'), parseMemory('4x')]).toEqual([2 ** 30, 2 ** 29, 1e9, undefined]);
    expect(formatQuantity('cpu', 2.5)).toBe('2.5 cores');
  });
  test('cluster ids of both kinds', () => {
    expect([clusterKind(ARC), clusterKind(AKS), clusterKind(`/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v`)]).toEqual(['arc', 'aks', undefined]);
    // Segments ARM would not allow never reach a request path.
    for (const bad of [ARC.replace('arc-one', 'arc-one?api-version=x'), ARC.replace('rg-k8s', '..'), ARC.replace('arc-one', 'a%2Fb'), ARC.replace(SUB, 's1'), `${ARC}/extra`, ARC.replace('arc-one', 'arc one')]) {
      expect(clusterKind(bad)).toBeUndefined();
    }
  });
});

describe('compute inputs', () => {
  test('instance types: requests, limits and a node selector; gpu is nvidia.com/gpu', () => {
    expect(parseInstanceTypes('gpu-small:\n  requests: {cpu: 500m, memory: 1Gi, gpu: 1}\n  limits: {cpu: 1, memory: 2Gi, gpu: 1}\n  node_selector: {pool: gpu}\n')).toEqual({
      'gpu-small': { nodeSelector: { pool: 'gpu' }, resources: { requests: { cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' }, limits: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '1' } } },
    });
  });
  test.each([
    ['Big_Type:\n  requests: {cpu: 1}\n', /instance type name 'Big_Type'/],
    ['small:\n  requests: {cpu: 2}\n  limits: {cpu: 1}\n', /small requests cpu 2, more than its limit 1/],
    ['small:\n  requests: {cpu: lots}\n', /small\.requests\.cpu is 'lots', which is not a Kubernetes CPU quantity/],
    ['small:\n  requests: {disk: 1Gi}\n', /the resources are cpu, memory and nvidia\.com\/gpu/],
    ['small:\n  request: {cpu: 1}\n', /small has 'request'/],
  ])('%j is refused naming the input', (text, message) => {
    const e = caught(() => parseInstanceTypes(text));
    expect(e.kind).toBe('input');
    expect(e.input).toBe('instance-types');
    expect(e.message).toMatch(message);
  });
  test('attach settings need a cluster id of an Arc or AKS cluster', () => {
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k8s', namespace: 'ml' }))).input).toBe('namespace');
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k8s', attach: 'true' }))).input).toBe('cluster-id');
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k8s', 'cluster-id': '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v' }))).message).toMatch(/not the ARM id of an Arc-enabled cluster/);
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k8s', 'cluster-id': ARC, namespace: 'Bad_NS' }))).input).toBe('namespace');
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k 8s' }))).input).toBe('compute-name');
    expect(caught(() => readComputeInputs(ctx({ 'compute-name': 'k8s', 'cluster-id': ARC, 'instance-types': 'a: {}\n', 'default-instance-type': 'b' }))).input).toBe('default-instance-type');
    const ok = readComputeInputs(ctx({ 'compute-name': 'k8s', 'cluster-id': ARC, namespace: 'ml', 'compute-identity': 'none' }));
    expect(ok.settings).toEqual({ clusterId: ARC, namespace: 'ml', instanceTypes: undefined, defaultInstanceType: undefined, identity: { type: 'None' } });
  });
});

describe('cluster checks before attaching', () => {
  test('a healthy Arc cluster with the extension has no findings', async () => {
    expect((await checkCluster(fakeClient({ clusters: { [ARC]: arc }, extensions: { [ARC]: [healthy] } }), ARC)).findings).toEqual([]);
  });
  test('a missing extension names the install command for the cluster type', async () => {
    const f = (await checkCluster(fakeClient({ clusters: { [AKS]: { id: AKS, properties: { provisioningState: 'Succeeded', powerState: { code: 'Running' } } } } }), AKS)).findings;
    expect(f).toHaveLength(1);
    expect(f[0]!.problem).toMatch(/Azure ML extension \(Microsoft\.AzureML\.Kubernetes\) is not installed on AKS cluster 'aks-one'/);
    expect(f[0]!.fix).toMatch(/az k8s-extension create .*--cluster-type managedClusters --cluster-name aks-one --resource-group rg-k8s.*enableInference=True/);
  });
  test('an unhealthy extension, inference off, a disconnected cluster, a missing one, and no read access', async () => {
    const failed = { ...healthy, properties: { ...healthy.properties, provisioningState: 'Failed', statuses: [{ message: 'pods crash' }], configurationSettings: { enableInference: 'False' } } };
    const bad = await checkCluster(fakeClient({ clusters: { [ARC]: { ...arc, properties: { ...arc.properties, connectivityStatus: 'Offline' } } }, extensions: { [ARC]: [failed] } }), ARC);
    expect(bad.findings.map((x) => x.problem)).toEqual([
      expect.stringMatching(/Arc-enabled cluster 'arc-one' is Offline/),
      expect.stringMatching(/extension 'azureml' .* is Failed: pods crash/),
      expect.stringMatching(/does not serve inference \(enableInference is False\)/),
    ]);
    expect((await checkCluster(fakeClient({}), ARC)).findings[0]!.problem).toMatch(/does not exist in resource group rg-k8s/);
    const denied = (await checkCluster(fakeClient({ clusters: { [ARC]: 'denied' } }), ARC)).findings[0]!;
    expect(denied.problem).toMatch(/cannot read Arc-enabled cluster 'arc-one'/);
    expect(denied.fix).toMatch(/Reader on the cluster/);
  });
});

describe('compute plan and doctor', () => {
  const live: ComputeResource = {
    id: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s',
    identity: { type: 'SystemAssigned' },
    properties: { computeType: 'Kubernetes', resourceId: ARC, provisioningState: 'Succeeded', properties: { namespace: 'ml', instanceTypes: { small: { resources: { requests: { cpu: '1' } } } } } },
  };
  test('a missing compute without a cluster is a finding; with one it is attached after the checks', async () => {
    expect((await planCompute(fakeClient({}), scope, 'eastus', 'k8s', { attach: false })).findings[0]!.problem).toMatch(/does not exist in workspace ws/);
    const p = await planCompute(fakeClient({ clusters: { [ARC]: arc }, extensions: { [ARC]: [healthy] } }), scope, 'eastus', 'k8s', {
      attach: false,
      settings: { clusterId: ARC, namespace: 'ml', identity: { type: 'SystemAssigned' } },
    });
    expect(p.findings).toEqual([]);
    expect(p.attach?.body.properties).toEqual({ computeType: 'Kubernetes', resourceId: ARC, properties: { namespace: 'ml' } });
    expect(p.instanceTypes).toEqual({ defaultinstancetype: {} });
  });
  test('the same settings again attach nothing; other settings need attach: true', async () => {
    const client = fakeClient({ computes: { k8s: live }, clusters: { [ARC]: arc }, extensions: { [ARC]: [healthy] } });
    const same = { clusterId: ARC, namespace: 'ml', instanceTypes: { small: { nodeSelector: null, resources: { requests: { cpu: '1' } } } }, identity: { type: 'SystemAssigned' as const } };
    expect((await planCompute(client, scope, 'eastus', 'k8s', { attach: true, settings: same })).attach).toBeUndefined();
    const other = await planCompute(client, scope, 'eastus', 'k8s', { attach: false, settings: { ...same, namespace: 'other' } });
    expect(other.findings[0]).toMatchObject({ input: 'attach', problem: expect.stringMatching(/namespace ml → other/) });
    expect((await planCompute(client, scope, 'eastus', 'k8s', { attach: true, settings: { ...same, namespace: 'other' } })).attach?.reason).toBe('re-attach: namespace ml → other');
  });
  test('an unknown instance type lists the offered ones; the name resolves case-insensitively', async () => {
    const p = await planCompute(fakeClient({ computes: { k8s: live } }), scope, 'eastus', 'k8s', { attach: false });
    const body = (t?: string) => ({ location: 'eastus', properties: { endpointComputeType: 'Kubernetes', ...(t ? { instanceType: t } : {}) } });
    expect(resolveInstanceType(p, body('SMALL'))).toEqual({ name: 'small' });
    expect(resolveInstanceType(p, body('large')).finding?.problem).toBe("Instance type 'large' is not offered by compute 'k8s'; it offers small.");
  });
  test('capacity: blue and green together beyond the cluster cores is a quota finding', async () => {
    const client = fakeClient({ computes: { k8s: live }, clusters: { [ARC]: arc } });
    const p = await planCompute(client, scope, 'eastus', 'k8s', { attach: false });
    const green = { location: 'eastus', sku: { name: 'Default', capacity: 2 }, properties: { endpointComputeType: 'Kubernetes', instanceType: 'small' } };
    const blue = { name: 'blue', sku: { capacity: 3 }, properties: { endpointComputeType: 'Kubernetes', instanceType: 'small' } };
    const f = await capacityFindings(client, { location: 'eastus', compute: p, deploymentName: 'green', body: green, deployments: [blue as never] });
    expect(f).toEqual([expect.objectContaining({ quota: true, problem: 'The deployment requests 2 cores of CPU beside 3 cores for the endpoint\'s other deployments, and the cluster has 4 cores in all.' })]);
    expect(await capacityFindings(client, { location: 'eastus', compute: p, deploymentName: 'blue', body: green, deployments: [blue as never] })).toEqual([]);
  });
});
