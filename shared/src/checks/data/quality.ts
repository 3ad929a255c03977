/**
 * Data quality as Azure ML model monitoring computes it (check-metrics.md §1.8): statistics learned from the
 * baseline (dtype, min/max of numerical columns, the value set of string categorical columns), then per dataset
 * NullValueRate, DataTypeErrorRate and OutOfBoundsRate, each rounded to 5 decimals, and an alert when the target's
 * rate is above the baseline's rate plus a tolerance (default 0). Two rates of ours ride along with the same rule:
 * DuplicateRowRate (rows equal to an earlier row) and UnseenCategoryRate (values of a categorical column the baseline
 * never had, for every categorical column, not only strings).
 *
 * The imputation step decides whether nulls count as type errors or as out of bounds: a numerical column's nulls and
 * NaNs become its median, a string column's nulls its mode (ties: the smallest value), other columns' nulls stay and
 * count as type errors. The median is never computed: whether it is out of bounds follows from the counts below and
 * above the bounds (it is below the minimum exactly when at least ⌈n/2⌉ values are).
 */
import { textCastable, typeCastable } from './cells';
import { featureType, type FeatureSelection, type TypeOverrides } from './classify';
import { DEFAULT_MAX_CATEGORIES, profileSource, type ColumnProfile, type ColumnReference, type DataProfile } from './profile';
import { readSchema } from './schema';
import { dataSource, type DataInput, type FileFormat } from './source';
import {
  DEFAULT_QUALITY_TOLERANCE,
  QUALITY_METRICS,
  resolveThreshold,
  round5,
  row,
  type CheckRow,
  type QualityMetric,
  type ThresholdOverrides,
} from './thresholds';
import { CASTABLE_TYPES, isNumericType, type ColumnSchema, type DType, type FeatureType } from './types';
import { SpillArena } from './value-store';

export type ColumnRates = Partial<Record<QualityMetric, number>>;

export interface QualityColumnBaseline {
  name: string;
  dtype: DType;
  type: FeatureType | null;
  min?: number;
  max?: number;
  /** String categorical columns: the distinct values (undefined when there were more than the cap). */
  categories?: string[];
  /** Every categorical column: the distinct category keys, for UnseenCategoryRate. */
  keys?: string[];
  rates: ColumnRates;
}

/** What a baseline contributes to data quality; saved and loaded as a profile file (profile-file.ts). */
export interface QualityBaseline {
  source: string;
  rowCount: number;
  duplicateRowRate: number;
  columns: QualityColumnBaseline[];
}

export interface QualityOptions {
  /** Which columns are checked (default all columns in both datasets). */
  features?: FeatureSelection;
  overrides?: TypeOverrides;
  /** Default: Azure's three rates, DuplicateRowRate and UnseenCategoryRate. */
  metrics?: readonly QualityMetric[];
  /** Tolerances added to the baseline rate, per metric, feature type or feature. */
  thresholds?: ThresholdOverrides<QualityMetric>;
  maxCategories?: number;
  format?: FileFormat;
}

export interface QualityResult {
  rows: CheckRow[];
  passed: boolean;
  baselineRows: number;
  targetRows: number;
  /** Columns checked, and those that were not (only in one dataset, unsupported type, not selected). */
  columns: string[];
  skipped: { name: string; reason: string }[];
}

/** Azure stores the set as "a, b, c" and splits it with `( +)?, ?`: values with ", " or leading spaces come back changed. */
export function azureCategorySet(values: readonly string[]): Set<string> {
  return new Set(values.join(', ').split(/( +)?, ?/).filter((v): v is string => v !== undefined));
}

function mode(counts: Map<string, number>): string | undefined {
  let best: string | undefined;
  let n = -1;
  for (const [k, c] of counts) if (c > n || (c === n && k < best!)) [best, n] = [k, c];
  return best;
}

interface Imputation {
  /** Nulls (and, for numerical columns, NaNs) replaced. */
  replaced: number;
  kind: 'median' | 'mode' | 'none';
  mode?: string;
}

function imputation(p: ColumnProfile, type: FeatureType | undefined, rows: number): Imputation {
  const nonMissing = rows - p.nulls - p.nans;
  if (type === 'numerical' && isNumericType(p.dtype) && nonMissing > 0) return { kind: 'median', replaced: p.nulls + p.nans };
  if (type === 'categorical' && p.dtype === 'string' && p.counts && p.counts.size > 0) return { kind: 'mode', replaced: p.nulls, mode: mode(p.counts) };
  return { kind: 'none', replaced: 0 };
}

function ownType(p: ColumnProfile, rows: number, overrides?: TypeOverrides): FeatureType | undefined {
  return featureType(p.name, p.dtype, p.distinct, rows, overrides) ?? undefined;
}

/** The baseline columns whose statistics are kept (nested types are left out). */
export const baselineColumns = (columns: readonly ColumnSchema[]): ColumnSchema[] => columns.filter((c) => c.dtype !== 'unsupported');

/** The statistics and own rates of a baseline from its profile (over `baselineColumns`; duplicates counted for a saved profile). */
export function baselineFromProfile(name: string, prof: DataProfile, columns: readonly ColumnSchema[], options: Pick<QualityOptions, 'overrides'> = {}): QualityBaseline {
  const rows = prof.rowCount;
  const byName = new Map(prof.columns.map((p) => [p.name, p]));
  return {
    source: name,
    rowCount: rows,
    // NaN when the profile did not count duplicates (then nothing reads it, and saveProfile refuses it)
    duplicateRowRate: prof.duplicateRows === undefined ? NaN : rows ? round5(prof.duplicateRows / rows) : 0,
    columns: columns.map((c): QualityColumnBaseline => {
      const p = byName.get(c.name)!;
      const type = ownType(p, rows, options.overrides);
      const imp = imputation(p, type, rows);
      const keys = type === 'categorical' && p.counts ? [...p.counts.keys()].sort() : undefined;
      const rates: ColumnRates = { NullValueRate: rows ? round5(p.nulls / rows) : 0, OutOfBoundsRate: 0, UnseenCategoryRate: 0 };
      if (CASTABLE_TYPES.has(p.dtype)) rates.DataTypeErrorRate = rows ? round5((imp.kind === 'none' ? p.nulls : 0) / rows) : 0;
      return {
        name: p.name,
        dtype: p.dtype,
        type: type ?? null,
        ...(type === 'numerical' && isNumericType(p.dtype) ? { min: p.min, max: p.max } : {}),
        ...(type === 'categorical' && p.dtype === 'string' ? { categories: keys } : {}),
        keys,
        rates,
      };
    }),
  };
}

/** A baseline's statistics and its own rates, from one pass over it. */
export async function baselineStatistics(input: DataInput, options: Pick<QualityOptions, 'overrides' | 'maxCategories' | 'format'> = {}): Promise<QualityBaseline> {
  const source = dataSource(input, options.format, 'baseline-data');
  const schema = await readSchema(source);
  const arena = new SpillArena();
  try {
    const columns = baselineColumns(schema.columns);
    const prof = await profileSource(source, { columns, rowCount: schema.rowCount, duplicates: true, arena, maxCategories: options.maxCategories });
    return baselineFromProfile(source.name, prof, columns, options);
  } finally {
    arena.dispose();
  }
}

function referenceOf(c: QualityColumnBaseline): ColumnReference {
  return {
    dtype: c.dtype,
    ...(c.min !== undefined && c.max !== undefined ? { min: c.min, max: c.max } : {}),
    ...(c.categories ? { categories: azureCategorySet(c.categories) } : {}),
  };
}

function columnRates(p: ColumnProfile, base: QualityColumnBaseline, rows: number, options: QualityOptions): Partial<Record<QualityMetric, number | string>> {
  const out: Partial<Record<QualityMetric, number | string>> = {};
  const q = p.quality!;
  const type = ownType(p, rows, options.overrides);
  const imp = imputation(p, type, rows);
  const rate = (n: number) => (rows ? round5(n / rows) : 0);
  out.NullValueRate = rate(p.nulls);
  const imputedCastable = imp.kind === 'median' ? typeCastable(p.dtype, base.dtype) : imp.kind === 'mode' ? textCastable(imp.mode!, base.dtype) : false;
  if (CASTABLE_TYPES.has(base.dtype)) {
    const stayNull = imp.kind === 'none' ? p.nulls : imputedCastable ? 0 : p.nulls;
    out.DataTypeErrorRate = rate(q.uncastable + stayNull);
  }
  if (base.min !== undefined && base.max !== undefined) {
    let oob = q.below + q.above;
    if (imp.kind === 'median') {
      const n = rows - p.nulls - p.nans;
      const r = Math.ceil(n / 2);
      if (q.below >= r || q.above >= n - r + 1) oob += imp.replaced;
    } else {
      oob += p.nans; // NaN stays, and NaN > max in Spark
      if (imp.kind === 'mode' && imputedCastable) {
        const x = Number(imp.mode!.trim());
        if (x < base.min || x > base.max) oob += imp.replaced;
      }
    }
    out.OutOfBoundsRate = rate(oob);
  } else if (base.type === 'categorical' && base.dtype === 'string') {
    if (!base.categories) out.OutOfBoundsRate = 'the baseline had more distinct values than the category cap';
    else if (!p.counts) out.OutOfBoundsRate = 'the target has more distinct values than the category cap, or is a floating-point column';
    else {
      const set = azureCategorySet(base.categories);
      let oob = 0;
      for (const [k, c] of p.counts) if (!set.has(k)) oob += c;
      if (imp.kind === 'mode' && !set.has(imp.mode!)) oob += imp.replaced;
      out.OutOfBoundsRate = rate(oob);
    }
  }
  if (base.type === 'categorical') {
    if (!base.keys || !p.counts) out.UnseenCategoryRate = 'more distinct values than the category cap';
    else {
      const known = new Set(base.keys);
      let unseen = 0;
      for (const [k, c] of p.counts) if (!known.has(k)) unseen += c;
      out.UnseenCategoryRate = rate(unseen);
    }
  }
  return out;
}

const isBaseline = (x: unknown): x is QualityBaseline => typeof x === 'object' && x !== null && 'columns' in x && 'rowCount' in x && !('batches' in x);

/** The target columns checked against a baseline, the reference statistics of each, and the columns left out. */
export interface QualityPlan {
  columns: ColumnSchema[];
  reference: Map<string, ColumnReference>;
  skipped: { name: string; reason: string }[];
}

export function planQuality(base: QualityBaseline, target: readonly ColumnSchema[], options: QualityOptions = {}): QualityPlan {
  const baseBy = new Map(base.columns.map((c) => [c.name, c]));
  const skipped: { name: string; reason: string }[] = [];
  let wanted: Set<string> | undefined;
  const sel = options.features;
  if (sel && sel !== 'all') {
    const names = 'subset' in sel ? sel.subset : [...sel.ranking].sort((a, b) => b.importance - a.importance).slice(0, sel.topN).map((r) => r.feature);
    wanted = new Set(names);
  }
  const columns = target.filter((c) => {
    if (wanted && !wanted.has(c.name)) return false;
    if (!baseBy.has(c.name)) skipped.push({ name: c.name, reason: 'not in the baseline data' });
    else if (c.dtype === 'unsupported') skipped.push({ name: c.name, reason: 'nested type' });
    else return true;
    return false;
  });
  for (const c of base.columns) if (!target.some((t) => t.name === c.name)) skipped.push({ name: c.name, reason: 'not in the target data' });
  return { columns, skipped, reference: new Map(columns.map((c) => [c.name, referenceOf(baseBy.get(c.name)!)])) };
}

/** The rows of data quality from the target's profile (over at least the plan's columns). */
export function qualityResult(base: QualityBaseline, plan: QualityPlan, prof: DataProfile, options: QualityOptions = {}): QualityResult {
  const metrics = options.metrics ?? QUALITY_METRICS;
  const baseBy = new Map(base.columns.map((c) => [c.name, c]));
  const profBy = new Map(prof.columns.map((p) => [p.name, p]));
  const rows: CheckRow[] = [];
  const push = (feature: string, type: FeatureType | 'dataset', metric: QualityMetric, value: number | string | undefined, baseRate: number | undefined) => {
    if (value === undefined || !metrics.includes(metric)) return;
    const tolerance = resolveThreshold(options.thresholds, feature, type, metric, DEFAULT_QUALITY_TOLERANCE);
    const baselineValue = baseRate ?? 0;
    const threshold = baselineValue + tolerance;
    if (typeof value === 'string') rows.push(row({ feature, type, metric, value: null, threshold, baselineValue, error: value }));
    else rows.push(row({ feature, type, metric, value, threshold, baselineValue }));
  };
  for (const c of plan.columns) {
    const p = profBy.get(c.name)!;
    const b = baseBy.get(p.name)!;
    const type = b.type ?? 'categorical';
    const rates = columnRates(p, b, prof.rowCount, options);
    for (const m of QUALITY_METRICS) if (m !== 'DuplicateRowRate') push(p.name, type, m, rates[m], b.rates[m]);
  }
  if (prof.duplicateRows !== undefined) push('*', 'dataset', 'DuplicateRowRate', prof.rowCount ? round5(prof.duplicateRows / prof.rowCount) : 0, base.duplicateRowRate);
  return {
    rows,
    passed: rows.every((r) => r.passed),
    baselineRows: base.rowCount,
    targetRows: prof.rowCount,
    columns: plan.columns.map((c) => c.name),
    skipped: plan.skipped,
  };
}

export const isQualityBaseline = (x: unknown): x is QualityBaseline => typeof x === 'object' && x !== null && 'columns' in x && 'rowCount' in x && !('batches' in x);

/** Data quality of `target` against a baseline dataset or its saved statistics. */
export async function evaluateDataQuality(baseline: DataInput | QualityBaseline, target: DataInput, options: QualityOptions = {}): Promise<QualityResult> {
  const base = isQualityBaseline(baseline) ? baseline : await baselineStatistics(baseline, options);
  const metrics = options.metrics ?? QUALITY_METRICS;
  const source = dataSource(target, options.format, 'target-data');
  const schema = await readSchema(source);
  const plan = planQuality(base, schema.columns, options);
  const arena = new SpillArena();
  try {
    // No rowCount: it caps an integer column's distinct values at 5 % of this dataset's rows, which only the
    // baseline's classification needs; a column the baseline calls categorical keeps its target counts up to the cap.
    const prof = await profileSource(source, {
      columns: plan.columns,
      reference: plan.reference,
      duplicates: metrics.includes('DuplicateRowRate'),
      arena,
      maxCategories: options.maxCategories ?? DEFAULT_MAX_CATEGORIES,
    });
    return qualityResult(base, plan, prof, options);
  } finally {
    arena.dispose();
  }
}
