/**
 * Fairness and champion/challenger: the evaluation set (labels, each model's outputs, the sensitive and slice
 * columns) assembled from the dataset and, where the policy says so, from the deployments scoring its rows; then
 * the statistics library's rules (Fairlearn's definitions, paired bootstrap, McNemar, DeLong) decide.
 */
import { policyError } from '../policy/errors';
import { evaluateChecks, formatValue, type EvaluationSet, type Label, type ModelOutputs, type VerdictRow } from '../stats';
import type { Cell as StatsCell } from '../stats/evaluation-set';
import type { Located, ModelCheck, OutputsSource, Policy } from '../policy/types';
import type { ResultRow } from '../results/types';
import { countHeadline, timed } from './outcome';
import type { RunnerContext } from './ports';
import { scoreTable } from './scoring';
import { readTable, type Table } from './table';

function neededColumns(check: ModelCheck, policy: Policy): Located<string>[] {
  const cols: Located<string>[] = [check.label, ...check.columns];
  const sources = [check.challenger, check.champion];
  for (const s of sources) {
    if (s.kind === 'column') cols.push(...[s.prediction, s.score].filter((x): x is Located<string> => x !== undefined));
    if (s.kind === 'deployment' || s.kind === 'live') cols.push(...(policy.scoring?.features ?? []));
  }
  return cols;
}

function labelsOf(table: Table, check: ModelCheck): Label[] {
  const cells = table.columns[check.label.value]!;
  const missing = cells.findIndex((c) => c === null || (typeof c === 'number' && Number.isNaN(c)));
  if (missing >= 0) {
    throw policyError(check.label.at, `the label column '${check.label.value}' has an empty value in row ${missing + 1} of ${table.name}`);
  }
  return cells.map((c) => (typeof c === 'number' || typeof c === 'string' || typeof c === 'boolean' ? c : String(c)));
}

function numbersOf(table: Table, col: Located<string>): number[] {
  return table.columns[col.value]!.map((c, i) => {
    const n = typeof c === 'number' ? c : typeof c === 'boolean' ? Number(c) : Number.NaN;
    if (!Number.isFinite(n)) throw policyError(col.at, `column '${col.value}' row ${i + 1} of ${table.name} is not a number`);
    return n;
  });
}

async function outputsOf(source: OutputsSource | { kind: 'live' }, role: 'challenger' | 'champion', check: ModelCheck, policy: Policy, table: Table, ctx: RunnerContext, facts: Record<string, string | number>): Promise<ModelOutputs | undefined> {
  if (source.kind === 'none') return undefined;
  if (source.kind === 'column') {
    const out: ModelOutputs = {};
    if (source.prediction) out.predictions = table.columns[source.prediction.value]!.map((c) => (typeof c === 'number' || typeof c === 'string' || typeof c === 'boolean' ? c : String(c)));
    if (source.score) out.scores = numbersOf(table, source.score);
    facts[role] = `columns ${[source.prediction?.value, source.score?.value].filter(Boolean).join(', ')}`;
    return out;
  }
  const port = ctx.port!;
  const deployment = source.kind === 'live' ? port.champion : (source.deployment ?? (role === 'challenger' ? port.target : port.champion));
  if (!deployment) {
    facts[role] = 'none (no other deployment holds live traffic)';
    return undefined;
  }
  if (role === 'champion' && deployment === port.target) {
    facts[role] = `none (${deployment} is the deployment under test)`;
    return undefined;
  }
  const scored = await scoreTable(port, deployment, policy.scoring!, table, { signal: ctx.signal, progress: ctx.progress, everyMs: ctx.progressEveryMs ?? 5000, what: `${check.name} (${role})` });
  facts[role] = `deployment ${deployment} (${table.rows} rows in ${scored.requests} requests)`;
  if (policy.scoring!.outputKind === 'score' && check.task === 'classification') {
    const bad = scored.outputs.findIndex((o) => typeof o !== 'number');
    if (bad >= 0) throw new Error(`deployment '${deployment}' answered a label (${JSON.stringify(scored.outputs[bad])}) where scoring.output_kind says a score`);
    return { scores: scored.outputs as number[] };
  }
  return { predictions: scored.outputs };
}

function resultRow(v: VerdictRow): ResultRow {
  const ci = v.ci ? `CI [${formatValue(v.ci[0])}, ${formatValue(v.ci[1])}]` : undefined;
  const detail = [ci, v.detail].filter(Boolean).join('; ');
  return {
    subject: v.slice ?? 'all rows',
    metric: v.check,
    measured: v.skipped ? '' : formatValue(v.measured, v.kind === 'versus_champion'),
    expected: `${v.op} ${formatValue(v.threshold, v.kind === 'versus_champion')}`,
    status: v.skipped ? 'skipped' : v.passed ? 'passed' : 'failed',
    value: Number.isFinite(v.measured) ? v.measured : null,
    ...(detail ? { detail } : {}),
  };
}

export function runModelCheck(check: ModelCheck, policy: Policy, ctx: RunnerContext) {
  return timed(check, async () => {
    const ds = policy.data.get(check.data.value)!;
    const table = await readTable(ctx.datasetPath(check.data.value, check.data.at), neededColumns(check, policy), ds.format);
    const facts: Record<string, string | number> = { rows: table.rows, data: check.data.value };
    const challenger = await outputsOf(check.challenger, 'challenger', check, policy, table, ctx, facts);
    if (!challenger) throw policyError(check.at, `check '${check.name}' needs the challenger's outputs (challenger: deployment, or a prediction/score column)`);
    const champion = await outputsOf(check.champion, 'champion', check, policy, table, ctx, facts);
    const columns: Record<string, StatsCell[]> = {};
    for (const c of check.columns) columns[c.value] = table.columns[c.value]!.map((x) => (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : String(x)));
    const set: EvaluationSet = {
      task: check.task,
      labels: labelsOf(table, check),
      challenger,
      ...(champion ? { champion } : {}),
      columns,
      ...(check.posLabel !== undefined ? { posLabel: check.posLabel } : {}),
      ...(check.decisionThreshold !== undefined ? { decisionThreshold: check.decisionThreshold } : {}),
    };
    const verdict = evaluateChecks(check.rules, set);
    const rows = verdict.rows.map(resultRow);
    return { headline: countHeadline(rows, 'rules'), rows, facts, failed: !verdict.passed };
  });
}
