import { StepError } from '../../../shared/src/core/errors';
import { pickDeploymentName } from '../../../shared/src/rollout/deployment-name';
import { parseRolloutInputs, type RawRolloutInputs } from '../../../shared/src/rollout/inputs';
import { planRollout } from '../../../shared/src/rollout/plan';
import { planRows, planTable } from '../../../shared/src/rollout/plan-table';
import { shiftTraffic, type EndpointState } from '../../../shared/src/rollout/traffic';

const state = (traffic: Record<string, number>, deployments?: string[], mirror: Record<string, number> = {}): EndpointState => ({
  traffic,
  mirror,
  deployments: deployments ?? Object.keys(traffic),
});
const plan = (s: EndpointState, raw: RawRolloutInputs = {}) => planRollout(s, parseRolloutInputs({ bakeTimeMs: 300_000, ...raw }));
const maps = (s: EndpointState, raw: RawRolloutInputs = {}) => plan(s, raw).phases.map((p) => [p.kind, p.traffic, p.mirror]);

describe('shiftTraffic', () => {
  test('the rest stays on the previous deployments, in proportion, summing to 100', () => {
    expect(shiftTraffic({ blue: 100 }, 'green', 10)).toEqual({ blue: 90, green: 10 });
    expect(shiftTraffic({ blue: 100 }, 'green', 100)).toEqual({ green: 100 });
    expect(shiftTraffic({ a: 50, b: 50 }, 'green', 25)).toEqual({ a: 38, b: 37, green: 25 });
    expect(shiftTraffic({ a: 70, b: 30 }, 'green', 10)).toEqual({ a: 63, b: 27, green: 10 });
    expect(shiftTraffic({ a: 1, b: 1, c: 1 }, 'n', 1)).toEqual({ a: 33, b: 33, c: 33, n: 1 });
    for (const p of [1, 7, 33, 99]) {
      const m = shiftTraffic({ a: 13, b: 29, c: 58 }, 'n', p);
      expect(Object.values(m).reduce((x, y) => x + y, 0)).toBe(100);
    }
  });
});

describe('deployment-name: auto', () => {
  const pair = ['blue', 'green'] as const;
  test('the one of the pair with no live and no mirrored traffic', () => {
    expect(pickDeploymentName(state({}, []), pair)).toBe('blue');
    expect(pickDeploymentName(state({ blue: 100 }), pair)).toBe('green');
    expect(pickDeploymentName(state({ green: 100 }, ['blue', 'green']), pair)).toBe('blue');
    expect(pickDeploymentName(state({ blue: 100, green: 0 }), pair)).toBe('green');
    expect(pickDeploymentName(state({ legacy: 100 }), pair)).toBe('blue');
    expect(pickDeploymentName(state({ blue: 100 }, ['blue'], { legacy: 0 }), pair)).toBe('green');
  });

  test('a split left by an unfinished rollout: finish or roll back', () => {
    let e: StepError | undefined;
    try {
      pickDeploymentName(state({ blue: 60, green: 40 }), pair);
    } catch (x) {
      e = x as StepError;
    }
    expect(e).toBeInstanceOf(StepError);
    expect(e).toMatchObject({ kind: 'conflict', input: 'deployment-name', code: 'RolloutInProgress' });
    expect(e!.message).toMatch(/Both 'blue' and 'green' serve live traffic \(blue=60 green=40\): a previous rollout did not finish/);
    expect(e!.hint).toMatch(/Finish the previous rollout .* or roll it back/);
  });

  test('one live and the other mirrored: no free deployment', () => {
    expect(() => pickDeploymentName(state({ blue: 100 }, ['blue', 'green'], { green: 10 }), pair)).toThrow(/'green' receives mirrored traffic/);
  });
});

describe('planRollout', () => {
  test('first deploy: deploy at 0%, smoke, 100% and bake, whatever the strategy', () => {
    const p = plan(state({}, []), { strategy: 'canary', 'traffic-steps': '10,100', 'mirror-percent': '10' });
    expect(p.kind).toBe('first-deploy');
    expect(p.deployment).toBe('blue');
    expect(maps(state({}, []))).toEqual([
      ['deploy', {}, {}],
      ['smoke', {}, {}],
      ['traffic', { blue: 100 }, {}],
    ]);
    expect(p.notes.join(' ')).toMatch(/strategy canary applies from the next rollout.*mirror-percent is not used/);
  });

  test('blue-green (the default with live traffic): 0% → smoke → 100% → cleanup', () => {
    const p = plan(state({ blue: 100 }), { 'on-success': 'scale-down:1' });
    expect(p.kind).toBe('blue-green');
    expect(p.phases.map((x) => x.label)).toEqual(['deploy green', 'smoke test green', 'shift 100% to green', 'scale blue down to 1']);
    expect(p.phases.map((x) => x.traffic)).toEqual([{ blue: 100 }, { blue: 100 }, { green: 100 }, { green: 100 }]);
    expect(p.final).toEqual({ traffic: { green: 100 }, mirror: {} });
  });

  test('canary (implied by traffic-steps), with a mirror phase first; the rest stays on both previous deployments', () => {
    const s = state({ a: 50, b: 50 }, ['a', 'b']);
    expect(maps(s, { 'traffic-steps': '20,50,100', 'mirror-percent': '10', 'deployment-name': 'c1x' })).toEqual([
      ['deploy', { a: 50, b: 50 }, {}],
      ['smoke', { a: 50, b: 50 }, {}],
      ['traffic', { a: 50, b: 50 }, { c1x: 10 }],
      ['traffic', { a: 40, b: 40, c1x: 20 }, {}],
      ['traffic', { a: 25, b: 25, c1x: 50 }, {}],
      ['traffic', { c1x: 100 }, {}],
    ]);
    expect(plan(s, { strategy: 'canary', 'deployment-name': 'c1x' }).phases.filter((x) => x.kind === 'traffic').map((x) => x.traffic['c1x'])).toEqual([10, 50, 100]);
  });

  test('a deployment is never live and mirrored: the named one loses its mirror; another mirror pauses during the mirror phase', () => {
    const named = maps(state({ blue: 100 }, ['blue', 'green'], { green: 20 }), { 'deployment-name': 'green', 'traffic-steps': '50,100' });
    expect(named.slice(2)).toEqual([
      ['traffic', { blue: 50, green: 50 }, {}],
      ['traffic', { green: 100 }, {}],
    ]);
    const other = plan(state({ blue: 100 }, ['blue', 'shadow'], { shadow: 5 }), { 'mirror-percent': '10' });
    expect(other.phases.slice(2).map((x) => x.mirror)).toEqual([{ green: 10 }, { shadow: 5 }]);
    expect(other.notes.join(' ')).toMatch(/mirroring to shadow pauses during the mirror phase/);
  });

  test('replace: update the live deployment in place; traffic never moves', () => {
    const p = plan(state({ blue: 100 }), { strategy: 'replace', analysis: 'errors.rate <= 1%' });
    expect(p.deployment).toBe('blue');
    expect(p.phases.map((x) => [x.label, x.traffic])).toEqual([
      ['update blue', { blue: 100 }],
      ['smoke test blue', { blue: 100 }],
      ['observe blue', { blue: 100 }],
    ]);
    expect(plan(state({ blue: 100 }), { strategy: 'replace' }).phases).toHaveLength(2);
    expect(() => plan(state({ a: 50, b: 50 }), { strategy: 'replace' })).toThrow(/needs one deployment to update, and 2 serve traffic/);
    expect(() => plan(state({ blue: 100 }), { strategy: 'replace', 'deployment-name': 'green' })).toThrow(/'green' serves none/);
  });

  test('a named deployment that serves traffic cannot be rolled out to', () => {
    expect(() => plan(state({ blue: 90, green: 10 }), { 'deployment-name': 'green' })).toThrow(/'green' serves 10% of live traffic/);
  });

  test('on-success delete removes the previous deployments; keep adds no phase', () => {
    expect(plan(state({ a: 50, b: 50 }), { 'on-success': 'delete' }).phases.at(-1)).toMatchObject({ kind: 'cleanup', action: 'delete', deployments: ['a', 'b'] });
    expect(plan(state({ blue: 100 })).phases.at(-1)!.kind).toBe('traffic');
  });

  test('the plan after a rollback is the plan of the first run', () => {
    const first = plan(state({ blue: 100 }, ['blue']), { 'traffic-steps': '10,100' });
    const rerun = plan(state({ blue: 100, green: 0 }, ['blue', 'green']), { 'traffic-steps': '10,100' });
    expect(rerun).toEqual(first);
    expect(plan(state({ blue: 0 }, ['blue']))).toEqual(plan(state({}, [])));
  });

  test('rows for the summary table', () => {
    const p = plan(state({ blue: 100 }), { 'traffic-steps': '10,100', 'mirror-percent': '5', analysis: 'latency.p95 <= 300ms', 'on-success': 'delete', bakeTimeMs: 600_000, checkIntervalMs: 120_000 });
    expect(planRows(p)).toEqual([
      ['1. deploy green', 'blue=100', 'none', '—', '—'],
      ['2. smoke test green', 'blue=100', 'none', '—', 'probe requests'],
      ['3. mirror 5% to green', 'blue=100', 'green=5', '10m00s', '`latency.p95 <= 300ms` every 2m00s (1 failed check tolerated)'],
      ['4. shift 10% to green', 'blue=90 green=10', 'none', '10m00s', '`latency.p95 <= 300ms` every 2m00s (1 failed check tolerated)'],
      ['5. shift 100% to green', 'green=100', 'none', '10m00s', '`latency.p95 <= 300ms` every 2m00s (1 failed check tolerated)'],
      ['6. delete blue', 'green=100', 'none', '—', '—'],
    ]);
    expect(planTable(p).split('\n')[0]).toBe('| Step | Traffic | Mirror | Bake | Checks |');
    // Without a probe-file the smoke test only checks that the deployment is ready.
    expect(planRows(p, { probe: false })[1]).toEqual(['2. smoke test green', 'blue=100', 'none', '—', 'ready (no probe-file)']);
  });
});
