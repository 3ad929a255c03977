import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataQuality, runDrift } from '../../../../shared/src/checks/runners/data';
import type { DataDriftCheck, DataQualityCheck } from '../../../../shared/src/checks/policy/types';
import { CHALLENGER, CHAMPION, FEATURES, sigmoid, writeStagingData } from '../../../support/staging-data';
import { at, context, loc, policy, port, scoring } from './support';

const dir = mkdtempSync(join(tmpdir(), 'runners-data-'));
writeStagingData(dir);
const files = { train: join(dir, 'train.csv'), staging: join(dir, 'staging.csv'), shifted: join(dir, 'shifted.csv') };

const drift = (target: string, extra: Partial<DataDriftCheck> = {}): DataDriftCheck => ({
  name: 'drift',
  type: 'data_drift',
  severity: 'gate',
  at: at(30),
  baseline: loc('train', 31),
  target: loc(target, 32),
  features: [loc('income_k', 33), loc('debt_ratio', 33), loc('region', 33)],
  numericalMetrics: ['NormalizedWassersteinDistance'],
  categoricalMetrics: ['JensenShannonDistance'],
  thresholds: { numerical: { NormalizedWassersteinDistance: 0.1 }, categorical: { JensenShannonDistance: 0.1 } },
  categorical: [],
  numerical: [],
  targetFromDeployment: false,
  ...extra,
});

test('drift: the same population passes, a shifted one fails on the shifted features only', async () => {
  const p = policy([], { train: 'x', staging: 'x', shifted: 'x' });
  const same = await runDrift(drift('staging'), p, context(undefined, files));
  expect(same.status).toBe('passed');
  expect(same.rows.map((r) => `${r.subject} ${r.metric}`)).toEqual(['income_k NormalizedWassersteinDistance', 'debt_ratio NormalizedWassersteinDistance', 'region JensenShannonDistance']);
  const moved = await runDrift(drift('shifted'), p, context(undefined, files));
  expect(moved.status).toBe('failed');
  expect(moved.rows.filter((r) => r.status === 'failed').map((r) => r.subject)).toEqual(['income_k', 'debt_ratio']);
  expect(moved.headline).toMatch(/^drift on 2 of 3 columns: income_k NormalizedWassersteinDistance/);
  expect(moved.facts).toMatchObject({ 'baseline rows': 2000, 'target rows': 500 });
});

test('prediction drift from the deployment: the target rows are scored and their outputs compared with the baseline column', async () => {
  // The baseline: the champion's scores on the training rows, as its own run recorded them.
  const train = readFileSync(files.train, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 6).map(Number));
  const scores = join(dir, 'train-scores.csv');
  writeFileSync(scores, ['score', ...train.map((r) => sigmoid(CHAMPION, r).toFixed(6))].join('\n') + '\n');
  const p = policy([], { scores: 'x', staging: 'x' }, scoring([...FEATURES]));
  const dep = port((d, body) => (body as { data: number[][] }).data.map((row) => sigmoid(CHALLENGER, row)));
  const c = drift('staging', { type: 'prediction_drift', baseline: loc('scores', 31), features: [loc('score', 40)], targetFromDeployment: true });
  const ctx = context(dep, { ...files, scores });
  const out = await runDrift(c, p, ctx);
  expect(dep.sent).toHaveLength(5);
  expect(out.facts).toMatchObject({ 'scored by': 'green', 'scoring requests': 5 });
  expect(out.facts.skipped).toBeUndefined();
  expect(out.rows).toHaveLength(1);
  expect(out.rows[0]).toMatchObject({ subject: 'score', metric: 'NormalizedWassersteinDistance', status: 'passed' });
  expect(ctx.lines.some((l) => /drift, scored by green: 500 of 500 rows read, done in/.test(l))).toBe(true);
});

test('data quality: Azure ML metric names, one row per feature and metric, rows-read progress lines', async () => {
  const q: DataQualityCheck = {
    name: 'quality',
    type: 'data_quality',
    severity: 'warn',
    at: at(50),
    baseline: loc('train', 51),
    target: loc('staging', 52),
    features: 'all',
    metrics: ['NullValueRate', 'OutOfBoundsRate'],
    thresholds: {},
    categorical: [],
    numerical: [],
  };
  const ctx = context(undefined, files);
  const out = await runDataQuality(q, policy([], { train: 'x', staging: 'x' }), ctx);
  expect(new Set(out.rows.map((r) => r.metric))).toEqual(new Set(['NullValueRate', 'OutOfBoundsRate']));
  expect(out.rows.find((r) => r.subject === 'income_k' && r.metric === 'NullValueRate')).toMatchObject({ measured: '0', status: 'passed' });
  expect(ctx.lines.some((l) => /^ {2}quality \(baseline\): [\d,]+ rows read/.test(l))).toBe(true);
});

test('a check that can compare no column fails and says why', async () => {
  const p = policy([], { train: 'x', staging: 'x' });
  const out = await runDrift(drift('staging', { features: [loc('default', 33)] }), p, context(undefined, files));
  expect(out.status).toBe('failed');
  expect(out.headline).toMatch(/^no column could be compared: default \(not in the target data\)/);
});

test('a quality and a drift check of the same pair are read together, with the same rows as each alone', async () => {
  const q: DataQualityCheck = { name: 'quality', type: 'data_quality', severity: 'gate', at: at(60), baseline: loc('train', 61), target: loc('shifted', 62), features: 'all', metrics: ['NullValueRate', 'OutOfBoundsRate'], thresholds: {}, categorical: [], numerical: [] };
  const d = drift('shifted');
  const data = { train: 'x', shifted: 'x' };
  const alone = [await runDataQuality(q, policy([q], data), context(undefined, files)), await runDrift(d, policy([d], data), context(undefined, files))];
  const both = policy([q, d], data);
  const ctx = context(undefined, files);
  const paired = [await runDataQuality(q, both, ctx), await runDrift(d, both, ctx)];
  expect(paired.map((o) => o.rows)).toEqual(alone.map((o) => o.rows));
  expect(paired.map((o) => o.status)).toEqual(alone.map((o) => o.status));
  expect(paired[0]!.facts['read with']).toBe('drift');
  expect(paired[1]!.facts['read with']).toBe('quality');
  // One reader pair, labelled with both checks (progress every batch here).
  expect(ctx.lines.some((l) => l.startsWith('  quality + drift (baseline):'))).toBe(true);
  expect(ctx.lines.some((l) => l.startsWith('  drift (baseline):') || l.startsWith('  quality (baseline):'))).toBe(false);
});
