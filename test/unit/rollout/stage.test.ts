// Strategy stage (deploy and check at 0%, then stop) and a target already deployed as desired (not written again,
// preferred by deployment-name: auto): the plan, and the driver against the in-memory endpoint.
import { pickDeploymentName } from '../../../shared/src/rollout/deployment-name';
import { runRollout } from '../../../shared/src/rollout/driver';
import { parseRolloutInputs, type RawRolloutInputs } from '../../../shared/src/rollout/inputs';
import { planRollout } from '../../../shared/src/rollout/plan';
import { planRows } from '../../../shared/src/rollout/plan-table';
import type { EndpointState } from '../../../shared/src/rollout/traffic';
import { FakeEndpoint } from './fake-endpoint';

const state = (traffic: Record<string, number>, deployments: string[] = Object.keys(traffic), mirror: Record<string, number> = {}): EndpointState => ({ traffic, mirror, deployments });
const choices = (raw: RawRolloutInputs = {}) => parseRolloutInputs({ bakeTimeMs: 120_000, checkIntervalMs: 60_000, ...raw });
const GOOD = { 'latency.p95': 120, 'errors.5xx.rate': 0 };

describe('planRollout: strategy stage', () => {
  test('beside a live deployment: deploy the idle one at 0%, smoke, stop; the maps stay; no cleanup', () => {
    const p = planRollout(state({ blue: 100 }), choices({ strategy: 'stage', 'on-success': 'delete', analysis: 'latency.p95 <= 300ms' }));
    expect(p.kind).toBe('stage');
    expect(p.deployment).toBe('green');
    expect(p.previous).toEqual(['blue']);
    expect(p.phases.map((x) => [x.kind, x.label, x.traffic, x.mirror])).toEqual([
      ['deploy', 'deploy green', { blue: 100 }, {}],
      ['smoke', 'smoke test green', { blue: 100 }, {}],
    ]);
    expect(p.final).toEqual(p.initial);
    expect(p.notes).toEqual([
      "Strategy stage moves no traffic: the analysis rules are checked when 'green' is promoted.",
      "Strategy stage moves no traffic: on-success applies when 'green' is promoted.",
    ]);
  });

  test('on an endpoint with no live traffic: staged at 0% all the same, and the note says the endpoint serves nothing', () => {
    const p = planRollout(state({}, []), choices({ strategy: 'stage' }));
    expect(p.kind).toBe('stage');
    expect(p.deployment).toBe('blue');
    expect(p.phases.map((x) => x.kind)).toEqual(['deploy', 'smoke']);
    expect(p.final).toEqual({ traffic: {}, mirror: {} });
    expect(p.notes[0]).toMatch(/No deployment serves traffic yet: 'blue' is staged at 0%, and the endpoint serves no traffic until a later run/);
  });

  test('a named deployment that serves traffic cannot be staged; a mirror elsewhere stays as it is', () => {
    expect(() => planRollout(state({ blue: 100 }), choices({ strategy: 'stage', 'deployment-name': 'blue' }))).toThrow(/'blue' serves 100% of live traffic/);
    const p = planRollout(state({ blue: 100 }, ['blue', 'shadow'], { shadow: 5 }), choices({ strategy: 'stage' }));
    expect(p.final).toEqual({ traffic: { blue: 100 }, mirror: { shadow: 5 } });
    expect(p.notes).toEqual([]);
  });
});

describe('a target already deployed as desired (ready)', () => {
  test('its deploy phase writes nothing and says so; the rest of the blue-green plan is unchanged', () => {
    const fresh = planRollout(state({ blue: 100 }, ['blue', 'green']), choices({ strategy: 'blue-green' }));
    const promoted = planRollout(state({ blue: 100 }, ['blue', 'green']), choices({ strategy: 'blue-green' }), { ready: ['green'] });
    expect(promoted.phases[0]).toMatchObject({ kind: 'deploy', deployment: 'green', ready: true, label: 'use green (already deployed as desired)' });
    expect(fresh.phases[0]).not.toHaveProperty('ready');
    expect(promoted.phases.slice(1)).toEqual(fresh.phases.slice(1));
    expect(planRows(promoted)[0]![0]).toBe('1. use green (already deployed as desired)');
  });

  test('auto prefers the idle one of the pair already as desired, over the first idle name', () => {
    const pair = ['blue', 'green'] as const;
    expect(pickDeploymentName(state({ legacy: 100 }, ['legacy', 'green']), pair)).toBe('blue');
    expect(pickDeploymentName(state({ legacy: 100 }, ['legacy', 'green']), pair, ['green'])).toBe('green');
    expect(pickDeploymentName(state({}, ['green']), pair, ['green'])).toBe('green');
    // Never one that serves traffic or is mirrored, and never outside the pair.
    expect(pickDeploymentName(state({ green: 100 }), pair, ['green'])).toBe('blue');
    expect(pickDeploymentName(state({ legacy: 100 }, ['legacy', 'green'], { green: 5 }), pair, ['green'])).toBe('blue');
    expect(pickDeploymentName(state({ blue: 100 }, ['blue', 'red']), pair, ['red'])).toBe('green');
  });

  test('a live target is written as usual (replace), and first deploys use a staged one without writing it', () => {
    const replace = planRollout(state({ blue: 100 }), choices({ strategy: 'replace' }), { ready: ['blue'] });
    expect(replace.phases[0]).toMatchObject({ kind: 'deploy', label: 'update blue' });
    expect(replace.phases[0]).not.toHaveProperty('ready');
    const first = planRollout(state({}, ['green']), choices({}), { ready: ['green'] });
    expect(first.kind).toBe('first-deploy');
    expect(first.phases.map((x) => x.label)).toEqual(['use green (already deployed as desired)', 'smoke test green', 'send 100% to green']);
  });
});

describe('runRollout: stage, then promote', () => {
  test('stage: the deployment is written and smoke-tested; no traffic write; the endpoint keeps its maps', async () => {
    const ep = new FakeEndpoint({ traffic: { blue: 100 } });
    const r = await runRollout(planRollout(ep.state(), choices({ strategy: 'stage' })), ep);
    expect(r.status).toBe('succeeded');
    expect(ep.ops()).toEqual(['createOrUpdateDeployment(green)', 'smoke(green)']);
    expect(ep.history).toEqual([{ traffic: { blue: 100 }, mirror: {} }]);
    expect(r.current).toEqual({ traffic: { blue: 100 }, mirror: {} });
  });

  test('promote: the ready deployment is not written; smoke, the switch with its bake, cleanup', async () => {
    const ep = new FakeEndpoint({ traffic: { blue: 100 }, deployments: ['blue', 'green'] });
    ep.measurements = [GOOD];
    const plan = planRollout(ep.state(), choices({ strategy: 'blue-green', analysis: 'latency.p95 <= 300ms', 'on-success': 'scale-down:1' }), { ready: ['green'] });
    const r = await runRollout(plan, ep);
    expect(r.status).toBe('succeeded');
    expect(ep.ops()).toEqual(['smoke(green)', 'setTraffic({"green":100}, {})', 'scaleDeployment(blue, 1)']);
    expect(ep.deployments.get('green')!.version).toBe(1);
    expect(r.timeline.map((t) => [t.step, t.verdict, t.detail, t.checks.length])).toEqual([
      ['use green (already deployed as desired)', 'passed', 'already deployed as desired: not written', 0],
      ['smoke test green', 'passed', '2 of 2 requests as expected', 0],
      ['shift 100% to green', 'passed', undefined, 2],
      ['scale blue down to 1', 'passed', undefined, 0],
    ]);
  });

  test('stage with a failed smoke test: failed, no traffic moved, on-failure delete removes the new deployment', async () => {
    const ep = new FakeEndpoint({ traffic: { blue: 100 } });
    ep.smokeResult = { passed: false, detail: "request 'two-rows': output [3] is not [3, 2]" };
    const r = await runRollout(planRollout(ep.state(), choices({ strategy: 'stage', 'on-failure': 'delete' })), ep);
    expect(r.status).toBe('failed');
    expect(ep.ops()).toEqual(['createOrUpdateDeployment(green)', 'smoke(green)', 'deleteDeployment(green)']);
    expect(ep.history).toEqual([{ traffic: { blue: 100 }, mirror: {} }]);
    expect(ep.deployments.has('green')).toBe(false);
    expect(r.error!.message).toBe(
      "The rollout of 'green' stopped at 'smoke test green': the smoke test failed: request 'two-rows': output [3] is not [3, 2]. No traffic had moved. 'green' was deleted (on-failure: delete).",
    );
    expect(r.error!.code).toBe('SmokeTestFailed');
  });
});
