import { StepError } from '../../../shared/src/core/errors';
import { formatElapsed, pollDelayMs } from '../../../shared/src/azureml/lro';
import { ScriptedServer } from './scripted-server';
import { recordingLogger, testClient, WS_PATH } from './helpers';

const EP = /\/onlineEndpoints\/ep$/;
const ASYNC = /\/mfeOperationsStatus\//;
const RESULTS = /\/mfeOperationResults\//;
const BODY = { location: 'westeurope', properties: { authMode: 'Key', description: 'scoring' } };

function endpoint(state: string, extra: Record<string, unknown> = {}) {
  return {
    id: `${WS_PATH}/onlineEndpoints/ep`,
    name: 'ep',
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
    location: 'westeurope',
    properties: { authMode: 'Key', provisioningState: state, ...extra },
  };
}

describe('poll schedule', () => {
  test('starts at 1 s, backs off, caps at 15 s', () => {
    const seconds = Array.from({ length: 16 }, (_, i) => pollDelayMs(i) / 1000);
    expect(seconds).toEqual([1, 1, 1, 1, 2, 2, 2, 3, 3, 5, 5, 10, 10, 15, 15, 15]);
    expect(pollDelayMs(500)).toBe(15_000);
    // Non-decreasing: the service never sends Retry-After, so this is the whole cadence.
    for (let i = 1; i < 40; i++) expect(pollDelayMs(i)).toBeGreaterThanOrEqual(pollDelayMs(i - 1));
  });

  test('elapsed time format', () => {
    expect(formatElapsed(4_400)).toBe('4s');
    expect(formatElapsed(65_000)).toBe('1m05s');
  });
});

describe('LRO poller against a server', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const asyncUrl = () => `${server.base}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/oe:guid:op1?api-version=2025-12-01&sig=SIGNED%2Babc&se=2030-01-01`;

  test('Azure-AsyncOperation: polls the opaque URL as given, then GETs the resource', async () => {
    server.on('PUT', EP, () => ({
      status: 201,
      headers: { 'Azure-AsyncOperation': asyncUrl(), Location: `${server.base}${WS_PATH}/onlineEndpoints/ep`, 'x-ms-async-operation-timeout': 'PT30M' },
      body: endpoint('Creating'),
    }));
    server.sequence('GET', ASYNC, [
      { status: 200, body: { status: 'Updating', percentComplete: 0 } },
      { status: 200, body: { status: 'Updating', percentComplete: 0 } },
      { status: 200, body: { status: 'Succeeded', percentComplete: 0 } },
    ]);
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded', { scoringUri: 'https://ep.westeurope.inference.ml.azure.com/score' }) }));

    const result = await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    expect(result.pollCount).toBe(3);
    expect(result.resource?.properties.scoringUri).toMatch(/\/score$/);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
    const polls = server.hits('GET', ASYNC);
    expect(polls).toHaveLength(3);
    // Exactly the URL the service gave, signature untouched.
    for (const p of polls) expect(`${server.base}${p.url}`).toBe(asyncUrl());
    expect(server.hits('PUT', EP)[0].query.get('api-version')).toBe('2025-12-01');
    expect(server.hits('PUT', EP)[0].json).toEqual(BODY);
  });

  test('Location: 202 until 204 for DELETE, no resource', async () => {
    const loc = () => `${server.base}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationResults/oe:guid:op2?api-version=2025-12-01&sig=x`;
    server.on('DELETE', EP, () => ({ status: 202, headers: { Location: loc() } }));
    server.sequence('GET', RESULTS, [{ status: 202 }, { status: 202 }, { status: 204 }]);
    const result = await testClient(server).online.deleteEndpoint('rg', 'ws', 'ep');
    expect(result.resource).toBeUndefined();
    expect(result.pollCount).toBe(3);
    expect(server.hits('GET', RESULTS).every((r) => r.query.get('sig') === 'x')).toBe(true);
    expect(server.hits('GET', EP)).toHaveLength(0);
  });

  test('DELETE with both headers (as the live service sends) follows Azure-AsyncOperation', async () => {
    server.on('DELETE', EP, () => ({
      status: 202,
      headers: { 'Azure-AsyncOperation': asyncUrl(), Location: `${server.base}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationResults/oe:guid:op1` },
      body: 'null',
    }));
    server.sequence('GET', ASYNC, [{ status: 200, body: { status: 'Deleting' } }, { status: 200, body: { status: 'Succeeded' } }]);
    const result = await testClient(server).online.deleteEndpoint('rg', 'ws', 'ep');
    expect(result.pollCount).toBe(2);
    expect(server.hits('GET', RESULTS)).toHaveLength(0);
  });

  test('Location for a registry model version PUT: 202 → 200, then the version is read back', async () => {
    const REG_V = /\/registries\/reg\/models\/m\/versions\/3$/;
    const OP = /\/assetstore\/v1\.0\/operations\//;
    server.on('PUT', REG_V, () => ({ status: 202, headers: { Location: `${server.base}/assetstore/v1.0/operations/abc?sig=1` }, body: 'null' }));
    server.sequence('GET', OP, [{ status: 202, body: '' }, { status: 200, body: { assetId: 'azureml://registries/reg/models/m/versions/3' } }]);
    server.on('GET', REG_V, () => ({ status: 200, body: { id: 'x', name: '3', type: 't', properties: { modelUri: 'azureml://x', provisioningState: 'Succeeded' } } }));
    const result = await testClient(server).createOrUpdateRegistryModelVersion('rg', 'reg', 'm', '3', { properties: { modelUri: 'azureml://x', modelType: 'custom_model' } });
    expect(result.pollCount).toBe(2);
    expect(result.resource?.properties.modelUri).toBe('azureml://x');
    expect(server.hits('GET', REG_V)).toHaveLength(1);
  });

  test('Location answering a failed operation with 400: reported as the operation failing with its code, not as bad input', async () => {
    const REG_V = /\/registries\/reg\/models\/m\/versions\/4$/;
    const OP = /\/assetstore\/v1\.0\/operations\//;
    server.on('PUT', REG_V, () => ({ status: 202, headers: { Location: `${server.base}/assetstore/v1.0/operations/def?sig=1` }, body: 'null' }));
    server.sequence('GET', OP, [{ status: 202, body: '' }, { status: 400, body: { error: { code: 'AssetCopyFailed', message: 'Copying the model files failed.' } } }]);
    const err = await testClient(server)
      .createOrUpdateRegistryModelVersion('rg', 'reg', 'm', '4', { properties: { modelUri: 'azureml://x', modelType: 'custom_model' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).kind).toBe('service');
    expect((err as StepError).message).toMatch(/ended Failed: AssetCopyFailed: Copying the model files failed\./);
    expect((err as StepError).message).not.toMatch(/invalid/);
  });

  test('original-uri: no operation header, the resource is polled until provisioningState is terminal', async () => {
    server.on('PUT', EP, () => ({ status: 201, body: endpoint('Creating') }));
    server.sequence('GET', EP, [{ status: 200, body: endpoint('Creating') }, { status: 200, body: endpoint('Updating') }, { status: 200, body: endpoint('Succeeded') }]);
    const result = await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    expect(result.pollCount).toBe(3);
    expect(result.resource?.properties.provisioningState).toBe('Succeeded');
  });

  test('the final GET keeps watching when the resource is not yet terminal after the operation succeeded', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Updating') }));
    server.sequence('GET', ASYNC, [{ status: 200, body: { status: 'Succeeded' } }]);
    server.sequence('GET', EP, [{ status: 200, body: endpoint('Updating') }, { status: 200, body: endpoint('Succeeded') }]);
    const result = await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    expect(result.resource?.properties.provisioningState).toBe('Succeeded');
    expect(server.hits('GET', EP)).toHaveLength(2);
  });

  test('a final resource without provisioningState (e.g. a registry) is done', async () => {
    const REG_V = /\/registries\/reg\/models\/m\/versions\/5$/;
    server.on('PUT', REG_V, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: 'null' }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Succeeded' } }));
    server.on('GET', REG_V, () => ({ status: 200, body: { id: 'x', name: '5', type: 't', properties: { modelUri: 'azureml://y' } } }));
    const result = await testClient(server, { timeoutMs: 3000 }).createOrUpdateRegistryModelVersion('rg', 'reg', 'm', '5', { properties: { modelUri: 'azureml://y' } });
    expect(result.resource?.properties.modelUri).toBe('azureml://y');
    expect(server.hits('GET', REG_V)).toHaveLength(1);
  });

  test('Retry-After on a poll response is honoured', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.sequence('GET', ASYNC, [
      { status: 200, headers: { 'Retry-After': '2' }, body: { status: 'Updating' } },
      { status: 200, body: { status: 'Succeeded' } },
    ]);
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const [first, second] = server.hits('GET', ASYNC);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
  });

  test('without Retry-After the default schedule polls about once a second at first', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.sequence('GET', ASYNC, [{ status: 200, body: { status: 'Updating' } }, { status: 200, body: { status: 'Updating' } }, { status: 200, body: { status: 'Succeeded' } }]);
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    const put = Date.now();
    await testClient(server, { pollSchedule: undefined }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const polls = server.hits('GET', ASYNC).map((r) => r.at);
    const gaps = [polls[0] - put, polls[1] - polls[0], polls[2] - polls[1]];
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(900);
      expect(g).toBeLessThan(1800);
    }
  });

  test('progress lines come at a steady cadence, not per poll', async () => {
    let n = 0;
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: ++n >= 30 ? 'Succeeded' : 'Updating' } }));
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    const logger = recordingLogger();
    const result = await testClient(server, { logger, progressIntervalMs: 200 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const progress = logger.lines.filter((l) => l.level === 'progress');
    expect(result.pollCount).toBe(30);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThan(result.pollCount / 2);
    expect(progress[0].message).toMatch(/create or update online endpoint 'ep': Updating \(\d+s elapsed\)/);
  });

  test('timeout names the operation and the state it was still in', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Updating' } }));
    const started = Date.now();
    const err = (await testClient(server, { timeoutMs: 600 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/create or update online endpoint 'ep' did not finish within 1s: it was still Updating after \d+ polls/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('abort stops polling with cancelled', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Updating' } }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const err = (await testClient(server, { signal: ac.signal, pollSchedule: () => 10_000 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('cancelled');
    expect(err.message).toMatch(/was cancelled while Creating/);
  });

  test('a Failed operation reports the service error code and message', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.sequence('GET', ASYNC, [
      { status: 200, body: { status: 'Updating' } },
      { status: 200, body: { status: 'Failed', error: { code: 'BadArgument', message: 'The identity lacks AcrPull on the registry.' } } },
    ]);
    const err = (await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('service');
    expect(err.code).toBe('BadArgument');
    expect(err.message).toBe("create or update online endpoint 'ep' ended Failed: BadArgument: The identity lacks AcrPull on the registry.");
  });

  test('a Failed operation for quota is classified as quota', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Failed', error: { code: 'OutOfQuota', message: 'Not enough Standard_DS3_v2 quota in westeurope.' } } }));
    const err = (await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('quota');
    expect(err.message).toMatch(/Not enough Standard_DS3_v2 quota/);
  });

  test('a final resource in Failed state is an error even when the operation said Succeeded', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.on('GET', ASYNC, () => ({ status: 200, body: { status: 'Succeeded' } }));
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Failed') }));
    const err = (await testClient(server).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('service');
    expect(err.message).toMatch(/ended Failed/);
  });

  test('DELETE of an endpoint that does not exist finishes at once', async () => {
    server.on('DELETE', EP, () => ({ status: 204 }));
    const result = await testClient(server).online.deleteEndpoint('rg', 'ws', 'ep');
    expect(result.pollCount).toBe(0);
    expect(result.initialStatus).toBe(204);
  });

  test('publish follows Location and returns its final body', async () => {
    const PUB = /\/models\/m\/versions\/1\/publish$/;
    const OP = /\/mfeOperationResults\//;
    server.on('POST', PUB, () => ({ status: 202, headers: { Location: `${server.base}/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/we/mfeOperationResults/p1?sig=z` } }));
    server.sequence('GET', OP, [{ status: 202 }, { status: 200, body: { assetId: 'azureml://registries/reg/models/m/versions/1' } }]);
    const result = await testClient(server).publishModelVersion('rg', 'ws', 'm', '1', { registryName: 'reg' });
    expect(result.resource).toEqual({ assetId: 'azureml://registries/reg/models/m/versions/1' });
    expect(server.hits('POST', PUB)[0].json).toEqual({ registryName: 'reg' });
  });
});
