/**
 * The data checks: data quality and data drift of a target dataset against a baseline, and prediction drift on the
 * model's outputs, computed by the data library the way Azure ML model monitoring computes them (so a staging
 * verdict agrees with the production monitor configured later). Rows read are reported at a steady cadence.
 */
import {
  dataSource,
  evaluateDataChecks,
  evaluateDataQuality,
  evaluateDrift,
  rowsSource,
  type CheckRow,
  type DataChecksResult,
  type DataSource,
  type DriftOptions,
  type DriftResult,
  type FeatureSelection,
  type QualityOptions,
  type QualityResult,
} from '../data';
import { lowerIsWorse } from '../data/thresholds';
import type { ReadHint } from '../data/types';
import type { DataDriftCheck, DataQualityCheck, FeatureList, Located, Policy, PolicyCheck } from '../policy/types';
import { ProgressTicker } from '../results/progress';
import type { ResultRow } from '../results/types';
import { num, timed, type Body } from './outcome';
import type { RunnerContext } from './ports';
import { scoreTable } from './scoring';
import { readTable } from './table';

/** A source that reports the rows its readers pull, at the context's cadence (each pass starts a new count). */
function counted(source: DataSource, what: string, ctx: RunnerContext): DataSource {
  return {
    ...source,
    schema: () => source.schema(),
    async *batches(hint?: ReadHint) {
      const ticker = new ProgressTicker(ctx.progress, { label: what, everyMs: ctx.progressEveryMs ?? 5000 });
      let rows = 0;
      for await (const b of source.batches(hint)) {
        rows += b.rows.length;
        ticker.update({ done: rows, unit: 'rows' });
        if (ctx.signal.aborted) throw ctx.signal.reason;
        yield b;
      }
    },
  };
}

const selection = (f: FeatureList): FeatureSelection => (f === 'all' ? 'all' : { subset: f.map((x) => x.value) });

export function checkRows(rows: readonly CheckRow[]): ResultRow[] {
  return rows.map((r) => {
    const op = lowerIsWorse(r.metric) ? '>=' : '<=';
    const detail: string[] = [];
    if (r.error) detail.push(r.error);
    if (r.baselineValue !== undefined) detail.push(`baseline ${num(r.baselineValue)}`);
    const unseen = r.detail?.unseen;
    if (Array.isArray(unseen) && unseen.length > 0) detail.push(`unseen: ${unseen.slice(0, 5).join(', ')}${unseen.length > 5 ? ', …' : ''}`);
    return {
      subject: r.feature,
      metric: r.metric,
      measured: r.value === null ? '' : num(r.value),
      expected: `${op} ${num(r.threshold)}`,
      status: r.passed ? 'passed' : 'failed',
      value: r.value === null || !Number.isFinite(r.value) ? null : r.value,
      ...(detail.length > 0 ? { detail: detail.join('; ') } : {}),
    };
  });
}

function headline(rows: readonly ResultRow[], noun: string): string {
  const failed = rows.filter((r) => r.status === 'failed');
  const subjects = new Set(rows.map((r) => r.subject));
  if (failed.length === 0) return `no ${noun} on ${subjects.size} column${subjects.size === 1 ? '' : 's'}`;
  const bad = [...new Set(failed.map((r) => r.subject))];
  const shown = failed.slice(0, 3).map((r) => `${r.subject} ${r.metric} ${r.measured || 'n/a'} (want ${r.expected})`);
  return `${noun} on ${bad.length} of ${subjects.size} columns: ${shown.join('; ')}${failed.length > 3 ? '; …' : ''}`;
}

/** A check that compared nothing has not shown the data is fine: it fails, saying why each column was left out. */
function nothingCompared(facts: Record<string, string | number>) {
  return { headline: `no column could be compared${facts.skipped ? `: ${String(facts.skipped).slice(0, 300)}` : ''}`, rows: [], facts, failed: true };
}

function open(policy: Policy, name: Located<string>, ctx: RunnerContext, what: string): DataSource {
  const ds = policy.data.get(name.value)!;
  return counted(dataSource(ctx.datasetPath(name.value, name.at), ds.format), what, ctx);
}

const overridesOf = (c: DataQualityCheck | DataDriftCheck) => ({ categorical: c.categorical.map((x) => x.value), numerical: c.numerical.map((x) => x.value) });

const qualityOptions = (c: DataQualityCheck): QualityOptions => ({ features: selection(c.features), overrides: overridesOf(c), metrics: c.metrics, thresholds: c.thresholds });

const driftOptions = (c: DataDriftCheck): DriftOptions => ({
  features: selection(c.features),
  overrides: overridesOf(c),
  numericalMetrics: c.numericalMetrics,
  categoricalMetrics: c.categoricalMetrics,
  thresholds: c.thresholds,
  signal: c.type === 'prediction_drift' ? 'prediction-drift' : 'data-drift',
});

function qualityBody(r: QualityResult): Body {
  const rows = checkRows(r.rows);
  const facts: Record<string, string | number> = { 'baseline rows': r.baselineRows, 'target rows': r.targetRows, columns: r.columns.length };
  if (r.skipped.length > 0) facts.skipped = r.skipped.map((s) => `${s.name} (${s.reason})`).join('; ');
  if (rows.length === 0) return nothingCompared(facts);
  return { headline: headline(rows, 'quality problems'), rows, facts, failed: !r.passed };
}

function driftBody(r: DriftResult, facts: Record<string, string | number>): Body {
  const rows = checkRows(r.rows);
  Object.assign(facts, { 'baseline rows': r.baselineRowCount, 'target rows': r.targetRowCount, features: r.features.length });
  if (r.skipped.length > 0) facts.skipped = r.skipped.map((s) => `${s.name} (${s.reason})`).join('; ');
  if (rows.length === 0) return nothingCompared(facts);
  return { headline: headline(rows, 'drift'), rows, facts, failed: !r.passed };
}

/**
 * A data_quality and a data_drift check of the same baseline and target (both read here) are computed together:
 * one profile pass per file serves both (evaluateDataChecks), whichever of the two the policy lists first.
 */
const pairs = new WeakMap<Policy, Map<string, Promise<DataChecksResult>>>();

function partnerOf(check: DataQualityCheck | DataDriftCheck, policy: Policy): DataQualityCheck | DataDriftCheck | undefined {
  const pairable = (c: PolicyCheck): c is DataQualityCheck | DataDriftCheck => (c.type === 'data_quality' || (c.type === 'data_drift' && !c.targetFromDeployment)) && !c.runOn;
  if (!pairable(check)) return undefined;
  return policy.checks.find((c): c is DataQualityCheck | DataDriftCheck => c !== check && pairable(c) && c.type !== check.type && c.baseline.value === check.baseline.value && c.target.value === check.target.value);
}

function together(check: DataQualityCheck | DataDriftCheck, partner: DataQualityCheck | DataDriftCheck, policy: Policy, ctx: RunnerContext): Promise<DataChecksResult> {
  const quality = (check.type === 'data_quality' ? check : partner) as DataQualityCheck;
  const drift = (check.type === 'data_quality' ? partner : check) as DataDriftCheck;
  const key = `${quality.name}\u0000${drift.name}`;
  let memo = pairs.get(policy);
  if (!memo) pairs.set(policy, (memo = new Map()));
  let done = memo.get(key);
  if (!done) {
    const label = `${quality.name} + ${drift.name}`;
    done = evaluateDataChecks(open(policy, quality.baseline, ctx, `${label} (baseline)`), open(policy, quality.target, ctx, `${label} (target)`), { quality: qualityOptions(quality), drift: driftOptions(drift) });
    memo.set(key, done);
  }
  return done;
}

export function runDataQuality(check: DataQualityCheck, policy: Policy, ctx: RunnerContext) {
  return timed(check, async () => {
    const partner = partnerOf(check, policy);
    if (partner) {
      const body = qualityBody((await together(check, partner, policy, ctx)).quality!);
      return { ...body, facts: { ...body.facts, 'read with': partner.name } };
    }
    return qualityBody(await evaluateDataQuality(open(policy, check.baseline, ctx, `${check.name} (baseline)`), open(policy, check.target, ctx, `${check.name} (target)`), qualityOptions(check)));
  });
}

export function runDrift(check: DataDriftCheck, policy: Policy, ctx: RunnerContext) {
  return timed(check, async () => {
    const partner = partnerOf(check, policy);
    if (partner) return driftBody((await together(check, partner, policy, ctx)).drift!, { 'read with': partner.name });
    const baseline = open(policy, check.baseline, ctx, `${check.name} (baseline)`);
    let target = open(policy, check.target, ctx, `${check.name} (target)`);
    const facts: Record<string, string | number> = {};
    if (check.targetFromDeployment) {
      // The outputs of the deployment under test on the target rows, as the column(s) the baseline has.
      const spec = policy.scoring!;
      const table = await readTable(ctx.datasetPath(check.target.value, check.target.at), spec.features, policy.data.get(check.target.value)!.format);
      const scored = await scoreTable(ctx.port!, ctx.port!.target, spec, table, { signal: ctx.signal, progress: ctx.progress, everyMs: ctx.progressEveryMs ?? 5000, what: check.name });
      const column = check.features === 'all' ? 'prediction' : check.features[0]!.value;
      target = rowsSource([column], scored.outputs.map((o) => [o]), { name: `${ctx.port!.target} outputs` });
      facts['scored by'] = ctx.port!.target;
      facts['scoring requests'] = scored.requests;
    }
    return driftBody(await evaluateDrift(baseline, target, driftOptions(check)), facts);
  });
}
