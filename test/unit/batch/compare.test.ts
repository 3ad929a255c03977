import { compareChallenger, compareWithExpected, judge, pairRows, parseComparisonRules, parseRows } from '../../../shared/src/batch/compare';
import { classifyJobFailure } from '../../../shared/src/batch/job';
import { StepError } from '../../../shared/src/core/errors';

test('rows: one per non-empty line, quoted commas kept in one value', () => {
  expect(parseRows('a.csv,1\r\n\n"x,y",2\n')).toEqual([['a.csv', '1'], ['x,y', '2']]);
});

test('rows pair by a unique non-numeric first value whatever the order, else by position', () => {
  expect(pairRows([['b', '2'], ['a', '1']], [['a', '1'], ['b', '2']]).by).toBe('key');
  expect(pairRows([['1', '2'], ['2', '1']], [['1', '1'], ['2', '2']]).by).toBe('position');
  expect(pairRows([['a', '1'], ['a', '2']], [['a', '1'], ['b', '2']]).by).toBe('position');
});

test('against an expected file: numbers within the tolerance, a missing row fails', () => {
  const expected = parseRows('a.csv,6\nb.csv,20\n');
  expect(compareWithExpected(parseRows('b.csv,20.004\na.csv,6\n'), expected, 0.01)).toMatchObject({ passed: true, by: 'key', mismatches: [] });
  const off = compareWithExpected(parseRows('a.csv,6\nb.csv,21\n'), expected, 0.01);
  expect(off.passed).toBe(false);
  expect(off.mismatches).toEqual([{ row: 2, column: 2, actual: '21', expected: '20' }]);
  expect(compareWithExpected(parseRows('a.csv,6\n'), expected, 0).passed).toBe(false);
});

test('challenger: agreement and mean absolute difference per column; the rules judge them', () => {
  const c = compareChallenger(parseRows('a,1,x\nb,2,y\nc,3,z\nd,4,w\n'), parseRows('a,1,x\nb,2.5,y\nc,3,z\nd,4,v\n'), 0);
  expect(c.agreement).toBeCloseTo(0.5);
  expect(c.mae[2]).toBeCloseTo(0.125);
  const verdicts = judge(c, parseComparisonRules('agreement >= 50%\nmae <= 0.1', 'comparison'));
  expect(verdicts.map((v) => v.passed)).toEqual([true, false]);
  expect(verdicts[1]!.measured).toBeCloseTo(0.125);
});

test('comparison rules: bad lines name the input and the line', () => {
  expect(parseComparisonRules('agreement >= 0.95', 'comparison')[0]).toMatchObject({ metric: 'agreement', op: '>=', value: 0.95 });
  const e = (() => {
    try {
      parseComparisonRules('agreement >= 95%\naccuracy up', 'comparison');
    } catch (x) {
      return x as StepError;
    }
    throw new Error('expected an error');
  })();
  expect(e.input).toBe('comparison');
  expect(e.message).toMatch(/line 2: 'accuracy up' is not a rule/);
  expect(() => parseComparisonRules('agreement >= 120%', 'comparison')).toThrow(/at most 100%/);
});

test('failed jobs are classified', () => {
  expect(classifyJobFailure({ message: "The scoring script's init() raised: KeyError" }).kind).toBe('init() failed');
  expect(classifyJobFailure({ message: '3 input file(s) failed, more than the deployment\'s error threshold (1).' }).kind).toBe('error threshold exceeded');
  expect(classifyJobFailure({ code: 'UserError', message: "The output file 'x' already exists" }).kind).toBe('output exists');
  expect(classifyJobFailure(undefined).kind).toBe('job failed');
});
