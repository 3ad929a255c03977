import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCheckRules } from '../../../../shared/src/checks/stats';
import { runModelCheck } from '../../../../shared/src/checks/runners/model';
import { preflight } from '../../../../shared/src/checks/runners/preflight';
import type { ModelCheck } from '../../../../shared/src/checks/policy/types';
import { CHALLENGER, CHAMPION, FEATURES, SLICED, UNFAIR, sigmoid, writeStagingData, type Weights } from '../../../support/staging-data';
import { at, context, loc, policy, port, scoring } from './support';

const dir = mkdtempSync(join(tmpdir(), 'runners-'));
writeStagingData(dir);
const data = { eval: join(dir, 'eval.csv') };

/** Each deployment answers with its own weights' scores. */
const models = (byDeployment: Record<string, Weights>) => port((d, body) => (body as { data: number[][] }).data.map((row) => sigmoid(byDeployment[d]!, row)));

function check(type: ModelCheck['type'], rules: unknown[], extra: Partial<ModelCheck> = {}): ModelCheck {
  const parsed = parseCheckRules(rules, 'policy.yml:20:5');
  const columns = [...new Set(parsed.flatMap((r) => ('sensitive' in r ? r.sensitive : 'slices' in r ? r.slices : [])))].map((c) => loc(c, 21));
  return {
    name: type === 'fairness' ? 'fairness' : 'challenger',
    type,
    severity: 'gate',
    at: at(18),
    data: loc('eval', 19),
    task: 'classification',
    label: loc('default', 20),
    challenger: { kind: 'deployment', at: at(22) },
    champion: type === 'fairness' ? { kind: 'none' } : { kind: 'live', at: at(23) },
    columns,
    rules: parsed,
    ruleAt: parsed.map(() => at(24)),
    ...extra,
  };
}

const p = (c: ModelCheck) => policy([c], { eval: 'x' }, scoring([...FEATURES]));

test('champion versus challenger through both deployments: a near copy of the champion passes non-inferiority', async () => {
  const c = check('champion_challenger', [{ metric: 'accuracy', margin: 0.05, slices: ['region'] }, { metric: 'roc_auc', margin: 0.02 }]);
  const dep = models({ green: CHALLENGER, blue: CHAMPION });
  const out = await runModelCheck(c, p(c), context(dep, data));
  expect(out.status).toBe('passed');
  expect(new Set(dep.sent.map((s) => s.deployment))).toEqual(new Set(['green', 'blue']));
  // 800 rows in batches of 100, for each model
  expect(dep.sent).toHaveLength(16);
  expect(out.rows.map((r) => r.subject)).toEqual(expect.arrayContaining(['all rows', 'region=eu', 'region=us']));
  expect(out.facts).toMatchObject({ rows: 800, challenger: 'deployment green (800 rows in 8 requests)', champion: 'deployment blue (800 rows in 8 requests)' });
});

test('a challenger worse on one slice fails on that slice only', async () => {
  const c = check('champion_challenger', [{ metric: 'accuracy', margin: 0.05, slices: ['region'] }]);
  const out = await runModelCheck(c, p(c), context(models({ green: SLICED, blue: CHAMPION }), data));
  expect(out.status).toBe('failed');
  const failed = out.rows.filter((r) => r.status === 'failed').map((r) => r.subject);
  expect(failed).toEqual(['region=us']);
  expect(out.rows.find((r) => r.subject === 'region=us')!.detail).toMatch(/CI \[/);
});

test('fairness: a model that scores one sex higher breaks the demographic parity threshold', async () => {
  const rules = [{ metric: 'demographic_parity_difference', sensitive: ['sex'], threshold: 0.1 }];
  const fair = await runModelCheck(check('fairness', rules), p(check('fairness', rules)), context(models({ green: CHAMPION }), data));
  expect(fair.status).toBe('passed');
  const unfair = await runModelCheck(check('fairness', rules), p(check('fairness', rules)), context(models({ green: UNFAIR }), data));
  expect(unfair.status).toBe('failed');
  expect(unfair.rows[0]).toMatchObject({ metric: 'demographic_parity_difference by sex', status: 'failed' });
  expect(unfair.rows[0]!.value!).toBeGreaterThan(0.3);
});

test('without a champion holding traffic, rules against the champion are skipped, not failed', async () => {
  const c = check('champion_challenger', [{ metric: 'accuracy', margin: 0.05 }]);
  const out = await runModelCheck(c, p(c), context(models({ green: CHALLENGER }), data));
  // the port has a champion: take it away
  const solo = models({ green: CHALLENGER });
  delete (solo as { champion?: string }).champion;
  const alone = await runModelCheck(c, p(c), context(solo, data));
  expect(out.status).toBe('error'); // blue is asked for but has no weights: the port's own failure is an error outcome
  expect(alone.status).toBe('passed');
  expect(alone.rows.every((r) => r.status === 'skipped')).toBe(true);
  expect(alone.facts.champion).toMatch(/^none/);
});

test('a deployment answering an error stops the check with the status and rows in the cause', async () => {
  const c = check('fairness', [{ metric: 'demographic_parity_difference', sensitive: ['sex'], threshold: 0.1 }]);
  const out = await runModelCheck(c, p(c), context(port(() => ({ status: 500, body: 'boom', latencyMs: 1 })), data));
  expect(out.status).toBe('error');
  expect(out.error).toMatch(/answered rows 1–100 with HTTP 500: boom/);
});

test('preflight: a column the policy names but the file lacks is reported at the policy line, before any request', async () => {
  const c = check('fairness', [{ metric: 'demographic_parity_difference', sensitive: ['gender'], threshold: 0.1 }]);
  const dep = models({ green: CHAMPION });
  await expect(preflight(p(c), context(dep, data))).rejects.toThrow(/^policy\.yml:21:3: column 'gender' is not in .*eval\.csv/);
  expect(dep.sent).toHaveLength(0);
});

test('preflight: a dataset that is not a regular file is reported at its data: entry', async () => {
  const c = check('fairness', [{ metric: 'demographic_parity_difference', sensitive: ['sex'], threshold: 0.1 }]);
  const folder = join(dir, 'folder.csv');
  mkdirSync(folder);
  await expect(preflight(p(c), context(undefined, { eval: folder }))).rejects.toThrow(/^policy\.yml:100:3: .*folder\.csv.*(not a regular file|directory)/);
});
