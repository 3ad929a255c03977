import { resultJson } from '../../../../shared/src/checks/results/json';
import type { StagingResult } from '../../../../shared/src/checks/results/types';
import { outcome, resultOf, row, stagingResult } from './fixtures';

/** The same object with every object's keys in reverse insertion order (facts included). */
function reversedKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reversedKeys) as T;
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)])) as T;
}

describe('resultJson', () => {
  test('parses back to the result, with a two-space indent and a final newline', () => {
    const r = stagingResult();
    const text = resultJson(r);
    expect(JSON.parse(text)).toEqual(r);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,');
  });

  test('the same result gives the same bytes, however its objects were built', () => {
    const r = stagingResult();
    const shuffled = reversedKeys(r);
    // facts are data and keep their order; everything else is in the fixed order
    for (let i = 0; i < r.checks.length; i++) shuffled.checks[i]!.facts = r.checks[i]!.facts;
    expect(resultJson(shuffled)).toBe(resultJson(r));
    expect(resultJson(structuredClone(r))).toBe(resultJson(r));
  });

  test('keys in the order of the types; unknown keys after them, sorted; absent optional fields left out', () => {
    const check = { ...outcome({ name: 'a', type: 'smoke', rows: [row({ subject: 's', metric: 'm' })] }), zeta: 1, alpha: { b: 2, a: 1 } };
    const r = { ...resultOf([check]), note: 'x' } as unknown as StagingResult;
    const parsed = JSON.parse(resultJson(r));
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'verdict', 'policy', 'target', 'checks', 'note']);
    expect(Object.keys(parsed.target)).toEqual(['endpoint', 'deployment']);
    expect(Object.keys(parsed.checks[0])).toEqual(['name', 'type', 'severity', 'status', 'headline', 'durationMs', 'facts', 'rows', 'alpha', 'zeta']);
    expect(Object.keys(parsed.checks[0].alpha)).toEqual(['a', 'b']);
    expect(Object.keys(parsed.checks[0].rows[0])).toEqual(['subject', 'metric', 'measured', 'expected', 'status']);
  });

  test('facts keep the order they were recorded in', () => {
    const r = resultOf([outcome({ name: 'a', type: 'data_drift', facts: { rows: 10, 'baseline rows': 5, deployment: 'blue' } })]);
    expect(Object.keys(JSON.parse(resultJson(r)).checks[0].facts)).toEqual(['rows', 'baseline rows', 'deployment']);
  });

  test('numbers as they are; NaN and ±Infinity become null; null values stay', () => {
    const rows = [
      row({ subject: 'a', metric: 'm', value: 0.1 + 0.2 }),
      row({ subject: 'b', metric: 'm', value: NaN }),
      row({ subject: 'c', metric: 'm', value: Infinity }),
      row({ subject: 'd', metric: 'm', value: null }),
    ];
    const r = resultOf([outcome({ name: 'x', type: 'fairness', rows, facts: { big: 1e21, inf: -Infinity }, durationMs: NaN })]);
    const text = resultJson(r);
    expect(text).toContain('"value": 0.30000000000000004');
    const parsed = JSON.parse(text);
    expect(parsed.checks[0].rows.map((x: { value: unknown }) => x.value)).toEqual([0.30000000000000004, null, null, null]);
    expect(parsed.checks[0].facts).toEqual({ big: 1e21, inf: null });
    expect(parsed.checks[0].durationMs).toBeNull();
  });

  test('strings with quotes, control characters and line separators stay one JSON line each', () => {
    const r = resultOf([outcome({ name: 'a"b\n\u0001\u2028', type: 'smoke' })]);
    const text = resultJson(r);
    expect(text).toContain('"name": "a\\"b\\n\\u0001');
    expect(JSON.parse(text).checks[0].name).toBe('a"b\n\u0001\u2028');
  });
});
