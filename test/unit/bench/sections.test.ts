import { parseSections } from '../../../bench/sections';

describe('BENCH_ONLY sections', () => {
  test('unset or empty: every section', () => {
    expect([...parseSections(undefined, 4)]).toEqual([1, 2, 3, 4]);
    expect([...parseSections('  ', 4)]).toEqual([1, 2, 3, 4]);
  });

  test('a list and ranges, spaces allowed', () => {
    expect([...parseSections('1,5', 9)].sort()).toEqual([1, 5]);
    expect([...parseSections('1-3, 5', 9)].sort()).toEqual([1, 2, 3, 5]);
    expect(parseSections('2', 9).has(1)).toBe(false);
  });

  test('anything else is an error naming the variable, not a silent full run', () => {
    for (const bad of ['0', '10', 'a', '3-1', '1,,2', '1;2']) expect(() => parseSections(bad, 9)).toThrow(/BENCH_ONLY/);
  });
});
