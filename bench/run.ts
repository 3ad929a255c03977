/**
 * `npm run bench`: figures that matter to users, each against a baseline measured in the same run, printed as a
 * table and written to bench/results.json (or BENCH_OUT). Never a test assertion; results are not committed.
 *
 * - Both sides of a comparison are whole processes timed spawn → exit by one helper (timing.ts), run as A/B
 *   pairs in ABBA order after BENCH_WARMUP discarded pairs; a ratio is the median of the per-pair ratios, with
 *   its min and max over BENCH_RUNS pairs.
 * - Each bundle (GitHub action, Azure DevOps task, CLI) runs a real register-model against the emulator through a
 *   recording proxy: spawn → first request, → first authenticated ARM request, → exit; and, in pairs of their own,
 *   the same run with an invalid workspace name, spawn → exit (the input error's latency).
 * - A no-op rerun against a warm `az version` (skipped when az is not installed), spawn → exit, straight against the
 *   emulator (no proxy hop: nothing of it is timed but the whole process).
 * - LRO detection lag and polls, BENCH_LRO_SAMPLES samples per duration; emulator throughput; bundle sizes.
 * - P5: the load engine against autocannon (load.ts); P6: the data profile against pandas + scipy (profile.ts).
 * - P4: a staged rollout's wall time against the sum of its bake times (rollout.ts), and the scoring data plane's
 *   requests/s and p99 against a bare HTTPS server answering the same JSON (scoring-rps.ts); each its own emulator.
 * - BENCH_ONLY=1,5 (or 1-2) runs only those numbered sections (sections.ts); the report and results.json hold only them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { BUNDLE_MAIN, bundles } from '../shared/build/bundle';
import { baseEnv } from '../shared/cli/runners';
import { CODE_CACHE_ENV } from '../shared/src/core/code-cache';
import { startTestEmulator, TEST_CA_DIR, type TestEmulator } from '../test/support/emulator';
import { measureEmulatorRps } from './emulator-rps';
import { benchModel, benchModelName, bundlesUnderTest } from './hosts';
import { measureLoadedJs, type LoadedJs } from './loaded-js';
import { measureLroSeries, type LroSeries } from './lro';
import { measureRollout, rolloutTable, type RolloutResult } from './rollout';
import { measureScoringRps, scoringRpsTable, type ScoringRpsResult } from './scoring-rps';
import { loadTable, measureLoad } from './load';
import { parseSections } from './sections';
import { measureProfile, profileTable } from './profile';
import { formatRange, formatTable, intFromEnv, runPairs, summarize, type Summary } from './stats';
import { startRecordingProxy, timeProcess } from './timing';
import { CODE_CACHE, compare, INVALID_WORKSPACE, invalidOnce, registerOnce, runOnce, type Compared, type RegisterFigures, type RerunFigures } from './register-runs';

const ROOT = join(__dirname, '..');
const RUNS = intFromEnv(process.env, 'BENCH_RUNS', 15);
const WARMUP = intFromEnv(process.env, 'BENCH_WARMUP', 3, 0);
const LRO_SAMPLES = intFromEnv(process.env, 'BENCH_LRO_SAMPLES', 3);
const LRO_DURATIONS = [3_000, 10_000, 25_000];
const ONLY = parseSections(process.env.BENCH_ONLY);
const want = (section: number): boolean => ONLY.has(section);
const OUT = resolve(process.env.BENCH_OUT || join(ROOT, 'bench', 'results.json'));

const BASELINE = "node -e ''";
const baselineRun = () => timeProcess(process.execPath, ['-e', ''], baseEnv());

function azAvailable(): boolean {
  const r = spawnSync('az', ['version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** sha256 over every file of the bundle folders (names and content), to tell which bundles a result is about. */
function bundleDigest(dirs: string[]): string {
  const h = createHash('sha256');
  for (const d of dirs)
    for (const f of (readdirSync(d, { recursive: true }) as string[]).sort()) {
      const path = join(d, f);
      if (!statSync(path).isFile()) continue;
      h.update(`${relative(ROOT, path)}\0`);
      h.update(readFileSync(path));
    }
  return h.digest('hex').slice(0, 16);
}

const ms = (s: Summary) => formatRange(s, 0);
const x = (s: Summary) => formatRange(s, 2, '×');

async function main(): Promise<void> {
  const started = Date.now();
  const bundleDirs = bundles().map((b) => join(ROOT, b.outDir));
  const head = git(['rev-parse', 'HEAD']);
  const dirtyTree = git(['status', '--porcelain']) !== '';
  const dirtyBundles = git(['status', '--porcelain', '--', 'shared/dist', 'actions', 'tasks']);
  const cpuList = cpus();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model,
    loadAvgAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    commit: head,
    treeDirty: dirtyTree,
    bundlesDirty: dirtyBundles !== '',
    bundleDigest: bundleDigest(bundleDirs),
    runs: RUNS,
    warmup: WARMUP,
    order: 'ABBA (A = baseline, B = subject)',
    baseline: `${BASELINE}, spawn → exit`,
    sections: [...ONLY],
  };

  const needEmulator = want(1) || want(2) || want(3);
  const t: TestEmulator | undefined = needEmulator ? await startTestEmulator() : undefined;
  const tls = {
    cert: readFileSync(join(TEST_CA_DIR, 'server.pem'), 'utf8'),
    key: readFileSync(join(TEST_CA_DIR, 'server-key.pem'), 'utf8'),
    ca: readFileSync(join(TEST_CA_DIR, 'ca.pem'), 'utf8'),
  };
  const proxy = t && want(1) ? await startRecordingProxy(t.emulator.url, tls) : undefined;
  const register: Record<string, RegisterFigures> = {};
  const reruns: Record<string, RerunFigures> = {};
  const lro: LroSeries[] = [];
  const loadedJs: Record<string, LoadedJs> = {};
  const haveAz = azAvailable();
  try {
    const hosts = t && proxy ? bundlesUnderTest(ROOT, t, proxy.url) : [];

    // 1. A real register-model (a new model each run) per bundle, against `node -e ''`, pairs in ABBA order.
    for (const b of want(1) ? hosts : []) {
      process.stderr.write(`bench: ${b.label}: register-model, ${WARMUP} + ${RUNS} pairs\n`);
      const { pairs } = await runPairs(RUNS, WARMUP, baselineRun, () => registerOnce(b, proxy!, benchModelName(), benchModel(), 'created'));
      loadedJs[b.kind] = await measureLoadedJs(b, benchModelName(), benchModel());
      const model = benchModel();
      const invalid = await runPairs(RUNS, WARMUP, baselineRun, () => invalidOnce(b, model));
      const invalidCold = await runPairs(RUNS, WARMUP, baselineRun, () => invalidOnce(b, model, 'off'));
      register[b.kind] = {
        label: b.label,
        firstRequest: compare(pairs, (s) => s.firstRequestMs),
        firstArmRequest: compare(pairs, (s) => s.firstArmMs),
        wholeRun: compare(pairs, (s) => s.run.ms),
        invalidInput: compare(invalid.pairs, (s) => s.ms),
        invalidInputNoCodeCache: compare(invalidCold.pairs, (s) => s.ms),
      };
    }

    // 2. No-op rerun (the model is already registered: result 'unchanged') against a warm `az version`. Timed
    // spawn → exit only, so straight against the emulator: the recording proxy would add a hop of its own.
    for (const b of want(2) && t ? bundlesUnderTest(ROOT, t, t.emulator.url) : []) {
      process.stderr.write(`bench: ${b.label}: no-op rerun\n`);
      const name = benchModelName();
      const path = benchModel();
      await runOnce(b, name, path, 'created');
      const rerun = () => runOnce(b, name, path, 'unchanged');
      if (haveAz) {
        const az = () => timeProcess('az', ['version'], { ...process.env });
        const { pairs } = await runPairs(RUNS, WARMUP, az, rerun);
        const cold = await runPairs(RUNS, WARMUP, az, () => runOnce(b, name, path, 'unchanged', 'off'));
        reruns[b.kind] = {
          label: b.label,
          rerun: summarize(pairs.map((p) => p.b.ms)),
          az: summarize(pairs.map((p) => p.a.ms)),
          speedupVsAz: summarize(pairs.map((p) => p.a.ms / p.b.ms)),
          rerunNoCodeCache: summarize(cold.pairs.map((p) => p.b.ms)),
          speedupVsAzNoCodeCache: summarize(cold.pairs.map((p) => p.a.ms / p.b.ms)),
        };
      } else {
        const samples: number[] = [];
        for (let n = 0; n < WARMUP + RUNS; n++) {
          const s = await rerun();
          if (n >= WARMUP) samples.push(s.ms);
        }
        reruns[b.kind] = { label: b.label, rerun: summarize(samples) };
      }
    }
  } finally {
    await proxy?.close();
  }
  if (want(1)) results.registerModel = register;
  if (want(2)) {
    results.idempotentRerun = {
      baseline: haveAz ? '`az version` (warm), spawn → exit' : 'skipped: az not installed',
      goal: '>= 2.5x faster than az version',
      bundles: reruns,
    };
  }

  // 3. Long-running operation detection: no Retry-After, several samples per provisioning duration.
  try {
    for (const d of want(3) ? LRO_DURATIONS : []) {
      process.stderr.write(`bench: LRO ${d / 1000} s × ${LRO_SAMPLES}\n`);
      lro.push(await measureLroSeries(t!, d, LRO_SAMPLES));
    }
  } finally {
    await t?.stop();
  }
  if (want(3)) results.lro = { goal: 'lag <= 1 s at every length measured (polls: 250 ms for 1 s, 900 ms to a minute, then at most 15 s apart)', series: lro };

  // 4. Emulator throughput against a bare HTTPS server, same run (its own emulator; ours is stopped by now).
  const rps = want(4) ? (process.stderr.write('bench: emulator throughput\n'), await measureEmulatorRps()) : undefined;
  if (rps) results.emulatorRps = rps;

  // 5. Bundle sizes (one per host kind): the bundle's main file (main.js behind a launcher) and the lazily loaded chunks beside it.
  const folderBytes = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).reduce((sum, f) => sum + (statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 0), 0);
  const sizes = Object.fromEntries(
    bundles().map((b) => [b.outDir, { mainJs: statSync(join(ROOT, b.outDir, b.codeCache ? BUNDLE_MAIN : 'index.js')).size, allFiles: folderBytes(join(ROOT, b.outDir)) }]),
  );
  if (want(5)) results.bundleSizes = sizes;
  if (want(1)) results.loadedJs = loadedJs;
  results.bundleGoalBytes = 1.5 * 1024 * 1024;

  // 6. P4: a canary's wall time against the sum of its bakes (its own emulator, every LRO 500 ms).
  const rollout = want(6) ? await measureRollout() : undefined;
  if (rollout) results.rollout = rollout;

  // 7. The scoring data plane (behaviour output: no Python) against a bare HTTPS server, same run.
  const scoring = want(7) ? (process.stderr.write('bench: scoring data plane throughput\n'), await measureScoringRps()) : undefined;
  if (scoring) results.scoringRps = scoring;

  // 8. P5: staging-checks' load engine against autocannon on a bare local server (a child process), same connections.
  const load = want(8) ? (process.stderr.write('bench: load engine against autocannon\n'), await measureLoad()) : undefined;
  if (load) results.load = load;

  // 9. P6: the drift and data-quality profile of two 1,000,000 × 20 CSV files against pandas + scipy (skipped plainly without them).
  const profile = want(9) ? (process.stderr.write('bench: data profile against pandas + scipy\n'), await measureProfile()) : undefined;
  if (profile) results.profile = profile;
  results.durationS = Math.round((Date.now() - started) / 1000);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  const more = [
    ...(load
      ? ['8. Load engine (P5, staging-checks): ours against autocannon, same connections and duration, bare local server in a child process; goals rps >= 0.9×, p99 within ±10%', loadTable(load), '']
      : []),
    ...(profile
      ? [
          '9. Data profile (P6, staging-checks): drift + data quality of two 1,000,000 × 20 CSV files against pandas + scipy (BENCH_PYTHON picks the interpreter); goals time <= pandas, peak memory <= half',
          profileTable(profile),
        ]
      : []),
  ].join('\n');
  process.stdout.write(report(results, register, reruns, haveAz, lro, rps, sizes, loadedJs, rollout, scoring) + `\n${more}\n\nwritten to ${relative(process.cwd(), OUT) || OUT}\n`);
}

function report(
  r: Record<string, unknown>,
  register: Record<string, RegisterFigures>,
  reruns: Record<string, RerunFigures>,
  haveAz: boolean,
  lro: LroSeries[],
  rps: { emulatorRps: number; bareRps: number; ratio: number } | undefined,
  sizes: Record<string, { mainJs: number; allFiles: number }>,
  loadedJs: Record<string, LoadedJs>,
  rollout: RolloutResult | undefined,
  scoring: ScoringRpsResult | undefined,
): string {
  const out: string[] = [];
  out.push(`aml-lifecycle bench  ${r.date}  (${r.durationS} s)`);
  out.push(`Node ${r.node} on ${r.platform}, ${r.cpus} CPUs (${r.cpuModel}), load average at start ${(r.loadAvgAtStart as number[]).join(' ')}`);
  out.push(
    `Bundles measured: commit ${r.commit || 'unknown'}, tree ${r.treeDirty ? 'DIRTY' : 'clean'}, bundle files ${r.bundlesDirty ? 'DIRTY (differ from the commit)' : 'as committed'}, digest ${r.bundleDigest}`,
  );
  out.push(`Pairs: n = ${r.runs} after ${r.warmup} discarded warm-up pairs, ABBA order; ratio = median of per-pair ratios [min–max]`);
  out.push('');
  if (want(1)) {
    out.push(`1. register-model (a new model each run) against the emulator, via a recording proxy; baseline ${BASELINE} spawn → exit`);
    out.push(`   invalid input: the same run with workspace '${INVALID_WORKSPACE}' (rejected before anything is sent), its own pairs; with the code cache warm, then ${CODE_CACHE_ENV}=off`);
    const rows: string[][] = [];
    for (const v of Object.values(register)) {
      const row = (fig: string, c: Compared, goal = '') => [fig === 'first request' ? v.label : '', fig, ms(c.subject), ms(c.baseline), x(c.ratio), String(c.ratio.n), goal];
      rows.push(row('first request', v.firstRequest, '<= 2.0×'));
      rows.push(row('first ARM request', v.firstArmRequest));
      rows.push(row('whole run', v.wholeRun));
      rows.push(row(`exit, invalid input`, v.invalidInput, '<= 1.5×'));
      rows.push(row(`  same, no code cache`, v.invalidInputNoCodeCache, '<= 1.5×'));
    }
    out.push(formatTable(['bundle', 'spawn → ', 'ms median [min–max]', `baseline ms`, 'ratio median [min–max]', 'n', 'goal'], rows));
    out.push('');
  }
  if (want(2)) {
    out.push(`2. No-op rerun (result unchanged), spawn → exit; baseline: ${haveAz ? 'warm `az version`' : 'skipped: az not installed'}; goal >= 2.5× faster than az version`);
    out.push(`   with the code cache warm (a machine where a step ran before; folder ${CODE_CACHE}) and without it (${CODE_CACHE_ENV}=off: a fresh hosted runner)`);
    out.push(
      formatTable(
        ['bundle', 'rerun ms median [min–max]', 'az version ms', 'speedup az/rerun [min–max]', 'no code cache: rerun ms', 'speedup', 'n'],
        Object.values(reruns).map((v) => [
          v.label,
          ms(v.rerun),
          v.az ? ms(v.az) : 'skipped: az not installed',
          v.speedupVsAz ? x(v.speedupVsAz) : 'skipped: az not installed',
          v.rerunNoCodeCache ? ms(v.rerunNoCodeCache) : '–',
          v.speedupVsAzNoCodeCache ? x(v.speedupVsAzNoCodeCache) : '–',
          String(v.rerun.n),
        ]),
      ),
    );
    out.push('');
  }
  if (want(3)) {
    out.push('3. Long-running operation (online endpoint create, no Retry-After): detection lag after the operation ends, polls; goal lag <= 1 s at every length (the poll interval widens only after the first minute)');
    out.push(
      formatTable(
        ['provisioning', 'lag ms median [min–max]', 'polls median [min–max]', 'n'],
        lro.map((s) => [`${s.provisioningMs / 1000} s`, ms(s.detectionLagMs), formatRange(s.polls, 0), String(s.detectionLagMs.n)]),
      ),
    );
    out.push('');
  }
  if (rps) {
    out.push('4. Emulator throughput: authenticated ARM GETs/s, against a bare Node HTTPS server returning the same JSON (same run)');
    out.push(formatTable(['emulator req/s', 'bare req/s', 'ratio'], [[String(Math.round(rps.emulatorRps)), String(Math.round(rps.bareRps)), rps.ratio.toFixed(3)]]));
    out.push('');
  }
  if (want(5)) {
    out.push(`5. Bundle sizes (goal: the JavaScript a register-model run loads <= ${Math.round((1.5 * 1024 * 1024) / 1024)} kB)`);
    out.push(
      formatTable(
        ['bundle', 'main file kB', 'all files kB'],
        Object.entries(sizes).map(([k, v]) => [k, (v.mainJs / 1024).toFixed(0), (v.allFiles / 1024).toFixed(0)]),
      ),
    );
    out.push('');
  }
  if (want(1)) {
    out.push(
      formatTable(
        ['register-model run', 'files loaded', 'loaded JS kB'],
        Object.entries(loadedJs).map(([k, v]) => [register[k]?.label ?? k, String(v.files), (v.bytes / 1024).toFixed(0)]),
      ),
    );
    out.push('');
  }
  if (rollout) {
    out.push(
      `6. Staged rollout (P4): CLI deploy-online canary ${rollout.trafficSteps.join(',')}, bake ${rollout.bakeMs / 1000} s, no analysis rules, alternating deployments, spawn → exit; ` +
        `emulator lroDurationMs ${rollout.lroDurationMs} (every operation; realistically low); goal wall <= 1.05 × sum of bakes`,
    );
    out.push(rolloutTable(rollout));
    out.push('');
  }
  if (scoring) {
    out.push(
      `7. Scoring data plane: POST /score with the endpoint key, ${scoring.bodyBytes}-byte body, ${scoring.connections} keep-alive connections, ${scoring.requests} requests per side (ABBA halves), ` +
        'against a bare Node HTTPS server answering the same JSON; goal >= 0.5× its req/s',
    );
    out.push(scoringRpsTable(scoring));
  }
  return out.join('\n') + '\n';
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
