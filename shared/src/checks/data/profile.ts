/**
 * One streaming pass over a dataset that collects what the drift metrics and the data-quality metrics need, with
 * memory bounded by the spill arena's budget and the category caps:
 * - over all rows: nulls, NaNs, numeric min/max (Spark semantics: NaN is larger than every number), the counts of
 *   each category for non-float columns, duplicate rows, and, against a baseline's statistics, type errors and
 *   values below/above its bounds;
 * - over the rows left after removing every row with a missing value in any drift feature (Spark `dropna`): the
 *   sorted values of numerical features (exact, spilled to disk beyond the budget), Spark's running moments for the
 *   sample standard deviation, and the category counts of categorical features.
 */
import { categoryKey, isMissing, textCastable, typeCastable, typedValue } from './cells';
import { CATEGORICAL_DISTINCT_RATIO } from './classify';
import { SampleMoments } from './metrics';
import { NumberCounts } from './number-counts';
import type { DtypeTally } from './tally';
import { KeySet, RowHasher } from './row-hash';
import { FLOAT_TYPES, INTEGER_TYPES, isNumericType, type Cell, type ColumnSchema, type DataFormat, type DataSource, type DType } from './types';
import type { SpillArena, ValueStore } from './value-store';

export const DEFAULT_MAX_CATEGORIES = 100_000;

/** A baseline column's data-quality statistics, as `compute_data_quality_statistics` keeps them (§1.8). */
export interface ColumnReference {
  dtype: DType;
  /** Numerical columns: the bounds for OutOfBoundsRate. */
  min?: number;
  max?: number;
  /** String categorical columns: the set for OutOfBoundsRate (already as Azure reads it back). */
  categories?: ReadonlySet<string>;
}

export interface DriftFeaturePlan {
  name: string;
  /** What to keep: sorted values, category counts, or both (integer columns before the baseline is classified). */
  collect: 'numerical' | 'categorical' | 'both';
}

export interface ProfilePlan {
  /** The columns to profile, with this dataset's own dtypes. */
  columns: readonly ColumnSchema[];
  /** Rows in the dataset (from the schema pass or the Parquet footer): caps the integer distinct count early. */
  rowCount?: number;
  /**
   * Without `rowCount`: apply that cap (5 % of the rows, for the integer columns' all-rows counts) at the end, over
   * the rows read; the counts are the same as with `rowCount`, they are only kept longer while reading.
   */
  capAtEnd?: boolean;
  /** CSV read with guessed dtypes: count the true ones on the way (see DtypeTally). */
  tally?: DtypeTally;
  drift?: readonly DriftFeaturePlan[];
  /** Data quality against a baseline: per column the reference statistics. */
  reference?: ReadonlyMap<string, ColumnReference>;
  /** Count rows equal to an earlier row: over every profiled column, or over the named ones. */
  duplicates?: boolean | readonly string[];
  arena: SpillArena;
  maxCategories?: number;
}

export interface QualityCounts {
  refDtype: DType;
  /** Non-null values whose cast to the reference dtype fails. */
  uncastable: number;
  /** Non-missing values (after the cast) below the reference minimum / above the maximum. */
  below: number;
  above: number;
}

export interface ColumnProfile {
  name: string;
  dtype: DType;
  nulls: number;
  /** NaN values of a numeric column (not null: NullValueRate leaves them out; dropna removes them). */
  nans: number;
  /** Numeric columns over all rows; NaN when a NaN was seen (max) or every value is NaN (min). */
  min: number;
  max: number;
  /** Category counts over all rows (non-null values), for non-float columns; undefined beyond the cap. */
  counts?: Map<string, number>;
  /** Distinct values with null counted as one, or undefined when the counting stopped at the cap. */
  distinct?: number;
  drift?: {
    values?: ValueStore;
    counts?: Map<string, number>;
    /** False when the categories passed the cap. */
    countsComplete: boolean;
    moments?: SampleMoments;
  };
  quality?: QualityCounts;
}

export interface DataProfile {
  name: string;
  format: DataFormat;
  rowCount: number;
  columns: ColumnProfile[];
  /** Rows kept for drift after the row-wise dropna, and the features it was over. */
  driftRows: number;
  driftFeatures: string[];
  /** Rows equal to an earlier row (all profiled columns), when asked for. */
  duplicateRows?: number;
}

/** A category's count, changed in place (one Map lookup per value). */
interface Tally {
  n: number;
}

class ColumnState {
  readonly profile: ColumnProfile;
  private readonly countsCap: number;
  private minSeen = Infinity;
  private maxSeen = -Infinity;
  private sawNaN = false;
  private nonNaN = 0;
  private readonly numeric: boolean;
  private readonly castCheck?: 'text' | 'none' | 'all-fail';
  private readonly ref?: ColumnReference;
  /**
   * Category counts while reading, over all rows and over the rows kept for drift: a numeric column's keyed by the
   * number (as distinct as its `categoryKey` text, and cheaper to hash), turned into text keys by `finish`.
   */
  private counts?: Map<string, Tally> | NumberCounts;
  private driftCounts?: Map<string, Tally> | NumberCounts;
  /** Integer column collected both ways: its drift counts go once its all-rows counts prove it numerical. */
  private readonly both: boolean;

  constructor(schema: ColumnSchema, plan: ProfilePlan, drift: DriftFeaturePlan | undefined, private readonly text: boolean) {
    this.numeric = isNumericType(schema.dtype);
    const maxCategories = plan.maxCategories ?? DEFAULT_MAX_CATEGORIES;
    const trackCounts = !FLOAT_TYPES.has(schema.dtype) && schema.dtype !== 'unsupported';
    this.countsCap = !trackCounts
      ? 0
      : INTEGER_TYPES.has(schema.dtype) && plan.rowCount !== undefined
        ? Math.min(maxCategories, Math.floor(CATEGORICAL_DISTINCT_RATIO * plan.rowCount) + 1)
        : maxCategories;
    this.both = drift?.collect === 'both';
    this.profile = { name: schema.name, dtype: schema.dtype, nulls: 0, nans: 0, min: NaN, max: NaN };
    if (trackCounts) this.counts = this.numeric ? new NumberCounts() : new Map();
    if (drift) {
      const wantValues = drift.collect !== 'categorical' && this.numeric;
      if (drift.collect !== 'numerical') this.driftCounts = this.numeric ? new NumberCounts() : new Map();
      this.profile.drift = {
        values: wantValues ? plan.arena.store() : undefined,
        moments: wantValues ? new SampleMoments() : undefined,
        countsComplete: true,
      };
    }
    const ref = plan.reference?.get(schema.name);
    if (ref) {
      this.ref = ref;
      this.profile.quality = { refDtype: ref.dtype, uncastable: 0, below: 0, above: 0 };
      if (schema.dtype === 'string' || (text && schema.dtype !== ref.dtype)) this.castCheck = 'text';
      else this.castCheck = typeCastable(schema.dtype, ref.dtype) ? 'none' : 'all-fail';
    }
  }

  /** Every row: `v` is the typed value, `raw` the cell as read. */
  observe(v: Cell, raw: Cell, dtype: DType): void {
    const p = this.profile;
    if (v === null) {
      p.nulls++;
      return;
    }
    if (this.numeric) {
      const x = v as number;
      if (Number.isNaN(x)) {
        p.nans++;
        this.sawNaN = true;
      } else {
        this.nonNaN++;
        if (x < this.minSeen) this.minSeen = x;
        if (x > this.maxSeen) this.maxSeen = x;
      }
    }
    const counts = this.counts;
    if (counts) {
      // beyond the cap: too many distinct values to keep
      if (counts instanceof NumberCounts) {
        if (!counts.add(v as number, this.countsCap)) this.counts = undefined;
      } else {
        const key = categoryKey(v, dtype);
        const seen = counts.get(key);
        if (seen !== undefined) seen.n++;
        else if (counts.size < this.countsCap) counts.set(key, { n: 1 });
        else this.counts = undefined;
      }
    }
    if (this.ref) this.checkAgainstReference(v, raw);
  }

  private checkAgainstReference(v: Cell, raw: Cell): void {
    const q = this.profile.quality!;
    const ref = this.ref!;
    let castable = true;
    if (this.castCheck === 'all-fail') castable = false;
    else if (this.castCheck === 'text') castable = textCastable(typeof raw === 'string' ? raw : String(v), ref.dtype);
    if (!castable) {
      q.uncastable++;
      return;
    }
    if (ref.min === undefined || ref.max === undefined) return;
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'boolean') x = v ? 1 : 0;
    else if (typeof v === 'string') x = Number(v.trim());
    else return;
    if (Number.isNaN(x)) {
      // a typed NaN is missing (imputed, or counted at the end); text that casts to NaN stays, and NaN > max in Spark
      if (typeof v === 'string') q.above++;
      return;
    }
    if (INTEGER_TYPES.has(ref.dtype)) x = Math.trunc(x);
    else if (ref.dtype === 'float') x = Math.fround(x);
    if (x < ref.min) q.below++;
    else if (x > ref.max) q.above++;
  }

  /** Rows kept by the dropna: the value is not missing. */
  keep(v: Cell, dtype: DType, maxCategories: number): void {
    const d = this.profile.drift!;
    if (d.values) {
      d.values.push(v as number);
      d.moments!.add(v as number);
    }
    if (this.driftCounts && this.both && !this.counts) {
      this.driftCounts = undefined; // more distinct values than 5 % of the rows: numerical, the categories are not needed
      d.countsComplete = false;
    }
    const counts = this.driftCounts;
    if (counts) {
      let kept: boolean;
      if (counts instanceof NumberCounts) kept = counts.add(v as number, maxCategories);
      else {
        const key = categoryKey(v, dtype);
        const seen = counts.get(key);
        kept = seen !== undefined || counts.size < maxCategories;
        if (seen !== undefined) seen.n++;
        else if (kept) counts.set(key, { n: 1 });
      }
      if (!kept) {
        this.driftCounts = undefined;
        d.countsComplete = false;
      }
    }
  }

  private textKeys(counts: Map<string, Tally> | NumberCounts): Map<string, number> {
    const out = new Map<string, number>();
    if (!(counts instanceof NumberCounts)) {
      for (const [k, t] of counts) out.set(k, t.n);
      return out;
    }
    for (const [k, c] of counts.entries()) out.set(categoryKey(k, this.profile.dtype), c);
    return out;
  }

  /** `shareCap`: the integer columns' cap from the rows read (ProfilePlan.capAtEnd). */
  finish(shareCap?: number): ColumnProfile {
    const p = this.profile;
    if (shareCap !== undefined && this.counts && INTEGER_TYPES.has(p.dtype) && this.counts.size > shareCap) {
      this.counts = undefined;
      if (this.both && this.driftCounts) {
        this.driftCounts = undefined;
        p.drift!.countsComplete = false;
      }
    }
    if (this.counts) p.counts = this.textKeys(this.counts);
    if (p.drift && this.driftCounts) p.drift.counts = this.textKeys(this.driftCounts);
    if (this.numeric) {
      p.min = this.nonNaN > 0 ? this.minSeen : NaN;
      p.max = this.sawNaN ? NaN : this.nonNaN > 0 ? this.maxSeen : NaN;
    }
    if (p.counts) p.distinct = p.counts.size + (p.nulls > 0 ? 1 : 0);
    return p;
  }
}

/** Reads `source` once and collects what `plan` asks for. */
export async function profileSource(source: DataSource, plan: ProfilePlan): Promise<DataProfile> {
  const driftByName = new Map((plan.drift ?? []).map((f) => [f.name, f]));
  const states = plan.columns.map((c) => new ColumnState(c, plan, driftByName.get(c.name), source.textCells));
  const dtypes = plan.columns.map((c) => c.dtype);
  const driftAt = plan.columns.map((c, i) => (driftByName.has(c.name) ? i : -1)).filter((i) => i >= 0);
  const maxCategories = plan.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const hasher = plan.duplicates ? new RowHasher() : undefined;
  const dupNames = Array.isArray(plan.duplicates) ? new Set(plan.duplicates) : undefined;
  const hashAt = plan.columns.map((c, i) => (!dupNames || dupNames.has(c.name) ? i : -1)).filter((i) => i >= 0);
  const keys = plan.duplicates ? new KeySet() : undefined;
  let duplicates = 0;
  let rowCount = 0;
  let driftRows = 0;
  let at: number[] = [];
  let seenColumns = -1;
  const values: Cell[] = new Array(states.length).fill(null);
  const raws: Cell[] = new Array(states.length).fill(null);
  // CSV fields of numeric columns are read as numbers by the parser, unless a cast check needs their text
  const numbers = new Set(
    plan.columns
      .filter((c) => isNumericType(c.dtype) && !(source.textCells && plan.reference?.has(c.name) && plan.reference.get(c.name)!.dtype !== c.dtype))
      .map((c) => c.name),
  );
  const numericAt = plan.columns.map((c) => isNumericType(c.dtype));
  const hint = source.textCells && (numbers.size > 0 || plan.tally) ? { numbers, tally: plan.tally } : undefined;
  for await (const batch of source.batches(hint)) {
    if (batch.columns.length !== seenColumns) {
      const index = new Map(batch.columns.map((n, i) => [n, i]));
      at = plan.columns.map((c) => index.get(c.name) ?? -1);
      seenColumns = batch.columns.length;
    }
    for (const row of batch.rows) {
      rowCount++;
      for (let c = 0; c < states.length; c++) {
        const i = at[c]!;
        const raw = i >= 0 && i < row.length ? (row[i] ?? null) : null;
        const v = typeof raw === 'number' && numericAt[c] ? raw : typedValue(raw, dtypes[c]!, source.textCells);
        raws[c] = raw;
        values[c] = v;
        states[c]!.observe(v, raw, dtypes[c]!);
      }
      if (driftAt.length > 0) {
        let complete = true;
        for (const c of driftAt) {
          if (isMissing(values[c]!)) {
            complete = false;
            break;
          }
        }
        if (complete) {
          driftRows++;
          for (const c of driftAt) states[c]!.keep(values[c]!, dtypes[c]!, maxCategories);
        }
      }
      if (hasher) {
        hasher.start();
        for (const c of hashAt) hasher.add(values[c]!);
        if (!keys!.add(hasher.key())) duplicates++;
      }
    }
  }
  return {
    name: source.name,
    format: source.format,
    rowCount,
    columns: states.map((s) => s.finish(plan.capAtEnd && plan.rowCount === undefined ? Math.min(maxCategories, Math.floor(CATEGORICAL_DISTINCT_RATIO * rowCount) + 1) : undefined)),
    driftRows,
    driftFeatures: plan.columns.filter((c) => driftByName.has(c.name)).map((c) => c.name),
    duplicateRows: plan.duplicates ? duplicates : undefined,
  };
}
