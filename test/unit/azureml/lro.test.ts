import { StepError } from '../../../shared/src/core/errors';
import { formatElapsed, pollIntervalMs } from '../../../shared/src/azureml/lro';
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

/**
 * The default schedule followed with instant answers: polls sent at the intervals it gives, send to send, from the
 * initial response at 0. How many polls an operation of `lengthMs` costs (the one that sees it finished included),
 * and how long after its end that poll goes out.
 */
function followSchedule(lengthMs: number): { polls: number; lagMs: number } {
  let sent = 0;
  for (let polls = 1; ; polls++) {
    sent += pollIntervalMs(sent);
    if (sent >= lengthMs) return { polls, lagMs: sent - lengthMs };
  }
}

const MIN = 60_000;

describe('poll schedule', () => {
  test('250 ms for the first second, 900 ms to a minute, then about 5 % of the time elapsed, capped at 15 s', () => {
    const at = (ms: number) => pollIntervalMs(ms);
    expect([0, 500, 999].map(at)).toEqual([250, 250, 250]);
    expect([1_000, 30_000, MIN - 1].map(at)).toEqual([900, 900, 900]);
    expect([MIN, 2 * MIN, 4 * MIN, 6 * MIN, 30 * MIN, 24 * 60 * MIN].map(at)).toEqual([3_000, 6_000, 10_000, 15_000, 15_000, 15_000]);
    // Non-decreasing: the service never sends Retry-After, so this is the whole cadence.
    for (let ms = 1_000; ms < 40 * MIN; ms += 1_000) expect(at(ms)).toBeGreaterThanOrEqual(at(ms - 1_000));
  });

  test('an operation of up to a minute is seen within 0.9 s of its end; a longer one within 5 % of its length', () => {
    for (let ms = 1; ms <= MIN; ms += 37) expect(followSchedule(ms).lagMs).toBeLessThanOrEqual(900);
    for (let ms = MIN; ms <= 30 * MIN; ms += 1_009) expect(followSchedule(ms).lagMs).toBeLessThanOrEqual(0.05 * ms);
    // A short operation (a traffic change the service finishes in half a second) is seen at once.
    expect(followSchedule(500)).toEqual({ polls: 2, lagMs: 0 });
  });

  test('polls per operation: fast for a minute, then polite (ten minutes about 140, thirty about 220)', () => {
    const polls = (ms: number) => followSchedule(ms).polls;
    expect([3_000, 10_000, 25_000, 30_000, MIN, 2 * MIN, 10 * MIN, 30 * MIN].map(polls)).toEqual([7, 14, 31, 37, 70, 90, 138, 218]);
    // Beyond six minutes, four polls a minute: 240 an hour against ARM's 12,000 reads per principal.
    expect(polls(60 * MIN) - polls(30 * MIN)).toBe(120);
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

  test('Retry-After wins over the schedule, shorter or longer: on the initial response and on a poll', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl(), 'Retry-After': '1' }, body: endpoint('Creating') }));
    server.sequence('GET', ASYNC, [
      { status: 200, headers: { 'Retry-After': '0' }, body: { status: 'Updating' } },
      { status: 200, body: { status: 'Succeeded' } },
    ]);
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    // The schedule alone would wait 30 s before each poll.
    await testClient(server, { pollSchedule: () => 30_000 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const put = server.hits('PUT', EP)[0].at;
    const [first, second] = server.hits('GET', ASYNC).map((r) => r.at);
    expect(first - put).toBeGreaterThanOrEqual(950);
    expect(first - put).toBeLessThan(5_000);
    expect(second - first).toBeLessThan(5_000);
  });

  test('without Retry-After the default schedule polls every 250 ms in the first second, then every 900 ms', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    server.sequence('GET', ASYNC, [...Array.from({ length: 6 }, () => ({ status: 200, body: { status: 'Updating' } })), { status: 200, body: { status: 'Succeeded' } }]);
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    const result = await testClient(server, { pollSchedule: undefined }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    expect(result.pollCount).toBe(7);
    const put = server.hits('PUT', EP)[0].at;
    const polls = server.hits('GET', ASYNC).map((r) => r.at);
    const gaps = polls.map((at, i) => at - (i === 0 ? put : polls[i - 1]));
    for (const g of gaps.slice(0, 3)) {
      expect(g).toBeGreaterThanOrEqual(240);
      expect(g).toBeLessThan(700);
    }
    for (const g of gaps.slice(5)) {
      expect(g).toBeGreaterThanOrEqual(850);
      expect(g).toBeLessThan(1_600);
    }
  });

  test('polls keep their interval from send to send: a slow answer does not stretch it', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    let n = 0;
    server.on('GET', ASYNC, async () => {
      await new Promise((r) => setTimeout(r, 200));
      return { status: 200, body: { status: ++n >= 4 ? 'Succeeded' : 'Updating' } };
    });
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    await testClient(server, { pollSchedule: () => 600 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const polls = server.hits('GET', ASYNC).map((r) => r.at);
    expect(polls).toHaveLength(4);
    // 600 ms apart, not 600 ms after each 200 ms answer (800).
    for (let i = 1; i < polls.length; i++) {
      expect(polls[i] - polls[i - 1]).toBeGreaterThanOrEqual(580);
      expect(polls[i] - polls[i - 1]).toBeLessThan(780);
    }
  });

  test('after an answer slower than the interval, the next poll still waits half an interval', async () => {
    server.on('PUT', EP, () => ({ status: 201, headers: { 'Azure-AsyncOperation': asyncUrl() }, body: endpoint('Creating') }));
    let n = 0;
    server.on('GET', ASYNC, async () => {
      await new Promise((r) => setTimeout(r, 500));
      return { status: 200, body: { status: ++n >= 3 ? 'Succeeded' : 'Updating' } };
    });
    server.on('GET', EP, () => ({ status: 200, body: endpoint('Succeeded') }));
    await testClient(server, { pollSchedule: () => 400 }).online.createOrUpdateEndpoint('rg', 'ws', 'ep', BODY);
    const polls = server.hits('GET', ASYNC).map((r) => r.at);
    // 500 ms answering, then at least 200 ms of quiet.
    for (let i = 1; i < polls.length; i++) expect(polls[i] - polls[i - 1]).toBeGreaterThanOrEqual(680);
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
