/**
 * The evaluation set a staging check runs on: true labels, the challenger's (and the champion's) outputs on the
 * same rows, optional weights, and the columns that slices and sensitive features are taken from.
 */
import { inputError } from '../../core/errors';
import { checkWeights, indicator, labelKey, positiveKey, type Label } from './labels';
import { checkScores } from './classification';
import { checkNumbers } from './regression';

export type Task = 'classification' | 'regression';

/** A cell of a slice or sensitive-feature column; null and undefined are a group of their own, "(missing)". */
export type Cell = string | number | boolean | null | undefined;

export interface ModelOutputs {
  /** Predicted labels (classification) or values (regression) */
  predictions?: readonly Label[];
  /** Binary classification: the score or probability of the positive class (higher means more positive) */
  scores?: readonly number[];
}

export interface EvaluationSet {
  task: Task;
  /** The true labels (numbers for regression) */
  labels: readonly Label[];
  challenger: ModelOutputs;
  /** Absent for a first model: rules against the champion are then skipped */
  champion?: ModelOutputs;
  /** Columns for slices and sensitive features, one cell per row */
  columns?: Readonly<Record<string, readonly Cell[]>>;
  weights?: readonly number[];
  /** Binary classification: the positive class; default 1 */
  posLabel?: Label;
  /** Binary classification without predictions: a score at or above this predicts the positive class; default 0.5 */
  decisionThreshold?: number;
}

export type ModelRole = 'challenger' | 'champion';

export const MISSING_GROUP = '(missing)';

export function cellKey(v: Cell): string {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? MISSING_GROUP : String(v);
}

/** Group and slice order: numerically when both keys are numbers, else by code unit. */
export function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The row indices of each value of a column, the values in order. */
export function groupRows(column: readonly Cell[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  column.forEach((v, i) => {
    const k = cellKey(v);
    let rows = groups.get(k);
    if (!rows) groups.set(k, (rows = []));
    rows.push(i);
  });
  return new Map([...groups.entries()].sort(([a], [b]) => compareKeys(a, b)));
}

/** Check lengths and value types once; throws an input error naming what is wrong. */
export function validateSet(set: EvaluationSet): void {
  const n = set.labels.length;
  const models: [ModelRole, ModelOutputs | undefined][] = [
    ['challenger', set.challenger],
    ['champion', set.champion],
  ];
  for (const [role, m] of models) {
    if (!m) continue;
    if (!m.predictions && !m.scores) throw inputError(`The ${role} has neither predictions nor scores`);
    for (const [kind, a] of [
      ['predictions', m.predictions],
      ['scores', m.scores],
    ] as const) {
      if (a && a.length !== n) throw inputError(`The ${role} has ${a.length} ${kind} for ${n} labels`);
    }
    if (m.scores) checkScores(m.scores, `${role} scores`, false);
    if (set.task === 'regression') {
      if (!m.predictions) throw inputError(`Regression needs the ${role}'s predictions`);
      checkNumbers(m.predictions as number[], `${role} predictions`, 'prediction');
    }
  }
  if (set.task === 'regression') checkNumbers(set.labels as number[], 'labels', 'label');
  checkWeights(set.weights, n, 'weights');
  for (const [name, col] of Object.entries(set.columns ?? {})) {
    if (col.length !== n) throw inputError(`Column '${name}' has ${col.length} values for ${n} rows`);
  }
}

/** The rows in `rows`, in that order, of every array of the set. */
export function subsetSet(set: EvaluationSet, rows: readonly number[]): EvaluationSet {
  const pick = <T>(a: readonly T[] | undefined): T[] | undefined => (a ? rows.map((i) => a[i]!) : undefined);
  const outputs = (m: ModelOutputs | undefined): ModelOutputs | undefined =>
    m ? { ...(m.predictions ? { predictions: pick(m.predictions) } : {}), ...(m.scores ? { scores: pick(m.scores) } : {}) } : undefined;
  const columns = set.columns ? Object.fromEntries(Object.entries(set.columns).map(([k, v]) => [k, pick(v)!])) : undefined;
  return {
    ...set,
    labels: pick(set.labels)!,
    challenger: outputs(set.challenger)!,
    ...(set.champion ? { champion: outputs(set.champion) } : {}),
    ...(columns ? { columns } : {}),
    ...(set.weights ? { weights: pick(set.weights) } : {}),
  };
}

export function outputsOf(set: EvaluationSet, role: ModelRole): ModelOutputs {
  const m = role === 'challenger' ? set.challenger : set.champion;
  if (!m) throw inputError(`There is no ${role} in the evaluation set`);
  return m;
}

/** The key of the positive class over the labels and every model's predictions. */
export function setPositiveKey(set: EvaluationSet, what: string): string {
  const arrays = [set.labels, set.challenger.predictions, set.champion?.predictions].filter((a): a is readonly Label[] => !!a);
  return positiveKey(what, arrays, set.posLabel);
}

/** 1 where the model predicts the positive class (from its predictions, else its thresholded scores). */
export function predictedPositive(set: EvaluationSet, m: ModelOutputs, posKey: string): Uint8Array {
  if (m.predictions) return indicator(m.predictions, posKey);
  const t = set.decisionThreshold ?? 0.5;
  return Uint8Array.from(m.scores!, (s) => (s >= t ? 1 : 0));
}

/**
 * 1 where the model's prediction is right. With predictions, a label comparison (any number of classes);
 * with scores only, the thresholded score against the positive class.
 */
export function correctness(set: EvaluationSet, m: ModelOutputs): Uint8Array {
  if (m.predictions) {
    const p = m.predictions;
    return Uint8Array.from(set.labels, (y, i) => (labelKey(y) === labelKey(p[i]!) ? 1 : 0));
  }
  const pos = setPositiveKey(set, 'accuracy');
  const truth = indicator(set.labels, pos);
  const pred = predictedPositive(set, m, pos);
  return truth.map((t, i) => (t === pred[i] ? 1 : 0));
}

/** For each row, the key of what the model predicts, comparable between the two models. */
export function predictionKeys(set: EvaluationSet, m: ModelOutputs, bothHavePredictions: boolean): string[] {
  if (bothHavePredictions && m.predictions) return m.predictions.map(labelKey);
  const pos = setPositiveKey(set, 'prediction agreement');
  return Array.from(predictedPositive(set, m, pos), (p) => (p ? pos : `not ${pos}`));
}
