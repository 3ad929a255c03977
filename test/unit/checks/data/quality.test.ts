// Data quality (check-metrics.md §1.8): rates against the baseline's rates, imputation deciding what a null counts
// as, Azure's category-set round trip, our duplicate and unseen-category rates, and saved profiles.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  azureCategorySet,
  baselineStatistics,
  evaluateDataQuality,
  loadProfile,
  round5,
  saveProfile,
  type QualityResult,
} from '../../../../shared/src/checks/data';

const dir = mkdtempSync(join(tmpdir(), 'chk-quality-'));
let seq = 0;
const csv = (lines: string[]) => {
  const p = join(dir, `q${seq++}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const get = (r: QualityResult, feature: string, metric: string) => r.rows.find((x) => x.feature === feature && x.metric === metric);

// 20 rows: age 20..39 (one null), income, city (one null), flag (one null)
const baselineLines = ['age,income,city,flag'];
for (let i = 0; i < 20; i++) {
  const age = i === 3 ? '' : String(20 + i);
  const city = i === 5 ? '' : ['NY', 'LA', 'SF', 'NY'][i % 4];
  const flag = i === 7 ? '' : i % 2 === 0 ? 'true' : 'false';
  baselineLines.push(`${age},${1000 + i * 10.5},${city},${flag}`);
}

// 10 rows: age has "abc", two nulls, 45 and 15 out of bounds; income all above the baseline max with 3 nulls;
// city has Paris twice; the last two rows repeat rows 0 and 1
const targetLines = [
  'age,income,city,flag',
  '25,5000,NY,true',
  '26,5001,LA,false',
  'abc,5002,Paris,true',
  ',,SF,',
  ',,NY,true',
  '45,,Paris,false',
  '15,5003,LA,true',
  '30,5004,NY,false',
  '25,5000,NY,true',
  '26,5001,LA,false',
];

describe('data quality against a baseline file', () => {
  let r: QualityResult;
  beforeAll(async () => {
    r = await evaluateDataQuality(csv(baselineLines), csv(targetLines));
  });

  it('NullValueRate: nulls over all rows, threshold = the baseline rate + 0', () => {
    expect(get(r, 'age', 'NullValueRate')).toMatchObject({ value: 0.2, baselineValue: 0.05, threshold: 0.05, passed: false });
    expect(get(r, 'city', 'NullValueRate')).toMatchObject({ value: 0, baselineValue: 0.05, passed: true });
    expect(get(r, 'flag', 'NullValueRate')).toMatchObject({ value: 0.1, baselineValue: 0.05, passed: false });
  });

  it('DataTypeErrorRate: values that do not cast to the baseline dtype, plus nulls the imputation leaves', () => {
    // age is a string column in the target (because of "abc"): its nulls get the mode ("25", castable) and
    // only "abc" fails the cast to bigint
    expect(get(r, 'age', 'DataTypeErrorRate')).toMatchObject({ value: 0.1, baselineValue: 0 });
    // booleans are never imputed: every null is a type error, in the baseline (1/20) and the target (1/10)
    expect(get(r, 'flag', 'DataTypeErrorRate')).toMatchObject({ value: 0.1, baselineValue: 0.05, passed: false });
    expect(get(r, 'income', 'DataTypeErrorRate')).toMatchObject({ value: 0, baselineValue: 0, passed: true });
  });

  it('OutOfBoundsRate: numerical against the baseline min/max; nulls count when the median is out of bounds', () => {
    expect(get(r, 'age', 'OutOfBoundsRate')).toMatchObject({ value: 0.2, baselineValue: 0, passed: false }); // 45 and 15
    // every income is above the baseline max (1199.5), so is the median the 3 nulls become: 10/10
    expect(get(r, 'income', 'OutOfBoundsRate')).toMatchObject({ value: 1, passed: false });
    // string categorical: values not in the baseline's set
    expect(get(r, 'city', 'OutOfBoundsRate')).toMatchObject({ value: 0.2, passed: false });
    expect(get(r, 'flag', 'OutOfBoundsRate')).toBeUndefined(); // no bounds and no set for booleans
  });

  it('ours: UnseenCategoryRate for categorical columns, DuplicateRowRate over whole rows', () => {
    expect(get(r, 'city', 'UnseenCategoryRate')).toMatchObject({ value: 0.2, baselineValue: 0, passed: false });
    expect(get(r, 'flag', 'UnseenCategoryRate')).toMatchObject({ value: 0, passed: true });
    expect(get(r, 'income', 'UnseenCategoryRate')).toBeUndefined();
    expect(get(r, '*', 'DuplicateRowRate')).toMatchObject({ type: 'dataset', value: 0.2, baselineValue: 0, passed: false });
    expect(r.targetRows).toBe(10);
    expect(r.baselineRows).toBe(20);
    expect(r.passed).toBe(false);
  });

  it('tolerances per metric and per feature raise the threshold above the baseline rate', async () => {
    const t = await evaluateDataQuality(csv(baselineLines), csv(targetLines), {
      metrics: ['NullValueRate'],
      thresholds: { default: { NullValueRate: 0.1 }, features: { age: { NullValueRate: 0.2 } } },
    });
    expect(t.rows.map((x) => [x.feature, x.threshold, x.passed])).toEqual([
      ['age', 0.25, true],
      ['income', 0.1, false],
      ['city', 0.15000000000000002, true],
      ['flag', 0.15000000000000002, true],
    ]);
  });
});

describe('imputation and bounds', () => {
  it('the median decides: below the minimum exactly when at least ⌈n/2⌉ values are', async () => {
    // (a second column: a CSV line with one empty field is a blank line, and blank lines are skipped)
    const base = csv(['x,id', '10,a', '20,b', '30,c']);
    const opts = { metrics: ['OutOfBoundsRate'] as const, features: { subset: ['x'] } };
    const half = await evaluateDataQuality(base, csv(['x,id', '1,a', '2,b', '15,c', '25,d', ',e']), opts);
    // 2 of 4 values below 10: the (lower) median 2 is below, and the null becomes it: (2 + 1)/5
    expect(half.rows).toEqual([expect.objectContaining({ feature: 'x', value: 0.6 })]);
    const fewer = await evaluateDataQuality(base, csv(['x,id', '1,a', '15,b', '25,c', ',d']), opts);
    expect(fewer.rows[0]).toMatchObject({ value: 0.25 });
  });

  it('Azure keeps the set as "a, b, c" and splits it again: "x, y" comes back as two values', async () => {
    // `( +)?, ?` eats the spaces before a comma (and the split keeps them as a value) and one after it
    expect([...azureCategorySet(['x, y', 'trail ', 'z', ' lead'])].sort()).toEqual([' ', ' lead', 'trail', 'x', 'y', 'z']);
    const r = await evaluateDataQuality(csv(['tag', '"x, y"', 'z']), csv(['tag', '"x, y"', 'x', 'z']), { metrics: ['OutOfBoundsRate', 'UnseenCategoryRate'] });
    // "x, y" is out of bounds though the baseline had it, "x" is in bounds though it never had it; our unseen
    // rate uses the real values
    expect(get(r, 'tag', 'OutOfBoundsRate')!.value).toBe(round5(1 / 3));
    expect(get(r, 'tag', 'UnseenCategoryRate')!.value).toBe(round5(1 / 3));
  });

  it('rates are rounded as Python rounds: 5 decimals, exact ties to even', () => {
    expect(round5(1 / 64)).toBe(0.01562);
    expect(round5(3 / 64)).toBe(0.04688);
    expect(round5(1 / 3)).toBe(0.33333);
    expect(round5(2 / 3)).toBe(0.66667);
    expect(round5(0.000005)).toBe(0.00001);
  });
});

describe('saved profiles', () => {
  it('round-trip: the same rows from the saved statistics as from the baseline file', async () => {
    const stats = await baselineStatistics(csv(baselineLines));
    const path = join(dir, 'profile.json');
    saveProfile(stats, path);
    const loaded = loadProfile(path);
    expect(loaded).toEqual(stats);
    const fromFile = await evaluateDataQuality(csv(baselineLines), csv(targetLines));
    const fromProfile = await evaluateDataQuality(loaded, csv(targetLines));
    expect(fromProfile.rows).toEqual(fromFile.rows);
    expect(stats.columns.find((c) => c.name === 'city')).toMatchObject({ dtype: 'string', type: 'categorical', categories: ['LA', 'NY', 'SF'] });
    expect(stats.columns.find((c) => c.name === 'income')).toMatchObject({ dtype: 'double', type: 'numerical', min: 1000, max: 1199.5 });
  });

  it('refuses another kind or version, and malformed fields, naming them', () => {
    const write = (o: unknown) => {
      const p = join(dir, `p${seq++}.json`);
      writeFileSync(p, JSON.stringify(o));
      return p;
    };
    expect(() => loadProfile(write({ kind: 'aml-lifecycle/data-profile', version: 2, columns: [] }))).toThrow(/version 2 is not supported/);
    expect(() => loadProfile(write({ kind: 'other', version: 1 }))).toThrow(/kind must be/);
    expect(() =>
      loadProfile(write({ kind: 'aml-lifecycle/data-profile', version: 1, rowCount: 1, duplicateRowRate: 0, columns: [{ name: 'a', dtype: 'text', type: null, rates: {} }] })),
    ).toThrow(/columns\[0\]\.dtype must be one of/);
    const p = join(dir, 'notjson.json');
    writeFileSync(p, '{');
    expect(() => loadProfile(p)).toThrow(/not JSON/);
  });
});

describe('an integer column the baseline calls categorical', () => {
  test('keeps its target categories whatever the target size, so UnseenCategoryRate is computed', async () => {
    // 2,000 baseline rows of 40 ages: 2% distinct, categorical. A 100-row target with the same 40 ages and one new
    // one has more distinct values than 5% of its own rows, which must not matter.
    const base = ['age'];
    for (let i = 0; i < 2000; i++) base.push(String(20 + (i % 40)));
    const target = ['age'];
    for (let i = 0; i < 99; i++) target.push(String(20 + (i % 40)));
    target.push('77');
    const r = await evaluateDataQuality(csv(base), csv(target));
    expect(get(r, 'age', 'UnseenCategoryRate')).toMatchObject({ value: 0.01, passed: false });
    expect(get(r, 'age', 'UnseenCategoryRate')!.error).toBeUndefined();
  });
});
