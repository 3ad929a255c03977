/**
 * Kubernetes online endpoints and deployments: the endpoint's compute (a Succeeded Kubernetes compute of the
 * workspace, never changed, no mirrored traffic), the deployment's instance type and container resources, no
 * registry assets, scheduling on the cluster's capacity (OutOfQuota "Kubernetes unschedulable"), 409 while any
 * operation runs on the endpoint or its deployments, detach refused while endpoints use the compute, and the
 * Kubernetes failure classes injected through the control surface.
 */
import { join } from 'node:path';
import { JsonStore } from '../../shared/emulator/src/state/json-store';
import { emptyState, type ArmState } from '../../shared/emulator/src/state/model';
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { createEndpoint, dep, deploy, deploymentBody, ep, pollOp, seedAssets } from './online-helpers';
import { arcId, aksId, attachBody, attached, computePath, detach, k8sDeploymentBody } from './kubernetes-helpers';

let t: TestEmulator;
let a: Awaited<ReturnType<typeof seedAssets>>;
let arc: string;
let aks: string;
const BIG = { nodeSelector: null, resources: { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } } };
const SMALL = { nodeSelector: null, resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } };

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  a = await seedAssets(t);
  await attached(t, 'k8s-arc', attachBody(arcId(t), { defaultInstanceType: 'defaultinstancetype', instanceTypes: { defaultinstancetype: SMALL, 'cpu-big': BIG } }));
  await attached(t, 'k8s-aks', attachBody(aksId(t)));
  arc = computePath(t, 'k8s-arc');
  aks = computePath(t, 'k8s-aks');
  await createEndpoint(t, 'k8s-ep', 'Key', { compute: arc });
});
afterAll(() => t.stop());

const endpointBody = (p: Record<string, unknown>) => ({ location: 'eastus', properties: { authMode: 'Key', ...p } });
const bareError = (r: { json: { error: { details: { code: string }[]; message: string } } }) => [r.json.error.details[0].code, r.json.error.message];

test('endpoint compute: the ARM id of a Succeeded Kubernetes compute of the workspace; no mirror traffic; never changed', async () => {
  const other = `${t.wsPath.replace('mlw-demo', 'mlw-other')}/computes/k8s-arc`;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ compute: computePath(t, 'nope') }, /^Compute 'nope' was not found in workspace 'mlw-demo'/],
    [{ compute: 'k8s-arc' }, /'properties.compute' must be the ARM id of a Kubernetes compute in workspace 'mlw-demo' .*; got 'k8s-arc'/],
    [{ compute: other }, /is not in workspace 'mlw-demo'/],
    [{ compute: 42 }, /'properties.compute' must be a string/],
    [{ compute: arc, mirrorTraffic: { blue: 10 } }, /^Mirror traffic is not supported for Kubernetes online endpoints/],
  ];
  for (const [p, message] of cases) {
    const r = await t.arm('PUT', ep(t, 'k8s-new'), endpointBody(p));
    expect({ p, status: r.status }).toEqual({ p, status: 400 });
    const [code, text] = bareError(r);
    expect(code).toBe('BadArgument');
    expect(text).toMatch(message);
  }
  // A compute still being attached is not ready.
  const attaching = await t.arm('PUT', computePath(t, 'k8s-late'), attachBody(aksId(t)));
  expect(attaching.status).toBe(201);
  const early = await t.arm('PUT', ep(t, 'k8s-new'), endpointBody({ compute: computePath(t, 'k8s-late') }));
  expect(bareError(early)[1]).toMatch(/^Compute 'k8s-late' is not ready \(provisioningState 'Creating'\)/);
  await pollOp(t, attaching.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', ep(t, 'k8s-new'))).status).toBe(404);

  // Case-insensitive id; an empty mirrorTraffic is allowed; the compute is echoed and kept.
  const ok = await t.arm('PUT', ep(t, 'k8s-new'), endpointBody({ compute: aks.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), mirrorTraffic: {} }));
  expect(ok.status).toBe(201);
  expect((await pollOp(t, ok.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const got = await t.arm('GET', ep(t, 'k8s-new'));
  expect(got.json.properties.compute.toLowerCase()).toBe(aks.toLowerCase());
  expect(got.json.properties.scoringUri).toMatch(/\/score$/);
  const changed = await t.arm('PUT', ep(t, 'k8s-new'), endpointBody({ compute: arc }));
  expect(bareError(changed)[1]).toMatch(/^The compute of online endpoint 'k8s-new' cannot be changed \(from '.*k8s-aks' to '.*k8s-arc'\)/i);
  const managed = await t.arm('PUT', ep(t, 'k8s-new'), endpointBody({}));
  expect(bareError(managed)[1]).toMatch(/cannot be changed \(from '.*' to 'none: a managed endpoint'\)/);
  await createEndpoint(t, 'managed-ep');
  const toK8s = await t.arm('PUT', ep(t, 'managed-ep'), endpointBody({ compute: arc }));
  expect(toK8s.status).toBe(400);
  expect((await detach(t, 'k8s-late')).status).toBe(202);
});

test('deployment: instance types of the compute (case-insensitive, default the compute default), container resources, no registry assets', async () => {
  const cases: [unknown, RegExp][] = [
    [k8sDeploymentBody(a, { instanceType: 'Standard_DS3_v2' }), /^Instance type 'Standard_DS3_v2' is not found in Kubernetes compute 'k8s-arc'\. Available instance types: defaultinstancetype, cpu-big\.$/],
    [k8sDeploymentBody(a, { model: 'azureml://registries/mlr-shared/models/clf/versions/1' }), /^Registry reference for model 'azureml:\/\/registries\/mlr-shared\/models\/clf\/versions\/1' is not supported for Kubernetes deployments/],
    [k8sDeploymentBody(a, { environmentId: 'azureml://registries/azureml/environments/sklearn-1.5/versions/1' }), /^Registry reference for environment .* is not supported for Kubernetes deployments/],
    [k8sDeploymentBody(a, { codeConfiguration: { codeId: `/subscriptions/${t.sub}/resourceGroups/rg-registry/providers/Microsoft.MachineLearningServices/registries/mlr-shared/codes/c/versions/1`, scoringScript: 'score.py' } }), /^Registry reference for code /],
    [k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { cpu: '2' }, containerResourceLimits: { cpu: '1500m' } } }), /'containerResourceRequirements.containerResourceRequests.cpu' \('2'\) exceeds 'containerResourceRequirements.containerResourceLimits.cpu' \('1500m'\)/],
    [k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { memory: 'lots' } } }), /containerResourceRequests.memory' 'lots' is not valid/],
    [k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceLimits: { 'nvidia.com/gpu': '1' } } }), /unknown resources 'nvidia.com\/gpu'; use cpu, memory and gpu/],
    [deploymentBody(a), /is a Kubernetes online endpoint .*must have endpointComputeType 'Kubernetes'/],
  ];
  for (const [body, message] of cases) {
    const r = await t.arm('PUT', dep(t, 'k8s-ep', 'bad'), body);
    expect({ message: String(message), status: r.status }).toEqual({ message: String(message), status: 400 });
    expect(bareError(r)).toEqual(['BadArgument', expect.stringMatching(message)]);
  }
  expect((await t.arm('GET', dep(t, 'k8s-ep', 'bad'))).status).toBe(404);

  const { put, final } = await deploy(t, 'k8s-ep', 'blue', k8sDeploymentBody(a));
  expect(put.json.properties).toMatchObject({ endpointComputeType: 'Kubernetes', instanceType: 'defaultinstancetype', provisioningState: 'Updating' });
  expect(final.status).toBe('Succeeded');
  const got = (await t.arm('GET', dep(t, 'k8s-ep', 'blue'))).json;
  expect(got.properties.scaleSettings).toEqual({ scaleType: 'TargetUtilization', minInstances: 1, maxInstances: 1, pollingInterval: 'PT1S', targetUtilizationPercentage: 70 });
  expect(got.properties.instanceType).toBe('defaultinstancetype');
  const cased = await deploy(t, 'k8s-ep', 'green', k8sDeploymentBody(a, { instanceType: 'CPU-Big', containerResourceRequirements: { containerResourceRequests: { cpu: '1', memory: '1Gi' }, containerResourceLimits: { cpu: '1', memory: '2Gi' } } }));
  expect(cased.put.json.properties.instanceType).toBe('cpu-big');
  expect(cased.final.status).toBe('Succeeded');
  // Traffic moves as on a managed endpoint; the deployments' requests count on arc-demo.
  const traffic = await t.arm('PUT', ep(t, 'k8s-ep'), endpointBody({ compute: arc, traffic: { blue: 90, green: 10 } }));
  expect((await pollOp(t, traffic.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const arcView = (await t.control('GET', '/kubernetes')).json.clusters.find((c: { name: string }) => c.name === 'arc-demo');
  expect(arcView.used).toEqual({ cpu: 1.1, memoryGi: 3, gpu: 0 });
});

test("capacity: a deployment that does not fit the cluster's allocatable capacity fails OutOfQuota 'Kubernetes unschedulable'", async () => {
  await createEndpoint(t, 'k8s-cap', 'Key', { compute: aks });
  await t.control('PUT', '/kubernetes/capacity', { clusterId: 'aks-demo', cpu: 6, memoryGi: 16 });
  try {
    const first = await deploy(t, 'k8s-cap', 'one', k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { cpu: '4', memory: '8Gi' } } }));
    expect(first.final.status).toBe('Succeeded');
    const second = await deploy(t, 'k8s-cap', 'two', k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { cpu: '1500m', memory: '4Gi' } }, scaleSettings: { scaleType: 'TargetUtilization', maxInstances: 2 } }));
    expect(second.put.status).toBe(201);
    expect(second.final.status).toBe('Failed');
    expect(second.final.error.code).toBe('OutOfQuota');
    expect(second.final.error.message).toMatch(/^Kubernetes unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\. /);
    expect(second.final.error.message).toContain('The deployment needs cpu 3, memory 8Gi (2 instances × cpu 1.5, memory 4Gi)');
    expect(second.final.error.message).toContain("cluster 'aks-demo' has cpu 2, memory 8Gi free of its allocatable cpu 6, memory 16Gi; short: cpu 1");
    expect((await t.arm('GET', dep(t, 'k8s-cap', 'two'))).json.properties.provisioningState).toBe('Failed');
    // One instance fits; the failed deployment holds nothing.
    const smaller = await deploy(t, 'k8s-cap', 'two', k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { cpu: '1500m', memory: '4Gi' } }, scaleSettings: { scaleType: 'TargetUtilization', maxInstances: 1 } }));
    expect(smaller.final.status).toBe('Succeeded');
    // Scaling past the capacity through PATCH (sku, Default scale settings) fails the same way.
    const three = await deploy(t, 'k8s-cap', 'three', k8sDeploymentBody(a, { containerResourceRequirements: { containerResourceRequests: { cpu: '250m', memory: '1Gi' } }, scaleSettings: { scaleType: 'Default' } }));
    expect(three.final.status).toBe('Succeeded');
    const scale = await t.arm('PATCH', dep(t, 'k8s-cap', 'three'), { sku: { capacity: 10 } });
    expect(scale.status).toBe(202);
    const scaled = await pollOp(t, scale.headers.get('azure-asyncoperation')!);
    expect(scaled.error.message).toMatch(/^Kubernetes unschedulable: 0\/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory\. .*\(10 instances × cpu 250m, memory 1Gi\).*short: cpu 2, memory 6Gi\./);
  } finally {
    await t.control('DELETE', '/kubernetes/capacity');
  }
});

test('409 while any operation runs on a Kubernetes endpoint or its deployments (managed endpoints keep their rules)', async () => {
  await createEndpoint(t, 'k8s-busy', 'Key', { compute: arc });
  const conflict = (r: { status: number; json: { error: { message: string } } }) => {
    expect(r.status).toBe(409);
    expect(r.json.error.message).toBe('Conflict of operation, another operation on same entity is already running in workspace mlw-demo.');
  };
  // Each operation is held open while the conflicting requests meet it (however loaded the machine), then ended by hand.
  const store = new JsonStore<ArmState>(join(t.stateDir, 'arm.json'), emptyState);
  const hold = () => store.update((s) => void (s.settings.durations = { ...s.settings.durations, deployments: 60_000, onlineEndpoints: 60_000 }));
  const release = () =>
    store.update((s) => {
      delete s.settings.durations.deployments;
      delete s.settings.durations.onlineEndpoints;
      for (const op of Object.values(s.operations)) if (op.durationMs === 60_000) op.durationMs = 0;
    });
  await hold();
  const d = await t.arm('PUT', dep(t, 'k8s-busy', 'blue'), k8sDeploymentBody(a));
  expect(d.status).toBe(201);
  conflict(await t.arm('PUT', ep(t, 'k8s-busy'), endpointBody({ compute: arc })));
  conflict(await t.arm('PATCH', ep(t, 'k8s-busy'), { tags: { a: 'b' } }));
  conflict(await t.arm('DELETE', ep(t, 'k8s-busy')));
  conflict(await t.arm('PUT', dep(t, 'k8s-busy', 'green'), k8sDeploymentBody(a)));
  await release();
  await pollOp(t, d.headers.get('azure-asyncoperation')!);

  await hold();
  const e = await t.arm('PUT', ep(t, 'k8s-busy'), endpointBody({ compute: arc, description: 'updating' }));
  expect(e.status).toBe(201);
  conflict(await t.arm('PUT', dep(t, 'k8s-busy', 'green'), k8sDeploymentBody(a)));
  conflict(await t.arm('DELETE', dep(t, 'k8s-busy', 'blue')));
  conflict(await t.arm('PATCH', dep(t, 'k8s-busy', 'blue'), { tags: { a: 'b' } }));
  await release();
  await pollOp(t, e.headers.get('azure-asyncoperation')!);
  expect((await deploy(t, 'k8s-busy', 'green', k8sDeploymentBody(a))).final.status).toBe('Succeeded');

  // A managed endpoint still takes an endpoint PUT while a deployment is created (unchanged behaviour).
  await createEndpoint(t, 'managed-busy');
  const md = await t.arm('PUT', dep(t, 'managed-busy', 'blue'), deploymentBody(a));
  expect(md.status).toBe(201);
  const me = await t.arm('PUT', ep(t, 'managed-busy'), endpointBody({ description: 'ok' }));
  expect(me.status).toBe(201);
  await pollOp(t, md.headers.get('azure-asyncoperation')!);
});

test('a compute used by Kubernetes endpoints cannot be detached until they are gone', async () => {
  await attached(t, 'k8s-used', attachBody(aksId(t)));
  await createEndpoint(t, 'k8s-user', 'Key', { compute: computePath(t, 'k8s-used') });
  const refused = await t.arm('DELETE', `${computePath(t, 'k8s-used')}?underlyingResourceAction=Detach`);
  expect(refused.status).toBe(400);
  expect(bareError(refused)).toEqual(['BadArgument', "Compute 'k8s-used' cannot be detached: Kubernetes online endpoints still use it (k8s-user). Delete those endpoints first."]);
  const del = await t.arm('DELETE', ep(t, 'k8s-user'));
  expect(del.status).toBe(202);
  // While the endpoint is being deleted it still uses the compute.
  expect((await t.arm('DELETE', `${computePath(t, 'k8s-used')}?underlyingResourceAction=Delete`)).status).toBe(400);
  await pollOp(t, del.headers.get('azure-asyncoperation')!);
  expect((await detach(t, 'k8s-used')).status).toBe(202);
});

test.each([
  ['PodUnschedulable', /^Pod unschedulable: 0\/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory\. .*#error-podunschedulable$/, /pod ".*" is Pending and not scheduled to a node/, /is Pending/],
  ['ImagePullLoopBackOff', /^The deployment's container image could not be pulled \(Back-off pulling image ".*azureml\/azureml_[0-9a-f]+"\)/, /waiting to start: trying and failing to pull image/, /Storage initializer finished/],
  ['DeploymentCrashLoopBackOff', /CrashLoopBackOff.*#error-deploymentcrashloopbackoff$/, /Traceback \(most recent call last\)/, /Storage initializer finished/],
  ['OutOfQuota', /^Kubernetes unschedulable: /, /^$/, /^$/],
])('injected %s on a Kubernetes deployment: Failed with that code and fitting logs', async (kind, message, serverLog, initLog) => {
  const name = `f-${kind.toLowerCase()}`.slice(0, 24);
  expect((await t.control('POST', '/online/failures', { kind, deployment: name, times: 1 })).status).toBe(201);
  const { final } = await deploy(t, 'k8s-ep', name, k8sDeploymentBody(a));
  expect(final.status).toBe('Failed');
  expect(final.error.code).toBe(kind);
  expect(final.error.message).toMatch(message);
  const logs = (containerType: string) => t.arm('POST', `${dep(t, 'k8s-ep', name)}/getLogs`, { containerType });
  expect((await logs('InferenceServer')).json.content).toMatch(serverLog);
  expect((await logs('StorageInitializer')).json.content).toMatch(initLog);
  expect((await deploy(t, 'k8s-ep', name, k8sDeploymentBody(a))).final.status).toBe('Succeeded');
  await t.arm('DELETE', dep(t, 'k8s-ep', name));
  await sleep(350);
});

test('a Kubernetes failure class never hits a managed deployment', async () => {
  await t.control('DELETE', '/online/failures');
  await t.control('POST', '/online/failures', { kind: 'PodUnschedulable' });
  await createEndpoint(t, 'managed-f');
  expect((await deploy(t, 'managed-f', 'blue', deploymentBody(a))).final.status).toBe('Succeeded');
  expect((await t.control('GET', '/online/failures')).json.failures).toHaveLength(1);
  await t.control('DELETE', '/online/failures');
});
