/**
 * Classification metrics with scikit-learn's definitions, all optionally weighted.
 *
 * - accuracy: the weighted share of rows whose prediction equals the label (any number of classes).
 * - precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN); a zero denominator gives 0 (scikit-learn's
 *   default `zero_division`). `average: 'macro'` is the unweighted mean over the labels seen in the truth or the
 *   predictions, each in turn positive (Azure ML model monitoring reports macro precision and recall).
 * - ROC AUC: the probability that a positive scores above a negative, ties counting one half — exactly the
 *   trapezoidal area under scikit-learn's ROC curve, ties included. NaN when the rows hold only one class
 *   (scikit-learn raises there; here the caller decides).
 * - log loss: the mean of −[y ln p + (1−y) ln(1−p)], p the probability of the positive class, clipped to
 *   [ε, 1−ε] with ε the float64 machine epsilon (scikit-learn's clipping).
 */
import { inputError } from '../../core/errors';
import {
  checkWeights,
  confusionCounts,
  indicator,
  labelKey,
  positiveKey,
  safeDivide,
  sameLength,
  type ConfusionCounts,
  type Label,
  type Weights,
} from './labels';

export interface BinaryOptions {
  /** The positive class; default 1 (labels must then be {0, 1} or {−1, 1}) */
  posLabel?: Label;
  weights?: Weights;
}

export interface AveragedOptions extends BinaryOptions {
  /** 'binary' (default): the positive class only; 'macro': the mean over every label */
  average?: 'binary' | 'macro';
}

export function accuracy(yTrue: readonly Label[], yPred: readonly Label[], weights?: Weights): number {
  const n = sameLength('accuracy', yTrue, yPred);
  checkWeights(weights, n, 'accuracy');
  let right = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    total += w;
    if (labelKey(yTrue[i]!) === labelKey(yPred[i]!)) right += w;
  }
  return total === 0 ? Number.NaN : right / total;
}

export const precisionOf = (c: ConfusionCounts): number => safeDivide(c.tp, c.tp + c.fp);
export const recallOf = (c: ConfusionCounts): number => safeDivide(c.tp, c.tp + c.fn);
export const f1Of = (c: ConfusionCounts): number => safeDivide(2 * c.tp, 2 * c.tp + c.fp + c.fn);

function averaged(
  what: string,
  of: (c: ConfusionCounts) => number,
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: AveragedOptions,
): number {
  const n = sameLength(what, yTrue, yPred);
  checkWeights(options.weights, n, what);
  if (options.average === 'macro') {
    const keys = new Set<string>();
    for (const v of yTrue) keys.add(labelKey(v));
    for (const v of yPred) keys.add(labelKey(v));
    if (keys.size === 0) return Number.NaN;
    let sum = 0;
    for (const k of keys) sum += of(confusionCounts(indicator(yTrue, k), indicator(yPred, k), options.weights));
    return sum / keys.size;
  }
  const pos = positiveKey(what, [yTrue, yPred], options.posLabel);
  return of(confusionCounts(indicator(yTrue, pos), indicator(yPred, pos), options.weights));
}

export function precision(yTrue: readonly Label[], yPred: readonly Label[], options: AveragedOptions = {}): number {
  return averaged('precision', precisionOf, yTrue, yPred, options);
}

export function recall(yTrue: readonly Label[], yPred: readonly Label[], options: AveragedOptions = {}): number {
  return averaged('recall', recallOf, yTrue, yPred, options);
}

export function f1(yTrue: readonly Label[], yPred: readonly Label[], options: AveragedOptions = {}): number {
  return averaged('f1', f1Of, yTrue, yPred, options);
}

export function checkScores(scores: ArrayLike<number>, what: string, probabilities: boolean): void {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw inputError(`${what}: score ${i} is ${s}; scores must be finite numbers`);
    if (probabilities && (s < 0 || s > 1)) throw inputError(`${what}: score ${i} is ${s}; probabilities must be in [0, 1]`);
  }
}

/**
 * ROC AUC with the scores sorted once: the returned function takes (bootstrap) weights and runs in O(n).
 * `truth` is 1 for positives.
 */
export function prepareRocAuc(truth: Uint8Array, scores: ArrayLike<number>): (weights?: Weights) => number {
  const n = truth.length;
  if (scores.length !== n) throw inputError(`roc_auc: ${n} labels but ${scores.length} scores`);
  checkScores(scores, 'roc_auc', false);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  return (weights?: Weights): number => {
    let negativesBelow = 0;
    let area = 0;
    let positives = 0;
    for (let start = 0; start < n; ) {
      const s = scores[order[start]!]!;
      let pos = 0;
      let neg = 0;
      let end = start;
      for (; end < n && scores[order[end]!] === s; end++) {
        const i = order[end]!;
        const w = weights ? weights[i]! : 1;
        if (truth[i]) pos += w;
        else neg += w;
      }
      area += pos * (negativesBelow + neg / 2);
      negativesBelow += neg;
      positives += pos;
      start = end;
    }
    const pairs = positives * negativesBelow;
    return pairs === 0 ? Number.NaN : area / pairs;
  };
}

/** ROC AUC of `scores` (higher means more likely positive); NaN when only one class is present. */
export function rocAuc(yTrue: readonly Label[], scores: ArrayLike<number>, options: BinaryOptions = {}): number {
  const n = sameLength('roc_auc', yTrue, scores);
  checkWeights(options.weights, n, 'roc_auc');
  const pos = positiveKey('roc_auc', [yTrue], options.posLabel);
  return prepareRocAuc(indicator(yTrue, pos), scores)(options.weights);
}

const CLIP = Number.EPSILON;
const { log, min, max } = Math; // bound once for the loop (see prng.ts)

/** Log loss over positive-class probabilities, with `truth` 1 for positives. */
export function logLossOf(truth: Uint8Array, probabilities: ArrayLike<number>, weights?: Weights): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    const p = min(max(probabilities[i]!, CLIP), 1 - CLIP);
    loss -= w * (truth[i] ? log(p) : log(1 - p));
    total += w;
  }
  return total === 0 ? Number.NaN : loss / total;
}

export function logLoss(yTrue: readonly Label[], probabilities: ArrayLike<number>, options: BinaryOptions = {}): number {
  const n = sameLength('log_loss', yTrue, probabilities);
  checkWeights(options.weights, n, 'log_loss');
  checkScores(probabilities, 'log_loss', true);
  return logLossOf(indicator(yTrue, positiveKey('log_loss', [yTrue], options.posLabel)), probabilities, options.weights);
}
