/** Running a test on Azure Load Testing's data plane (a fake fetch): the calls in order, failures, and stopping. */
import { LoadTestingClient } from '../../../shared/src/loadtesting/client';
import { runOnService, type ServiceRunSpec } from '../../../shared/src/loadtesting/run';
import { StepError } from '../../../shared/src/core/errors';

type Call = { method: string; path: string; query: string; contentType?: string; body?: string };
type Answer = { status?: number; body?: unknown } | ((c: Call) => { status?: number; body?: unknown });

function fakeService(routes: [RegExp, Answer[]][]) {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL, init: RequestInit = {}) => {
    const u = new URL(String(input));
    const headers = init.headers as Record<string, string>;
    const call: Call = { method: init.method ?? 'GET', path: u.pathname, query: u.search, ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}), ...(typeof init.body === 'string' ? { body: init.body } : {}) };
    calls.push(call);
    const route = routes.find(([re]) => re.test(`${call.method} ${call.path}`));
    if (!route) return new Response(JSON.stringify({ error: { code: 'NotFound', message: `no route ${call.method} ${call.path}` } }), { status: 404 });
    const answers = route[1];
    const a = answers.length > 1 ? answers.shift()! : answers[0]!;
    const r = typeof a === 'function' ? a(call) : a;
    return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

const spec: ServiceRunSpec = {
  testId: 'staging-checks-ep-latency',
  testRunId: 'staging-checks-ep-latency-r1',
  displayName: 'staging-checks latency',
  description: 'd',
  engineInstances: 2,
  jmx: '<jmeterTestPlan/>',
  fileName: 'staging-checks.jmx',
  secretName: 'endpoint-credential',
  secret: { type: 'SECRET_VALUE', value: 'key-123' },
  passFailMetrics: { 'slo-1': { clientmetric: 'response_time_ms', aggregate: 'p95', condition: '>', value: 300, action: 'continue' } },
};

const opts = (signal = new AbortController().signal, lines: string[] = []) => ({ progress: (l: string) => lines.push(l), signal, schedule: () => 1, progressEveryMs: 0 });
const client = (fetchFn: typeof fetch) => new LoadTestingClient({ dataPlaneUri: 'abc.eastus.cnt-prod.loadtesting.azure.com', token: async () => 'tok', fetch: fetchFn });

describe('runOnService', () => {
  test('test, file, validation, run, polling: in order, with the right content types', async () => {
    const { calls, fetchFn } = fakeService([
      [/^GET \/tests\/[^/]+$/, [{ status: 200, body: { testId: spec.testId, passFailCriteria: { passFailMetrics: { old: { clientmetric: 'error' } } }, secrets: { stale: { type: 'SECRET_VALUE' } } } }]],
      [/^PATCH \/tests\//, [{ status: 200, body: {} }]],
      [/^PUT \/tests\/.*\/files\//, [{ status: 201, body: { validationStatus: 'NOT_VALIDATED' } }]],
      [/^GET \/tests\/.*\/files\//, [{ body: { validationStatus: 'VALIDATION_INITIATED' } }, { body: { validationStatus: 'VALIDATION_SUCCESS' } }]],
      [/^PATCH \/test-runs\//, [{ status: 201, body: { testRunId: spec.testRunId, status: 'ACCEPTED', portalUrl: 'https://portal/x' } }]],
      [/^GET \/test-runs\//, [{ body: { status: 'PROVISIONING' } }, { body: { status: 'EXECUTING' } }, { body: { testRunId: spec.testRunId, status: 'DONE', testResult: 'PASSED' } }]],
    ]);
    const lines: string[] = [];
    const run = await runOnService(client(fetchFn), spec, opts(undefined, lines));
    expect(run).toMatchObject({ status: 'DONE', testResult: 'PASSED' });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /tests/staging-checks-ep-latency',
      'PATCH /tests/staging-checks-ep-latency',
      'PUT /tests/staging-checks-ep-latency/files/staging-checks.jmx',
      'GET /tests/staging-checks-ep-latency/files/staging-checks.jmx',
      'GET /tests/staging-checks-ep-latency/files/staging-checks.jmx',
      'PATCH /test-runs/staging-checks-ep-latency-r1',
      'GET /test-runs/staging-checks-ep-latency-r1',
      'GET /test-runs/staging-checks-ep-latency-r1',
      'GET /test-runs/staging-checks-ep-latency-r1',
    ]);
    expect(calls.every((c) => c.query.includes('api-version=2022-11-01'))).toBe(true);
    expect(calls[2]!.query).toContain('fileType=JMX_FILE');
    expect(calls[2]!.contentType).toBe('application/octet-stream');
    expect(calls[1]!.contentType).toBe('application/merge-patch+json');
    // What an earlier version of the test had is removed (merge-patch nulls); the new criteria and secret are set.
    expect(JSON.parse(calls[1]!.body!)).toMatchObject({
      loadTestConfiguration: { engineInstances: 2 },
      passFailCriteria: { passFailMetrics: { old: null, 'slo-1': spec.passFailMetrics['slo-1'] } },
      secrets: { stale: null, 'endpoint-credential': { type: 'SECRET_VALUE', value: 'key-123' } },
    });
    expect(JSON.parse(calls[5]!.body!)).toEqual({ testId: spec.testId, displayName: spec.displayName, description: 'd' });
    expect(lines.join('\n')).toMatch(/test run 'staging-checks-ep-latency-r1' EXECUTING/);
  });

  const upTo = (file: unknown, runs: Answer[]): [RegExp, Answer[]][] => [
    [/^GET \/tests\/[^/]+$/, [{ status: 404, body: { error: { code: 'TestNotFound', message: 'no' } } }]],
    [/^PATCH \/tests\//, [{ status: 201, body: {} }]],
    [/^PUT /, [{ status: 201, body: {} }]],
    [/^GET \/tests\/.*\/files\//, [{ body: file }]],
    [/^PATCH \/test-runs\//, [{ status: 201, body: { status: 'ACCEPTED' } }]],
    [/^GET \/test-runs\//, runs],
    [/^POST \/test-runs\/.*:stop$/, [{ body: { status: 'CANCELLING' } }]],
  ];

  test('a JMX the service refuses is an error with its details, and no run starts', async () => {
    const { calls, fetchFn } = fakeService(upTo({ validationStatus: 'VALIDATION_FAILURE', validationFailureDetails: 'Sampler X is not supported' }, []));
    const e = await runOnService(client(fetchFn), spec, opts()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).message).toMatch(/refused the JMeter plan staging-checks\.jmx: Sampler X is not supported/);
    expect(calls.some((c) => c.path.startsWith('/test-runs'))).toBe(false);
  });

  test('a FAILED run is an error with the service message', async () => {
    const { fetchFn } = fakeService(upTo({ validationStatus: 'VALIDATION_SUCCESS' }, [{ body: { status: 'FAILED', errorDetails: [{ message: 'Engine could not reach the target' }] } }]));
    await expect(runOnService(client(fetchFn), spec, opts())).rejects.toThrow(/ended FAILED: Engine could not reach the target/);
  });

  test('a service error names the operation, the status, the code and the message', async () => {
    const { fetchFn } = fakeService([
      [/^GET \/tests\/[^/]+$/, [{ status: 404, body: {} }]],
      [/^PATCH \/tests\//, [{ status: 400, body: { error: { code: 'InvalidRequestBody', message: "'loadTestConfiguration.engineInstances' must be in range 1-45." } } }]],
    ]);
    await expect(runOnService(client(fetchFn), spec, opts())).rejects.toThrow(/create or update test 'staging-checks-ep-latency' answered 400 InvalidRequestBody: 'loadTestConfiguration\.engineInstances' must be/);
  });

  test('the deadline (an abort) stops the run, then the abort goes on', async () => {
    const ac = new AbortController();
    const { calls, fetchFn } = fakeService(
      upTo({ validationStatus: 'VALIDATION_SUCCESS' }, [
        () => {
          setTimeout(() => ac.abort(new StepError('timeout', 'deadline reached')), 0);
          return { body: { status: 'EXECUTING' } };
        },
      ]),
    );
    const slow = { ...opts(ac.signal), schedule: () => 1000 };
    await expect(runOnService(client(fetchFn), spec, slow)).rejects.toThrow(/deadline reached/);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /test-runs/staging-checks-ep-latency-r1:stop');
  });
});
