/**
 * Kubernetes computes in a workspace (Compute_CreateOrUpdate / Get / List / Delete): attaching the seeded Arc and
 * AKS clusters as a long-running operation, the checks the service makes on the body, the operation failing when
 * the cluster's Azure ML extension is missing or unhealthy, re-PUTs, 409 while an operation runs, and detach.
 */
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { pollOp } from './online-helpers';
import { ARC_API, aksId, arcId, attach, attachBody, attached, computePath, detach, rgPath, setExtension } from './kubernetes-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
});
afterAll(() => t.stop());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

test('attach arc-demo: 201 with Azure-AsyncOperation and Retry-After, Creating -> Succeeded; the final GET shows the attached compute, no secrets', async () => {
  const body = attachBody(arcId(t), { namespace: 'default', relayConnectionString: 'Endpoint=sb://relay/;SharedAccessKey=s3cret' });
  const put = await t.arm('PUT', computePath(t, 'k8s-arc'), body);
  expect(put.status).toBe(201);
  expect(put.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/cp:');
  expect(Number(put.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(put.json).toMatchObject({
    id: computePath(t, 'k8s-arc'),
    name: 'k8s-arc',
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    properties: { computeType: 'Kubernetes', resourceId: arcId(t), provisioningState: 'Creating', isAttachedCompute: true },
  });
  expect(put.text).not.toContain('s3cret');
  expect((await t.arm('GET', computePath(t, 'k8s-arc'))).json.properties.provisioningState).toBe('Creating');
  const final = await pollOp(t, put.headers.get('azure-asyncoperation')!);
  expect(final.status).toBe('Succeeded');
  const got = await t.arm('GET', computePath(t, 'k8s-arc'));
  expect(got.status).toBe(200);
  expect(got.json).toMatchObject({
    location: 'eastus',
    properties: {
      computeType: 'Kubernetes',
      resourceId: arcId(t),
      description: 'attached by a test',
      provisioningState: 'Succeeded',
      provisioningErrors: null,
      isAttachedCompute: true,
      properties: {
        namespace: 'default',
        defaultInstanceType: 'defaultinstancetype',
        instanceTypes: {
          defaultinstancetype: { nodeSelector: null, resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } },
        },
        extensionInstanceReleaseTrain: 'stable',
        relayConnectionString: null,
        serviceBusConnectionString: null,
      },
    },
  });
  expect(got.json.properties.createdOn).toMatch(ISO);
  expect(got.json.properties.modifiedOn).toMatch(ISO);
  expect(got.text).not.toContain('s3cret');
});

test('attach aks-demo with its own namespace and instance types; list; identical re-PUT is 200, a changed one an update', async () => {
  const k8s = {
    namespace: 'team-a',
    defaultInstanceType: 'small',
    instanceTypes: {
      small: { nodeSelector: null, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } } },
      big: { nodeSelector: { agentpool: 'nodepool1' }, resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2.5', memory: '5G', 'nvidia.com/gpu': null } } },
    },
  };
  const { final, got } = await attach(t, 'k8s-aks', attachBody(aksId(t), k8s));
  expect(final.status).toBe('Succeeded');
  expect(got!.json.properties.properties).toMatchObject({ namespace: 'team-a', defaultInstanceType: 'small', instanceTypes: k8s.instanceTypes });
  const list = await t.arm('GET', `${t.wsPath}/computes`);
  expect(list.json.value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['k8s-arc', 'k8s-aks']));

  const again = await t.arm('PUT', computePath(t, 'k8s-aks'), attachBody(aksId(t).toLowerCase(), k8s));
  expect(again.status).toBe(200);
  expect(again.headers.get('azure-asyncoperation')).toBeNull();
  expect(again.json.properties.provisioningState).toBe('Succeeded');
  expect(again.json.properties.modifiedOn).toBe(got!.json.properties.modifiedOn);

  const changed = await t.arm('PUT', computePath(t, 'k8s-aks'), { ...attachBody(aksId(t), k8s), properties: { ...attachBody(aksId(t), k8s).properties, description: 'changed' } });
  expect(changed.status).toBe(201);
  expect(changed.json.properties.provisioningState).toBe('Updating');
  expect((await pollOp(t, changed.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const after = (await t.arm('GET', computePath(t, 'k8s-aks'))).json.properties;
  expect(after.description).toBe('changed');
  expect(after.createdOn).toBe(got!.json.properties.createdOn);

  const retarget = await t.arm('PUT', computePath(t, 'k8s-aks'), attachBody(arcId(t), k8s));
  expect(retarget.status).toBe(400);
  expect(retarget.json.error.message).toMatch(/resourceId of compute 'k8s-aks' cannot be changed/);
});

test.each([
  ['missing', /the AzureML extension \(extensionType 'Microsoft\.AzureML\.Kubernetes'\) is not installed on cluster '.*arc-demo'/],
  ['failed', /the AzureML extension 'azureml' on cluster '.*arc-demo' is not healthy \(provisioningState 'Failed'\)/],
  ['no-inference', /does not have inference enabled/],
])('extension %s: the attach operation fails with the reason, the compute ends Failed; a repaired cluster attaches', async (state, message) => {
  const name = `k8s-${state}`.slice(0, 20);
  await setExtension(t, arcId(t), state);
  try {
    const { put, final, got } = await attach(t, name, attachBody(arcId(t)));
    expect(put.status).toBe(201);
    expect(final.status).toBe('Failed');
    expect(final.error.code).toBe('BadRequest');
    expect(final.error.message).toMatch(new RegExp(`^Failed to attach Kubernetes compute '${name}': `));
    expect(final.error.message).toMatch(message);
    expect(got!.json.properties.provisioningState).toBe('Failed');
    expect(got!.json.properties.provisioningErrors[0].error.message).toBe(final.error.message);
  } finally {
    await setExtension(t, arcId(t), 'healthy');
  }
  const retry = await attach(t, name, attachBody(arcId(t)));
  expect(retry.put.json.properties.provisioningState).toBe('Updating');
  expect(retry.final.status).toBe('Succeeded');
  expect(retry.got!.json.properties.provisioningErrors).toBeNull();
  expect((await detach(t, name)).status).toBe(202);
});

test('validation: the service refusals, naming what is wrong; nothing is written', async () => {
  const it = (limits: Record<string, string | null>, requests: Record<string, string | null> = { cpu: '1', memory: '1Gi' }) => ({
    instanceTypes: { small: { resources: { requests, limits } } },
  });
  const props = (p: Record<string, unknown>) => ({ location: 'eastus', properties: p });
  const storage = `${rgPath(t)}/providers/Microsoft.Storage/storageAccounts/stdemo`;
  const cases: [string, unknown, RegExp][] = [
    ['1bad', attachBody(arcId(t)), /Invalid compute name '1bad'/],
    ['good', { location: 'eastus' }, /'properties' field is required/],
    ['good', props({ resourceId: arcId(t) }), /'properties.computeType' is required and must be one of AKS, Kubernetes, AmlCompute/],
    ['good', props({ computeType: 'Cluster', resourceId: arcId(t) }), /must be one of .*; got 'Cluster'/],
    ['good', props({ computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS3_v2' } }), /The emulator does not create or update AmlCompute clusters through ARM \(computeType 'AmlCompute'\)/],
    ['good', props({ computeType: 'Kubernetes' }), /'properties.resourceId' is required/],
    ['good', props({ computeType: 'Kubernetes', resourceId: 'arc-demo' }), /'arc-demo' is not an ARM resource id/],
    ['good', props({ computeType: 'Kubernetes', resourceId: storage }), /stdemo' is not a Kubernetes cluster/],
    ['good', attachBody(arcId(t).replace('arc-demo', 'arc-nope')), /The Kubernetes cluster '.*connectedClusters\/arc-nope' named in 'properties.resourceId' was not found/],
    ['good', attachBody(arcId(t), { namespace: 'Team_A' }), /Namespace 'Team_A' is invalid/],
    ['good', attachBody(arcId(t), { namespace: 'a'.repeat(64) }), /Namespace 'a{64}' is invalid/],
    ['good', attachBody(arcId(t), { instanceTypes: { GpuBig: { resources: {} } } }), /Instance type name 'GpuBig' is invalid/],
    ['good', attachBody(arcId(t), it({ cpu: '500m' })), /Instance type 'small': resources.requests\['cpu'\] \('1'\) exceeds resources.limits\['cpu'\] \('500m'\)/],
    ['good', attachBody(arcId(t), it({ memory: '1000Mi' })), /resources.requests\['memory'\] \('1Gi'\) exceeds resources.limits\['memory'\] \('1000Mi'\)/],
    ['good', attachBody(arcId(t), it({ cpu: '2 cores' })), /resources.limits\['cpu'\] '2 cores' is not valid/],
    ['good', attachBody(arcId(t), it({ 'nvidia.com/gpu': '0.5' })), /resources.limits\['nvidia.com\/gpu'\] '0.5' is not valid; it must be a whole number of GPUs/],
    ['good', attachBody(arcId(t), it({}, { cpu: 2 } as never)), /resources.requests\['cpu'\] must be a quantity string/],
    ['good', attachBody(arcId(t), { instanceTypes: { small: { nodeSelector: { pool: 1 } } } }), /'nodeSelector' must be a map of label to string value/],
    ['good', attachBody(arcId(t), { ...it({ cpu: '2' }), defaultInstanceType: 'large' }), /Default instance type 'large' is not one of the compute's instance types \(small\)/],
  ];
  for (const [name, body, message] of cases) {
    const r = await t.arm('PUT', computePath(t, name), body);
    expect({ name, message: String(message), status: r.status }).toEqual({ name, message: String(message), status: 400 });
    expect(r.json.error.code).toBe('UserError');
    expect(r.json.error.details[0].code).toBe('BadArgument');
    expect(r.json.error.message).toMatch(message);
  }
  expect((await t.arm('GET', computePath(t, 'good'))).status).toBe(404);
  // Quantities are compared by value across units: 1Gi = 1024Mi, 1000m = 1.
  expect((await attach(t, 'units', attachBody(arcId(t), it({ cpu: '1000m', memory: '1024Mi' })))).final.status).toBe('Succeeded');
  await detach(t, 'units');
});

test('409 while the attach runs; DELETE needs underlyingResourceAction; Detach keeps the cluster', async () => {
  const put = await t.arm('PUT', computePath(t, 'k8s-busy'), attachBody(arcId(t)));
  expect(put.status).toBe(201);
  const again = await t.arm('PUT', computePath(t, 'k8s-busy'), attachBody(arcId(t)));
  expect(again.status).toBe(409);
  expect(again.json.error.message).toContain('another operation on same entity is already running');
  expect((await t.arm('DELETE', `${computePath(t, 'k8s-busy')}?underlyingResourceAction=Detach`)).status).toBe(409);
  await pollOp(t, put.headers.get('azure-asyncoperation')!);

  const none = await t.arm('DELETE', computePath(t, 'k8s-busy'));
  expect(none.status).toBe(400);
  expect(none.json.error.details[0].code).toBe('BadArgument');
  expect(none.json.error.message).toMatch(/The query parameter 'underlyingResourceAction' is required/);
  const wrong = await t.arm('DELETE', `${computePath(t, 'k8s-busy')}?underlyingResourceAction=Remove`);
  expect(wrong.status).toBe(400);
  expect(wrong.json.error.message).toBe("The query parameter 'underlyingResourceAction' must be 'Delete' or 'Detach'; got 'Remove'.");
  expect((await t.arm('GET', computePath(t, 'k8s-busy'))).json.properties.provisioningState).toBe('Succeeded');

  const del = await t.arm('DELETE', `${computePath(t, 'k8s-busy')}?underlyingResourceAction=Detach`);
  expect(del.status).toBe(202);
  expect(del.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/');
  expect(del.headers.get('location')).toContain('/mfeOperationResults/');
  expect(Number(del.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect((await t.arm('GET', computePath(t, 'k8s-busy'))).json.properties.provisioningState).toBe('Deleting');
  await sleep(350);
  expect((await t.arm('GET', del.headers.get('location')!)).status).toBe(204);
  expect((await t.arm('GET', computePath(t, 'k8s-busy'))).status).toBe(404);
  expect((await t.arm('DELETE', `${computePath(t, 'k8s-busy')}?underlyingResourceAction=Detach`)).status).toBe(204);
  expect((await t.arm('GET', arcId(t), undefined, { apiVersion: ARC_API })).status).toBe(200);
  // The same cluster can be attached again, and Delete on an attached compute removes the compute only too.
  await attached(t, 'k8s-busy', attachBody(arcId(t)));
  const delete2 = await t.arm('DELETE', `${computePath(t, 'k8s-busy')}?underlyingResourceAction=Delete`);
  expect(delete2.status).toBe(202);
  await pollOp(t, delete2.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', arcId(t), undefined, { apiVersion: ARC_API })).status).toBe(200);
});

test('RBAC: AzureML Data Scientist reads computes but may not attach or detach one', async () => {
  const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'ds-app' }] } });
  const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'ds-app');
  await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: t.wsPath, role: 'AzureML Data Scientist' }] });
  const token = await t.token(app);
  expect((await t.arm('GET', `${t.wsPath}/computes`, undefined, { token })).status).toBe(200);
  const write = await t.arm('PUT', computePath(t, 'ds-k8s'), attachBody(arcId(t)), { token });
  expect(write.status).toBe(403);
  expect(write.json.error.code).toBe('AuthorizationFailed');
  expect(write.json.error.message).toContain(`'Microsoft.MachineLearningServices/workspaces/computes/write' over scope '${computePath(t, 'ds-k8s')}'`);
  const del = await t.arm('DELETE', `${computePath(t, 'k8s-arc')}?underlyingResourceAction=Detach`, undefined, { token });
  expect(del.status).toBe(403);
  expect(del.json.error.message).toContain("'Microsoft.MachineLearningServices/workspaces/computes/delete'");
});
