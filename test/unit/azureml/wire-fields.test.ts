import { droppedPaths } from '../../../shared/src/azureml/wire-fields';
import { SDK_API_VERSION } from '../../../shared/src/azureml/sdk-client';
import { DEFAULT_API_VERSION } from '../../../shared/src/azureml/api-version';
import type { ModelVersionBody } from '../../../shared/src/azureml/client';
import { ScriptedServer, type Recorded } from './scripted-server';
import { recordingLogger, testClient, WS_PATH } from './helpers';

const VERSION = /\/workspaces\/ws\/models\/credit\/versions\/4$/;
const BASE: ModelVersionBody['properties'] = {
  modelUri: 'azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/models/credit/',
  modelType: 'mlflow_model',
  description: 'credit default model',
  tags: { team: 'risk' },
  properties: { 'git-sha': 'abc123' },
  flavors: { python_function: { data: { loader_module: 'mlflow.sklearn' } } },
  jobName: 'train-42',
  isAnonymous: false,
  isArchived: false,
};

function echo(req: Recorded) {
  const sent = req.json as { properties: Record<string, unknown> };
  return { status: 201, body: { id: `${WS_PATH}/models/credit/versions/4`, name: '4', type: 'Microsoft.MachineLearningServices/workspaces/models/versions', properties: { ...sent.properties, provisioningState: 'Succeeded' } } };
}

describe('droppedPaths', () => {
  test('finds missing and changed leaves, ignores undefined', () => {
    expect(droppedPaths({ a: 1, b: { c: 2, d: 3 }, e: undefined, f: [1, { g: 1 }] }, { a: 1, b: { c: 2 }, f: [1, {}] })).toEqual(['b.d', 'f[1].g']);
    expect(droppedPaths({ a: 'x' }, { a: 'y' })).toEqual(['a']);
    expect(droppedPaths({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });
});

describe('model version fields the 2022-10-01 SDK would drop still reach the wire', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.reset();
    server.on('PUT', VERSION, echo);
  });

  const cases: [string, unknown][] = [
    ['stage', 'Production'],
    ['datasets', [{ name: 'training', id: 'azureml:credit-train:3' }]],
    ['intellectualProperty', { publisher: 'Contoso', protectionLevel: 'All' }],
    ['provisioningState', 'Succeeded'],
  ];

  test.each(cases)('%s', async (field, value) => {
    const logger = recordingLogger();
    const client = testClient(server, { logger });
    const result = await client.createOrUpdateModelVersion('rg', 'ws', 'credit', '4', { properties: { ...BASE, [field]: value } });
    const [put] = server.hits('PUT', VERSION);
    expect((put.json as { properties: Record<string, unknown> }).properties[field]).toEqual(value);
    // Every other field arrives too.
    expect((put.json as { properties: Record<string, unknown> }).properties).toEqual({ ...BASE, [field]: value });
    expect(put.query.get('api-version')).toBe(DEFAULT_API_VERSION);
    expect(result.apiVersion).toBe(DEFAULT_API_VERSION);
    expect(result.status).toBe(201);
    expect(result.resource.properties[field]).toEqual(value);
    expect(logger.lines.some((l) => l.level === 'debug' && l.message.includes(`would drop properties.${field}`))).toBe(true);
  });

  test('an unknown field nested inside a known one is caught too', async () => {
    const flavors = { python_function: { data: { loader_module: 'mlflow.sklearn' }, schemaVersion: '2' } };
    await testClient(server).createOrUpdateModelVersion('rg', 'ws', 'credit', '4', { properties: { ...BASE, flavors } as ModelVersionBody['properties'] });
    const [put] = server.hits('PUT', VERSION);
    expect((put.json as { properties: { flavors: unknown } }).properties.flavors).toEqual(flavors);
    expect(put.query.get('api-version')).toBe(DEFAULT_API_VERSION);
  });

  test('a body the SDK fully understands goes through the SDK at its api-version, unchanged', async () => {
    const result = await testClient(server).createOrUpdateModelVersion('rg', 'ws', 'credit', '4', { properties: BASE });
    const puts = server.hits('PUT', VERSION);
    expect(puts).toHaveLength(1); // the serializer probe sends nothing
    expect(puts[0].query.get('api-version')).toBe(SDK_API_VERSION);
    expect(puts[0].json).toEqual({ properties: BASE });
    expect(result.apiVersion).toBe(SDK_API_VERSION);
    expect(puts[0].headers['x-aml-lifecycle-serialize-only']).toBeUndefined();
  });
});

describe('reads keep every field the service returns', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const live = {
    id: `${WS_PATH}/models/credit/versions/4`,
    name: '4',
    type: 'Microsoft.MachineLearningServices/workspaces/models/versions',
    systemData: { createdAt: '2026-05-01T10:00:00.000Z', createdBy: 'ci' },
    properties: {
      ...BASE,
      stage: 'Staging',
      datasets: [{ name: 'training', id: 'azureml:credit-train:3' }],
      intellectualProperty: { publisher: 'Contoso', protectionLevel: 'None' },
      provisioningState: 'Succeeded',
      someFutureField: { nested: [1, 2] },
    },
  };

  test('getModelVersion', async () => {
    server.on('GET', VERSION, () => ({ status: 200, body: live }));
    expect(await testClient(server).getModelVersion('rg', 'ws', 'credit', '4')).toEqual(live);
  });

  test('listModelVersions across pages, stopping at top', async () => {
    const LIST = /\/models\/credit\/versions$/;
    server.on('GET', LIST, (req) =>
      req.query.get('$skipToken')
        ? { status: 200, body: { value: [{ ...live, name: '2' }] } }
        : { status: 200, body: { value: [live], nextLink: `${server.base}${WS_PATH}/models/credit/versions?api-version=2022-10-01&$skipToken=p2` } },
    );
    const all = await testClient(server).listModelVersions('rg', 'ws', 'credit', { orderBy: 'createdtime desc' });
    expect(all).toEqual([live, { ...live, name: '2' }]);
    expect(server.hits('GET', LIST)[0].query.get('$orderBy')).toBe('createdtime desc');
    server.reset();
    server.on('GET', LIST, () => ({ status: 200, body: { value: [live], nextLink: `${server.base}${WS_PATH}/models/credit/versions?$skipToken=p2` } }));
    expect(await testClient(server).listModelVersions('rg', 'ws', 'credit', { top: 1 })).toEqual([live]);
    expect(server.hits('GET', LIST)).toHaveLength(1);
  });

  test('getWorkspace and getModelContainer', async () => {
    const ws = { id: WS_PATH, name: 'ws', type: 'w', location: 'westeurope', properties: { workspaceId: 'g', serverlessComputeSettings: { x: 1 } }, kind: 'Default' };
    const container = { id: 'c', name: 'credit', type: 't', properties: { latestVersion: '4', nextVersion: '5', provisioningState: 'Succeeded' } };
    server.on('GET', /\/workspaces\/ws$/, () => ({ status: 200, body: ws }));
    server.on('GET', /\/models\/credit$/, () => ({ status: 200, body: container }));
    const client = testClient(server);
    expect(await client.getWorkspace('rg', 'ws')).toEqual(ws);
    expect(await client.getModelContainer('rg', 'ws', 'credit')).toEqual(container);
  });
});
