import { StepError } from '../../../shared/src/core/errors';
import { runRollout } from '../../../shared/src/rollout/driver';
import { parseRolloutInputs, type RawRolloutInputs } from '../../../shared/src/rollout/inputs';
import { planRollout } from '../../../shared/src/rollout/plan';
import { FakeEndpoint } from './fake-endpoint';

const GOOD = { 'latency.p95': 120, 'errors.5xx.rate': 0 };
const BAD = { 'latency.p95': 900, 'errors.5xx.rate': 0 };
const RULES = 'latency.p95 <= 300ms; errors.5xx.rate <= 1%';

function setup(initial: ConstructorParameters<typeof FakeEndpoint>[0], raw: RawRolloutInputs = {}) {
  const ep = new FakeEndpoint(initial);
  const choices = parseRolloutInputs({ bakeTimeMs: 180_000, checkIntervalMs: 60_000, analysis: RULES, ...raw });
  const plan = planRollout(ep.state(), choices);
  return { ep, plan, choices };
}

describe('runRollout', () => {
  test('canary: every map in order, three checks per bake, cleanup; the endpoint ends on green', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'traffic-steps': '10,50,100', 'mirror-percent': '10', 'on-success': 'scale-down:1' });
    ep.measurements = [GOOD];
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('succeeded');
    expect(ep.history).toEqual([
      { traffic: { blue: 100 }, mirror: {} },
      { traffic: { blue: 100 }, mirror: { green: 10 } },
      { traffic: { blue: 90, green: 10 }, mirror: {} },
      { traffic: { blue: 50, green: 50 }, mirror: {} },
      { traffic: { green: 100 }, mirror: {} },
    ]);
    expect(ep.ops()[0]).toBe('createOrUpdateDeployment(green)');
    expect(ep.ops()[1]).toBe('smoke(green)');
    expect(ep.ops().at(-1)).toBe('scaleDeployment(blue, 1)');
    expect(ep.deployments.get('blue')!.instances).toBe(1);
    expect(r.timeline.map((t) => [t.step, t.verdict, t.checks.length])).toEqual([
      ['deploy green', 'passed', 0],
      ['smoke test green', 'passed', 0],
      ['mirror 10% to green', 'passed', 3],
      ['shift 10% to green', 'passed', 3],
      ['shift 50% to green', 'passed', 3],
      ['shift 100% to green', 'passed', 3],
      ['scale blue down to 1', 'passed', 0],
    ]);
    // Each check measures green over the minute since the previous one.
    expect(ep.calls.filter((c) => c.op === 'measure').every((c) => c.args[0] === 'green')).toBe(true);
    expect(ep.windows.slice(0, 2).map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z'],
      ['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z'],
    ]);
    expect(r.timeline[3]!.checks[0]!.results[0]).toMatchObject({ metric: 'latency.p95', value: 120, threshold: 300, verdict: 'pass' });
    expect(r.current).toEqual({ traffic: { green: 100 }, mirror: {} });
  });

  test('a failed bake restores the pre-rollout map (not the last good step) and keeps green at 0%', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'traffic-steps': '10,50,100', 'failure-limit': '0' });
    // 10% bakes fine (3 checks); the first check at 50% fails.
    ep.measurements = [GOOD, GOOD, GOOD, BAD];
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('rolled-back');
    expect(ep.traffic).toEqual({ blue: 100 });
    expect(ep.history.at(-1)).toEqual({ traffic: { blue: 100 }, mirror: {} });
    expect(ep.deployments.has('green')).toBe(true);
    expect(r.timeline.map((t) => [t.step, t.verdict])).toEqual([
      ['deploy green', 'passed'],
      ['smoke test green', 'passed'],
      ['shift 10% to green', 'passed'],
      ['shift 50% to green', 'failed'],
      ['restore the previous maps', 'restored'],
    ]);
    const failed = r.timeline[3]!;
    expect(failed.traffic).toEqual({ blue: 50, green: 50 });
    expect(failed.checks[0]!.results[0]).toMatchObject({ verdict: 'fail', reason: '900ms is not <= 300ms' });
    expect(r.error).toBeInstanceOf(StepError);
    expect(r.error).toMatchObject({ kind: 'service', code: 'RolloutAnalysisFailed' });
    expect(r.error!.message).toMatch(/stopped at 'shift 50% to green': the analysis failed: 1 failed check \(failure-limit 0\); last: latency.p95 <= 300ms: 900ms is not <= 300ms/);
    expect(r.error!.message).toMatch(/back to its previous maps \(traffic blue=100, mirror none\)\. 'green' is kept at 0% for inspection/);
  });

  test('failure-limit: failed checks up to the limit are tolerated within a bake, the next one fails it', async () => {
    const tolerated = setup({ traffic: { blue: 100 } }, { 'failure-limit': '2' });
    tolerated.ep.measurements = [BAD, GOOD, BAD];
    expect((await runRollout(tolerated.plan, tolerated.ep)).status).toBe('succeeded');

    const over = setup({ traffic: { blue: 100 } }, { 'failure-limit': '1' });
    over.ep.measurements = [BAD, GOOD, BAD];
    const r = await runRollout(over.plan, over.ep);
    expect(r.status).toBe('rolled-back');
    expect(r.timeline[2]!.checks.map((c) => c.passed)).toEqual([false, true, false]);
    expect(r.reason).toMatch(/2 failed checks \(failure-limit 1\)/);
  });

  test('inconclusive (no data) fails the check, as does a measuring error', async () => {
    const nodata = setup({ traffic: { blue: 100 } }, { 'failure-limit': '0' });
    nodata.ep.measurements = [{ 'latency.p95': 100 }];
    const r = await runRollout(nodata.plan, nodata.ep);
    expect(r.status).toBe('rolled-back');
    expect(r.timeline[2]!.checks[0]!.results[1]).toMatchObject({ metric: 'errors.5xx.rate', verdict: 'inconclusive' });

    const broken = setup({ traffic: { blue: 100 } }, { 'failure-limit': '0' });
    broken.ep.measurements = [new Error('AuthorizationFailed: monitoring reader missing')];
    const b = await runRollout(broken.plan, broken.ep);
    expect(b.status).toBe('rolled-back');
    expect(b.reason).toMatch(/measuring failed: AuthorizationFailed/);
  });

  test('a failed smoke test stops before traffic moves: nothing to restore', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } });
    ep.smokeResult = { passed: false, detail: 'request 1: expected status 200, got 500' };
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('failed');
    expect(ep.calls.some((c) => c.op === 'setTraffic')).toBe(false);
    expect(r.error).toMatchObject({ code: 'SmokeTestFailed' });
    expect(r.error!.message).toMatch(/the smoke test failed: request 1: expected status 200, got 500\. No traffic had moved\./);
  });

  test('an error from a port keeps its kind and restores', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'traffic-steps': '10,100' });
    ep.measurements = [GOOD];
    let n = 0;
    ep.before.set('setTraffic', () => {
      if (++n === 2) ep.failOn.set('setTraffic', new StepError('quota', 'OutOfQuota: not enough vCPUs', { hint: 'raise quota' }));
      if (n === 3) ep.failOn.delete('setTraffic');
    });
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('rolled-back');
    expect(r.error).toMatchObject({ kind: 'quota', hint: 'raise quota' });
    expect(ep.traffic).toEqual({ blue: 100 });
  });

  test('on-failure delete: restore, then delete the new deployment', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'on-failure': 'delete', 'failure-limit': '0' });
    ep.measurements = [BAD];
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('rolled-back');
    expect(ep.ops().slice(-2)).toEqual(['setTraffic({"blue":100}, {})', 'deleteDeployment(green)']);
    expect(ep.deployments.has('green')).toBe(false);
    expect(r.error!.message).toMatch(/'green' was deleted \(on-failure: delete\)/);
  });

  test('an abort mid-request (SIGINT) still restores, under its own deadline', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'traffic-steps': '10,100' });
    ep.measurements = [GOOD];
    const ac = new AbortController();
    let n = 0;
    // The second traffic PUT is applied, then the job is cancelled while it is in flight.
    ep.before.set('setTraffic', () => {
      if (++n === 2) {
        ep.traffic = { blue: 0, green: 100 };
        ep.hangOn.add('setTraffic');
        queueMicrotask(() => ac.abort());
      } else ep.hangOn.delete('setTraffic');
    });
    const r = await runRollout(plan, ep, { signal: ac.signal });
    expect(r.status).toBe('rolled-back');
    expect(r.error).toMatchObject({ kind: 'cancelled' });
    expect(ep.traffic).toEqual({ blue: 100 });
    expect(r.timeline.map((t) => [t.step, t.verdict])).toEqual([
      ['deploy green', 'passed'],
      ['smoke test green', 'passed'],
      ['shift 10% to green', 'passed'],
      ['shift 100% to green', 'aborted'],
      ['restore the previous maps', 'restored'],
    ]);
  });

  test('an abort during a bake stops the load and restores', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } });
    const ac = new AbortController();
    let loadStopped = false;
    ep.load = async (_d, signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      loadStopped = true;
    };
    let sleeps = 0;
    ep.before.set('sleep', () => {
      if (++sleeps === 2) ac.abort();
    });
    const r = await runRollout(plan, ep, { signal: ac.signal });
    expect(loadStopped).toBe(true);
    expect(r.status).toBe('rolled-back');
    expect(ep.traffic).toEqual({ blue: 100 });
  });

  test('the deadline: a timeout error, and the restore runs after it', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } });
    // A deadline whose time is up at the first bake's sleep (as its timer would fire), without waiting for it.
    const ac = new AbortController();
    const expired = new StepError('timeout', "the step's timeout of 1m00s elapsed before it finished", { input: 'timeout' });
    const deadline = { signal: ac.signal, timeoutMs: 60_000, expired: () => (ac.signal.aborted ? expired : undefined), clear: () => {} };
    ep.before.set('sleep', () => ac.abort(expired));
    const r = await runRollout(plan, ep, { deadline, signal: new AbortController().signal });
    expect(r.status).toBe('rolled-back');
    expect(r.error).toMatchObject({ kind: 'timeout' });
    expect(r.error!.message).toMatch(/timeout of 1m00s elapsed/);
    expect(ep.traffic).toEqual({ blue: 100 });
  });

  test('a restore that gets no answer within its deadline: restore-failed, with the command to run by hand', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'failure-limit': '0' });
    ep.measurements = [BAD];
    let n = 0;
    ep.before.set('setTraffic', () => {
      if (++n === 2) ep.hangOn.add('setTraffic');
    });
    const r = await runRollout(plan, ep, { restoreTimeoutMs: 20 });
    expect(r.status).toBe('restore-failed');
    expect(r.timeline.at(-1)).toMatchObject({ step: 'restore the previous maps', verdict: 'not-restored' });
    expect(r.error!.message).toMatch(/Restoring the previous maps \(traffic blue=100, mirror none\) failed too: no answer within 0 s/);
    expect(r.error!.hint).toBe('Restore them by hand: az ml online-endpoint update --traffic "blue=100"');
  });

  test('a rerun after a rollback plans and runs the same rollout', async () => {
    const first = setup({ traffic: { blue: 100 } }, { 'traffic-steps': '10,100', 'failure-limit': '0' });
    first.ep.measurements = [BAD];
    expect((await runRollout(first.plan, first.ep)).status).toBe('rolled-back');
    const again = planRollout(first.ep.state(), first.choices);
    expect(again).toEqual(first.plan);
    first.ep.measurements = [GOOD];
    expect((await runRollout(again, first.ep)).status).toBe('succeeded');
    expect(first.ep.traffic).toEqual({ green: 100 });
  });

  test('first deploy, and cleanup problems are warnings, not a rollback', async () => {
    const fresh = setup({}, {});
    fresh.ep.measurements = [GOOD];
    expect((await runRollout(fresh.plan, fresh.ep)).status).toBe('succeeded');
    expect(fresh.ep.traffic).toEqual({ blue: 100 });

    const { ep, plan } = setup({ traffic: { blue: 100 } }, { 'on-success': 'delete' });
    ep.measurements = [GOOD];
    ep.failOn.set('deleteDeployment', new Error('Conflict: another operation is running'));
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('succeeded');
    expect(ep.traffic).toEqual({ green: 100 });
    expect(r.warnings).toEqual(["deleting 'blue' failed: Conflict: another operation is running"]);
    expect(r.timeline.at(-1)).toMatchObject({ kind: 'cleanup', verdict: 'warning' });
  });

  test('replace: traffic never moves, and a failed observation says there is nothing to return to', async () => {
    const { ep, plan } = setup({ traffic: { blue: 100 } }, { strategy: 'replace', 'failure-limit': '0' });
    ep.measurements = [BAD];
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('failed');
    expect(ep.calls.some((c) => c.op === 'setTraffic')).toBe(false);
    expect(r.error!.message).toMatch(/Strategy replace updated 'blue' in place/);
  });
});
