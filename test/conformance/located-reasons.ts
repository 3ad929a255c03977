/**
 * What every corpus conformance suite asserts of a file that does not load: an input error located in that file
 * (line > 0), each of its problems matching one of the suite's known reasons. Returns the reasons, for the tally.
 */
import { StepError } from '../../shared/src/core/errors';

export type Reasons = ReadonlyArray<readonly [string, RegExp]>;

export function expectLocatedReasons(error: unknown, file: string, reasons: Reasons): string[] {
  expect(error).toBeInstanceOf(StepError);
  const e = error as StepError;
  expect(e.kind).toBe('input');
  expect(e.location?.file).toBe(file);
  expect(e.location?.line).toBeGreaterThan(0);
  const parts = e.cause instanceof AggregateError ? (e.cause.errors as StepError[]) : [e];
  const found = parts.map((p) => reasons.find(([, r]) => r.test(p.message))?.[0] ?? `unexplained: ${p.message}`);
  expect(found.filter((r) => r.startsWith('unexplained'))).toEqual([]);
  return found;
}
