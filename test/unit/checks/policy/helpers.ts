import { join } from 'node:path';
import { StepError } from '../../../../shared/src/core/errors';
import { parsePolicyText, type PolicyOptions } from '../../../../shared/src/checks/policy';

export const FIXTURES = join(__dirname, 'fixtures');
/** A policy file name inside the fixtures folder (its files and data paths resolve there). */
export const FILE = join(FIXTURES, 'inline.yml');

export function caught(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error('expected an error');
}

/** The error a policy text gives (it must give one). */
export function problem(text: string, options?: PolicyOptions): StepError {
  return caught(() => parsePolicyText(text, FILE, options));
}

/** The separate problems of an error (one, or those an aggregated error lists). */
export function problems(e: StepError): StepError[] {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof AggregateError ? (cause.errors as StepError[]) : [e];
}
