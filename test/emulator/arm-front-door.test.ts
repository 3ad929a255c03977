import { startTestEmulator, type TestEmulator } from './harness';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.stop());

describe('authentication', () => {
  test('a request without a bearer token gets 401 with an ARM envelope and a WWW-Authenticate challenge', async () => {
    const r = await t.arm('GET', t.wsPath, undefined, { token: null });
    expect(r.status).toBe(401);
    expect(typeof r.json.error.code).toBe('string');
    expect(typeof r.json.error.message).toBe('string');
    const { identity } = await t.world();
    const challenge = r.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`authorization_uri="${t.url}/entra/${identity.tenantId}"`);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toMatch(/error_description="[^"]+"/);
  });

  test('a forged token gets 401', async () => {
    const good = await t.token();
    const [h, p] = good.split('.');
    const r = await t.arm('GET', t.wsPath, undefined, { token: `${h}.${p}.AAAA` });
    expect(r.status).toBe(401);
  });

  test('a token for another audience (ml.azure.com) is refused by ARM', async () => {
    const mlToken = await t.token(undefined, 'https://ml.azure.com/.default');
    const r = await t.arm('GET', t.wsPath, undefined, { token: mlToken });
    expect(r.status).toBe(401);
  });
});

describe('RBAC', () => {
  test('an app without a role assignment gets 403 AuthorizationFailed naming client, object id, action and scope', async () => {
    const seeded = await t.control('POST', '/seed', { identity: { apps: [{ displayName: 'no-access-app' }] } });
    const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'no-access-app');
    const token = await t.token(app);
    const r = await t.arm('GET', `${t.wsPath}/models`, undefined, { token });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('AuthorizationFailed');
    expect(r.json.error.message).toContain(`The client '${app.appId}' with object id '${app.objectId}'`);
    expect(r.json.error.message).toContain("perform action 'Microsoft.MachineLearningServices/workspaces/models/read'");
    expect(r.json.error.message).toContain(`over scope '${t.wsPath}/models'`);

    // A Reader assignment on the workspace lets it read but not write.
    await t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: t.wsPath, role: 'Reader' }] });
    expect((await t.arm('GET', `${t.wsPath}/models`, undefined, { token })).status).toBe(200);
    const put = await t.arm('PUT', `${t.wsPath}/models/m-reader/versions/1`, { properties: { modelUri: 'azureml://x' } }, { token });
    expect(put.status).toBe(403);
    expect(put.json.error.message).toContain('workspaces/models/versions/write');
  });

  test('the demo app holds Contributor on the subscription from first start', async () => {
    const { arm, identity } = await t.world();
    expect(arm.roleAssignments).toEqual(
      expect.arrayContaining([expect.objectContaining({ principalId: identity.apps[0].objectId, scope: `/subscriptions/${t.sub}`, role: 'Contributor' })]),
    );
  });
});

describe('api-version', () => {
  test('missing api-version is 400 MissingApiVersionParameter', async () => {
    const r = await t.arm('GET', t.wsPath, undefined, { apiVersion: null });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('MissingApiVersionParameter');
  });

  test('an unknown api-version is 400 with the supported list', async () => {
    const r = await t.arm('GET', t.wsPath, undefined, { apiVersion: '2019-01-01' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('NoRegisteredProviderFound');
    expect(r.json.error.message).toContain('2026-07-01');
    expect(r.json.error.message).toContain("'2019-01-01'");
  });

  test.each(['2022-10-01', '2023-04-01', '2023-10-01', '2024-04-01', '2024-10-01', '2025-04-01', '2025-09-01', '2025-12-01', '2026-05-01', '2026-07-01'])(
    'api-version %s is accepted',
    async (v) => {
      expect((await t.arm('GET', t.wsPath, undefined, { apiVersion: v })).status).toBe(200);
    },
  );
});

describe('not found shapes', () => {
  test('missing subscription: 404 SubscriptionNotFound', async () => {
    const r = await t.arm('GET', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-demo');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('SubscriptionNotFound');
  });

  test('missing resource group: 404 ResourceGroupNotFound', async () => {
    const r = await t.arm('GET', `/subscriptions/${t.sub}/resourceGroups/rg-nope/providers/Microsoft.MachineLearningServices/workspaces/mlw-demo`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('ResourceGroupNotFound');
  });

  test('missing workspace: gateway ResourceNotFound', async () => {
    const r = await t.arm('GET', t.wsPath.replace('mlw-demo', 'mlw-nope') + '/models/x');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('ResourceNotFound');
    expect(r.headers.get('x-ms-failure-cause')).toBe('gateway');
  });

  test('missing model version: MFE UserError with a NotFound detail', async () => {
    const r = await t.arm('GET', `${t.wsPath}/models/nope/versions/1`);
    expect(r.status).toBe(404);
    expect(r.headers.get('x-ms-response-type')).toBe('error');
    expect(r.json.error.code).toBe('UserError');
    expect(r.json.error.details[0].code).toBe('NotFound');
    expect(Array.isArray(r.json.error.additionalInfo)).toBe(true);
  });

  test('unknown resource type: 404 InvalidResourceType; unknown path: 404', async () => {
    const r = await t.arm('GET', `${t.wsPath}/gizmos`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('InvalidResourceType');
    const provider = await t.arm('GET', `/subscriptions/${t.sub}/resourceGroups/rg-demo/providers/Microsoft.Nope/things/x`);
    expect(provider.status).toBe(404);
    expect(provider.json.error.code).toBe('NoRegisteredProviderFound');
    const other = await t.arm('GET', '/nothing/here');
    expect(other.status).toBe(404);
    expect(['NoRegisteredProviderFound', 'InvalidResourceType']).toContain(other.json.error.code);
  });
});

test('subscription and resource group GETs', async () => {
  const sub = await t.arm('GET', `/subscriptions/${t.sub}`, undefined, { apiVersion: '2022-12-01' });
  expect(sub.status).toBe(200);
  expect(sub.json.subscriptionId).toBe(t.sub);
  const rg = await t.arm('GET', `/subscriptions/${t.sub}/resourceGroups/rg-demo`, undefined, { apiVersion: '2021-04-01' });
  expect(rg.json).toMatchObject({ name: 'rg-demo', location: 'eastus' });
});
