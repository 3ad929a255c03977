/**
 * The staging checks' data half on a realistic size: two generated 1,000,000-row × 20-column CSV files (14 normal
 * and 2 uniform doubles, 2 wide integers, 2 categorical strings with up to 50 levels, one with quoted commas; 1 %
 * nulls in four columns; the target shifted), profiled and compared by our library in a child process (data drift:
 * NWD, JSD and the KS statistic per numerical column, JSD per categorical one; then data quality: null and
 * out-of-bounds rates; both through `evaluateDataChecks`, one dtype pass and one profile pass per file, as the
 * staging step's pair of checks), against a Python anchor doing the pandas/scipy equivalent (read both files, KS per numerical
 * column, Jensen-Shannon per categorical one, null rates, min/max). Each side's peak memory is its own process's
 * maximum resident set: `process.resourceUsage().maxRSS` in ours, `resource.getrusage` in Python's. The Python side
 * uses BENCH_PYTHON, else the first of python3 and /usr/bin/python3 with pandas and scipy, else installs Debian's
 * python3-pandas python3-scipy (apt-get as root, or sudo -n) and is skipped, saying why, when that fails. Our side runs
 * as one esbuild bundle, not through tsx.
 *
 *   npx tsx bench/profile.ts [rows]              (default 1,000,000; BENCH_PROFILE_ROWS)
 *   import { measureProfile, profileTable } from './profile'; profileTable(await measureProfile())
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatTable, intFromEnv } from './stats';

const ROOT = resolve(__dirname, '..');
const NUMERIC = 16;
const CATEGORICAL = 4;

export interface SideFigures {
  /** Spawn to exit. */
  wallSeconds: number;
  maxRssMiB: number;
}

export interface OursFigures extends SideFigures {
  /** Drift and quality together (`evaluateDataChecks`, what the step's pair of checks costs). */
  seconds: number;
  /** Its phases: both dtype passes, the baseline profile pass, the target profile pass, the metrics. */
  phases: { schema: number; baseline: number; target: number; metrics: number };
  qualityRows: number;
  spilledValues: number;
  /** Per column: JSD for categorical columns, the KS statistic D for numerical ones (for the agreement check). */
  js: Record<string, number>;
  ksD: Record<string, number>;
}

export interface PythonFigures extends SideFigures {
  seconds: number;
  js: Record<string, number>;
  ksD: Record<string, number>;
}

export interface ProfileBenchResult {
  rows: number;
  columns: number;
  fileMiB: number;
  generateSeconds: number;
  ours: OursFigures;
  python: PythonFigures | { skipped: string };
  /** Largest |ours − Python| over the columns (Python drops nulls per column, Azure per row: not zero). */
  agreement?: { jsd: number; ksD: number };
}

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const columnNames = (): string[] => [
  ...Array.from({ length: 12 }, (_, i) => `n${i}`),
  'u0',
  'u1',
  'i0',
  'i1',
  'c0',
  'c1',
  'c2',
  'c3',
];

/** Writes one CSV of `rows` rows; `shift` moves the numerical means and the category mix. */
export function generateCsv(path: string, rows: number, seed: number, shift: number): void {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const fd = openSync(path, 'w');
  let chunk = columnNames().join(',') + '\n';
  const c3 = ['"north, east"', 'south', 'west'];
  try {
    for (let row = 0; row < rows; row++) {
      const cells: string[] = [];
      for (let i = 0; i < 12; i++) {
        if (i < 4 && r() < 0.01) cells.push('');
        else cells.push((normal() * (1 + i) + 10 * i + shift * (1 + i) * 0.1).toFixed(4));
      }
      cells.push((r() * 100 + shift).toFixed(4), (r() * 1000).toFixed(3));
      cells.push(String(Math.floor(r() * 100000)), String(Math.floor(r() * 50000 + shift * 500)));
      cells.push(`level${Math.floor(r() * (5 + shift))}`, `k${Math.floor(Math.pow(r(), 1 + shift) * 20)}`, `city_${Math.floor(r() * 50)}`, c3[Math.floor(r() * 3)]!);
      chunk += cells.join(',') + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

const CHILD = (library: string) => `
import { evaluateDataChecks } from ${JSON.stringify(library)};
import { performance } from 'node:perf_hooks';
async function main() {
  const [base, target] = process.argv.slice(2);
  const t0 = performance.now();
  const r = await evaluateDataChecks(base, target, {
    drift: {
      numericalMetrics: ['NormalizedWassersteinDistance', 'JensenShannonDistance', 'TwoSampleKolmogorovSmirnovTest'],
      categoricalMetrics: ['JensenShannonDistance'],
    },
    quality: { metrics: ['NullValueRate', 'OutOfBoundsRate'] },
  });
  const t1 = performance.now();
  const js = {}, ksD = {};
  for (const x of r.drift.rows) {
    if (x.type === 'categorical' && x.metric === 'JensenShannonDistance') js[x.feature] = x.value;
    if (x.metric === 'TwoSampleKolmogorovSmirnovTest') ksD[x.feature] = x.statistic;
  }
  process.stdout.write(JSON.stringify({
    seconds: (t1 - t0) / 1000, phases: r.phases, qualityRows: r.quality.rows.length, spilledValues: r.drift.spilledValues, js, ksD,
    maxRssKiB: process.resourceUsage().maxRSS,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

const PYTHON = `
import json, resource, sys, time
import numpy as np, pandas as pd
from scipy import stats
from scipy.spatial import distance
t0 = time.perf_counter()
b = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=[''])
t = pd.read_csv(sys.argv[2], keep_default_na=False, na_values=[''])
js, ksd, nulls, bounds = {}, {}, {}, {}
for c in b.columns:
    nulls[c] = [float(b[c].isna().mean()), float(t[c].isna().mean())]
    if pd.api.types.is_numeric_dtype(b[c]):
        x, y = b[c].dropna().to_numpy(), t[c].dropna().to_numpy()
        ksd[c] = float(stats.ks_2samp(x, y).statistic)
        bounds[c] = [float(x.min()), float(x.max())]
    else:
        p, q = b[c].value_counts(normalize=True), t[c].value_counts(normalize=True)
        keys = sorted(set(p.index) | set(q.index))
        js[c] = float(distance.jensenshannon(p.reindex(keys, fill_value=0).to_numpy(), q.reindex(keys, fill_value=0).to_numpy(), base=2))
print(json.dumps({'seconds': time.perf_counter() - t0, 'js': js, 'ksD': ksd,
                  'maxRssKiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

interface ChildRun {
  wallSeconds: number;
  stdout: string;
}

function run(command: string, args: string[]): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) fail(new Error(`${command} ${args.join(' ')} exited with ${code}`));
      else done({ wallSeconds: (performance.now() - started) / 1000, stdout });
    });
  });
}

async function bundleChild(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const entry = join(dir, 'child.ts');
  writeFileSync(entry, CHILD(join(ROOT, 'shared/src/checks/data')));
  const outfile = join(dir, 'child.js');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  return outfile;
}

export function pythonAvailable(python: string): boolean {
  return spawnSync(python, ['-c', 'import pandas, scipy'], { stdio: 'ignore' }).status === 0;
}

/**
 * The interpreter for the anchor: BENCH_PYTHON, else `python3` or Debian's /usr/bin/python3 when either has pandas and
 * scipy; else Debian's packages are installed (apt-get, as root or through sudo -n) and /usr/bin/python3 is used.
 * Undefined, and the anchor skipped, when none of that works.
 */
export function anchorPython(explicit?: string): { python?: string; why?: string } {
  if (explicit) return pythonAvailable(explicit) ? { python: explicit } : { why: `${explicit} has no pandas/scipy` };
  for (const p of ['python3', '/usr/bin/python3']) if (pythonAvailable(p)) return { python: p };
  const root = process.getuid?.() === 0;
  const apt = (args: string[]) => spawnSync(root ? 'apt-get' : 'sudo', root ? args : ['-n', 'apt-get', ...args], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (apt(['install', '-y', '-q', 'python3-pandas', 'python3-scipy']) || (apt(['update', '-q']) && apt(['install', '-y', '-q', 'python3-pandas', 'python3-scipy']))) {
    if (pythonAvailable('/usr/bin/python3')) return { python: '/usr/bin/python3' };
  }
  return { why: 'pandas/scipy not installed, and installing python3-pandas python3-scipy with apt-get failed' };
}

const maxAbsDiff = (a: Record<string, number>, b: Record<string, number>) =>
  Math.max(0, ...Object.keys(a).filter((k) => k in b).map((k) => Math.abs(a[k]! - b[k]!)));

export async function measureProfile(options: { rows?: number; dir?: string; keepFiles?: boolean; python?: string } = {}): Promise<ProfileBenchResult> {
  const rows = options.rows ?? intFromEnv(process.env, 'BENCH_PROFILE_ROWS', 1_000_000);
  const anchor = anchorPython(options.python ?? process.env.BENCH_PYTHON);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const base = join(dir, 'baseline.csv');
  const target = join(dir, 'target.csv');
  try {
    const g0 = performance.now();
    generateCsv(base, rows, 1, 0);
    generateCsv(target, rows, 2, 1);
    const generateSeconds = (performance.now() - g0) / 1000;
    const fileMiB = (statSync(base).size + statSync(target).size) / 2 / 2 ** 20;

    const child = await bundleChild(dir);
    const ourRun = await run(process.execPath, [child, base, target]);
    const o = JSON.parse(ourRun.stdout) as Omit<OursFigures, 'wallSeconds' | 'maxRssMiB'> & { maxRssKiB: number };
    const ours: OursFigures = { ...o, wallSeconds: ourRun.wallSeconds, maxRssMiB: o.maxRssKiB / 1024 };

    let python: ProfileBenchResult['python'] = { skipped: anchor.why ?? 'pandas/scipy not installed' };
    let agreement: ProfileBenchResult['agreement'];
    const pythonCommand = anchor.python;
    if (pythonCommand) {
      const script = join(dir, 'anchor.py');
      writeFileSync(script, PYTHON);
      const pyRun = await run(pythonCommand, [script, base, target]);
      const p = JSON.parse(pyRun.stdout) as Omit<PythonFigures, 'wallSeconds' | 'maxRssMiB'> & { maxRssKiB: number };
      python = { ...p, wallSeconds: pyRun.wallSeconds, maxRssMiB: p.maxRssKiB / 1024 };
      agreement = { jsd: maxAbsDiff(ours.js, p.js), ksD: maxAbsDiff(ours.ksD, p.ksD) };
    }
    return { rows, columns: NUMERIC + CATEGORICAL, fileMiB, generateSeconds, ours, python, agreement };
  } finally {
    if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
  }
}

export function profileTable(r: ProfileBenchResult): string {
  const s = (x: number) => x.toFixed(1);
  const rows: string[][] = [
    [
      'ours (drift + quality)',
      s(r.ours.wallSeconds),
      s(r.ours.seconds),
      s(r.ours.maxRssMiB),
      `dtypes ${s(r.ours.phases.schema)} + baseline ${s(r.ours.phases.baseline)} + target ${s(r.ours.phases.target)} + metrics ${s(r.ours.phases.metrics)} s; ${r.ours.spilledValues} values spilled`,
    ],
  ];
  if ('skipped' in r.python) rows.push(['python (pandas + scipy)', '–', '–', '–', `skipped: ${r.python.skipped}`]);
  else rows.push(['python (pandas + scipy)', s(r.python.wallSeconds), s(r.python.seconds), s(r.python.maxRssMiB), `max |ΔJSD| ${r.agreement!.jsd.toExponential(1)}, max |ΔD| ${r.agreement!.ksD.toExponential(1)}`]);
  return [
    `${r.rows.toLocaleString('en')} rows × ${r.columns} columns, ${s(r.fileMiB)} MiB per CSV (generated in ${s(r.generateSeconds)} s)`,
    formatTable(['side', 'wall s', 'work s', 'peak RSS MiB', 'notes'], rows),
  ].join('\n');
}

if (require.main === module) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined;
  measureProfile({ rows })
    .then((r) => {
      console.log(profileTable(r));
      console.log(JSON.stringify(r, null, 1));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
