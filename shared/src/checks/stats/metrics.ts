/**
 * The model metrics a rule can name, each prepared once for an evaluation set and a model so that a bootstrap
 * can re-evaluate it under many row weightings cheaply.
 */
import { inputError } from '../../core/errors';
import { f1Of, logLossOf, precisionOf, prepareRocAuc, recallOf } from './classification';
import { predictedPositive, outputsOf, setPositiveKey, type EvaluationSet, type ModelRole, type Task } from './evaluation-set';
import { confusionCounts, indicator, labelKey, safeDivide, type Weights } from './labels';
import { maeOf, mseOf, r2Of } from './regression';

export const MODEL_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'roc_auc',
  'log_loss',
  'selection_rate',
  'true_positive_rate',
  'false_positive_rate',
  'mae',
  'mse',
  'rmse',
  'r2',
] as const;
export type ModelMetric = (typeof MODEL_METRICS)[number];

/** Other names accepted for a metric. */
export const METRIC_ALIASES: Readonly<Record<string, ModelMetric>> = { auc: 'roc_auc', tpr: 'true_positive_rate', fpr: 'false_positive_rate' };

export interface MetricInfo {
  task: Task;
  /** The direction a better model moves the metric */
  higherIsBetter: boolean;
  /** What of the model's outputs the metric reads */
  needs: 'predictions' | 'scores' | 'either';
}

export const METRIC_INFO: Readonly<Record<ModelMetric, MetricInfo>> = {
  accuracy: { task: 'classification', higherIsBetter: true, needs: 'either' },
  precision: { task: 'classification', higherIsBetter: true, needs: 'either' },
  recall: { task: 'classification', higherIsBetter: true, needs: 'either' },
  f1: { task: 'classification', higherIsBetter: true, needs: 'either' },
  precision_macro: { task: 'classification', higherIsBetter: true, needs: 'predictions' },
  recall_macro: { task: 'classification', higherIsBetter: true, needs: 'predictions' },
  f1_macro: { task: 'classification', higherIsBetter: true, needs: 'predictions' },
  roc_auc: { task: 'classification', higherIsBetter: true, needs: 'scores' },
  log_loss: { task: 'classification', higherIsBetter: false, needs: 'scores' },
  selection_rate: { task: 'classification', higherIsBetter: true, needs: 'either' },
  true_positive_rate: { task: 'classification', higherIsBetter: true, needs: 'either' },
  false_positive_rate: { task: 'classification', higherIsBetter: false, needs: 'either' },
  mae: { task: 'regression', higherIsBetter: false, needs: 'predictions' },
  mse: { task: 'regression', higherIsBetter: false, needs: 'predictions' },
  rmse: { task: 'regression', higherIsBetter: false, needs: 'predictions' },
  r2: { task: 'regression', higherIsBetter: true, needs: 'predictions' },
};

export function isModelMetric(name: string): name is ModelMetric {
  return (MODEL_METRICS as readonly string[]).includes(name);
}

/** The canonical name for a metric name or alias, or undefined. */
export function canonicalMetric(name: string): ModelMetric | undefined {
  return isModelMetric(name) ? name : METRIC_ALIASES[name];
}

/** A metric bound to a set and a model: evaluate it under row weights (multiplied with the set's own). */
export type PreparedMetric = (weights?: Weights) => number;

function combine(base: readonly number[] | undefined, extra: Weights | undefined): Weights | undefined {
  if (!base) return extra;
  if (!extra) return base;
  return Float64Array.from(base, (w, i) => w * extra[i]!);
}

export function prepareMetric(metric: ModelMetric, set: EvaluationSet, role: ModelRole): PreparedMetric {
  const info = METRIC_INFO[metric];
  if (info.task !== set.task) throw inputError(`Metric '${metric}' is for ${info.task}, but the evaluation set is ${set.task}`);
  const m = outputsOf(set, role);
  if (info.needs === 'scores' && !m.scores) throw inputError(`Metric '${metric}' needs the ${role}'s scores`);
  if (info.needs === 'predictions' && !m.predictions) throw inputError(`Metric '${metric}' needs the ${role}'s predictions`);
  const w = (extra?: Weights) => combine(set.weights, extra);

  if (set.task === 'regression') {
    const y = set.labels as readonly number[];
    const p = m.predictions as readonly number[];
    switch (metric) {
      case 'mae':
        return (extra) => maeOf(y, p, w(extra));
      case 'mse':
        return (extra) => mseOf(y, p, w(extra));
      case 'rmse':
        return (extra) => Math.sqrt(mseOf(y, p, w(extra)));
      default:
        return (extra) => r2Of(y, p, w(extra));
    }
  }

  if (metric === 'accuracy' && m.predictions) {
    const p = m.predictions;
    const right = Uint8Array.from(set.labels, (y, i) => (labelKey(y) === labelKey(p[i]!) ? 1 : 0));
    return (extra) => weightedMean(right, w(extra));
  }
  if (metric === 'precision_macro' || metric === 'recall_macro' || metric === 'f1_macro') {
    const of = metric === 'precision_macro' ? precisionOf : metric === 'recall_macro' ? recallOf : f1Of;
    const p = m.predictions!;
    const keys = [...new Set([...set.labels.map(labelKey), ...p.map(labelKey)])];
    const pairs = keys.map((k) => [indicator(set.labels, k), indicator(p, k)] as const);
    // scikit-learn averages over the labels present in the rows evaluated; under bootstrap weights that is the
    // labels of the rows drawn (the set's own weights do not hide a label, as in scikit-learn).
    return (extra) => {
      const ww = w(extra);
      let sum = 0;
      let count = 0;
      for (const [truth, pred] of pairs) {
        if (extra && !present(truth, pred, extra)) continue;
        sum += of(confusionCounts(truth, pred, ww));
        count++;
      }
      return count === 0 ? Number.NaN : sum / count;
    };
  }

  const pos = setPositiveKey(set, metric);
  const truth = indicator(set.labels, pos);
  if (metric === 'roc_auc') {
    const auc = prepareRocAuc(truth, m.scores!);
    return (extra) => auc(w(extra));
  }
  if (metric === 'log_loss') {
    const scores = m.scores!;
    for (const s of scores) if (s < 0 || s > 1) throw inputError(`Metric 'log_loss' needs the ${role}'s scores to be probabilities in [0, 1], got ${s}`);
    return (extra) => logLossOf(truth, scores, w(extra));
  }
  const pred = predictedPositive(set, m, pos);
  switch (metric) {
    case 'accuracy':
      return (extra) => weightedMean(truth.map((t, i) => (t === pred[i] ? 1 : 0)), w(extra));
    case 'precision':
      return (extra) => precisionOf(confusionCounts(truth, pred, w(extra)));
    case 'recall':
    case 'true_positive_rate':
      return (extra) => recallOf(confusionCounts(truth, pred, w(extra)));
    case 'f1':
      return (extra) => f1Of(confusionCounts(truth, pred, w(extra)));
    case 'selection_rate':
      return (extra) => weightedMean(pred, w(extra));
    default: {
      // false_positive_rate
      return (extra) => {
        const c = confusionCounts(truth, pred, w(extra));
        return safeDivide(c.fp, c.fp + c.tn);
      };
    }
  }
}

function present(truth: Uint8Array, pred: Uint8Array, weights: Weights): boolean {
  for (let i = 0; i < truth.length; i++) if (weights[i]! > 0 && (truth[i] || pred[i])) return true;
  return false;
}

function weightedMean(values: Uint8Array, weights?: Weights): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const wi = weights ? weights[i]! : 1;
    sum += wi * values[i]!;
    total += wi;
  }
  return total === 0 ? Number.NaN : sum / total;
}

/** One metric of one model on the whole set. */
export function computeMetric(metric: ModelMetric, set: EvaluationSet, role: ModelRole = 'challenger'): number {
  return prepareMetric(metric, set, role)();
}
