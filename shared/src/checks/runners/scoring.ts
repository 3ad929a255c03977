/**
 * Scoring an evaluation table through a deployment: rows sent in batches as the policy's `scoring:` describes
 * ({"data": [[…], …]} by default), each answer's list of outputs taken at the `output` pointer. A batch answered
 * with an error, or with a different number of outputs than rows, stops the check with that cause.
 */
import { performance } from 'node:perf_hooks';
import type { Cell } from '../data';
import type { ScoringSpec } from '../policy/types';
import { ProgressTicker } from '../results/progress';
import type { DeploymentPort } from './ports';
import { atPointer } from './smoke';
import type { Table } from './table';

export interface ScoredOutputs {
  /** One output a row: a number (a score or a regression value) or a label */
  outputs: (number | string | boolean)[];
  requests: number;
  latencyMs: number;
}

const cellJson = (c: Cell): unknown => (c instanceof Date ? c.toISOString() : c instanceof Uint8Array ? null : typeof c === 'object' && c !== null ? c.complex : c);

export async function scoreTable(
  port: DeploymentPort,
  deployment: string,
  spec: ScoringSpec,
  table: Table,
  opts: { signal: AbortSignal; progress: (line: string) => void; everyMs: number; what: string },
): Promise<ScoredOutputs> {
  const features = spec.features.map((f) => f.value);
  const outputs: (number | string | boolean)[] = [];
  const started = performance.now();
  const ticker = new ProgressTicker(opts.progress, { label: `${opts.what}, scored by ${deployment}`, everyMs: opts.everyMs });
  let requests = 0;
  for (let from = 0; from < table.rows; from += spec.batchSize) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const to = Math.min(table.rows, from + spec.batchSize);
    const rows: unknown[] = [];
    for (let i = from; i < to; i++) {
      rows.push(spec.rowFormat === 'records' ? Object.fromEntries(features.map((f) => [f, cellJson(table.columns[f]![i] ?? null)])) : features.map((f) => cellJson(table.columns[f]![i] ?? null)));
    }
    const answer = await port.score(deployment, JSON.stringify({ [spec.inputKey]: rows }), {}, 60_000);
    requests++;
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`deployment '${deployment}' answered rows ${from + 1}–${to} with ${answer.status === 0 ? `no answer (${answer.error ?? 'no response'})` : `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(answer.body);
    } catch {
      throw new Error(`deployment '${deployment}' answered rows ${from + 1}–${to} with something that is not JSON: ${answer.body.slice(0, 120)}`);
    }
    const found = atPointer(doc, spec.outputPointer);
    const list = 'value' in found ? found.value : undefined;
    if (!Array.isArray(list) || list.length !== to - from) {
      throw new Error(`deployment '${deployment}': expected a list of ${to - from} outputs at '${spec.outputPointer || '/'}' of the answer, got ${JSON.stringify(list)?.slice(0, 120) ?? 'nothing'}`);
    }
    for (const v of list) {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') outputs.push(v);
      else if (Array.isArray(v) && typeof v[v.length - 1] === 'number') outputs.push(v[v.length - 1] as number); // [p0, p1]: the positive class
      else throw new Error(`deployment '${deployment}': an output is neither a number, a label nor a list of class probabilities: ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    ticker.update({ done: to, total: table.rows, unit: 'rows' });
  }
  ticker.finish();
  return { outputs, requests, latencyMs: performance.now() - started };
}
