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

/**
 * Where a value was written: its position in the policy file or, when a step input overrode it (the `set` lines,
 * the `data` input, the endpoint/deployment inputs), that input and its line (`file` is then the policy file, with
 * no line). `policyError(at, message)` (errors.ts) makes the matching input error.
 */
export interface PolicyLocation extends SourceLocation {
  /** The step input the value came from */
  input?: string;
  /** 1-based line of that input (multi-line inputs) */
  inputLine?: number;
}

export interface Located<T> {
  value: T;
  at: PolicyLocation;
}

/** A dataset named under `data:`: a local file (resolved against the policy's folder) or an Azure ML data URI. */
export interface PolicyDataset {
  name: string;
  /**
   * Absolute local path, or the `azureml:` / `azureml://` / `https:` URI as written. A local path written in the
   * policy is inside the policy's folder as written (not checked for links or existence here: the runner stats it
   * and reports a missing file at `at`); one given by the `data` input is resolved against the working directory.
   */
  path: string;
  kind: 'local' | 'remote';
  /** As written, else from a local file's extension (.csv, .jsonl/.ndjson/.json, .parquet/.pq); undefined for a remote one without it */
  format?: FileFormat;
  /** The path's value in the file (or the `data` input line) */
  at: PolicyLocation;
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
  /** score: each output is the positive class's score (classification, the default); label: a predicted label or value */
  outputKind: 'score' | 'label';
  at: PolicyLocation;
}

export interface RequestSpec {
  /** As written, else "request <n>" (1-based) */
  name: string;
  /** The body as sent (JSON text from `body`, or the bytes of `body_file`); the reader always sets it (exactly one of the two is required) */
  body?: string;
  /** Names as written; never `authorization` or `azureml-model-deployment` (the runner sets those) */
  headers: Record<string, string>;
  at: PolicyLocation;
}

export interface ValueExpectation {
  /** JSON pointer into the answer ("/0", "/predictions/0/score") */
  pointer: string;
  equals: unknown;
  /** For numbers: the largest absolute difference that still counts as equal (default 0) */
  tolerance: number;
  at: PolicyLocation;
}

export interface SmokeRequest extends RequestSpec {
  /** Accepted statuses (default [200]) */
  status: number[];
  /** A JSON Schema (draft 2020-12 subset) the answer must meet (`schema`, or the JSON/YAML file `schema_file`) */
  schema?: Record<string, unknown>;
  values: ValueExpectation[];
}

interface CheckBase {
  name: string;
  severity: Severity;
  at: PolicyLocation;
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
  /** `concurrency: n` or `rate: r` (with `max_in_flight`, default 64): one of them is required */
  mode: { kind: 'concurrency'; connections: number } | { kind: 'rate'; rps: number; maxInFlight: number };
  /** Exactly one of durationMs (`duration`) and requestCount (`requests: <n>`) is set */
  durationMs?: number;
  requestCount?: number;
  /** Default 0 */
  warmupMs: number;
  /** Default 30 000 */
  timeoutMs: number;
  /** Each rule's `line` is the policy file line of its list item (0 when it came from a `set` line) */
  slo: SloRule[];
  deployment?: string;
  /** Where the load comes from: this process (`engine: local`, the default, also when absent) or an Azure Load Testing run */
  engine?: LocalLoadEngine | AzureLoadTestingEngine;
}

export interface LocalLoadEngine {
  kind: 'local';
}

/**
 * `engine: azure-load-testing`: the load runs as an Azure Load Testing test run (a generated JMeter plan: `concurrency`
 * threads on each of `engineInstances` engines, `duration` after `rampUpMs`), and the SLOs are evaluated on the
 * run's statistics. Only `concurrency` and `duration` (whole seconds) go with it; `warmup` does not (JMeter counts
 * every sample: use `ramp_up`).
 */
export interface AzureLoadTestingEngine {
  kind: 'azure-load-testing';
  /** `load_test_resource`: an ARM id, or a resource name in `resourceGroup` (`load_test_resource_group`, else the step's resource group) */
  resource: { id: string } | { name: string; resourceGroup?: string };
  /** `engine_instances` (1-45, default 1) */
  engineInstances: number;
  /** `ramp_up` (default 0) */
  rampUpMs: number;
  /** `endpoint_secret`: a Key Vault secret URI holding the endpoint key, passed to the test as an AKV_SECRET_URI secret */
  keyVaultSecret?: string;
  at: PolicyLocation;
}

/** `run_on:` of a data check: run it as an Azure ML command job on this cluster (datasets uploaded or passed as inputs). */
export interface RunOn {
  /** An AmlCompute cluster of the workspace */
  compute: Located<string>;
  /** `azureml:<name>:<version>` with Node.js on PATH; default: the environment the step registers */
  environment?: Located<string>;
  /** The `run_on` value */
  at: PolicyLocation;
}

/** `features:` of a data check: all common columns, or these */
export type FeatureList = 'all' | Located<string>[];

export interface DataQualityCheck extends CheckBase {
  type: 'data_quality';
  baseline: Located<string>; // dataset name
  target: Located<string>;
  features: FeatureList;
  /** Default all five, in QUALITY_METRICS order */
  metrics: QualityMetric[];
  thresholds: ThresholdOverrides<QualityMetric>;
  /** The columns named under `metric_thresholds.features`, with where */
  thresholdFeatures?: Located<string>[];
  /** `categorical_features` / `numerical_features`: type overrides (a column in both is an error) */
  categorical: Located<string>[];
  numerical: Located<string>[];
  /** Run as an Azure ML command job instead of on the runner */
  runOn?: RunOn;
}

export interface DataDriftCheck extends CheckBase {
  type: 'data_drift' | 'prediction_drift';
  baseline: Located<string>;
  target: Located<string>;
  /** data_drift: features (default all); prediction_drift: the output columns (required) */
  features: FeatureList;
  /** The metrics named under `metric_thresholds.numerical` / `.categorical`, else [NormalizedWassersteinDistance] / [JensenShannonDistance] */
  numericalMetrics: NumericalMetric[];
  categoricalMetrics: CategoricalMetric[];
  /** Only the thresholds written (a metric named with no value keeps the library's default) */
  thresholds: ThresholdOverrides<DriftMetric>;
  /** The columns named under `metric_thresholds.features`, with where */
  thresholdFeatures?: Located<string>[];
  categorical: Located<string>[];
  numerical: Located<string>[];
  /** prediction_drift: score the target dataset through the target deployment for the output column(s) */
  targetFromDeployment: boolean;
  /** Run as an Azure ML command job instead of on the runner (never with targetFromDeployment) */
  runOn?: RunOn;
}

/** Where a model's outputs come from: a column of the dataset, or a deployment scoring the dataset's rows. */
export type OutputsSource =
  | { kind: 'column'; prediction?: Located<string>; score?: Located<string> }
  | { kind: 'deployment'; deployment?: string; at: PolicyLocation }
  | { kind: 'none' };
// `deployment` without a name: the challenger is the policy's target deployment. A column source has at least one
// of prediction/score; `score` is for classification only.

export interface ModelCheck extends CheckBase {
  type: 'fairness' | 'champion_challenger';
  data: Located<string>;
  task: Task;
  label: Located<string>;
  posLabel?: string | number | boolean;
  decisionThreshold?: number;
  /** Default: the target deployment (`challenger: deployment`) */
  challenger: OutputsSource;
  /** champion_challenger: default the deployment holding the most live traffic (`live`); fairness: default none */
  champion: OutputsSource | { kind: 'live'; at: PolicyLocation };
  /** Sensitive / slice columns the rules name, each once, at the first rule naming it */
  columns: Located<string>[];
  rules: CheckRule[];
  /** Each rule's position, in order */
  ruleAt: PolicyLocation[];
}

export type PolicyCheck = SmokeCheck | LoadCheck | DataQualityCheck | DataDriftCheck | ModelCheck;

/** Fields added after the first version of these types are optional (hand-built values stay valid); loadPolicy always sets them. */
export interface Policy {
  /** The policy file as given */
  file: string;
  /** The absolute folder of the file: local paths in it resolve against this folder and stay inside it */
  folder?: string;
  version: number;
  target: { endpoint?: Located<string>; deployment?: Located<string>; champion?: Located<string> };
  scoring?: ScoringSpec;
  /** In file order (datasets only the `data` input names come last) */
  data: Map<string, PolicyDataset>;
  /** `defaults.severity`, default gate (already applied to each check's severity) */
  defaultSeverity?: Severity;
  checks: PolicyCheck[];
}
