import { jsonPointerProblem, parseDuration } from '../../../../shared/src/checks/policy';

describe('durations', () => {
  test.each([
    ['20s', 20_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    [' 0s ', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  test.each([
    ['20', /has no unit/],
    ['', /empty/],
    ['20 s', /cannot read/],
    ['2h', /cannot read/],
    ['s', /cannot read/],
    ['-1s', /cannot read/],
  ])('%j is refused', (text, why) => {
    const d = parseDuration(text);
    expect('problem' in d && d.problem).toMatch(why);
  });
});

describe('JSON pointers', () => {
  test.each(['', '/', '/0', '/predictions/0/score', '/a~0b/c~1d'])('%j is one', (p) => {
    expect(jsonPointerProblem(p)).toBeUndefined();
  });
  test.each(['0', 'a/b', '/a~', '/a~2'])('%j is not', (p) => {
    expect(jsonPointerProblem(p)).toMatch(/is not a JSON pointer/);
  });
});
