/** A run_on check as a job: the spec the step writes, the program's run of it, and the outcome file read back. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicyText } from '../../../../shared/src/checks/policy';
import type { DataDriftCheck, DataQualityCheck } from '../../../../shared/src/checks/policy/types';
import { checkJobSpec, isJobCheck, jobOutcome, JOB_OUTCOME_FILE, parseCheckJobSpec, parseJobOutcome, runCheckJob } from '../../../../shared/src/checks/job/spec';
import { main } from '../../../../shared/src/checks/job/main';
import { runDataQuality, runDrift } from '../../../../shared/src/checks/runners/data';

const dir = mkdtempSync(join(tmpdir(), 'check-job-'));
const rows = (seed: number, n: number, shift = 0) => {
  const out = ['x,y,c'];
  let s = seed;
  const r = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) out.push(`${(r() * 10 + shift).toFixed(3)},${Math.floor(r() * 5)},${r() < 0.5 ? 'a' : 'b'}`);
  return `${out.join('\n')}\n`;
};
writeFileSync(join(dir, 'base.csv'), rows(7, 400));
writeFileSync(join(dir, 'new.csv'), rows(9, 300, 3));
// The job's input files keep no extension: the spec carries the format.
writeFileSync(join(dir, 'base-input'), rows(7, 400));
writeFileSync(join(dir, 'new-input'), rows(9, 300, 3));

const file = join(dir, 'policy.yml');
const policy = parsePolicyText(
  [
    'version: 1',
    'data: {base: base.csv, new: new.csv}',
    'checks:',
    '  - {name: drift, type: data_drift, baseline: base, target: new, numerical_features: [y], run_on: {compute: cpu-cluster}}',
    '  - {name: quality, type: data_quality, baseline: base, target: new, run_on: {compute: cpu-cluster, environment: "azureml:node:1"}}',
    '  - {name: local, type: data_drift, baseline: base, target: new}',
    '  - {name: missing, type: data_drift, baseline: base, target: new, features: [nope], run_on: {compute: cpu-cluster}}',
    '',
  ].join('\n'),
  file,
);
const [drift, quality, , missing] = policy.checks as [DataDriftCheck, DataQualityCheck, DataDriftCheck, DataDriftCheck];
const signal = new AbortController().signal;
const ctx = { datasetPath: (n: string) => policy.data.get(n)!.path, progress: () => undefined, signal };

test('only data checks with run_on run as jobs', () => {
  expect(policy.checks.map(isJobCheck)).toEqual([true, true, false, true]);
});

test('the spec holds the check without run_on and the formats; it survives JSON', () => {
  const spec = checkJobSpec(drift, policy);
  expect(spec.check).not.toHaveProperty('runOn');
  expect(spec.formats).toEqual({ baseline: 'csv', target: 'csv' });
  expect(parseCheckJobSpec(JSON.stringify(spec))).toEqual(JSON.parse(JSON.stringify(spec)));
  expect(() => parseCheckJobSpec(JSON.stringify({ ...spec, version: 2 }))).toThrow(/spec version 2/);
  expect(() => parseCheckJobSpec(JSON.stringify({ ...spec, check: { ...spec.check, type: 'smoke' } }))).toThrow(/'smoke' cannot run as a job/);
});

test.each([
  ['drift', () => drift, () => runDrift(drift, policy, ctx)],
  ['quality', () => quality, () => runDataQuality(quality, policy, ctx)],
] as const)('%s: the job gives the rows, facts and status of a local run', async (_n, check, here) => {
  const spec = JSON.parse(JSON.stringify(checkJobSpec(check(), policy)));
  const job = await runCheckJob(parseCheckJobSpec(JSON.stringify(spec)), { baseline: join(dir, 'base-input'), target: join(dir, 'new-input') }, () => undefined, signal);
  const mine = await here();
  expect(job.rows.length).toBeGreaterThan(0);
  expect(job.rows).toEqual(mine.rows);
  expect(job.facts).toEqual(mine.facts);
  expect([job.status, job.headline]).toEqual([mine.status, mine.headline]);
});

test('the program writes the outcome file; the step reads it back', async () => {
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(checkJobSpec(drift, policy)));
  const out = join(dir, 'out');
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await main(['--spec', specFile, '--baseline', join(dir, 'base-input'), '--target', join(dir, 'new-input'), '--out', out])).toBe(0);
  } finally {
    log.mockRestore();
  }
  const o = parseJobOutcome(readFileSync(join(out, JOB_OUTCOME_FILE), 'utf8'));
  const mine = await runDrift(drift, policy, ctx);
  expect(o).toEqual(JSON.parse(JSON.stringify(jobOutcome(mine))));
  expect(o.status).toBe('failed');
});

test('a check that cannot run fails the program with the reason at the policy line on stderr', async () => {
  const specFile = join(dir, 'missing.json');
  writeFileSync(specFile, JSON.stringify(checkJobSpec(missing, policy)));
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await main(['--spec', specFile, '--baseline', join(dir, 'base-input'), '--target', join(dir, 'new-input'), '--out', join(dir, 'out2')])).toBe(1);
    expect(err.mock.calls.flat().join('\n')).toMatch(/policy\.yml:7:\d+: column 'nope' is not in/);
    expect(await main(['--spec', specFile])).toBe(1);
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
});

test('an outcome file with a wrong shape is refused with what is wrong', () => {
  const good = JSON.stringify(jobOutcome({ name: 'd', type: 'data_drift', severity: 'gate', status: 'passed', headline: 'h', rows: [], facts: { a: 1 }, durationMs: 1 }));
  expect(parseJobOutcome(good).status).toBe('passed');
  expect(() => parseJobOutcome(good.replace('"passed"', '"great"'))).toThrow(/unknown status 'great'/);
  expect(() => parseJobOutcome(JSON.stringify({ ...JSON.parse(good), rows: [{ subject: 1 }] }))).toThrow(/a row without subject/);
  expect(() => parseJobOutcome(JSON.stringify({ ...JSON.parse(good), facts: { a: {} } }))).toThrow(/facts/);
});
