/**
 * Everything about a policy that can be checked before the first request or the first full read: each dataset a
 * check uses opens as a regular file of a known format, every column a check names is in its header, every response
 * schema compiles. A problem is reported at the policy line that named the file, column or schema.
 */
import { StepError } from '../../core/errors';
import { describeAt, policyError } from '../policy/errors';
import { dataSource, readSchema, type FileFormat } from '../data';
import type { Located, Policy, PolicyCheck, PolicyLocation } from '../policy/types';
import type { RunnerContext } from './ports';
import { compileSchema } from './smoke';
import { requireColumns } from './table';

/** The columns of a dataset: Parquet's schema, a CSV's header line, JSON Lines keys (a full pass only when needed). */
async function headerOf(path: string, format: FileFormat | undefined, wanted: readonly string[]): Promise<string[]> {
  const source = dataSource(path, format);
  const known = await source.schema();
  if (known) return known.columns.map((c) => c.name);
  for await (const batch of source.batches()) {
    const cols = [...batch.columns];
    if (source.format === 'csv' || wanted.every((w) => cols.includes(w))) return cols;
    break;
  }
  return (await readSchema(source)).columns.map((c) => c.name);
}

function datasetColumns(check: PolicyCheck, policy: Policy): { dataset: Located<string>; columns: Located<string>[] }[] {
  const scoring = policy.scoring?.features ?? [];
  switch (check.type) {
    case 'smoke':
    case 'load':
      return [];
    case 'data_quality':
    case 'data_drift':
    case 'prediction_drift': {
      const named = [...(check.features === 'all' ? [] : check.features), ...check.categorical, ...check.numerical];
      const targetCols = check.type === 'prediction_drift' && check.targetFromDeployment ? scoring : named;
      return [
        { dataset: check.baseline, columns: named },
        { dataset: check.target, columns: targetCols },
      ];
    }
    case 'fairness':
    case 'champion_challenger': {
      const cols = [check.label, ...check.columns];
      for (const s of [check.challenger, check.champion]) {
        if (s.kind === 'column') cols.push(...[s.prediction, s.score].filter((x): x is Located<string> => x !== undefined));
        if (s.kind === 'deployment' || s.kind === 'live') cols.push(...scoring);
      }
      return [{ dataset: check.data, columns: cols }];
    }
  }
}

export async function preflight(policy: Policy, ctx: Pick<RunnerContext, 'datasetPath'>): Promise<void> {
  const headers = new Map<string, string[]>();
  for (const check of policy.checks) {
    if (check.type === 'smoke') for (const r of check.requests) if (r.schema) await compileSchema(r.schema, r.at);
    for (const { dataset, columns } of datasetColumns(check, policy)) {
      const ds = policy.data.get(dataset.value);
      if (!ds) throw policyError(dataset.at, `no dataset '${dataset.value}' under data:`);
      const path = ctx.datasetPath(dataset.value, dataset.at);
      let header = headers.get(path);
      if (!header) {
        header = await located(ds.at, () => headerOf(path, ds.format, columns.map((c) => c.value)));
        headers.set(path, header);
      }
      requireColumns(path, header, columns);
    }
  }
}

/** A file problem (not a regular file, unknown format) reported at the dataset's line of the policy. */
async function located<T>(at: PolicyLocation, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof StepError && e.kind === 'input' && !e.message.startsWith(describeAt(at))) {
      throw policyError(at, e.message, e.hint);
    }
    throw e;
  }
}
