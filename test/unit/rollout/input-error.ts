import { StepError } from '../../../shared/src/core/errors';

/** The input StepError `fn` throws (the test fails when it throws nothing or something else). */
export function inputErrorOf(fn: () => unknown): StepError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(StepError);
  expect((thrown as StepError).kind).toBe('input');
  return thrown as StepError;
}
