/** The client additions promotion needs: another subscription, registry version lists, discovery and import. */
import { StepError } from '../../../shared/src/core/errors';
import { ScriptedServer } from '../azureml/scripted-server';
import { testClient, SUB } from '../azureml/helpers';

const OTHER = '00000000-0000-0000-0000-0000000000aa';
let server: ScriptedServer;
beforeAll(async () => {
  server = await ScriptedServer.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('AzureMlClient for registries', () => {
  test('forSubscription targets the other subscription, for raw and SDK calls alike; the same one returns itself', async () => {
    server.on('GET', /\/registries\/reg$/, (r) => ({ status: 200, body: { id: r.path, name: 'reg', type: 't', properties: {} } }));
    server.on('GET', /\/workspaces\/ws$/, (r) => ({ status: 200, body: { id: r.path, name: 'ws', type: 't', properties: {} } }));
    const client = testClient(server);
    const other = client.forSubscription(OTHER);
    expect(other.subscriptionId).toBe(OTHER);
    expect(client.forSubscription(SUB.toUpperCase())).toBe(client);
    expect((await other.getRegistry('rg', 'reg'))?.id).toBe(`/subscriptions/${OTHER}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/registries/reg`);
    expect((await other.getWorkspace('rg', 'ws')).id).toMatch(new RegExp(`^/subscriptions/${OTHER}/`));
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer test-access-token')).toBe(true);
  });

  test('registry model versions are listed across pages, with the query options', async () => {
    const LIST = /\/registries\/reg\/models\/m\/versions$/;
    server.on('GET', LIST, (r) =>
      r.query.get('skip') === '1'
        ? { status: 200, body: { value: [{ name: '2' }, { name: '3' }] } }
        : { status: 200, body: { value: [{ name: '1' }], nextLink: `${server.base}${r.path}?api-version=x&skip=1` } },
    );
    const client = testClient(server);
    expect((await client.listRegistryModelVersions('rg', 'reg', 'm', { listViewType: 'All', orderBy: 'createdtime desc' })).map((v) => v.name)).toEqual(['1', '2', '3']);
    const first = server.requests[0]!;
    expect(first.query.get('listViewType')).toBe('All');
    expect(first.query.get('$orderBy')).toBe('createdtime desc');
    server.requests.length = 0;
    expect((await client.listRegistryModelVersions('rg', 'reg', 'm', { top: 1 })).map((v) => v.name)).toEqual(['1']);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.query.get('$top')).toBe('1');
  });

  test('an absent registry model lists as empty; a missing registry (parent) is an error', async () => {
    server.on('GET', /\/models\/none\/versions$/, () => ({ status: 404, body: { error: { code: 'UserError', message: 'no model' } } }));
    server.on('GET', /\/models\/m\/versions$/, () => ({ status: 404, body: { error: { code: 'ParentResourceNotFound', message: 'no registry' } } }));
    const client = testClient(server);
    expect(await client.listRegistryModelVersions('rg', 'reg', 'none')).toEqual([]);
    await expect(client.listRegistryModelVersions('rg', 'reg', 'm')).rejects.toMatchObject({ kind: 'not-found' });
  });

  test('discovery answers are checked, and no token is sent to a non-https URL', async () => {
    const client = testClient(server);
    server.on('GET', /\/discovery$/, () => ({ status: 200, body: { registryName: 'reg', subscriptionId: OTHER } }));
    await expect(client.registryData.discover('reg', `${server.base}/registrymanagement/v1.0/registries/reg/discovery`)).rejects.toThrow(/the discovery answer has no primaryRegionResourceProviderUri/);
    const e = await client.registryData.discover('reg', 'http://127.0.0.1:1/discovery').catch((x: unknown) => x as StepError);
    expect((e as StepError).message).toMatch(/refusing to send a token to non-https/);
    server.on('GET', /\/discovery$/, () => ({ status: 200, body: { primaryRegionResourceProviderUri: 'http://evil/', subscriptionId: OTHER, resourceGroup: 'rg' } }));
    await expect(client.registryData.discover('reg', `${server.base}/discovery`)).rejects.toThrow(/non-https 'http:\/\/evil\/'/);
    server.on('GET', /\/discovery$/, () => ({ status: 404, body: { error: { code: 'RegistryNotFound', message: 'Registry reg not found' } } }));
    await expect(client.registryData.discover('reg', `${server.base}/discovery`)).rejects.toMatchObject({ kind: 'not-found' });
  });

  test('import posts to the management front end and follows Location', async () => {
    const IMPORT = /^\/mferp\/managementfrontend\/subscriptions\/[^/]+\/resourceGroups\/rg-reg\/providers\/Microsoft\.MachineLearningServices\/registries\/reg\/import$/;
    server.on('POST', IMPORT, () => ({ status: 202, headers: { Location: `${server.base}/ops/1?sig=x` } }));
    server.sequence('GET', /^\/ops\/1$/, [{ status: 202 }, { status: 200, body: { assetId: 'azureml://registries/reg/models/m/versions/1' } }]);
    const result = await testClient(server).registryData.importAsset(
      { primaryRegionResourceProviderUri: `${server.base}/`, subscriptionId: OTHER, resourceGroup: 'rg-reg' },
      'reg',
      { sourceAssetId: 'azureml://locations/l/workspaces/g/models/m/versions/1', destinationName: 'm', destinationVersion: '1' },
    );
    expect(result.resource).toEqual({ assetId: 'azureml://registries/reg/models/m/versions/1' });
    expect(result.pollCount).toBe(2);
    const [post] = server.hits('POST', IMPORT);
    expect(post!.path).toContain(`/subscriptions/${OTHER}/`);
    expect(post!.query.get('api-version')).toBe('2021-10-01-dataplanepreview');
    expect(post!.json).toEqual({ properties: { referenceType: 'Id', sourceAssetId: 'azureml://locations/l/workspaces/g/models/m/versions/1', destinationName: 'm', destinationVersion: '1' } });
  });
});
