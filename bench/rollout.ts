/**
 * P4: a staged rollout's wall time against the sum of its bake times (goal <= 1.05×). An emulator with Azurite
 * (every long-running operation lroDurationMs, default 500 ms: realistically low for a bench, a real managed
 * deployment takes minutes), the fixture model and a first deploy (bake 1 ms: the step wants a bake longer than zero); then each sample is a canary of the
 * CLI bundle, `node shared/dist/cli/index.js deploy-online … --deployment-name auto --traffic-steps 25,50,100
 * --bake-time B`, no analysis rules (bakes only wait), timed spawn → exit. `auto` alternates blue and green, and
 * each sample sets its own environment variable so the deployment differs from the one serving. The breakdown
 * (startup, deployment LRO, traffic PUTs and their LROs, bakes) is read off the emulator's journal.
 *
 *   npx tsx bench/rollout.ts            BENCH_ROLLOUT_BAKE (s or a duration, default 10 s), BENCH_ROLLOUT_SAMPLES (2)
 *   import { measureRollout } from './rollout'; await measureRollout()
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { TestEmulator } from '../test/support/emulator';
import { deployOnce, startDeployEmulator } from './deploy-setup';
import { rolloutBreakdown, type JournalPoint, type RolloutBreakdown } from './rollout-breakdown';
import { durationFromEnv, formatRange, formatTable, intFromEnv, summarize, type Summary } from './stats';

export const TRAFFIC_STEPS = [25, 50, 100];

export interface RolloutSample extends RolloutBreakdown {
  deployment: string;
  /** wall / (steps × bake) */
  ratio: number;
  /** (wall − the service's own operation time: the deployment and each traffic update, lroDurationMs each) / (steps × bake) */
  ratioWithoutService: number;
}

export interface RolloutResult {
  goal: string;
  bakeMs: number;
  trafficSteps: number[];
  lroDurationMs: number;
  samples: RolloutSample[];
  wallMs: Summary;
  /** wall / sum of bake times, median [min–max] */
  ratio: Summary;
  /** The same without the emulator's configured operation durations: what the step itself adds. */
  ratioWithoutService: Summary;
  startupMs: Summary;
  beforeDeploymentMs: Summary;
  deploymentMs: Summary;
  /** Per traffic step: the update LRO (PUT → settled) and what followed its bake. */
  trafficLroMs: Summary[];
  afterBakeMs: Summary[];
  overheadMs: Summary;
}

export interface RolloutOptions {
  bakeMs?: number;
  samples?: number;
  lroDurationMs?: number;
}

export async function measureRollout(opts: RolloutOptions = {}): Promise<RolloutResult> {
  const bakeMs = opts.bakeMs ?? durationFromEnv(process.env, 'BENCH_ROLLOUT_BAKE', 10_000);
  const samples = opts.samples ?? intFromEnv(process.env, 'BENCH_ROLLOUT_SAMPLES', 2);
  const lroDurationMs = opts.lroDurationMs ?? 500;
  const t: TestEmulator = await startDeployEmulator(lroDurationMs);
  const runs: RolloutSample[] = [];
  try {
    const endpoint = `bench-ep-${randomBytes(3).toString('hex')}`;
    process.stderr.write(`bench: rollout: first deploy of ${endpoint}\n`);
    await deployOnce(t, endpoint, { bakeMs: 1 });
    for (let n = 1; n <= samples; n++) {
      process.stderr.write(`bench: rollout: canary ${TRAFFIC_STEPS.join(',')} × bake ${bakeMs} ms, sample ${n}/${samples}\n`);
      const since = await t.control.lastSeq();
      const offset = Date.now() - performance.now(); // journal times are epoch ms (the emulator runs in this process)
      const { run, outputs } = await deployOnce(t, endpoint, {
        deploymentName: 'auto',
        strategy: 'canary',
        trafficSteps: TRAFFIC_STEPS.join(','),
        bakeMs,
        set: [`environment_variables.BENCH_SAMPLE=${n}-${randomBytes(2).toString('hex')}`],
      });
      const journal = await t.control.journal(since);
      const points: JournalPoint[] = journal
        .filter((e) => e.area !== 'control' && !e.path.startsWith('/_emulator/'))
        .map((e) => ({ at: Date.parse(e.time), method: e.method, path: e.path, requestBody: e.requestBody }));
      const start = run.startedAt + offset;
      const b = rolloutBreakdown(points, start, start + run.ms, endpoint, outputs['deployment-name']);
      const bakes = TRAFFIC_STEPS.length * bakeMs;
      const service = (1 + TRAFFIC_STEPS.length) * lroDurationMs;
      runs.push({ ...b, deployment: outputs['deployment-name'], ratio: b.wallMs / bakes, ratioWithoutService: (b.wallMs - service) / bakes });
    }
  } finally {
    await t.stop();
  }
  const of = (f: (s: RolloutSample) => number) => summarize(runs.map(f));
  return {
    goal: 'wall <= 1.05 × sum of bake times',
    bakeMs,
    trafficSteps: TRAFFIC_STEPS,
    lroDurationMs,
    samples: runs,
    wallMs: of((s) => s.wallMs),
    ratio: of((s) => s.ratio),
    ratioWithoutService: of((s) => s.ratioWithoutService),
    startupMs: of((s) => s.startupMs),
    beforeDeploymentMs: of((s) => s.beforeDeploymentMs),
    deploymentMs: of((s) => s.deploymentMs),
    trafficLroMs: TRAFFIC_STEPS.map((_, i) => of((s) => s.steps[i]?.lroMs ?? NaN)),
    afterBakeMs: TRAFFIC_STEPS.map((_, i) => of((s) => s.steps[i]?.afterBakeMs ?? NaN)),
    overheadMs: of((s) => s.overheadMs),
  };
}

/** The section as the bench prints it. */
export function rolloutTable(r: RolloutResult): string {
  const ms = (s: Summary) => formatRange(s, 0);
  const rows: string[][] = [
    ['wall / (3 × bake)', formatRange(r.ratio, 3, '×'), '<= 1.05×'],
    [`(wall − 4 × ${r.lroDurationMs} ms of service operations) / (3 × bake)`, formatRange(r.ratioWithoutService, 3, '×'), "the step's own overhead"],
    ['wall, spawn → exit', ms(r.wallMs), `${r.trafficSteps.length} × ${r.bakeMs} ms bakes`],
    ['  spawn → first request', ms(r.startupMs), ''],
    ['  → deployment PUT (sign-in, reads, doctor)', ms(r.beforeDeploymentMs), ''],
    ['  deployment create/update LRO → first traffic PUT', ms(r.deploymentMs), 'incl. Python scoring start'],
    ...r.trafficSteps.flatMap((p, i) => [
      [`  traffic PUT ${p}% → settled (LRO polls)`, ms(r.trafficLroMs[i]), ''],
      [`  after the ${p}% bake → ${i + 1 < r.trafficSteps.length ? 'next PUT' : 'exit'}`, ms(r.afterBakeMs[i]), ''],
    ]),
    ['  total outside the bakes', ms(r.overheadMs), ''],
  ];
  return formatTable(['figure', 'median [min–max]', 'note'], rows) + `\nn = ${r.samples.length} (deployments ${r.samples.map((s) => s.deployment).join(', ')})`;
}

if (require.main === module) {
  measureRollout()
    .then((r) => {
      console.log(`P4 staged rollout: canary ${r.trafficSteps.join(',')}, bake ${r.bakeMs} ms, emulator lroDurationMs ${r.lroDurationMs}`);
      console.log(rolloutTable(r));
      console.log(JSON.stringify(r));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
