/** The staging verdict from the checks' outcomes, and the counts the summary's first line gives. */
import type { CheckOutcome, Verdict } from './types';

/** A check counts as failed when it failed or could not run (error). */
export function isFailing(c: Pick<CheckOutcome, 'status'>): boolean {
  return c.status !== 'passed';
}

/**
 * failed: a gate check failed or errored; warned: only warn checks did; passed otherwise. An empty list passes:
 * a policy with no checks is refused when the policy is read, not here.
 */
export function verdictOf(checks: readonly CheckOutcome[]): Verdict {
  const failing = checks.filter(isFailing);
  if (failing.some((c) => c.severity === 'gate')) return 'failed';
  return failing.length > 0 ? 'warned' : 'passed';
}

export interface Tally {
  total: number;
  /** Failed or errored, gate and warn */
  failing: number;
  gate: number;
  warn: number;
  /** Of `failing`, the checks that could not run */
  errors: number;
}

export function tally(checks: readonly CheckOutcome[]): Tally {
  const failing = checks.filter(isFailing);
  return {
    total: checks.length,
    failing: failing.length,
    gate: failing.filter((c) => c.severity === 'gate').length,
    warn: failing.filter((c) => c.severity === 'warn').length,
    errors: failing.filter((c) => c.status === 'error').length,
  };
}

/**
 * The checks in the order a reader wants them: failing gate checks, then failing warn checks, then the rest, each
 * group in policy order (Array sort is stable).
 */
export function failingFirst(checks: readonly CheckOutcome[]): CheckOutcome[] {
  const rank = (c: CheckOutcome) => (!isFailing(c) ? 2 : c.severity === 'gate' ? 0 : 1);
  return [...checks].sort((a, b) => rank(a) - rank(b));
}
