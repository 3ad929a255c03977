/**
 * deploy-online end to end with real scoring: the emulator runs the fixture score.py for each deployment, routes
 * scoring by traffic, mirror and the `azureml-model-deployment` header, and serves Azure Monitor metrics from the
 * traffic it scored. The GitHub action bundle: a probe-file smoke test and real predictions, a canary whose new
 * deployment answers 503s half the time (analysis on Azure Monitor and the probe, automatic rollback), a smoke test
 * that fails on the output, a mirror phase, on-success delete, transient faults during the long operations, `set`
 * overrides in the PUT body, and bad input refused before any request.
 */
import { join } from 'node:path';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { arm, during } from '../support/arm-reader';
import { Capture, modelFolder } from '../support/e2e';
import { JWT, startTestEmulator, type TestEmulator } from '../support/emulator';
import { deploy, endpointPath, errorsOf, FIXTURES, MODEL, readEndpoint, registerModel, blueEndpoint, expectRefusedBeforeAnyRequest } from '../support/deploy-online';

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);

const PROBE = join(FIXTURES, 'probe.yml');
const PROBE_WRONG = join(FIXTURES, 'probe-wrong-output.yml');
/** The rows the probe sends, and what the fixture score.py answers for them (the length of each row). */
const ROWS = [[1, 2, 3], [4, 5]];
const PREDICTION = [3, 2];

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  await t.control.call('POST', '/_emulator/scoring/seed', { seed: 7 });
  expect(await registerModel(t, join(FIXTURES, 'model'))).toBe('1');
  expect(await registerModel(t, modelFolder())).toBe('2');
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.clearFaults();
  await t.control.call('DELETE', '/_emulator/scoring/behaviour');
});

const run = async (endpoint: string, extra: Record<string, string> = {}) => during(t, async () => record(await deploy(t, endpoint, extra)));

/** Green with credit-model:2 (same score.py, so the same predictions), short bakes checked every second. */
const GREEN = { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, 'check-interval': '1s' };

const isEndpointPut = (ep: string) => (e: JournalEntry) => e.method === 'PUT' && e.path.toLowerCase().endsWith(`/onlineendpoints/${ep.toLowerCase()}`);
/** The traffic and mirror maps of the endpoint PUTs in `journal`, zero shares left out. */
const positive = (m: Record<string, number> | undefined) => Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => v > 0));
const mapsSent = (journal: JournalEntry[], ep: string) =>
  journal.filter(isEndpointPut(ep)).map((e) => {
    const p = (e.requestBody as { properties?: { traffic?: Record<string, number>; mirrorTraffic?: Record<string, number> } } | undefined)?.properties;
    return { traffic: positive(p?.traffic), mirror: positive(p?.mirrorTraffic) };
  });
const deploymentPuts = (journal: JournalEntry[], name: string) => journal.filter((e) => e.method === 'PUT' && new RegExp(`/deployments/${name}$`, 'i').test(e.path));
const deploymentStatus = async (ep: string, name: string) => (await arm(t, 'GET', `${endpointPath(t, ep)}/deployments/${name}`)).status;


/** POST the scoring URI as a client does, with the endpoint's key. */
async function score(ep: string, body: unknown, deployment?: string): Promise<{ status: number; json: unknown; servedBy: string | null }> {
  const uri = (await readEndpoint(t, ep))!.properties.scoringUri!;
  const { primaryKey } = (await arm<{ primaryKey: string }>(t, 'POST', `${endpointPath(t, ep)}/listKeys`)).json;
  const res = await fetch(uri, {
    method: 'POST',
    headers: { authorization: `Bearer ${primaryKey}`, 'content-type': 'application/json', ...(deployment ? { 'azureml-model-deployment': deployment } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, servedBy: res.headers.get('azureml-model-deployment') };
}

/** Waits until the endpoint's live traffic gives `deployment` a share (the step has moved traffic). */
async function untilServing(ep: string, deployment: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (((await readEndpoint(t, ep))?.properties.traffic?.[deployment] ?? 0) > 0) return;
    await new Promise((res) => setTimeout(res, 150));
  }
  throw new Error(`${deployment} never took traffic on ${ep}`);
}

describe('deploy-online with a probe-file: blue/green, predictions, on-success, faults, set', () => {
  let ep: string;
  beforeAll(async () => {
    ep = await blueEndpoint(t, run);
  });

  test('blue/green with a probe: the smoke test scores at 0%, green takes 100%, real predictions; on-success delete removes blue', async () => {
    const { result: r, journal } = await run(ep, { ...GREEN, strategy: 'blue-green', 'probe-file': PROBE, 'on-success': 'delete' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ green: 100 });
    expect(r.summary).toMatch(/smoke test green .*1 of 1 requests as expected/);
    expect(mapsSent(journal, ep)).toEqual([{ traffic: { green: 100 }, mirror: {} }]);
    // The probe scored green through the scoring data plane (smoke at 0%, then its load during the bake), all answered 200.
    const scored = journal.filter((e) => e.area === 'scoring');
    expect(scored.length).toBeGreaterThanOrEqual(2);
    expect(scored.every((e) => e.status === 200)).toBe(true);

    // A client's request now reaches green and gets the model's prediction.
    const p = await score(ep, { data: ROWS });
    expect(p).toEqual({ status: 200, json: PREDICTION, servedBy: 'green' });
    expect(await score(ep, { data: [[1], [1, 2, 3, 4]] })).toMatchObject({ status: 200, json: [1, 4] });

    // on-success: delete: blue is gone once green holds the traffic.
    expect(journal.filter((e) => e.method === 'DELETE' && /\/deployments\/blue$/.test(e.path))).toHaveLength(1);
    expect(await deploymentStatus(ep, 'blue')).toBe(404);
    expect(r.summary).toMatch(/delete blue/);
  });

  test('faults during the long operations: 429 with Retry-After on the deployment PUT, 503 on an LRO poll, a dropped traffic PUT', async () => {
    // Green serves 100% and blue was deleted: auto picks blue, created anew.
    await t.control.addFault({ method: 'PUT', path: '/deployments/blue$', status: 429, retryAfter: 1, times: 1 });
    await t.control.addFault({ method: 'GET', path: '/mfeOperationsStatus/', status: 503, times: 1 });
    await t.control.addFault({ method: 'PUT', path: `/onlineEndpoints/${ep}$`, drop: true, times: 1 });
    const { result: r, journal } = await run(ep, { 'deployment-name': 'auto', strategy: 'blue-green', 'probe-file': PROBE, 'check-interval': '1s' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'blue', 'previous-deployment': 'green', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });

    const depPuts = deploymentPuts(journal, 'blue');
    expect(depPuts.map((e) => e.status)).toEqual([429, expect.any(Number)]);
    expect(depPuts[0].fault).toBeDefined();
    expect([200, 201]).toContain(depPuts[1].status);
    // The retry waited for Retry-After (1 s).
    expect(Date.parse(depPuts[1].time) - Date.parse(depPuts[0].time)).toBeGreaterThanOrEqual(900);

    const polls = journal.filter((e) => e.method === 'GET' && e.path.includes('/mfeOperationsStatus/'));
    expect(polls[0]).toMatchObject({ status: 503, fault: expect.any(String) });
    expect(polls.slice(1).some((e) => e.status === 200)).toBe(true);

    // The journal records a dropped connection with status 0; the PUT was sent again and answered.
    const epPuts = journal.filter(isEndpointPut(ep));
    expect(epPuts[0]).toMatchObject({ status: 0, fault: expect.any(String) });
    expect([200, 201, 202]).toContain(epPuts[1].status);
    expect(mapsSent(journal.filter((e) => e.status !== 0), ep).map((m) => m.traffic)).toEqual([{ blue: 100 }]);
    expect((await t.control.call<{ faults: unknown[] }>('GET', '/_emulator/faults')).faults).toEqual([]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
    expect((await score(ep, { data: ROWS })).servedBy).toBe('blue');
  });

  test('set overrides reach the deployment PUT body: instance_count=2 → sku.capacity 2, request_timeout_ms=3000 → PT3S; on-success scale-down:1', async () => {
    const { result: r, journal } = await run(ep, {
      ...GREEN,
      strategy: 'blue-green',
      set: `model=azureml:${MODEL}:2\ninstance_count=2\nrequest_settings.request_timeout_ms=3000`,
      'on-success': 'scale-down:1',
    });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
    const puts = deploymentPuts(journal, 'green');
    expect(puts).toHaveLength(1);
    expect(puts[0].requestBody).toMatchObject({ sku: { capacity: 2 }, properties: { requestSettings: { requestTimeout: 'PT3S' } } });
    // Blue keeps running at one instance (it already had one: nothing to scale, or a PATCH to 1).
    for (const e of journal.filter((x) => x.method === 'PATCH' && /\/deployments\/blue$/.test(x.path))) expect(e.requestBody).toMatchObject({ sku: { capacity: 1 } });
    expect(await deploymentStatus(ep, 'blue')).toBe(200);
    const live = (await arm<{ sku: { capacity: number } }>(t, 'GET', `${endpointPath(t, ep)}/deployments/green`)).json;
    expect(live.sku.capacity).toBe(2);
  });
});

describe('deploy-online with a probe-file: rollouts that fail, the mirror phase', () => {
  let ep: string;
  beforeAll(async () => {
    ep = await blueEndpoint(t, run);
  });

  test('canary where green answers 503 half the time: the analysis fails on measured values and blue gets 100% back', async () => {
    const done = run(ep, {
      ...GREEN,
      'traffic-steps': '50,100',
      'bake-time': '8s',
      'probe-file': PROBE,
      analysis: 'errors.5xx.rate <= 1%\nprobe.failure.rate <= 1%',
    });
    // The smoke test passes on the real model; once green takes traffic it starts failing.
    await untilServing(ep, 'green');
    await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: 'green', errorRate: 0.5, errorStatus: 503 });
    const { result: r, journal } = await done;
    expect(r.exitCode).not.toBe(0);
    expect(r.outputs.result).toBe('rolled-back');
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(mapsSent(journal, ep).map((m) => m.traffic)).toEqual([{ blue: 50, green: 50 }, { blue: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
    expect(journal.some((e) => e.area === 'scoring' && e.status === 503)).toBe(true);
    expect(r.summary).toMatch(/Rolled back/);
    // The failed rules name what was measured, not "no data".
    expect(r.summary).toMatch(/❌ (errors\.5xx\.rate|probe\.failure\.rate) <= 1%: [^<|]*\d/);
    expect(r.summary).not.toMatch(/no data for (errors\.5xx\.rate|probe\.failure\.rate)/);
    expect(r.summary).toMatch(/the analysis failed: 2 failed checks \(failure-limit 1\)/);
    expect(errorsOf(r)).toMatch(/The endpoint is back to its previous maps \(traffic blue=100, mirror none\)/);
  }, 60_000);

  test('the same canary without a probe, on Azure Monitor alone: client traffic split 50/50 fails errors.5xx.rate and rolls back', async () => {
    await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: 'green', errorRate: 0.5, errorStatus: 503 });
    let running = true;
    const done = run(ep, { ...GREEN, 'traffic-steps': '50,100', 'bake-time': '8s', analysis: 'errors.5xx.rate <= 1%' }).finally(() => (running = false));
    // Clients of the endpoint (unpinned requests, routed by the traffic map) while the step runs.
    const served: string[] = [];
    const load = (async () => {
      while (running) {
        const s = await score(ep, { data: ROWS }).catch(() => undefined);
        if (s?.servedBy) served.push(`${s.servedBy}:${s.status}`);
        await new Promise((res) => setTimeout(res, 40));
      }
    })();
    const { result: r, journal } = await done;
    await load;
    expect(served).toContain('green:503');
    expect(r.exitCode).not.toBe(0);
    expect(r.outputs.result).toBe('rolled-back');
    expect(mapsSent(journal, ep).map((m) => m.traffic)).toEqual([{ blue: 50, green: 50 }, { blue: 100 }]);
    // Measured by Azure Monitor (the only source without a probe): its metrics answered, and the rule failed on a value.
    const metricsCalls = journal.filter((e) => /\/providers\/microsoft\.insights\/metrics$/i.test(e.path) && e.path.toLowerCase().includes(`/onlineendpoints/${ep}/`));
    expect(metricsCalls.length).toBeGreaterThan(0);
    expect(metricsCalls.every((e) => e.status === 200)).toBe(true);
    expect(r.summary).toMatch(/❌ errors\.5xx\.rate <= 1%: \d+(\.\d+)?% is not <= 1%/);
    expect(r.summary).not.toMatch(/no data for errors\.5xx\.rate/);
    // The plan says what the smoke test checks without a probe.
    expect(r.summary).toMatch(/\| 2\. smoke test green \| blue=100 \| none \| — \| ready \(no probe-file\) \|/);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
  }, 60_000);

  test('the smoke test fails on the output: no traffic moves, blue keeps 100%, the summary names the request and the mismatch', async () => {
    const { result: r, journal } = await run(ep, { ...GREEN, 'probe-file': PROBE_WRONG });
    expect(r.exitCode).toBe(1);
    expect(mapsSent(journal, ep)).toEqual([]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(r.outputs.result).toBe('failed');
    // The summary's timeline row names the request and the first difference; so does the error.
    expect(r.summary).toMatch(/\| smoke test green \| blue=100 \| none \| — \| failed: the smoke test failed: 1 of 2 requests not as expected: three-columns: \$\[0\]: expected 4, got 3 \|/);
    expect(errorsOf(r)).toMatch(/Rollout stopped at 'smoke test green': .*three-columns: \$\[0\]: expected 4, got 3/);
    expect(r.summary).toMatch(/No traffic had moved/);
    expect(r.summary).not.toMatch(/shift \d+% to green \|[^|]*\|[^|]*\|[^|]*\| passed/);
  });

  test('mirror-percent 20: green is mirrored 20% during its bake, then takes the live traffic and the mirror is cleared', async () => {
    const { result: r, journal } = await run(ep, { ...GREEN, strategy: 'blue-green', 'mirror-percent': '20', 'probe-file': PROBE });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', result: 'deployed' });
    expect(mapsSent(journal, ep)).toEqual([
      { traffic: { blue: 100 }, mirror: { green: 20 } },
      { traffic: { green: 100 }, mirror: {} },
    ]);
    const final = (await readEndpoint(t, ep))!.properties;
    expect(positive(final.traffic)).toEqual({ green: 100 });
    expect(positive(final.mirrorTraffic)).toEqual({});
    expect(r.summary).toMatch(/\| mirror 20% to green \| blue=100 \| green=20 \|/);
    expect(r.summary).toMatch(/\| shift 100% to green \| green=100 \| none \|/);
  });
});

describe('deploy-online: bad input is refused before anything is sent', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['endpoint YAML whose traffic does not sum to 100', { 'endpoint-file': join(FIXTURES, 'endpoint-bad-traffic.yml') }, /endpoint-bad-traffic\.yml.*traffic.*sum to 60.*100/s],
    ['mirror-percent 60', { 'mirror-percent': '60' }, /Input 'mirror-percent' must be .*0 to 50.*'60'/],
  ];
  test.each(cases)('%s', (_what, extra, message) => expectRefusedBeforeAnyRequest(run, extra, message));
});

test('no secret in anything the runs showed', async () => {
  expect(capture.texts.length).toBeGreaterThan(0);
  const eps = (await arm<{ value: { name: string }[] }>(t, 'GET', `${endpointPath(t, '').replace(/\/$/, '')}`)).json.value.map((e) => e.name);
  const keys: string[] = [];
  for (const ep of eps) {
    const k = (await arm<{ primaryKey?: string; secondaryKey?: string }>(t, 'POST', `${endpointPath(t, ep)}/listKeys`)).json;
    keys.push(...[k.primaryKey, k.secondaryKey].filter((x): x is string => !!x));
  }
  expect(keys.length).toBeGreaterThanOrEqual(4);
  const secrets = [...keys, ...t.emulator.secretValues()];
  for (const text of capture.texts) {
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/[?&]sig=/i);
    expect(text).not.toMatch(/primaryKey|secondaryKey/);
    for (const s of secrets) expect(text).not.toContain(s);
  }
});
