/**
 * Which columns are compared and as what (check-metrics.md §1.2): the common columns of two datasets, numerical or
 * categorical by Azure's `is_categorical` rule on the baseline, and the feature selection (all, a subset, or the
 * top N of an importance ranking that the caller supplies).
 */
import { inputError } from '../../core/errors';
import { CATEGORICAL_TYPES, FLOAT_TYPES, INTEGER_TYPES, type ColumnSchema, type DType, type FeatureType } from './types';

export interface CommonColumn {
  name: string;
  /** The dtype both sides are compared as: double for two float types, bigint for two integer types. */
  dtype: DType;
  baselineDtype: DType;
  targetDtype: DType;
}

export interface SkippedColumn {
  name: string;
  reason: string;
}

/**
 * `get_common_columns`: same name (case-sensitive) and the same dtype, or both floating (→ double), or both integer
 * (→ bigint); any other mismatch drops the column, and Azure says nothing (here it is listed in `skipped`).
 * A column name with a `.` is an error, as in Azure.
 */
export function commonColumns(baseline: readonly ColumnSchema[], target: readonly ColumnSchema[]): { columns: CommonColumn[]; skipped: SkippedColumn[] } {
  for (const c of [...baseline, ...target]) {
    if (c.name.includes('.')) {
      throw inputError(`Column '${c.name}' has a '.' in its name, which Azure ML model monitoring rejects`, {
        hint: 'Rename the column in both datasets.',
      });
    }
  }
  const targetByName = new Map(target.map((c) => [c.name, c]));
  const columns: CommonColumn[] = [];
  const skipped: SkippedColumn[] = [];
  for (const b of baseline) {
    const t = targetByName.get(b.name);
    if (!t) {
      skipped.push({ name: b.name, reason: 'not in the target data' });
      continue;
    }
    let dtype: DType | undefined;
    if (b.dtype === t.dtype) dtype = b.dtype;
    else if (FLOAT_TYPES.has(b.dtype) && FLOAT_TYPES.has(t.dtype)) dtype = 'double';
    else if (INTEGER_TYPES.has(b.dtype) && INTEGER_TYPES.has(t.dtype)) dtype = 'bigint';
    if (dtype === undefined) skipped.push({ name: b.name, reason: `type ${b.dtype} in the baseline but ${t.dtype} in the target` });
    else columns.push({ name: b.name, dtype, baselineDtype: b.dtype, targetDtype: t.dtype });
  }
  for (const t of target) if (!baseline.some((b) => b.name === t.name)) skipped.push({ name: t.name, reason: 'not in the baseline data' });
  return { columns, skipped };
}

/** Share of distinct values below which an integer column is categorical. */
export const CATEGORICAL_DISTINCT_RATIO = 0.05;

export interface TypeOverrides {
  /** Columns to compare as numerical whatever their type (`override_numerical_features`). */
  numerical?: readonly string[];
  /** Columns to compare as categorical (`override_categorical_features`); use it for integer class labels. */
  categorical?: readonly string[];
}

/**
 * `is_categorical` on the baseline: an override wins; string, boolean, timestamp, date and binary are categorical;
 * float, double and decimal numerical; an integer column is categorical when distinct/rows < 0.05, both counted over
 * all rows with null as one value. Anything else (nested types) is neither and is not compared.
 */
export function featureType(name: string, dtype: DType, distinct: number | undefined, rows: number, overrides: TypeOverrides = {}): FeatureType | undefined {
  if (overrides.numerical?.includes(name)) return 'numerical';
  if (overrides.categorical?.includes(name)) return 'categorical';
  if (CATEGORICAL_TYPES.has(dtype)) return 'categorical';
  if (FLOAT_TYPES.has(dtype)) return 'numerical';
  if (INTEGER_TYPES.has(dtype)) {
    if (distinct === undefined || rows === 0) return 'numerical';
    return distinct / rows < CATEGORICAL_DISTINCT_RATIO ? 'categorical' : 'numerical';
  }
  return undefined;
}

export interface FeatureImportance {
  feature: string;
  importance: number;
}

/** Which features are compared (MonitorFeatureFilter). */
export type FeatureSelection =
  | 'all'
  | { subset: readonly string[] }
  | { topN: number; ranking: readonly FeatureImportance[] };

/** The selected names among `common`, in the baseline's column order. Top N: by importance, descending, stable. */
export function selectFeatures(common: readonly CommonColumn[], selection: FeatureSelection = 'all'): { selected: CommonColumn[]; skipped: SkippedColumn[] } {
  if (selection === 'all') return { selected: [...common], skipped: [] };
  let names: string[];
  if ('subset' in selection) names = [...selection.subset];
  else {
    names = [...selection.ranking]
      .map((r, i) => ({ ...r, i }))
      .sort((a, b) => b.importance - a.importance || a.i - b.i)
      .slice(0, selection.topN)
      .map((r) => r.feature);
  }
  const wanted = new Set(names);
  const skipped: SkippedColumn[] = [];
  for (const n of names) if (!common.some((c) => c.name === n)) skipped.push({ name: n, reason: 'selected but not a common column of both datasets' });
  const selected = common.filter((c) => wanted.has(c.name));
  for (const c of common) if (!wanted.has(c.name)) skipped.push({ name: c.name, reason: 'not selected' });
  return { selected, skipped };
}
