/**
 * Data drift and prediction drift as `data_drift_compute_metrics` computes them (check-metrics.md §1.1–§1.7).
 *
 * Passes: CSV and JSON Lines are read once for their dtypes (Parquet has them in its footer); then the baseline is
 * read once to collect its features (integer columns both as values and as categories, since their type depends on
 * the baseline's distinct count); then the target once, collecting each feature as the baseline classified it. The
 * bin edges need the minimum and maximum of both samples, so the histograms are counted from the sorted values
 * after both passes, not during them.
 */
import { commonColumns, featureType, selectFeatures, type CommonColumn, type FeatureSelection, type SkippedColumn, type TypeOverrides } from './classify';
import { compareNumerical, jensenShannonDistance, ksPValue, normalizedWasserstein, pearsonChiSquared, populationStabilityIndex, KS_MAX_ROWS } from './metrics';
import { profileSource, type ColumnProfile, type DataProfile, type DriftFeaturePlan } from './profile';
import { readSchema } from './schema';
import { dataSource, type DataInput, type FileFormat } from './source';
import {
  COMPONENT_DEFAULT_THRESHOLD,
  DEFAULT_CATEGORICAL_METRIC,
  DEFAULT_NUMERICAL_METRIC,
  resolveThreshold,
  row,
  SDK_DRIFT_THRESHOLDS,
  type CategoricalMetric,
  type CheckRow,
  type DriftMetric,
  type NumericalMetric,
  type ThresholdOverrides,
} from './thresholds';
import { FLOAT_TYPES, INTEGER_TYPES, type ColumnSchema, type DType, type FeatureType } from './types';
import { SpillArena, type ArenaOptions } from './value-store';

export interface DriftOptions extends ArenaOptions {
  /** Which common columns are compared (default all). */
  features?: FeatureSelection;
  overrides?: TypeOverrides;
  /** Metrics per numerical feature (default NormalizedWassersteinDistance, Azure allows one). */
  numericalMetrics?: readonly NumericalMetric[];
  /** Metrics per categorical feature (default JensenShannonDistance). */
  categoricalMetrics?: readonly CategoricalMetric[];
  thresholds?: ThresholdOverrides<DriftMetric>;
  /** Distinct categories kept per column before it is reported as too many (default 100,000). */
  maxCategories?: number;
  /** Format of path inputs when their extension does not say. */
  format?: FileFormat;
  signal?: 'data-drift' | 'prediction-drift';
}

export interface DriftFeature {
  name: string;
  type: FeatureType;
  dtype: DType;
}

export interface DriftResult {
  signal: 'data-drift' | 'prediction-drift';
  rows: CheckRow[];
  passed: boolean;
  features: DriftFeature[];
  skipped: SkippedColumn[];
  /** Rows left after removing rows with a missing value in any feature (Azure's BaselineRowCount/TargetRowCount). */
  baselineRowCount: number;
  targetRowCount: number;
  /** Rows read before that. */
  baselineRows: number;
  targetRows: number;
  notes: string[];
  /** Values written to temporary files because the sorted values passed the memory budget (0: all in memory). */
  spilledValues: number;
}

const thresholdFor = (o: ThresholdOverrides<DriftMetric> | undefined, f: DriftFeature, m: DriftMetric) =>
  resolveThreshold(o, f.name, f.type, m, SDK_DRIFT_THRESHOLDS[m] ?? COMPONENT_DEFAULT_THRESHOLD);

function errorRows(f: DriftFeature, metrics: readonly DriftMetric[], error: string, o?: ThresholdOverrides<DriftMetric>): CheckRow[] {
  return metrics.map((metric) => row({ feature: f.name, type: f.type, metric, value: null, threshold: thresholdFor(o, f, metric), error }));
}

function numericalRows(f: DriftFeature, b: ColumnProfile, t: ColumnProfile, nB: number, nP: number, options: DriftOptions): CheckRow[] {
  const metrics = options.numericalMetrics ?? [DEFAULT_NUMERICAL_METRIC];
  const bv = b.drift?.values;
  const tv = t.drift?.values;
  if (!bv || !tv) return errorRows(f, metrics, 'the column has no numeric values to compare', options.thresholds);
  const cmp = compareNumerical(bv, tv);
  const bins = { edges: cmp.edges, baseline: cmp.countsB, target: cmp.countsP };
  return metrics.map((metric) => {
    const threshold = thresholdFor(options.thresholds, f, metric);
    const base = { feature: f.name, type: f.type, metric, threshold } as const;
    switch (metric) {
      case 'JensenShannonDistance':
        return row({ ...base, value: jensenShannonDistance(cmp.countsB, cmp.countsP, nB, nP), detail: bins });
      case 'PopulationStabilityIndex':
        return row({ ...base, value: populationStabilityIndex(cmp.countsB, cmp.countsP, nB, nP), detail: bins });
      case 'NormalizedWassersteinDistance':
        return row({ ...base, value: normalizedWasserstein(cmp.wasserstein, b.drift!.moments!.std), detail: { wasserstein: cmp.wasserstein, baselineStd: b.drift!.moments!.std ?? null } });
      case 'TwoSampleKolmogorovSmirnovTest': {
        const ks = ksPValue(cmp, nB, nP);
        if (!ks) {
          return row({
            ...base,
            value: null,
            statistic: cmp.ksStatistic,
            error: `Cannot calculate two-sample Kolmogorov-Smirnov test on dataset with more than ${KS_MAX_ROWS} entries (Azure ML raises the same error)`,
          });
        }
        return row({ ...base, value: ks.pvalue, statistic: ks.statistic });
      }
    }
  });
}

/** Category counts of both sides over the union of their categories, in sorted order. */
function alignCounts(b: Map<string, number>, t: Map<string, number>): { keys: string[]; cb: number[]; cp: number[] } {
  const keys = [...new Set([...b.keys(), ...t.keys()])].sort();
  return { keys, cb: keys.map((k) => b.get(k) ?? 0), cp: keys.map((k) => t.get(k) ?? 0) };
}

function categoricalRows(f: DriftFeature, b: ColumnProfile, t: ColumnProfile, nB: number, nP: number, options: DriftOptions): CheckRow[] {
  const metrics = options.categoricalMetrics ?? [DEFAULT_CATEGORICAL_METRIC];
  const bc = b.drift?.counts;
  const tc = t.drift?.counts;
  if (!bc || !tc) {
    return errorRows(f, metrics, `more than ${options.maxCategories ?? 100_000} distinct categories (raise maxCategories)`, options.thresholds);
  }
  const { keys, cb, cp } = alignCounts(bc, tc);
  const unseen = keys.filter((k) => !bc.has(k));
  return metrics.map((metric) => {
    const threshold = thresholdFor(options.thresholds, f, metric);
    const base = { feature: f.name, type: f.type, metric, threshold } as const;
    switch (metric) {
      case 'JensenShannonDistance':
        return row({ ...base, value: jensenShannonDistance(cb, cp, nB, nP), detail: { categories: keys.length, unseen: unseen.slice(0, 10) } });
      case 'PopulationStabilityIndex':
        return row({ ...base, value: populationStabilityIndex(cb, cp, nB, nP), detail: { categories: keys.length, unseen: unseen.slice(0, 10) } });
      case 'PearsonsChiSquaredTest': {
        const chi = pearsonChiSquared(cb, cp, nB, nP);
        return row({ ...base, value: chi.pvalue, statistic: chi.statistic, detail: { df: chi.df, unseen: unseen.slice(0, 10) } });
      }
    }
  });
}

/**
 * The drift rows from two profiles collected for the same features: `features` says each one's type (classified on
 * the baseline). Counts are after the row-wise dropna; an empty side fails every row (Azure's run crashes there).
 */
export function computeDrift(baseline: DataProfile, target: DataProfile, features: readonly DriftFeature[], options: DriftOptions = {}): CheckRow[] {
  const nB = baseline.driftRows;
  const nP = target.driftRows;
  const rows: CheckRow[] = [];
  const bBy = new Map(baseline.columns.map((c) => [c.name, c]));
  const tBy = new Map(target.columns.map((c) => [c.name, c]));
  for (const f of features) {
    const metrics = f.type === 'numerical' ? (options.numericalMetrics ?? [DEFAULT_NUMERICAL_METRIC]) : (options.categoricalMetrics ?? [DEFAULT_CATEGORICAL_METRIC]);
    const b = bBy.get(f.name);
    const t = tBy.get(f.name);
    if (!b || !t) rows.push(...errorRows(f, metrics, 'the column was not profiled on both sides', options.thresholds));
    else if (nB === 0 || nP === 0) {
      const side = nB === 0 ? 'baseline' : 'target';
      rows.push(...errorRows(f, metrics, `no ${side} rows left after removing rows with a missing value in any feature`, options.thresholds));
    } else rows.push(...(f.type === 'numerical' ? numericalRows(f, b, t, nB, nP, options) : categoricalRows(f, b, t, nB, nP, options)));
  }
  return rows;
}

/** How to collect a selected column on the baseline pass, before its type is known for integer columns. */
function collectFor(c: CommonColumn, overrides: TypeOverrides | undefined): DriftFeaturePlan['collect'] | undefined {
  if (overrides?.numerical?.includes(c.name)) return 'numerical';
  if (overrides?.categorical?.includes(c.name)) return 'categorical';
  if (FLOAT_TYPES.has(c.dtype)) return 'numerical';
  if (INTEGER_TYPES.has(c.dtype)) return 'both';
  return featureType(c.name, c.dtype, undefined, 0) === 'categorical' ? 'categorical' : undefined;
}

/** What the schemas decide before any row is read: the features to collect and how, and the columns left out. */
export interface DriftPlan {
  plan: { column: CommonColumn; collect: DriftFeaturePlan['collect'] }[];
  skipped: SkippedColumn[];
  notes: string[];
}

export function planDrift(baseline: readonly ColumnSchema[], target: readonly ColumnSchema[], options: DriftOptions = {}): DriftPlan {
  const common = commonColumns(baseline, target);
  const selection = selectFeatures(common.columns, options.features);
  const skipped = [...common.skipped, ...selection.skipped];
  const plan = selection.selected.flatMap((c) => {
    const collect = collectFor(c, options.overrides);
    if (!collect) skipped.push({ name: c.name, reason: `type ${c.dtype} is neither numerical nor categorical` });
    return collect ? [{ column: c, collect }] : [];
  });
  return { plan, skipped, notes: [] };
}

/** Each feature's type from the baseline profile (Azure's `is_categorical`); a categorical one's values are freed. */
export function classifyDrift(p: DriftPlan, bProfile: DataProfile, options: DriftOptions = {}): DriftFeature[] {
  return p.plan.map(({ column }) => {
    const prof = bProfile.columns.find((c) => c.name === column.name)!;
    let type = featureType(column.name, column.dtype, prof.distinct, bProfile.rowCount, options.overrides)!;
    if (INTEGER_TYPES.has(column.dtype) && prof.distinct === undefined && !options.overrides?.categorical?.includes(column.name)) {
      const cap = options.maxCategories ?? 100_000;
      if (cap < bProfile.rowCount * 0.05) p.notes.push(`${column.name}: more than ${cap} distinct values; classified as numerical without the exact 5 % test`);
      type = 'numerical';
    }
    if (type === 'categorical') prof.drift?.values?.drop();
    return { name: column.name, type, dtype: column.dtype };
  });
}

export function driftResult(p: DriftPlan, features: DriftFeature[], bProfile: DataProfile, tProfile: DataProfile, spilledValues: number, options: DriftOptions = {}): DriftResult {
  const rows = computeDrift(bProfile, tProfile, features, options);
  return {
    signal: options.signal ?? 'data-drift',
    rows,
    passed: rows.every((r) => r.passed),
    features,
    skipped: p.skipped,
    baselineRowCount: bProfile.driftRows,
    targetRowCount: tProfile.driftRows,
    baselineRows: bProfile.rowCount,
    targetRows: tProfile.rowCount,
    notes: p.notes,
    spilledValues,
  };
}

/** Data drift between two datasets (paths or sources), each read as often as described above. */
export async function evaluateDrift(baseline: DataInput, target: DataInput, options: DriftOptions = {}): Promise<DriftResult> {
  const bSource = dataSource(baseline, options.format, 'baseline-data');
  const tSource = dataSource(target, options.format, 'target-data');
  const [bSchema, tSchema] = [await readSchema(bSource), await readSchema(tSource)];
  const p = planDrift(bSchema.columns, tSchema.columns, options);
  const arena = new SpillArena(options);
  try {
    const bProfile = await profileSource(bSource, {
      columns: p.plan.map((x) => ({ name: x.column.name, dtype: x.column.baselineDtype })),
      rowCount: bSchema.rowCount,
      drift: p.plan.map((x) => ({ name: x.column.name, collect: x.collect })),
      arena,
      maxCategories: options.maxCategories,
    });
    const features = classifyDrift(p, bProfile, options);
    const tProfile = await profileSource(tSource, {
      columns: p.plan.map((x) => ({ name: x.column.name, dtype: x.column.targetDtype })),
      rowCount: tSchema.rowCount,
      drift: features.map((f) => ({ name: f.name, collect: f.type })),
      arena,
      maxCategories: options.maxCategories,
    });
    return driftResult(p, features, bProfile, tProfile, arena.spilledValues, options);
  } finally {
    arena.dispose();
  }
}

/**
 * Prediction drift: the same computation on the model's output columns (production outputs against the reference
 * outputs). Integer class labels are only categorical under the 5 % rule: list them in `overrides.categorical`.
 */
export function evaluatePredictionDrift(
  baseline: DataInput,
  target: DataInput,
  options: Omit<DriftOptions, 'features' | 'signal'> & { columns: readonly string[] },
): Promise<DriftResult> {
  const { columns, ...rest } = options;
  return evaluateDrift(baseline, target, { ...rest, features: { subset: columns }, signal: 'prediction-drift' });
}
