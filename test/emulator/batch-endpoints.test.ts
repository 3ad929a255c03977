/**
 * The seeded AmlCompute clusters (Compute_Get / List in the service's shape; creating one through ARM is refused)
 * and batch endpoints: create / update as long-running operations with Azure-AsyncOperation and Retry-After, the
 * scoringUri of the batch data plane, the checks on the body (name, location, authMode, the default deployment),
 * PATCH limited to tags and identity, listkeys, DELETE 202 then 204.
 */
import { startTestEmulator, type TestEmulator } from './harness';
import { pollOp } from './online-helpers';
import { bep, computeId, createBatchEndpoint } from './batch-helpers';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
});
afterAll(() => t.stop());

const body = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ location: 'eastus', properties, ...extra });

test('cpu-cluster and gpu-cluster are seeded AmlCompute clusters, read in the service shape', async () => {
  const cpu = await t.arm('GET', computeId(t));
  expect(cpu.status).toBe(200);
  expect(cpu.json).toMatchObject({
    id: computeId(t),
    name: 'cpu-cluster',
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    location: 'eastus',
    properties: {
      computeType: 'AmlCompute',
      provisioningState: 'Succeeded',
      isAttachedCompute: false,
      properties: { vmSize: 'Standard_DS3_v2', vmPriority: 'Dedicated', scaleSettings: { minNodeCount: 0, maxNodeCount: 4 }, allocationState: 'Steady', osType: 'Linux' },
    },
  });
  expect(cpu.json.properties.properties).not.toHaveProperty('relayConnectionString');
  const gpu = await t.arm('GET', computeId(t, 'gpu-cluster'));
  expect(gpu.json.properties.properties).toMatchObject({ vmSize: 'Standard_NC6s_v3', scaleSettings: { minNodeCount: 0, maxNodeCount: 2 } });
  const list = await t.arm('GET', `${t.wsPath}/computes`);
  expect(list.json.value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['cpu-cluster', 'gpu-cluster']));
});

test('creating an AmlCompute cluster through ARM is refused with a clear 400; a Kubernetes PUT over one cannot change its type', async () => {
  const r = await t.arm('PUT', computeId(t, 'new-cluster'), { location: 'eastus', properties: { computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS3_v2' } } });
  expect(r.status).toBe(400);
  expect(r.json.error.message).toContain("does not create or update AmlCompute clusters through ARM (computeType 'AmlCompute')");
  const arc = `/subscriptions/${t.sub}/resourceGroups/${t.emu.env.AML_RESOURCE_GROUP}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`;
  const k = await t.arm('PUT', computeId(t), { location: 'eastus', properties: { computeType: 'Kubernetes', resourceId: arc } });
  expect(k.status).toBe(400);
  expect(k.json.error.message).toBe("Compute 'cpu-cluster' exists with computeType 'AmlCompute'; the computeType of a compute cannot change. Delete it first, or choose another name.");
});

test('create: 201 with Azure-AsyncOperation and Retry-After, Creating -> Succeeded; scoringUri of the batch data plane; update is 201 Updating', async () => {
  const put = await t.arm('PUT', bep(t, 'be-create'), body({ authMode: 'AADToken', description: 'scores files' }));
  expect(put.status).toBe(201);
  expect(put.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/be:');
  expect(Number(put.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(put.headers.get('location')).toContain(bep(t, 'be-create'));
  expect(put.json).toMatchObject({
    name: 'be-create',
    type: 'Microsoft.MachineLearningServices/workspaces/batchEndpoints',
    properties: { authMode: 'AADToken', provisioningState: 'Creating', scoringUri: null, keys: null, defaults: { deploymentName: null } },
  });
  expect((await pollOp(t, put.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const got = await t.arm('GET', bep(t, 'be-create'));
  const { arm } = await t.world();
  expect(got.json.properties).toMatchObject({ provisioningState: 'Succeeded', description: 'scores files', swaggerUri: null });
  expect(got.json.properties.scoringUri).toBe(`${t.url}/batch/${arm.workspaces[0].workspaceId}/be-create/jobs`);
  expect(got.json.identity).toMatchObject({ type: 'SystemAssigned', principalId: expect.any(String) });

  const again = await t.arm('PUT', bep(t, 'be-create'), body({ authMode: 'aadToken' }));
  expect(again.status).toBe(201);
  expect(again.json.properties).toMatchObject({ provisioningState: 'Updating', authMode: 'AADToken' });
  const busy = await t.arm('PUT', bep(t, 'be-create'), body({ authMode: 'AADToken' }));
  expect(busy.status).toBe(409);
  expect(busy.json.error.message).toContain('another operation on same entity is already running');
  await pollOp(t, again.headers.get('azure-asyncoperation')!);
  const list = await t.arm('GET', `${t.wsPath}/batchEndpoints`);
  expect(list.json.value.map((e: { name: string }) => e.name)).toContain('be-create');
});

test.each([
  ['a name that ends with -', 'bad-', body({ authMode: 'AADToken' }), 'BadArgument', "Invalid endpoint name 'bad-': it must be 3-32 characters"],
  ['a name too short', 'ab', body({ authMode: 'AADToken' }), 'BadArgument', "Invalid endpoint name 'ab'"],
  ['no location', 'be-bad', { properties: { authMode: 'AADToken' } }, 'LocationRequired', 'The location property is required for this definition.'],
  ['no properties', 'be-bad', { location: 'eastus' }, 'BadArgument', "The 'properties' field is required."],
  ['no authMode', 'be-bad', body({}), 'BadArgument', "'properties.authMode' is required and must be one of AMLToken, Key, AADToken."],
  ['an unknown authMode', 'be-bad', body({ authMode: 'Password' }), 'BadArgument', "'properties.authMode' is required and must be one of AMLToken, Key, AADToken; got 'Password'."],
  ['a default deployment that does not exist', 'be-bad', body({ authMode: 'AADToken', defaults: { deploymentName: 'nope' } }), 'BadArgument', "The default deployment 'nope' does not exist under batch endpoint 'be-bad'."],
  ['properties.properties not a string map', 'be-bad', body({ authMode: 'AADToken', properties: { a: 1 } }), 'BadArgument', "'properties.properties' must be a map of string to string."],
])('PUT with %s is refused', async (_what, name, b, code, message) => {
  const r = await t.arm('PUT', bep(t, name), b);
  expect(r.status).toBe(400);
  if (code === 'LocationRequired') expect(r.json.error).toEqual({ code, message });
  else {
    expect(r.json.error.code).toBe('UserError');
    expect(r.json.error.details[0].code).toBe(code);
    expect(r.json.error.message).toContain(message);
  }
  expect((await t.arm('GET', bep(t, name))).status).toBe(404);
});

test('PATCH changes tags and identity only (202 with a Location); anything else needs a PUT', async () => {
  await createBatchEndpoint(t, 'be-patch');
  const refused = await t.arm('PATCH', bep(t, 'be-patch'), { properties: { defaults: { deploymentName: 'x' } } });
  expect(refused.status).toBe(400);
  expect(refused.json.error.message).toBe("A batch endpoint PATCH can only change 'tags' and 'identity'; send a full PUT to change 'properties' (the default deployment included).");
  const p = await t.arm('PATCH', bep(t, 'be-patch'), { tags: { team: 'risk' } });
  expect(p.status).toBe(202);
  expect(p.headers.get('location')).toContain('/mfeOperationResults/');
  await pollOp(t, p.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', bep(t, 'be-patch'))).json).toMatchObject({ tags: { team: 'risk' }, properties: { provisioningState: 'Succeeded' } });
  expect((await t.arm('PATCH', bep(t, 'be-nope'), { tags: {} })).status).toBe(404);
});

test('listkeys answers the keys of a Key endpoint and refuses an AADToken one', async () => {
  await createBatchEndpoint(t, 'be-key', { authMode: 'Key' });
  const keys = await t.arm('POST', `${bep(t, 'be-key')}/listkeys`);
  expect(keys.status).toBe(200);
  expect(keys.json).toEqual({ primaryKey: expect.any(String), secondaryKey: expect.any(String) });
  const aad = await t.arm('POST', `${bep(t, 'be-patch')}/listkeys`);
  expect(aad.status).toBe(400);
  expect(aad.json.error.message).toBe("Listing keys is only available for endpoints with authMode 'Key'; batch endpoint 'be-patch' uses authMode 'AADToken'.");
});

test('DELETE: 202 with a Location and Retry-After, then GET 404 and DELETE 204', async () => {
  await createBatchEndpoint(t, 'be-delete');
  const del = await t.arm('DELETE', bep(t, 'be-delete'));
  expect(del.status).toBe(202);
  expect(del.headers.get('location')).toContain('/mfeOperationResults/');
  expect(Number(del.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect((await t.arm('GET', bep(t, 'be-delete'))).json.properties.provisioningState).toBe('Deleting');
  expect((await pollOp(t, del.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const gone = await t.arm('GET', bep(t, 'be-delete'));
  expect(gone.status).toBe(404);
  expect(gone.json.error.message).toBe("Could not find batch endpoint 'be-delete'.");
  expect((await t.arm('DELETE', bep(t, 'be-delete'))).status).toBe(204);
});
