/** Building a check's outcome: rows in, status and timing out. */
import { performance } from 'node:perf_hooks';
import { StepError } from '../../core/errors';
import type { PolicyCheck } from '../policy/types';
import type { CheckOutcome, ResultRow } from '../results/types';

export type Body = Pick<CheckOutcome, 'headline' | 'rows' | 'facts' | 'extra'> & { failed?: boolean };

/**
 * Run one check: its rows decide its status (any failed row fails it, unless the body says otherwise). A user
 * error (StepError 'input': a missing column, an unreadable file) is not caught: the whole step stops on it, before
 * any later check. Anything else that stops the check (the deployment not answering) makes it an `error` outcome.
 */
export async function timed(check: PolicyCheck, run: () => Promise<Body>): Promise<CheckOutcome> {
  const started = performance.now();
  const base = { name: check.name, type: check.type, severity: check.severity };
  try {
    const body = await run();
    const failed = body.failed ?? body.rows.some((r) => r.status === 'failed');
    return { ...base, status: failed ? 'failed' : 'passed', ...body, durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    if (e instanceof StepError && (e.kind === 'input' || e.kind === 'cancelled' || e.kind === 'timeout')) throw e;
    const message = (e as Error).message ?? String(e);
    return { ...base, status: 'error', headline: `could not run: ${message}`, rows: [], facts: {}, error: message, durationMs: Math.round(performance.now() - started) };
  }
}


/** "2 of 14 failed: a, b" or "all 14 passed". */
export function countHeadline(rows: readonly ResultRow[], noun: string): string {
  const failed = rows.filter((r) => r.status === 'failed');
  const counted = rows.filter((r) => r.status !== 'skipped').length;
  if (failed.length === 0) return `all ${counted} ${noun} passed`;
  const names = failed.slice(0, 3).map((r) => `${r.subject} ${r.metric}${r.measured ? ` ${r.measured}` : ''}${r.expected ? ` (want ${r.expected})` : ''}`);
  return `${failed.length} of ${counted} ${noun} failed: ${names.join('; ')}${failed.length > 3 ? '; …' : ''}`;
}

/** Numbers for people: up to 4 significant decimals, no exponent for ordinary values. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}
