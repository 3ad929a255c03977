/**
 * Data drift and data quality of one baseline/target pair together, reading each file twice instead of four times:
 * one dtype pass per CSV or JSON Lines file (Parquet has them in its footer), then one profile pass over the baseline
 * that collects both the drift features and the quality statistics, then one over the target that collects the
 * drift features as the baseline classified them and the quality counts against the baseline's statistics. The
 * results are the same as `evaluateDrift` and `evaluateDataQuality` give separately.
 */
import { performance } from 'node:perf_hooks';
import { classifyDrift, driftResult, evaluateDrift, planDrift, type DriftOptions, type DriftResult } from './drift';
import { DEFAULT_MAX_CATEGORIES, profileSource } from './profile';
import { baselineColumns, baselineFromProfile, evaluateDataQuality, planQuality, qualityResult, type QualityOptions, type QualityResult } from './quality';
import { keepSchema, keptSchema, readSchema } from './schema';
import { dataSource, type DataInput, type FileFormat } from './source';
import { QUALITY_METRICS } from './thresholds';
import { DtypeTally } from './tally';
import type { ColumnSchema, DataSource } from './types';
import { SpillArena } from './value-store';

export interface DataChecksOptions {
  /** Drift options (the metrics, features, thresholds…); absent: no drift. */
  drift?: Omit<DriftOptions, 'format'>;
  /** Quality options; absent: no data quality. */
  quality?: Omit<QualityOptions, 'format'>;
  /** Format of path inputs when their extension does not say. */
  format?: FileFormat;
}

export interface DataChecksResult {
  drift?: DriftResult;
  quality?: QualityResult;
  /** Seconds per phase when both checks ran together: the dtype passes, each profile pass, the metrics. */
  phases?: { schema: number; baseline: number; target: number; metrics: number };
}

/** Columns of `extra` not already in `first`, appended (in their order). */
function union(first: readonly ColumnSchema[], extra: readonly ColumnSchema[]): ColumnSchema[] {
  const seen = new Set(first.map((c) => c.name));
  return [...first, ...extra.filter((c) => !seen.has(c.name))];
}

/** What is known of a file's dtypes before its profile pass: exact (with the row count), or guessed (with a tally). */
interface SchemaInfo {
  columns: ColumnSchema[];
  rowCount?: number;
  tally?: DtypeTally;
  /** The file's identity when the guess was made (a tally's schema is kept for it). */
  identity?: string;
}

/** Rows whose dtypes make the guess for a CSV file (then checked over every row by the profile pass). */
export const GUESS_ROWS = 4096;

const sameColumns = (a: readonly ColumnSchema[], b: readonly ColumnSchema[]) => a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.dtype === b[i]!.dtype);

/** A CSV file's dtypes guessed from its first rows (checked by a tally later); any other source's as they are. */
async function schemaInfo(source: DataSource, guessRows: number): Promise<SchemaInfo> {
  if (source.textCells && guessRows > 0 && !(await source.schema()) && !keptSchema(source)) {
    const identity = source.identity?.();
    const guess = await readSchema(source, { maxRows: guessRows });
    return { columns: guess.columns, tally: new DtypeTally(), identity };
  }
  return readSchema(source);
}

/** A tally's dtypes when they are not the guessed ones (the profile is then to be made again with them). */
function wrongGuess(source: DataSource, info: SchemaInfo): SchemaInfo | undefined {
  if (!info.tally) return undefined;
  const columns = info.tally.columns();
  keepSchema(source, { columns, rowCount: info.tally.rows }, info.identity);
  return sameColumns(columns, info.columns) ? undefined : { columns, rowCount: info.tally.rows };
}

type Outcome = { done: DataChecksResult } | { baseline: SchemaInfo; target?: SchemaInfo };

async function profileBoth(
  bSource: DataSource,
  tSource: DataSource,
  bInfo: SchemaInfo,
  tInfo: SchemaInfo,
  dOpts: Omit<DriftOptions, 'format'>,
  qOpts: Omit<QualityOptions, 'format'>,
  clock: number[],
): Promise<Outcome> {
  const qCap = qOpts.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const dPlan = planDrift(bInfo.columns, tInfo.columns, dOpts);
  const qBaseColumns = baselineColumns(bInfo.columns);
  const arena = new SpillArena(dOpts);
  // Duplicate rows are hashed only when DuplicateRowRate is asked for: the baseline's rate is read for nothing else here.
  const duplicates = (qOpts.metrics ?? QUALITY_METRICS).includes('DuplicateRowRate');
  clock.push(performance.now());
  try {
    const bProfile = await profileSource(bSource, {
      columns: union(
        qBaseColumns,
        dPlan.plan.map((x) => ({ name: x.column.name, dtype: x.column.baselineDtype })),
      ),
      rowCount: bInfo.rowCount,
      capAtEnd: true,
      tally: bInfo.tally,
      drift: dPlan.plan.map((x) => ({ name: x.column.name, collect: x.collect })),
      duplicates: duplicates ? qBaseColumns.map((c) => c.name) : false,
      arena,
      maxCategories: qCap,
    });
    const bWrong = wrongGuess(bSource, bInfo);
    if (bWrong) return { baseline: bWrong };
    const base = baselineFromProfile(bSource.name, bProfile, qBaseColumns, qOpts);
    const features = classifyDrift(dPlan, bProfile, dOpts);
    const qPlan = planQuality(base, tInfo.columns, qOpts);
    clock.push(performance.now());
    // No rowCount, as in evaluateDataQuality: the drift side of a target pass does not use the all-rows counts.
    const tProfile = await profileSource(tSource, {
      columns: union(
        qPlan.columns,
        dPlan.plan.map((x) => ({ name: x.column.name, dtype: x.column.targetDtype })),
      ),
      tally: tInfo.tally,
      drift: features.map((f) => ({ name: f.name, collect: f.type })),
      reference: qPlan.reference,
      duplicates: duplicates ? qPlan.columns.map((c) => c.name) : false,
      arena,
      maxCategories: qCap,
    });
    const tWrong = wrongGuess(tSource, tInfo);
    if (tWrong) return { baseline: { columns: bInfo.tally ? bInfo.tally.columns() : bInfo.columns, rowCount: bProfile.rowCount }, target: tWrong };
    clock.push(performance.now());
    const drift = driftResult(dPlan, features, bProfile, tProfile, arena.spilledValues, dOpts);
    const quality = qualityResult(base, qPlan, tProfile, qOpts);
    clock.push(performance.now());
    const s = (i: number) => (clock[i + 1]! - clock[i]!) / 1000;
    return { done: { drift, quality, phases: { schema: s(0), baseline: s(1), target: s(2), metrics: s(3) } } };
  } finally {
    arena.dispose();
  }
}

/**
 * Drift and quality of `target` against `baseline` in one profile pass per file. A CSV file's dtypes are guessed
 * from its first `guessRows` rows and counted over all of them by the profile pass: when the guess was wrong the
 * profiles are made again with the true dtypes (the results never depend on the guess).
 */
export async function evaluateDataChecks(baseline: DataInput, target: DataInput, options: DataChecksOptions, guessRows = GUESS_ROWS): Promise<DataChecksResult> {
  const { drift: dOpts, quality: qOpts, format } = options;
  if (!dOpts || !qOpts) {
    return {
      ...(dOpts ? { drift: await evaluateDrift(baseline, target, { ...dOpts, format }) } : {}),
      ...(qOpts ? { quality: await evaluateDataQuality(baseline, target, { ...qOpts, format }) } : {}),
    };
  }
  // The category cap is one per profile pass: different caps are profiled separately.
  if ((dOpts.maxCategories ?? DEFAULT_MAX_CATEGORIES) !== (qOpts.maxCategories ?? DEFAULT_MAX_CATEGORIES)) {
    return { drift: await evaluateDrift(baseline, target, { ...dOpts, format }), quality: await evaluateDataQuality(baseline, target, { ...qOpts, format }) };
  }
  const clock = [performance.now()];
  const bSource = dataSource(baseline, format, 'baseline-data');
  const tSource = dataSource(target, format, 'target-data');
  const [bInfo, tInfo] = [await schemaInfo(bSource, guessRows), await schemaInfo(tSource, guessRows)];
  const first = await profileBoth(bSource, tSource, bInfo, tInfo, dOpts, qOpts, clock);
  if ('done' in first) return first.done;
  const again = await profileBoth(bSource, tSource, first.baseline, first.target ?? (await readSchema(tSource)), dOpts, qOpts, [performance.now()]);
  if (!('done' in again)) throw new Error('internal: exact dtypes were taken for a guess');
  return again.done;
}
