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
import { readSchema } from './schema';
import { dataSource, type DataInput, type FileFormat } from './source';
import { QUALITY_METRICS } from './thresholds';
import type { ColumnSchema } from './types';
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

/** Drift and quality of `target` against `baseline` in one profile pass per file. */
export async function evaluateDataChecks(baseline: DataInput, target: DataInput, options: DataChecksOptions): Promise<DataChecksResult> {
  const { drift: dOpts, quality: qOpts, format } = options;
  if (!dOpts || !qOpts) {
    return {
      ...(dOpts ? { drift: await evaluateDrift(baseline, target, { ...dOpts, format }) } : {}),
      ...(qOpts ? { quality: await evaluateDataQuality(baseline, target, { ...qOpts, format }) } : {}),
    };
  }
  // The category cap is one per profile pass: different caps are profiled separately.
  const qCap = qOpts.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  if ((dOpts.maxCategories ?? DEFAULT_MAX_CATEGORIES) !== qCap) {
    return { drift: await evaluateDrift(baseline, target, { ...dOpts, format }), quality: await evaluateDataQuality(baseline, target, { ...qOpts, format }) };
  }
  const clock = [performance.now()];
  const bSource = dataSource(baseline, format, 'baseline-data');
  const tSource = dataSource(target, format, 'target-data');
  const [bSchema, tSchema] = [await readSchema(bSource), await readSchema(tSource)];
  const dPlan = planDrift(bSchema.columns, tSchema.columns, dOpts);
  const qBaseColumns = baselineColumns(bSchema.columns);
  const arena = new SpillArena(dOpts);
  clock.push(performance.now());
  try {
    const bProfile = await profileSource(bSource, {
      columns: union(
        qBaseColumns,
        dPlan.plan.map((x) => ({ name: x.column.name, dtype: x.column.baselineDtype })),
      ),
      rowCount: bSchema.rowCount,
      drift: dPlan.plan.map((x) => ({ name: x.column.name, collect: x.collect })),
      duplicates: qBaseColumns.map((c) => c.name),
      arena,
      maxCategories: qCap,
    });
    const base = baselineFromProfile(bSource.name, bProfile, qBaseColumns, qOpts);
    const features = classifyDrift(dPlan, bProfile, dOpts);
    const qPlan = planQuality(base, tSchema.columns, qOpts);
    clock.push(performance.now());
    // No rowCount, as in evaluateDataQuality: the drift side of a target pass does not use the all-rows counts.
    const tProfile = await profileSource(tSource, {
      columns: union(
        qPlan.columns,
        dPlan.plan.map((x) => ({ name: x.column.name, dtype: x.column.targetDtype })),
      ),
      drift: features.map((f) => ({ name: f.name, collect: f.type })),
      reference: qPlan.reference,
      duplicates: (qOpts.metrics ?? QUALITY_METRICS).includes('DuplicateRowRate') ? qPlan.columns.map((c) => c.name) : false,
      arena,
      maxCategories: qCap,
    });
    clock.push(performance.now());
    const drift = driftResult(dPlan, features, bProfile, tProfile, arena.spilledValues, dOpts);
    const quality = qualityResult(base, qPlan, tProfile, qOpts);
    clock.push(performance.now());
    const s = (i: number) => (clock[i + 1]! - clock[i]!) / 1000;
    return { drift, quality, phases: { schema: s(0), baseline: s(1), target: s(2), metrics: s(3) } };
  } finally {
    arena.dispose();
  }
}
