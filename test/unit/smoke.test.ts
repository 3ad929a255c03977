import * as core from '@actions/core';
import { inputError } from '../../shared/src/core/errors';
test('esm deps load under jest', () => {
  expect(typeof core.getInput).toBe('function');
  expect(inputError('x', { input: 'a' }).kind).toBe('input');
});
