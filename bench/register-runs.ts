/**
 * The register-model runs `npm run bench` times (run.ts, sections 1 and 2): one run of a bundle, spawn → exit, with
 * when its first request and first ARM request reached the recording proxy; the same with an invalid input; and the
 * figures they add up to.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE_ENV } from '../shared/src/core/code-cache';
import { benchModelName, type BundleUnderTest } from './hosts';
import { pairRatios, summarize, type Summary } from './stats';
import { firstArmRequest, firstRequest, timeProcess, type RecordingProxy, type TimedRun } from './timing';

/**
 * The bundles' compiled-code cache (shared/src/core/code-cache.ts): a folder of this run's own, filled by the
 * warm-up runs, as on a machine where a step has run before. Section 2 also times reruns without it (`off`): the
 * first step of a job on a fresh hosted runner.
 */
export const CODE_CACHE = mkdtempSync(join(tmpdir(), 'bench-code-cache-'));

export interface Compared {
  subject: Summary;
  baseline: Summary;
  /** Median of per-pair ratios subject / baseline, with min and max. */
  ratio: Summary;
}

export function compare<B>(pairs: { a: TimedRun; b: B }[], subject: (b: B) => number): Compared {
  return {
    subject: summarize(pairs.map((p) => subject(p.b))),
    baseline: summarize(pairs.map((p) => p.a.ms)),
    ratio: summarize(pairRatios(pairs, subject, (a) => a.ms)),
  };
}

export interface RegisterFigures {
  label: string;
  firstRequest: Compared;
  firstArmRequest: Compared;
  wholeRun: Compared;
  invalidInput: Compared;
  invalidInputNoCodeCache: Compared;
}

/** A no-op rerun, with the code cache warm and off, against `az version` when az is installed. */
export interface RerunFigures {
  label: string;
  rerun: Summary;
  az?: Summary;
  speedupVsAz?: Summary;
  rerunNoCodeCache?: Summary;
  speedupVsAzNoCodeCache?: Summary;
}

export interface RegisterSample {
  run: TimedRun;
  firstRequestMs: number;
  firstArmMs: number;
}

/** One register-model run of `b`, timed spawn → exit; it must end with `expect` as its result. */
export async function runOnce(b: BundleUnderTest, name: string, path: string, expect: string, cache = CODE_CACHE): Promise<TimedRun> {
  const inv = b.invocation(name, path);
  const run = await timeProcess(process.execPath, [inv.script, ...inv.args], { ...inv.env, [CODE_CACHE_ENV]: cache });
  const result = inv.result(run);
  if (run.exitCode !== 0 || result !== expect) {
    throw new Error(`${b.label}: exit ${run.exitCode}, result ${result} (wanted ${expect})\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  }
  return run;
}

/** runOnce through the recording proxy, with when the run's first request and first ARM request arrived there. */
export async function registerOnce(b: BundleUnderTest, proxy: RecordingProxy, name: string, path: string, expect: string, cache = CODE_CACHE): Promise<RegisterSample> {
  const run = await runOnce(b, name, path, expect, cache);
  const first = firstRequest(proxy.seen, run.startedAt);
  const arm = firstArmRequest(proxy.seen, run.startedAt);
  if (!first || !arm) throw new Error(`${b.label}: no ${first ? 'ARM ' : ''}request reached the proxy`);
  proxy.seen.length = 0; // runs are sequential: what is left belongs to this run
  return { run, firstRequestMs: first.at - run.startedAt, firstArmMs: arm.at - run.startedAt };
}

/** A workspace name the step rejects before sending anything (too short). */
export const INVALID_WORKSPACE = 'x';

/** One register-model run of `b` with an invalid workspace name, timed spawn → exit; it must fail as invalid input. */
export async function invalidOnce(b: BundleUnderTest, modelPath: string, cache = CODE_CACHE): Promise<TimedRun> {
  const inv = b.invocation(benchModelName(), modelPath, INVALID_WORKSPACE);
  const run = await timeProcess(process.execPath, [inv.script, ...inv.args], { ...inv.env, [CODE_CACHE_ENV]: cache });
  if (run.exitCode !== 1 || !/Invalid input/.test(run.stdout + run.stderr)) {
    throw new Error(`${b.label}: an invalid workspace name gave exit ${run.exitCode}, not an input error\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`);
  }
  return run;
}
