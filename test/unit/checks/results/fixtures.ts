/** A realistic staging result for the results tests: every check type, a warn check, an error check, many rows. */
import { RESULT_SCHEMA_VERSION, type CheckOutcome, type ResultRow, type StagingResult } from '../../../../shared/src/checks/results/types';

export function row(p: Partial<ResultRow> & Pick<ResultRow, 'subject' | 'metric'>): ResultRow {
  return { measured: '', expected: '', status: 'passed', ...p };
}

export function outcome(p: Partial<CheckOutcome> & Pick<CheckOutcome, 'name' | 'type'>): CheckOutcome {
  return { severity: 'gate', status: 'passed', headline: `${p.name} passed`, rows: [], facts: {}, durationMs: 100, ...p };
}

export const LOAD_MERMAID = [
  '```mermaid',
  'xychart-beta',
  '  title "Latency (ms): p50, p95, p99, lowest to highest"',
  '  x-axis "second" [1, 2, 3]',
  '  y-axis "ms" 0 --> 500',
  '  line [120, 130, 125]',
  '  line [300, 320, 310]',
  '  line [410, 450, 430]',
  '```',
].join('\n');

export const LOAD_TABLE = [
  '| Second | Requests/s | Errors | p50 | p95 | p99 |',
  '|---|---|---|---|---|---|',
  '| 1 | 50/s | 0 | 120 ms | 300 ms | 410 ms |',
  '| 2 | 52/s | 1 | 130 ms | 320 ms | 450 ms |',
  '| 3 | 49/s | 0 | 125 ms | 310 ms | 430 ms |',
].join('\n');

export const DRIFT_FEATURES = 120;
/** The features of the drift check that drifted (all others passed) */
export const DRIFTED = ['f017', 'f063', 'f118'];

function driftRows(): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let i = 0; i < DRIFT_FEATURES; i++) {
    const subject = `f${String(i).padStart(3, '0')}`;
    const drifted = DRIFTED.includes(subject);
    const value = drifted ? 0.2 + i / 1000 : i / 10_000;
    rows.push(row({ subject, metric: 'JensenShannonDistance', measured: value.toFixed(4), expected: '<= 0.1', status: drifted ? 'failed' : 'passed', value }));
  }
  return rows;
}

export function smoke(): CheckOutcome {
  return outcome({
    name: 'smoke',
    type: 'smoke',
    status: 'failed',
    headline: '1 of 3 requests failed: health-check|v2 answered 404',
    rows: [
      row({ subject: 'score-one', metric: 'status', measured: '200', expected: '200', status: 'passed', value: 200 }),
      row({ subject: 'health-check|v2', metric: 'status', measured: '404', expected: '200', status: 'failed', detail: 'answer: <html>Not Found</html>', value: 404 }),
      row({ subject: 'score-batch', metric: 'schema', measured: 'valid', expected: 'schema', status: 'passed' }),
    ],
    facts: { requests: 3, deployment: 'blue' },
    durationMs: 842,
  });
}

export function load(): CheckOutcome {
  return outcome({
    name: 'load',
    type: 'load',
    headline: 'All 2 objectives met at 50/s for 60 s',
    rows: [
      row({ subject: 'p95', metric: 'latency', measured: '320 ms', expected: '<= 500 ms', status: 'passed', value: 320 }),
      row({ subject: 'error_rate', metric: 'rate', measured: '0.33%', expected: '< 1%', status: 'passed', value: 0.0033 }),
    ],
    facts: { requests: 3000, 'throughput (/s)': 50.1 },
    extra: { mermaid: LOAD_MERMAID, table: LOAD_TABLE },
    durationMs: 61_250,
  });
}

export function drift(): CheckOutcome {
  return outcome({
    name: 'drift',
    type: 'data_drift',
    status: 'failed',
    headline: `3 of ${DRIFT_FEATURES} features drifted: f017, f063, f118`,
    rows: driftRows(),
    facts: { rows: 1_000_000, 'baseline rows': 250_000 },
    durationMs: 29_234,
  });
}

export function fairness(): CheckOutcome {
  return outcome({
    name: 'fairness',
    type: 'fairness',
    severity: 'warn',
    status: 'failed',
    headline: 'demographic_parity_difference over sex is 0.14 (> 0.1)',
    rows: [
      row({ subject: 'sex', metric: 'demographic_parity_difference', measured: '0.14', expected: '<= 0.1', status: 'failed', detail: 'CI [0.09, 0.19]', value: 0.14 }),
      row({ subject: 'age_band', metric: 'equalized_odds_difference', measured: '0.04', expected: '<= 0.1', status: 'passed', value: 0.04 }),
      row({ subject: 'region=apac', metric: 'accuracy', measured: '', expected: '>= 0.8', status: 'skipped', detail: 'only 12 rows (fewer than 30)', value: null }),
    ],
    facts: { rows: 5000 },
    durationMs: 3_400,
  });
}

export function championChallenger(): CheckOutcome {
  return outcome({
    name: 'champion vs challenger',
    type: 'champion_challenger',
    headline: 'challenger AUC 0.912 is not worse than champion 0.905 (margin 0.01)',
    rows: [row({ subject: 'auc', metric: 'difference', measured: '+0.007', expected: '>= -0.01', status: 'passed', detail: 'DeLong p = 0.21', value: 0.007 })],
    facts: { rows: 5000, champion: 'green' },
    durationMs: 5_120,
  });
}

export function quality(): CheckOutcome {
  return outcome({
    name: 'quality',
    type: 'data_quality',
    severity: 'warn',
    headline: 'No quality issue in 14 features',
    rows: [row({ subject: 'income', metric: 'NullValueRate', measured: '0.1%', expected: '<= 1%', status: 'passed', value: 0.001 })],
    facts: { rows: 1_000_000 },
    durationMs: 1_800,
  });
}

export function errored(): CheckOutcome {
  return outcome({
    name: 'prediction drift',
    type: 'prediction_drift',
    status: 'error',
    headline: 'Could not score the target dataset',
    error: 'The deployment answered 503 Service Unavailable',
    durationMs: 12_000,
  });
}

/** smoke (gate, failed), load, drift (gate, failed, 120 rows), fairness (warn, failed), champion_challenger, quality (warn), an error check (gate) */
export function stagingResult(): StagingResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    verdict: 'failed',
    policy: { file: 'policies/staging.yml', version: 1 },
    target: { endpoint: 'churn-staging', deployment: 'blue', champion: 'green' },
    checks: [smoke(), load(), drift(), fairness(), championChallenger(), quality(), errored()],
  };
}

/** A result of these checks, its verdict as given */
export function resultOf(checks: CheckOutcome[], verdict: StagingResult['verdict'] = 'passed'): StagingResult {
  return { schemaVersion: RESULT_SCHEMA_VERSION, verdict, policy: { file: 'p.yml', version: 1 }, target: { endpoint: 'ep', deployment: 'blue' }, checks };
}
