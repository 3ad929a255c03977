import { rolloutBreakdown, type JournalPoint } from '../../../bench/rollout-breakdown';

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const EP = `${WS}/onlineEndpoints/Ep`;
const get = (at: number, path = `${EP}`): JournalPoint => ({ at, method: 'GET', path });
const trafficPut = (at: number, traffic: Record<string, number>): JournalPoint => ({ at, method: 'PUT', path: EP, requestBody: { properties: { traffic } } });

describe('rolloutBreakdown', () => {
  // spawn at 1000, exit at 40000: a canary 25/50/100 of green with 10 s bakes.
  const journal: JournalPoint[] = [
    get(500), // before the run: ignored
    { at: 1300, method: 'POST', path: '/entra/t/oauth2/v2.0/token' },
    get(1350),
    { at: 1400, method: 'PUT', path: `${EP}/deployments/GREEN?api-version=2025-04-01` },
    get(1900, '/operations/1'),
    get(2400, '/operations/1'),
    trafficPut(2450, { blue: 75, green: 25 }),
    get(3450, '/operations/2'),
    // bake 3450 → 13450
    trafficPut(13450, { blue: 50, green: 50 }),
    get(14450, '/operations/3'),
    get(24450),
    trafficPut(24500, { green: 100 }),
    get(25500, '/operations/4'),
    // bake 25500 → 35500, then a read and exit at 36000
    get(35500),
    get(36500), // after exit: ignored
  ];

  test('phases, per-step LRO, bake and what follows it; unordered input; case-insensitive names', () => {
    const b = rolloutBreakdown([...journal].reverse(), 1000, 36000, 'ep', 'green');
    expect(b.wallMs).toBe(35000);
    expect(b.startupMs).toBe(300);
    expect(b.beforeDeploymentMs).toBe(100);
    expect(b.deploymentMs).toBe(1050);
    expect(b.steps).toEqual([
      { share: 25, lroMs: 1000, bakeMs: 10000, afterBakeMs: 0 },
      { share: 50, lroMs: 1000, bakeMs: 10000, afterBakeMs: 50 },
      { share: 100, lroMs: 1000, bakeMs: 10000, afterBakeMs: 500 },
    ]);
    expect(b.overheadMs).toBe(5000);
  });

  test('a traffic PUT that leaves the new deployment at 0% is not a step', () => {
    const b = rolloutBreakdown([...journal, trafficPut(1500, { blue: 100, green: 0 })], 1000, 36000, 'ep', 'green');
    expect(b.steps.map((s) => s.share)).toEqual([25, 50, 100]);
    expect(b.deploymentMs).toBe(1050);
  });

  test('refuses a journal without the deployment PUT or any step', () => {
    expect(() => rolloutBreakdown(journal, 1000, 36000, 'ep', 'blue')).toThrow(/no PUT of deployment blue/);
    expect(() => rolloutBreakdown(journal.slice(0, 6), 1000, 36000, 'ep', 'green')).toThrow(/no traffic PUT/);
    expect(() => rolloutBreakdown(journal, 50000, 60000, 'ep', 'green')).toThrow(/no request/);
  });
});
