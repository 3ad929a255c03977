/**
 * Metric names, default thresholds and the alert rule of `model_monitor_evaluate_metrics_threshold`
 * (check-metrics.md §1.1, §1.6, §1.8), and the result rows the evaluations return.
 */
import type { FeatureType } from './types';

export type NumericalMetric =
  | 'JensenShannonDistance'
  | 'NormalizedWassersteinDistance'
  | 'PopulationStabilityIndex'
  | 'TwoSampleKolmogorovSmirnovTest';
export type CategoricalMetric = 'JensenShannonDistance' | 'PopulationStabilityIndex' | 'PearsonsChiSquaredTest';
export type DriftMetric = NumericalMetric | CategoricalMetric;

/** Azure's three data-quality rates, and two of ours (not computed by Azure ML). */
export type QualityMetric = 'NullValueRate' | 'DataTypeErrorRate' | 'OutOfBoundsRate' | 'DuplicateRowRate' | 'UnseenCategoryRate';

export const NUMERICAL_METRICS: readonly NumericalMetric[] = [
  'JensenShannonDistance',
  'NormalizedWassersteinDistance',
  'PopulationStabilityIndex',
  'TwoSampleKolmogorovSmirnovTest',
];
export const CATEGORICAL_METRICS: readonly CategoricalMetric[] = ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'];
export const AZURE_QUALITY_METRICS: readonly QualityMetric[] = ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'];
export const QUALITY_METRICS: readonly QualityMetric[] = [...AZURE_QUALITY_METRICS, 'DuplicateRowRate', 'UnseenCategoryRate'];

/** The metric Azure computes per feature type when none is chosen (data drift and prediction drift alike). */
export const DEFAULT_NUMERICAL_METRIC: NumericalMetric = 'NormalizedWassersteinDistance';
export const DEFAULT_CATEGORICAL_METRIC: CategoricalMetric = 'JensenShannonDistance';

/** The SDK's defaults (`DataDriftMetricThreshold`, `PredictionDriftMetricThreshold`). */
export const SDK_DRIFT_THRESHOLDS: Readonly<Partial<Record<DriftMetric, number>>> = {
  NormalizedWassersteinDistance: 0.1,
  JensenShannonDistance: 0.1,
};
/** What the drift component uses when it is given no threshold (the SDK has none for PSI, KS and χ²). */
export const COMPONENT_DEFAULT_THRESHOLD = 0.5;
/** Data quality: the tolerance added to the baseline's rate (SDK default 0: alert when the target's rate is higher). */
export const DEFAULT_QUALITY_TOLERANCE = 0;

/** p-values (and NDCG) alert when below the threshold; every other metric when above. */
const LOWER_IS_WORSE: ReadonlySet<string> = new Set(['TwoSampleKolmogorovSmirnovTest', 'PearsonsChiSquaredTest', 'NormalizedDiscountedCumulativeGain']);

export const lowerIsWorse = (metric: string): boolean => LOWER_IS_WORSE.has(metric);

/**
 * Whether a metric value breaches its threshold, as Azure decides it: both are written as float32 and compared
 * strictly; a NaN distance breaches (Spark orders NaN above every number), a NaN p-value does not.
 */
export function breaches(metric: string, value: number, threshold: number): boolean {
  const v = Math.fround(value);
  const t = Math.fround(threshold);
  if (lowerIsWorse(metric)) return v < t;
  return Number.isNaN(v) || v > t;
}

/** Thresholds by metric, for all features, per feature type, or per feature (the most specific wins). */
export interface ThresholdOverrides<M extends string> {
  default?: Partial<Record<M, number>>;
  numerical?: Partial<Record<M, number>>;
  categorical?: Partial<Record<M, number>>;
  features?: Record<string, Partial<Record<M, number>>>;
}

export function resolveThreshold<M extends string>(
  overrides: ThresholdOverrides<M> | undefined,
  feature: string,
  type: FeatureType | 'dataset',
  metric: M,
  fallback: number,
): number {
  const pick = (o?: Partial<Record<M, number>>) => (o && Object.prototype.hasOwnProperty.call(o, metric) ? o[metric] : undefined);
  return (
    pick(overrides?.features?.[feature]) ??
    (type === 'numerical' ? pick(overrides?.numerical) : type === 'categorical' ? pick(overrides?.categorical) : undefined) ??
    pick(overrides?.default) ??
    fallback
  );
}

/** One line of a report: a feature, a metric, its value and threshold, and whether it passed. */
export interface CheckRow {
  /** The column, or `*` for a metric of the whole dataset. */
  feature: string;
  type: FeatureType | 'dataset';
  metric: DriftMetric | QualityMetric;
  /** null when the metric could not be computed (see `error`). */
  value: number | null;
  threshold: number;
  passed: boolean;
  /** Why there is no value; such a row does not pass (Azure's run would fail or have no value either). */
  error?: string;
  /** KS: the D statistic; χ²: the statistic. */
  statistic?: number;
  /** Data quality: the baseline's rate the threshold was built from (threshold = baseline rate + tolerance). */
  baselineValue?: number;
  /** Extra facts for a report (bins and counts, unseen categories…). */
  detail?: Record<string, unknown>;
}

export function row(init: Omit<CheckRow, 'passed'> & { passed?: boolean }): CheckRow {
  const passed = init.passed ?? (init.value !== null && init.error === undefined && !breaches(init.metric, init.value, init.threshold));
  return { ...init, passed };
}

/**
 * Python's `round(x, 5)`: the decimal nearest the binary value, ties to even. For rates in [0, 1] an exact tie at
 * the 6th decimal happens only for odd multiples of 1/64, which `toFixed` would round up.
 */
export function round5(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = x * 64;
  if (Number.isInteger(t) && Math.abs(t % 2) === 1) {
    const up = Number(x.toFixed(5));
    const down = Math.round((up - 1e-5) * 1e5) / 1e5;
    const lastDigit = Math.round(Math.abs(up) * 1e5) % 2;
    return lastDigit === 0 ? up : down;
  }
  return Number(x.toFixed(5));
}
