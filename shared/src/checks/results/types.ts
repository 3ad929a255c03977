/**
 * What staging checks found: one outcome per policy check, each a table of rows. The JSON result file is this
 * object as is (`results/json.ts`); the Markdown summary and JUnit XML are views of it. Nothing here depends on the
 * host, the clock or the machine, except the load check's measured figures and `durationMs`, so the same policy and
 * data give the same file in every host.
 */
import type { CheckType, Severity } from '../policy/types';

export const RESULT_SCHEMA_VERSION = 1;

export type RowStatus = 'passed' | 'failed' | 'skipped';

/** One line of a check's table: what was measured on what, against which threshold. */
export interface ResultRow {
  /** What the row is about: a request, a feature, a slice, an SLO ("p95", "income", "sex=F") */
  subject: string;
  /** The metric or assertion ("status", "JensenShannonDistance", "demographic_parity_difference") */
  metric: string;
  /** The measured value for people ("0.132", "312 ms", "404"); "" when there is none */
  measured: string;
  /** The threshold or expectation for people ("<= 0.1", "200", "schema") */
  expected: string;
  status: RowStatus;
  /** Why it failed or was skipped, or extra facts ("CI [-0.04, 0.01]", "3 unseen categories: x, y, z") */
  detail?: string;
  /** The number behind `measured`, when there is one (null: could not be computed) */
  value?: number | null;
}

export type CheckStatus = 'passed' | 'failed' | 'error';

export interface CheckOutcome {
  name: string;
  type: CheckType;
  severity: Severity;
  /** error: the check could not run (the message says why); it counts as failed */
  status: CheckStatus;
  /** One sentence: "2 of 14 features drifted: income (0.31 > 0.1), age (…)" */
  headline: string;
  rows: ResultRow[];
  /** Facts shown under the table ("rows": 1000, "baseline rows": 5000, "requests": 420) */
  facts: Record<string, string | number>;
  /** Markdown blocks shown after the table (the load check's latency chart and per-second table) */
  extra?: { mermaid?: string; table?: string };
  error?: string;
  durationMs: number;
}

/** passed: every check passed; warned: only warn checks failed; failed: a gate check failed (or errored). */
export type Verdict = 'passed' | 'warned' | 'failed';

export interface StagingResult {
  schemaVersion: number;
  verdict: Verdict;
  policy: { file: string; version: number };
  target: { endpoint?: string; deployment?: string; champion?: string };
  checks: CheckOutcome[];
}
