/**
 * The `data_quality`, `data_drift` and `prediction_drift` checks, in the form of `az ml` monitoring signals:
 * snake_case metric names and `metric_thresholds` per feature type, mapped onto the data library's names.
 */
import { isScalar, type Node } from 'yaml';
import type { MapEntry } from '../../specs/yaml-source';
import { closestKey } from '../../specs/unknown-key';
import {
  CATEGORICAL_METRICS,
  DEFAULT_CATEGORICAL_METRIC,
  DEFAULT_NUMERICAL_METRIC,
  NUMERICAL_METRICS,
  QUALITY_METRICS,
  type CategoricalMetric,
  type DriftMetric,
  type NumericalMetric,
  type QualityMetric,
  type ThresholdOverrides,
} from '../data/thresholds';
import type { Entries, PolicyReader } from './reader';
import { readRunOn } from './run-on';
import type { DataDriftCheck, DataQualityCheck, FeatureList, Located } from './types';

const COMMON = ['baseline', 'target', 'features', 'metric_thresholds', 'categorical_features', 'numerical_features', 'run_on'];
export const QUALITY_KEYS = [...COMMON, 'metrics'];
export const DRIFT_KEYS = COMMON;
export const PREDICTION_DRIFT_KEYS = [...COMMON, 'target_from_deployment'];
const THRESHOLD_KEYS = ['numerical', 'categorical', 'default', 'features'];

type Base = Pick<DataQualityCheck, 'name' | 'severity' | 'at'>;

/** `NullValueRate` → `null_value_rate`: the spelling of az ml monitor YAML. */
export function snakeName(metric: string): string {
  return metric.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

function byName<M extends string>(metrics: readonly M[]): Record<string, M> {
  return Object.fromEntries(metrics.map((m) => [snakeName(m), m]));
}

export const QUALITY_NAMES = byName(QUALITY_METRICS);
export const NUMERICAL_NAMES = byName(NUMERICAL_METRICS);
export const CATEGORICAL_NAMES = byName(CATEGORICAL_METRICS);
const DRIFT_NAMES: Record<string, DriftMetric> = { ...NUMERICAL_NAMES, ...CATEGORICAL_NAMES };

function metricProblem(name: string, known: Record<string, string>, scope: string): string {
  const allowed = Object.keys(known);
  const guess = closestKey(name, allowed);
  return `unknown metric '${name}' in '${scope}'.${guess ? ` Did you mean '${guess}'?` : ''} Known: ${allowed.join(', ')}`;
}

/** `{metric: threshold, …}`: the metrics named (a metric with no value keeps the default threshold) and the values. */
function thresholdMap<M extends string>(r: PolicyReader, e: MapEntry | undefined, scope: string, known: Record<string, M>) {
  const named: M[] = [];
  const values: Partial<Record<M, number>> = {};
  const where = new Map<M, Node>();
  const entries = r.namedEntries(e, scope);
  for (const x of entries ?? []) {
    const metric = known[x.key];
    if (metric === undefined) {
      r.fail(x.keyNode, metricProblem(x.key, known, scope));
      continue;
    }
    named.push(metric);
    where.set(metric, x.keyNode);
    const v = r.numberOf(x.value, x.key, { kind: 'threshold', min: 0 });
    if (v !== undefined) values[metric] = v;
  }
  return { named, values, where, empty: entries?.length === 0 };
}

interface ThresholdsRead<M extends string> {
  thresholds: ThresholdOverrides<M>;
  features: Located<string>[];
  /** The metrics named under numerical / categorical, in order */
  numerical: M[];
  categorical: M[];
  /** Each metric named anywhere, at its first key */
  where: Map<M, Node>;
  numericalGiven: boolean;
  categoricalGiven: boolean;
}

function readThresholds<M extends string>(r: PolicyReader, e: MapEntry | undefined, names: { numerical: Record<string, M>; categorical: Record<string, M>; any: Record<string, M> }): ThresholdsRead<M> {
  const out: ThresholdsRead<M> = { thresholds: {}, features: [], numerical: [], categorical: [], where: new Map(), numericalGiven: false, categoricalGiven: false };
  const m = r.map(e?.value, 'metric_thresholds', THRESHOLD_KEYS, e?.keyNode);
  if (!m) return out;
  const note = (w: Map<M, Node>) => w.forEach((node, metric) => out.where.has(metric) || out.where.set(metric, node));
  for (const type of ['numerical', 'categorical'] as const) {
    const t = thresholdMap(r, m[type], `metric_thresholds.${type}`, names[type]);
    if (t.empty) r.fail(m[type]!.value, `'metric_thresholds.${type}' is empty: name at least one metric`);
    if (r.present(m[type])) out[type === 'numerical' ? 'numericalGiven' : 'categoricalGiven'] = true;
    out[type] = t.named;
    if (Object.keys(t.values).length > 0) out.thresholds[type] = t.values;
    note(t.where);
  }
  const d = thresholdMap(r, m['default'], 'metric_thresholds.default', names.any);
  if (Object.keys(d.values).length > 0) out.thresholds.default = d.values;
  note(d.where);
  for (const f of r.namedEntries(m['features'], 'metric_thresholds.features') ?? []) {
    out.features.push({ value: f.key, at: r.at(f.keyNode) });
    const t = thresholdMap(r, f, `metric_thresholds.features.${f.key}`, names.any);
    if (Object.keys(t.values).length > 0) (out.thresholds.features ??= {})[f.key] = t.values;
    note(t.where);
  }
  return out;
}

function readFeatures(r: PolicyReader, e: MapEntry | undefined, requiredList: boolean, where: Node): FeatureList | undefined {
  if (!r.present(e)) {
    if (requiredList) r.fail(e?.keyNode ?? where, "'features' is required for a prediction_drift check: the output column(s) compared");
    return requiredList ? undefined : 'all';
  }
  if (isScalar(e.value) && e.value.value === 'all') {
    if (requiredList) return r.fail(e.value, "a prediction_drift check compares named output columns: list them in 'features'");
    return 'all';
  }
  const list = r.columns(e, 'features');
  if (list && list.length === 0) return r.fail(e.value, "'features' is empty: write 'all' or list columns");
  return list;
}

function typeOverrides(r: PolicyReader, m: Entries): { categorical: Located<string>[]; numerical: Located<string>[] } {
  const categorical = r.columns(m['categorical_features'], 'categorical_features') ?? [];
  const numerical = r.columns(m['numerical_features'], 'numerical_features') ?? [];
  for (const n of numerical) {
    if (categorical.some((c) => c.value === n.value)) r.fail(n.at, `'${n.value}' is listed both as categorical and as numerical`);
  }
  return { categorical, numerical };
}

function datasetRefs(r: PolicyReader, m: Entries, node: Node): { baseline?: Located<string>; target?: Located<string> } {
  const ref = (key: string, what: string) => (r.required(m, key, node, what) ? r.column(m[key], key) : undefined);
  return { baseline: ref('baseline', '(the dataset named under data: that is the reference)'), target: ref('target', '(the dataset named under data: that is checked)') };
}

export function readQuality(r: PolicyReader, m: Entries, base: Base, node: Node): DataQualityCheck | undefined {
  const { baseline, target } = datasetRefs(r, m, node);
  const features = readFeatures(r, m['features'], false, node);
  let metrics: QualityMetric[] = [...QUALITY_METRICS];
  if (r.present(m['metrics'])) {
    metrics = [];
    const items = r.list(m['metrics'], 'metrics');
    if (items?.length === 0) r.fail(m['metrics']!.value, "'metrics' is empty: leave it out to compute all five");
    for (const n of items ?? []) {
      const key = r.nameText(n, 'metrics');
      if (key === undefined) continue;
      const metric = QUALITY_NAMES[key];
      if (!metric) r.fail(n, metricProblem(key, QUALITY_NAMES, 'metrics'));
      else if (metrics.includes(metric)) r.fail(n, `'metrics' names '${key}' twice`);
      else metrics.push(metric);
    }
  }
  const names = { numerical: QUALITY_NAMES, categorical: QUALITY_NAMES, any: QUALITY_NAMES };
  const t = readThresholds(r, m['metric_thresholds'], names);
  for (const [metric, at] of t.where) {
    if (!metrics.includes(metric)) r.fail(at, `'${snakeName(metric)}' has a threshold but is not among 'metrics'`);
  }
  if (t.numerical.includes('UnseenCategoryRate')) r.fail(t.where.get('UnseenCategoryRate'), "'unseen_category_rate' is measured on categorical features only");
  const types = typeOverrides(r, m);
  const runOn = readRunOn(r, m['run_on'], node);
  if (!baseline || !target || !features) return undefined;
  return { ...base, type: 'data_quality', baseline, target, features, metrics, thresholds: t.thresholds, thresholdFeatures: t.features, ...types, ...(runOn ? { runOn } : {}) };
}

export function readDrift(r: PolicyReader, m: Entries, base: Base, node: Node, type: 'data_drift' | 'prediction_drift'): DataDriftCheck | undefined {
  const { baseline, target } = datasetRefs(r, m, node);
  const features = readFeatures(r, m['features'], type === 'prediction_drift', node);
  const t = readThresholds<DriftMetric>(r, m['metric_thresholds'], { numerical: NUMERICAL_NAMES, categorical: CATEGORICAL_NAMES, any: DRIFT_NAMES });
  const numericalMetrics = (t.numericalGiven ? t.numerical : [DEFAULT_NUMERICAL_METRIC]) as NumericalMetric[];
  const categoricalMetrics = (t.categoricalGiven ? t.categorical : [DEFAULT_CATEGORICAL_METRIC]) as CategoricalMetric[];
  const computed = new Set<DriftMetric>([...numericalMetrics, ...categoricalMetrics]);
  for (const [metric, at] of t.where) {
    if (!computed.has(metric)) {
      r.fail(at, `'${snakeName(metric)}' has a threshold but is not computed: name it under 'metric_thresholds.numerical' or '.categorical' (computed: ${[...computed].map(snakeName).join(', ')})`);
    }
  }
  const types = typeOverrides(r, m);
  const targetFromDeployment = type === 'prediction_drift' ? (r.bool(m['target_from_deployment'], 'target_from_deployment') ?? false) : false;
  const runOn = readRunOn(r, m['run_on'], node, targetFromDeployment ? "'target_from_deployment: true' scores the target rows through the deployment from the runner" : undefined);
  if (!baseline || !target || !features) return undefined;
  return {
    ...base,
    type,
    baseline,
    target,
    features,
    numericalMetrics,
    categoricalMetrics,
    thresholds: t.thresholds,
    thresholdFeatures: t.features,
    ...types,
    targetFromDeployment,
    ...(runOn ? { runOn } : {}),
  };
}
