import { StepError } from '../../../shared/src/core/errors';
import { parseKeyValues } from '../../../shared/src/specs/key-values';

describe('parseKeyValues', () => {
  test('empty text is an empty map', () => {
    expect(parseKeyValues('', 'tags')).toEqual({});
    expect(parseKeyValues('  \n', 'tags')).toEqual({});
  });

  test('YAML and JSON mappings, scalars stringified as az ml does', () => {
    expect(parseKeyValues('team: risk\nauc: 0.90\nok: true\n', 'tags')).toEqual({ team: 'risk', auc: '0.9', ok: 'True' });
    expect(parseKeyValues('{"team": "risk", "n": 3}', 'tags')).toEqual({ team: 'risk', n: '3' });
  });

  test('k=v lines and comma-separated pairs; values may hold = and commas', () => {
    expect(parseKeyValues('team=risk\n# comment\nurl=https://x/?a=b\n', 'tags')).toEqual({ team: 'risk', url: 'https://x/?a=b' });
    expect(parseKeyValues('a=1, b=two words, c="x, y"', 'properties')).toEqual({ a: '1', b: 'two words', c: 'x, y' });
    expect(parseKeyValues('desc=a: b', 'tags')).toEqual({ desc: 'a: b' });
  });

  test('errors name the input', () => {
    let err: unknown;
    try {
      parseKeyValues('team=risk\njust-a-word', 'model-tags');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).input).toBe('model-tags');
    expect((err as StepError).message).toMatch(/^Input 'model-tags' \(line 2\): cannot read 'just-a-word'/);
    expect(() => parseKeyValues('a: [1, 2]', 'tags')).toThrow(/Input 'tags': the value of 'a' must be a plain value/);
  });
});
