import { checkModelVersion, checkResourceGroup, modelVersionProblem } from '../../../shared/src/core/names';
import { isStepError } from '../../../shared/src/core/errors';
import { childPath, segment, workspacePath } from '../../../shared/src/azureml/refs';
import { parseModelReference } from '../../../shared/src/promote/model-reference';

/** Values that must never become a model version (or any path segment). */
export const HOSTILE_VERSIONS = ['..', '.', '../..', '1/2', '1?x=1', '1#x', 'a b', 'x'.repeat(256), '%2e%2e', 'a\nb', 'a\rb', 'latest', 'LATEST', '-1', '.5', 'NaN', '.inf', '-.inf', 'Infinity', '', 'a\\b', '1\t'];

describe('model versions', () => {
  test.each(HOSTILE_VERSIONS)('refuses %j with an error naming the input', (v) => {
    expect(modelVersionProblem(v)).toEqual(expect.any(String));
    let caught: unknown;
    try {
      checkModelVersion(v, 'destination-version');
    } catch (e) {
      caught = e;
    }
    expect(isStepError(caught)).toBe(true);
    expect((caught as { kind: string; input?: string }).kind).toBe('input');
    expect((caught as { input?: string }).input).toBe('destination-version');
  });

  test.each(['1', '42', '2026.07.1', '1.5', 'v2', 'release_3-rc.1', 'x'.repeat(255)])('accepts %j', (v) => {
    expect(modelVersionProblem(v)).toBeUndefined();
    expect(checkModelVersion(v, 'model-version')).toBe(v);
  });
});

describe('model references carry the same version rule', () => {
  test.each(['azureml:m:..', 'azureml:m:.', 'm:1/2', 'azureml:m:latest', 'azureml:m:-1'])('%j is an input error on model', (ref) => {
    expect(() => parseModelReference(ref, { input: 'model' })).toThrow(/Input 'model'/);
  });

  test('a separate version input is checked too', () => {
    expect(() => parseModelReference('credit', { input: 'model', version: '..' })).toThrow(/model-version/);
  });

  test('a good reference still parses', () => {
    expect(parseModelReference('azureml:credit:3', { input: 'model' })).toMatchObject({ kind: 'workspace', name: 'credit', version: '3' });
  });
});

describe('resource groups', () => {
  test.each(['..', '.', 'rg.', 'a/b', 'a b', 'x'.repeat(91), ''])('refuses %j', (v) => {
    expect(() => checkResourceGroup(v, 'registry-resource-group')).toThrow(/registry-resource-group/);
  });
  test.each(['rg-ml', 'rg_(prod).1'])('accepts %j', (v) => expect(checkResourceGroup(v, 'resource-group')).toBe(v));
});

describe('the ARM path builder', () => {
  const ws = workspacePath('00000000-0000-0000-0000-000000000000', 'rg', 'ws');

  test('encodes every segment so none can add a path level or a query', () => {
    expect(childPath(ws, 'models', 'a/b', 'versions', '1?x=1#f')).toBe(`${ws}/models/a%2Fb/versions/1%3Fx%3D1%23f`);
    expect(segment('%2e%2e')).toBe('%252e%252e');
  });

  test.each(['', '.', '..'])('refuses the dot or empty segment %j instead of normalising it', (s) => {
    expect(() => childPath(ws, 'models', 'credit', 'versions', s)).toThrow(/Refusing to build/);
    expect(() => workspacePath('s', 'rg', s)).toThrow(/Refusing to build/);
  });
});
