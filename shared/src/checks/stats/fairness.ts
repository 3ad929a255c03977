/**
 * Group fairness with Fairlearn's definitions (`MetricFrame`, `demographic_parity_*`, `equalized_odds_*`,
 * `equal_opportunity_*`).
 *
 * - Groups are the values of one sensitive feature, or the intersections of several, over their full Cartesian
 *   product: a combination with no rows is kept with NaN values, and group min/max skip NaN (pandas).
 * - Rates: selection rate = Σw[ŷ = pos]/Σw; TPR = TP/(TP+FN), FNR = FN/(TP+FN), FPR = FP/(FP+TN),
 *   TNR = TN/(FP+TN), precision = TP/(TP+FP). A group whose denominator is zero (no positives for TPR, no
 *   negatives for FPR) gets 0, as scikit-learn's normalized confusion matrix gives Fairlearn; the frame lists such
 *   groups, and `zeroDivision: 'nan'` makes them NaN instead (so they drop out of min/max).
 * - difference: 'between_groups' = max − min; 'to_overall' = max |m_g − overall|.
 *   ratio: 'between_groups' = min / max (0/0 is NaN); 'to_overall' = min over groups of m_g/overall, each turned
 *   into its inverse when above 1 (x/0 is ∞ and becomes 0; 0/0 is NaN and is skipped).
 * - equalized odds with agg 'worst_case' takes Python's built-in max (difference) or min (ratio) over
 *   [TPR part, FPR part], which Fairlearn does: a NaN TPR part gives NaN, a NaN FPR part is passed over.
 *   agg 'mean' averages the parts that are not NaN (pandas).
 * - Rows whose sensitive value is missing (null, undefined, NaN) form their own group, "(missing)".
 */
import { inputError } from '../../core/errors';
import { cellKey, compareKeys, type Cell } from './evaluation-set';
import { checkWeights, confusionCounts, indicator, labelKey, positiveKey, safeDivide, sameLength, type Label, type Weights } from './labels';

export const GROUP_METRICS = [
  'selection_rate',
  'accuracy',
  'true_positive_rate',
  'false_positive_rate',
  'true_negative_rate',
  'false_negative_rate',
  'precision',
  'count',
] as const;
export type GroupMetric = (typeof GROUP_METRICS)[number];

export type DisparityMethod = 'between_groups' | 'to_overall';
export type OddsAggregation = 'worst_case' | 'mean';

export interface MetricFrameInput {
  yTrue: readonly Label[];
  yPred: readonly Label[];
  /** One or more sensitive-feature columns by name; several give intersectional groups */
  sensitiveFeatures: Readonly<Record<string, readonly Cell[]>>;
  posLabel?: Label;
  weights?: Weights;
  /** What a rate with a zero denominator is: 0 as in Fairlearn (default), or NaN */
  zeroDivision?: 'fairlearn' | 'nan';
}

export interface GroupResult {
  /** The group's value of each sensitive feature */
  key: Readonly<Record<string, string>>;
  /** "sex=F, region=eu" */
  label: string;
  /** Rows in the group (unweighted) */
  rows: number;
  values: Readonly<Record<GroupMetric, number>>;
  /** Metrics whose denominator was zero in this group */
  zeroDenominators: GroupMetric[];
}

export interface MetricFrame {
  features: string[];
  metrics: GroupMetric[];
  overall: Readonly<Record<GroupMetric, number>>;
  byGroup: GroupResult[];
}

type Values = Record<GroupMetric, number>;

function groupValues(
  metrics: readonly GroupMetric[],
  truth: Uint8Array,
  pred: Uint8Array,
  right: Uint8Array,
  rows: readonly number[],
  weights: Weights | undefined,
  zeroAsNaN: boolean,
): { values: Values; zero: GroupMetric[] } {
  const c = confusionCounts(truth, pred, weights, rows);
  const total = c.tp + c.fp + c.tn + c.fn;
  let correct = 0;
  for (const i of rows) correct += (weights ? weights[i]! : 1) * right[i]!;
  const zero: GroupMetric[] = [];
  const rate = (metric: GroupMetric, num: number, den: number): number => {
    if (den !== 0) return num / den;
    zero.push(metric);
    return zeroAsNaN ? Number.NaN : 0;
  };
  const values = {} as Values;
  for (const metric of metrics) {
    switch (metric) {
      case 'selection_rate':
        values[metric] = safeDivide(c.tp + c.fp, total, Number.NaN);
        break;
      case 'accuracy':
        values[metric] = safeDivide(correct, total, Number.NaN);
        break;
      case 'true_positive_rate':
        values[metric] = rate(metric, c.tp, c.tp + c.fn);
        break;
      case 'false_negative_rate':
        values[metric] = rate(metric, c.fn, c.tp + c.fn);
        break;
      case 'false_positive_rate':
        values[metric] = rate(metric, c.fp, c.fp + c.tn);
        break;
      case 'true_negative_rate':
        values[metric] = rate(metric, c.tn, c.fp + c.tn);
        break;
      case 'precision':
        values[metric] = rate(metric, c.tp, c.tp + c.fp);
        break;
      case 'count':
        values[metric] = rows.length;
        break;
    }
  }
  return { values, zero };
}

/** Per-group and overall metrics for a sensitive feature (or the intersections of several). */
export function metricFrame(metrics: readonly GroupMetric[], input: MetricFrameInput): MetricFrame {
  const features = Object.keys(input.sensitiveFeatures);
  if (features.length === 0) throw inputError('Fairness metrics need at least one sensitive feature');
  const n = sameLength('fairness', input.yTrue, input.yPred, ...features.map((f) => input.sensitiveFeatures[f]));
  checkWeights(input.weights, n, 'fairness');
  const pos = positiveKey('fairness', [input.yTrue, input.yPred], input.posLabel);
  const truth = indicator(input.yTrue, pos);
  const pred = indicator(input.yPred, pos);
  const right = Uint8Array.from(input.yTrue, (y, i) => (labelKey(y) === labelKey(input.yPred[i]!) ? 1 : 0));
  const zeroAsNaN = input.zeroDivision === 'nan';
  const all = Array.from({ length: n }, (_, i) => i);

  const keysOf = features.map((f) => input.sensitiveFeatures[f]!.map(cellKey));
  const levels = keysOf.map((ks) => [...new Set(ks)].sort(compareKeys));
  const rowsByGroup = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const id = JSON.stringify(keysOf.map((ks) => ks[i]));
    let list = rowsByGroup.get(id);
    if (!list) rowsByGroup.set(id, (list = []));
    list.push(i);
  }
  // The Cartesian product of the levels, in sorted order, the first feature varying slowest.
  let combos: string[][] = [[]];
  for (const lv of levels) combos = combos.flatMap((c) => lv.map((v) => [...c, v]));

  const byGroup = combos.map((combo): GroupResult => {
    const key = Object.fromEntries(features.map((f, j) => [f, combo[j]!]));
    const label = features.map((f, j) => `${f}=${combo[j]}`).join(', ');
    const rows = rowsByGroup.get(JSON.stringify(combo)) ?? [];
    if (rows.length === 0) {
      const values = Object.fromEntries(metrics.map((m) => [m, m === 'count' ? 0 : Number.NaN])) as Values;
      return { key, label, rows: 0, values, zeroDenominators: [] };
    }
    const { values, zero } = groupValues(metrics, truth, pred, right, rows, input.weights, zeroAsNaN);
    return { key, label, rows: rows.length, values, zeroDenominators: zero };
  });
  const overall = groupValues(metrics, truth, pred, right, all, input.weights, zeroAsNaN).values;
  return { features, metrics: [...metrics], overall, byGroup };
}

function valuesOf(frame: MetricFrame, metric: GroupMetric): number[] {
  if (!frame.metrics.includes(metric)) throw new Error(`The metric frame has no '${metric}'`);
  return frame.byGroup.map((g) => g.values[metric]);
}

/** pandas min/max: NaN skipped; NaN when every value is NaN. */
function extreme(values: readonly number[], pick: (a: number, b: number) => boolean): number {
  let best = Number.NaN;
  for (const v of values) if (!Number.isNaN(v) && (Number.isNaN(best) || pick(v, best))) best = v;
  return best;
}

export function groupMin(frame: MetricFrame, metric: GroupMetric): number {
  return extreme(valuesOf(frame, metric), (a, b) => a < b);
}

export function groupMax(frame: MetricFrame, metric: GroupMetric): number {
  return extreme(valuesOf(frame, metric), (a, b) => a > b);
}

export function difference(frame: MetricFrame, metric: GroupMetric, method: DisparityMethod = 'between_groups'): number {
  if (method === 'between_groups') return groupMax(frame, metric) - groupMin(frame, metric);
  const overall = frame.overall[metric];
  return extreme(
    valuesOf(frame, metric).map((v) => Math.abs(v - overall)),
    (a, b) => a > b,
  );
}

export function ratio(frame: MetricFrame, metric: GroupMetric, method: DisparityMethod = 'between_groups'): number {
  if (method === 'between_groups') return groupMin(frame, metric) / groupMax(frame, metric);
  const overall = frame.overall[metric];
  const ratios = valuesOf(frame, metric).map((v) => {
    const r = v / overall;
    return r > 1 ? 1 / r : r;
  });
  return extreme(ratios, (a, b) => a < b);
}

export const FAIRNESS_METRICS = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equal_opportunity_difference',
  'equal_opportunity_ratio',
] as const;
export type FairnessMetric = (typeof FAIRNESS_METRICS)[number];

export function isFairnessMetric(name: string): name is FairnessMetric {
  return (FAIRNESS_METRICS as readonly string[]).includes(name);
}

/** Whether a larger value means fairer (ratios) or less fair (differences). */
export function fairnessHigherIsFairer(metric: FairnessMetric): boolean {
  return metric.endsWith('_ratio');
}

export interface FairnessOptions {
  method?: DisparityMethod;
  /** Equalized odds only; default 'worst_case' */
  agg?: OddsAggregation;
}

export interface FairnessResult {
  metric: FairnessMetric;
  value: number;
  method: DisparityMethod;
  agg?: OddsAggregation;
  /** The per-group rates the value came from */
  frame: MetricFrame;
  /** The rate(s) behind the value and their part: e.g. {true_positive_rate: 0, false_positive_rate: 0.5} */
  parts: Partial<Record<GroupMetric, number>>;
}

/** Python's built-in max/min over a list: the first item unless a later one compares greater/smaller. */
function builtinPick(values: readonly number[], better: (a: number, b: number) => boolean): number {
  let best = values[0]!;
  for (const v of values.slice(1)) if (better(v, best)) best = v;
  return best;
}

function meanSkippingNaN(values: readonly number[]): number {
  const kept = values.filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

export function fairnessMetric(metric: FairnessMetric, input: MetricFrameInput, options: FairnessOptions = {}): FairnessResult {
  const method = options.method ?? 'between_groups';
  const isRatio = metric.endsWith('_ratio');
  const disparity = (frame: MetricFrame, m: GroupMetric) => (isRatio ? ratio(frame, m, method) : difference(frame, m, method));
  if (metric.startsWith('equalized_odds')) {
    const agg = options.agg ?? 'worst_case';
    const frame = metricFrame(['true_positive_rate', 'false_positive_rate'], input);
    const tpr = disparity(frame, 'true_positive_rate');
    const fpr = disparity(frame, 'false_positive_rate');
    const value =
      agg === 'mean' ? meanSkippingNaN([tpr, fpr]) : builtinPick([tpr, fpr], isRatio ? (a, b) => a < b : (a, b) => a > b);
    return { metric, value, method, agg, frame, parts: { true_positive_rate: tpr, false_positive_rate: fpr } };
  }
  const rate: GroupMetric = metric.startsWith('demographic_parity') ? 'selection_rate' : 'true_positive_rate';
  const frame = metricFrame([rate], input);
  const value = disparity(frame, rate);
  return { metric, value, method, frame, parts: { [rate]: value } };
}

export const demographicParityDifference = (input: MetricFrameInput, method?: DisparityMethod) =>
  fairnessMetric('demographic_parity_difference', input, { method }).value;
export const demographicParityRatio = (input: MetricFrameInput, method?: DisparityMethod) =>
  fairnessMetric('demographic_parity_ratio', input, { method }).value;
export const equalizedOddsDifference = (input: MetricFrameInput, options?: FairnessOptions) =>
  fairnessMetric('equalized_odds_difference', input, options).value;
export const equalizedOddsRatio = (input: MetricFrameInput, options?: FairnessOptions) =>
  fairnessMetric('equalized_odds_ratio', input, options).value;
