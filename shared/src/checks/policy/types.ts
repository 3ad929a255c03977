/**
 * A staging-checks policy, as read from its YAML file (`policy.ts` reads and checks it). Every value that names a
 * column, a dataset or a rule keeps where it was written, so a problem found later (a column missing from the data,
 * a dataset that is not a regular file) is still reported at `file:line:col` of the policy.
 */
import type { SourceLocation } from '../../core/errors';
import type { CategoricalMetric, FileFormat, NumericalMetric, QualityMetric, ThresholdOverrides, DriftMetric } from '../data';
import type { CheckRule, Task } from '../stats';
import type { SloRule } from '../load/slo';

export const POLICY_VERSION = 1;

export const CHECK_TYPES = ['smoke', 'load', 'data_quality', 'data_drift', 'prediction_drift', 'fairness', 'champion_challenger'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** gate: a failure fails the step; warn: a failure is reported and the step goes on to pass. */
export type Severity = 'gate' | 'warn';

export interface Located<T> {
  value: T;
  at: SourceLocation;
}

/** A dataset named under `data:`: a local file (resolved against the policy's folder) or an Azure ML data URI. */
export interface PolicyDataset {
  name: string;
  /** Absolute local path, or the `azureml:` / `azureml://` / `https:` URI as written */
  path: string;
  kind: 'local' | 'remote';
  format?: FileFormat;
  at: SourceLocation;
}

/** How evaluation rows become scoring requests, and answers become outputs (checks that score through a deployment). */
export interface ScoringSpec {
  /** The columns sent, in this order */
  features: Located<string>[];
  /** Rows per request (default 100) */
  batchSize: number;
  /** The request body's key holding the rows (default "data"): {"data": [[…], …]} */
  inputKey: string;
  /** rows: a list of lists (default); records: a list of {column: value} objects */
  rowFormat: 'rows' | 'records';
  /** JSON pointer to the list of outputs in the answer ("" = the answer itself, the default) */
  outputPointer: string;
  /** score: each output is the positive class's score (classification); label: a predicted label or value */
  outputKind: 'score' | 'label';
  at: SourceLocation;
}

export interface RequestSpec {
  name: string;
  /** The body as sent (JSON text from `body`, or the bytes of `body_file`) */
  body?: string;
  headers: Record<string, string>;
  at: SourceLocation;
}

export interface ValueExpectation {
  /** JSON pointer into the answer ("/0", "/predictions/0/score") */
  pointer: string;
  equals: unknown;
  /** For numbers: the largest absolute difference that still counts as equal (default 0) */
  tolerance: number;
  at: SourceLocation;
}

export interface SmokeRequest extends RequestSpec {
  /** Accepted statuses (default [200]) */
  status: number[];
  /** A JSON Schema (draft 2020-12 subset) the answer must meet */
  schema?: Record<string, unknown>;
  values: ValueExpectation[];
}

interface CheckBase {
  name: string;
  severity: Severity;
  at: SourceLocation;
}

export interface SmokeCheck extends CheckBase {
  type: 'smoke';
  requests: SmokeRequest[];
  /** Deployment to send to (default the policy's target) */
  deployment?: string;
}

export interface LoadCheck extends CheckBase {
  type: 'load';
  requests: RequestSpec[];
  mode: { kind: 'concurrency'; connections: number } | { kind: 'rate'; rps: number; maxInFlight: number };
  durationMs?: number;
  requestCount?: number;
  warmupMs: number;
  timeoutMs: number;
  slo: SloRule[];
  deployment?: string;
}

/** `features:` of a data check: all common columns, or these */
export type FeatureList = 'all' | Located<string>[];

export interface DataQualityCheck extends CheckBase {
  type: 'data_quality';
  baseline: Located<string>; // dataset name
  target: Located<string>;
  features: FeatureList;
  metrics: QualityMetric[];
  thresholds: ThresholdOverrides<QualityMetric>;
  categorical: Located<string>[];
  numerical: Located<string>[];
}

export interface DataDriftCheck extends CheckBase {
  type: 'data_drift' | 'prediction_drift';
  baseline: Located<string>;
  target: Located<string>;
  /** data_drift: features (default all); prediction_drift: the output columns (required) */
  features: FeatureList;
  numericalMetrics: NumericalMetric[];
  categoricalMetrics: CategoricalMetric[];
  thresholds: ThresholdOverrides<DriftMetric>;
  categorical: Located<string>[];
  numerical: Located<string>[];
  /** prediction_drift: score the target dataset through the target deployment for the output column(s) */
  targetFromDeployment: boolean;
}

/** Where a model's outputs come from: a column of the dataset, or a deployment scoring the dataset's rows. */
export type OutputsSource =
  | { kind: 'column'; prediction?: Located<string>; score?: Located<string> }
  | { kind: 'deployment'; deployment?: string; at: SourceLocation }
  | { kind: 'none' };

export interface ModelCheck extends CheckBase {
  type: 'fairness' | 'champion_challenger';
  data: Located<string>;
  task: Task;
  label: Located<string>;
  posLabel?: string | number | boolean;
  decisionThreshold?: number;
  challenger: OutputsSource;
  /** champion_challenger: default the deployment holding the most live traffic; fairness: none */
  champion: OutputsSource | { kind: 'live'; at: SourceLocation };
  /** Sensitive / slice columns the rules name, with where */
  columns: Located<string>[];
  rules: CheckRule[];
  /** Each rule's position, in order */
  ruleAt: SourceLocation[];
}

export type PolicyCheck = SmokeCheck | LoadCheck | DataQualityCheck | DataDriftCheck | ModelCheck;

export interface Policy {
  file: string;
  version: number;
  target: { endpoint?: Located<string>; deployment?: Located<string>; champion?: Located<string> };
  scoring?: ScoringSpec;
  data: Map<string, PolicyDataset>;
  checks: PolicyCheck[];
}
