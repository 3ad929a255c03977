/**
 * Rules to verdict rows: each rule is evaluated on the whole evaluation set and, when it names slices, on every
 * value of each slice column, giving one row per (rule, slice) ready for a report table.
 *
 * - A row passes when its measure meets the threshold; comparisons allow a relative 1e-9 tolerance (as the gate
 *   does), so 0.1 + 1e-17 still meets `<= 0.1`.
 * - A measure that is not defined on the rows (AUC over one class, a bootstrap that could not draw defined
 *   resamples) fails the row, saying why.
 * - Rules about the champion pass as skipped when the set has no champion (a first model), and slices with
 *   fewer rows than `min_rows` are skipped, both visibly.
 * - Slice bootstraps use a seed derived from the rule's seed and the slice ("region=eu"), so each slice's interval
 *   is reproducible on its own; the whole set uses the rule's seed as given.
 */
import { inputError } from '../../core/errors';
import { pairedBootstrap } from './bootstrap';
import { delongInterval, delongTest } from './delong';
import { scoreDivergence } from './divergence';
import {
  correctness,
  groupRows,
  outputsOf,
  predictedPositive,
  predictionKeys,
  setPositiveKey,
  subsetSet,
  validateSet,
  type EvaluationSet,
} from './evaluation-set';
import { fairnessMetric, groupMax, groupMin, type GroupMetric } from './fairness';
import { indicator } from './labels';
import { prepareMetric } from './metrics';
import { agreementRate, mcnemar } from './paired';
import { deriveSeed } from './prng';
import type { CheckRule, CompareOp, FairnessRule, VersusChampionRule } from './rules';

export interface VerdictRow {
  /** The rule's position in the policy */
  rule: number;
  kind: CheckRule['kind'];
  /** What was checked: "roc_auc vs champion", "demographic_parity_difference by sex" */
  check: string;
  /** "region=eu"; absent for the whole set */
  slice?: string;
  /** Rows evaluated */
  rows: number;
  /** The value compared (a difference for rules against the champion, a p-value for McNemar); NaN if undefined */
  measured: number;
  /** The confidence interval of `measured`, when there is one */
  ci?: [number, number];
  op: CompareOp;
  threshold: number;
  passed: boolean;
  skipped: boolean;
  detail: string;
}

export interface Verdict {
  passed: boolean;
  rows: VerdictRow[];
  failed: VerdictRow[];
}

type Outcome = Omit<VerdictRow, 'rule' | 'kind' | 'check' | 'slice' | 'rows'>;

const REL_TOLERANCE = 1e-9;

export function meets(a: number, op: CompareOp, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  const eps = REL_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  switch (op) {
    case '>=':
      return a >= b - eps;
    case '<=':
      return a <= b + eps;
    case '>':
      return a > b + eps;
    case '<':
      return a < b - eps;
  }
}

export function formatValue(n: number, signed = false): string {
  if (Number.isNaN(n)) return 'undefined';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  const tiny = n !== 0 && Math.abs(n) < 1e-4;
  const s = tiny ? n.toExponential(3).replace(/\.?0+e/, 'e') : String(Number(n.toPrecision(4)));
  return signed && n >= 0 ? `+${s}` : s.replace(/^-/, '−');
}

const f = (n: number) => formatValue(n);

function checkName(rule: CheckRule): string {
  switch (rule.kind) {
    case 'threshold':
      return rule.model === 'champion' ? `${rule.metric} (champion)` : rule.metric;
    case 'versus_champion':
      return `${rule.metric} vs champion`;
    case 'mcnemar':
      return 'McNemar (accuracy vs champion)';
    case 'agreement':
      return 'prediction agreement';
    case 'score_divergence':
      return 'score distribution (Jensen-Shannon)';
    case 'fairness':
      return `${rule.metric} by ${rule.sensitive.join(' × ')}`;
  }
}

const skipped = (op: CompareOp, threshold: number, detail: string): Outcome => ({ measured: Number.NaN, op, threshold, passed: true, skipped: true, detail });

function undefinedOutcome(op: CompareOp, threshold: number, what: string): Outcome {
  return { measured: Number.NaN, op, threshold, passed: false, skipped: false, detail: `${what} is not defined on these rows` };
}

function whyUndefined(metric: string): string {
  return metric === 'roc_auc' ? `${metric} (the rows hold only one class)` : metric;
}

function versusChampion(rule: VersusChampionRule, set: EvaluationSet, slice: string | undefined): Outcome {
  const lowerSide = rule.op === '>=';
  const threshold = lowerSide ? -rule.margin : rule.margin;
  if (!set.champion) return skipped(rule.op, threshold, 'no champion to compare with');
  const challenger = prepareMetric(rule.metric, set, 'challenger');
  const champion = prepareMetric(rule.metric, set, 'champion');
  let estimate: number;
  let ci: [number, number] | undefined;
  let how: string;
  if (rule.interval === 'delong') {
    const truth = indicator(set.labels, setPositiveKey(set, 'roc_auc'));
    const d = delongTest(truth, outputsOf(set, 'challenger').scores!, outputsOf(set, 'champion').scores!);
    estimate = d.difference;
    ci = delongInterval(d, rule.ci);
    how = `DeLong, p=${f(d.pValue)}`;
  } else if (rule.interval === 'bootstrap') {
    const seed = slice === undefined ? rule.seed : deriveSeed(rule.seed, slice);
    const b = pairedBootstrap(challenger, champion, set.labels.length, { resamples: rule.resamples, confidence: rule.ci, seed });
    estimate = b.estimate;
    ci = b.ci;
    how = `paired bootstrap, B=${b.resamples}, seed ${b.seed}${b.redrawn ? `, ${b.redrawn} resamples redrawn` : ''}`;
  } else {
    estimate = challenger() - champion();
    how = 'point estimate';
  }
  if (Number.isNaN(estimate)) return undefinedOutcome(rule.op, threshold, whyUndefined(rule.metric));
  const values = `challenger ${f(challenger())} − champion ${f(champion())} = ${formatValue(estimate, true)}`;
  const interval = ci ? `; ${Math.round(rule.ci * 1000) / 10}% CI [${formatValue(ci[0], true)}, ${formatValue(ci[1], true)}]` : '';
  const bound = ci ? (lowerSide ? ci[0] : ci[1]) : estimate;
  const boundName = ci ? (lowerSide ? 'lower bound' : 'upper bound') : 'difference';
  if (Number.isNaN(bound)) {
    return { measured: estimate, op: rule.op, threshold, passed: false, skipped: false, detail: `${values}; the interval is not defined (${how})` };
  }
  const passed = meets(bound, rule.op, threshold);
  const verdict = passed
    ? `${boundName} ${formatValue(bound, true)} ${rule.op} ${formatValue(threshold, true)}`
    : `${boundName} ${formatValue(bound, true)} is not ${rule.op} ${formatValue(threshold, true)}: the challenger may be worse than the champion by more than the margin`;
  return { measured: estimate, ...(ci ? { ci } : {}), op: rule.op, threshold, passed, skipped: false, detail: `${values}${interval} (${how}); ${verdict}` };
}

function fairness(rule: FairnessRule, set: EvaluationSet): Outcome {
  const m = outputsOf(set, rule.model);
  for (const c of rule.sensitive) if (!set.columns?.[c]) throw inputError(`Fairness rule ${rule.metric}: there is no column '${c}'`);
  const pos = setPositiveKey(set, 'fairness');
  const result = fairnessMetric(
    rule.metric,
    {
      yTrue: Array.from(indicator(set.labels, pos)),
      yPred: Array.from(predictedPositive(set, m, pos)),
      sensitiveFeatures: Object.fromEntries(rule.sensitive.map((c) => [c, set.columns![c]!])),
      zeroDivision: rule.zero_division,
      ...(set.weights ? { weights: set.weights } : {}),
    },
    { method: rule.method, agg: rule.agg },
  );
  const frame = result.frame;
  const describe = (rate: GroupMetric): string => {
    const lo = groupMin(frame, rate);
    const hi = groupMax(frame, rate);
    const at = (v: number) => frame.byGroup.filter((g) => g.values[rate] === v).map((g) => g.label).join('; ');
    const overall = rule.method === 'to_overall' ? `, overall ${f(frame.overall[rate])}` : '';
    return `${rate} max ${f(hi)} (${at(hi)}), min ${f(lo)} (${at(lo)})${overall}`;
  };
  const notes: string[] = [];
  for (const g of frame.byGroup) {
    if (g.rows === 0) notes.push(`${g.label} has no rows`);
    for (const z of g.zeroDenominators) {
      const lacks = z === 'precision' ? 'no predicted positives' : z === 'true_positive_rate' || z === 'false_negative_rate' ? 'no positives' : 'no negatives';
      notes.push(`${g.label} has ${lacks}: its ${z} is taken as ${rule.zero_division === 'nan' ? 'undefined' : '0 (Fairlearn)'}`);
    }
  }
  const rates = Object.keys(result.parts) as GroupMetric[];
  const parts = rates.length > 1 ? `${rates.map((r) => `${r} part ${f(result.parts[r]!)}`).join(', ')} (${rule.agg}); ` : '';
  const groups = `${parts}${rates.map(describe).join('; ')}${notes.length ? `; ${notes.join('; ')}` : ''}`;
  if (Number.isNaN(result.value)) {
    return { measured: Number.NaN, op: rule.op, threshold: rule.threshold, passed: false, skipped: false, detail: `${rule.metric} is not defined (${groups})` };
  }
  const passed = meets(result.value, rule.op, rule.threshold);
  return {
    measured: result.value,
    op: rule.op,
    threshold: rule.threshold,
    passed,
    skipped: false,
    detail: `${f(result.value)} ${passed ? '' : 'is not '}${rule.op} ${f(rule.threshold)} (${rule.method}); ${groups}`,
  };
}

function evaluateOne(rule: CheckRule, set: EvaluationSet, slice: string | undefined): Outcome {
  const compared = (value: number, op: CompareOp, threshold: number, what: string, extra = ''): Outcome => {
    if (Number.isNaN(value)) return undefinedOutcome(op, threshold, what);
    const passed = meets(value, op, threshold);
    return { measured: value, op, threshold, passed, skipped: false, detail: `${f(value)} ${passed ? '' : 'is not '}${op} ${f(threshold)}${extra}` };
  };
  switch (rule.kind) {
    case 'threshold':
      if (rule.model === 'champion' && !set.champion) return skipped(rule.op, rule.threshold, 'no champion');
      return compared(prepareMetric(rule.metric, set, rule.model)(), rule.op, rule.threshold, whyUndefined(rule.metric));
    case 'versus_champion':
      return versusChampion(rule, set, slice);
    case 'mcnemar': {
      if (!set.champion) return skipped('>=', rule.alpha, 'no champion to compare with');
      if (set.task !== 'classification') throw inputError('McNemar’s test needs a classification evaluation set');
      const t = mcnemar(correctness(set, set.champion), correctness(set, set.challenger), { method: rule.method });
      const counts = `champion right & challenger wrong b=${t.b}, champion wrong & challenger right c=${t.c}; ${t.method}${t.correction ? ' (continuity corrected)' : ''} p=${f(t.pValue)}`;
      const significant = t.pValue < rule.alpha;
      const passed = !(significant && t.b > t.c);
      const why = !significant
        ? `no significant difference at alpha ${f(rule.alpha)}`
        : passed
          ? `significant at alpha ${f(rule.alpha)}, in the challenger's favour`
          : `the challenger is significantly less accurate at alpha ${f(rule.alpha)}`;
      return { measured: t.pValue, op: '>=', threshold: rule.alpha, passed, skipped: false, detail: `${counts}; ${why}` };
    }
    case 'agreement': {
      if (!set.champion) return skipped(rule.op, rule.threshold, 'no champion to compare with');
      const both = !!(set.champion.predictions && set.challenger.predictions);
      const rate = agreementRate(predictionKeys(set, set.champion, both), predictionKeys(set, set.challenger, both), set.weights);
      return compared(rate, rule.op, rule.threshold, 'prediction agreement', ' (share of rows where both models predict the same)');
    }
    case 'score_divergence': {
      if (!set.champion) return skipped(rule.op, rule.threshold, 'no champion to compare with');
      const a = set.champion.scores;
      const b = set.challenger.scores;
      if (!a || !b) throw inputError('The score-distribution check needs both models’ scores');
      const d = scoreDivergence(a, b, rule.bins === undefined ? {} : { bins: rule.bins });
      return compared(d.distance, rule.op, rule.threshold, 'the Jensen-Shannon distance', ` (base 2, ${d.countsA.length} bins)`);
    }
    case 'fairness':
      return fairness(rule, set);
  }
}

/** Evaluate every rule on the set (and its slices) into report rows. */
export function evaluateChecks(rules: readonly CheckRule[], set: EvaluationSet): Verdict {
  validateSet(set);
  const rows: VerdictRow[] = [];
  rules.forEach((rule, index) => {
    const check = checkName(rule);
    const base = { rule: index, kind: rule.kind, check };
    rows.push({ ...base, rows: set.labels.length, ...evaluateOne(rule, set, undefined) });
    if (rule.kind === 'fairness') return;
    for (const column of rule.slices) {
      const values = set.columns?.[column];
      if (!values) throw inputError(`Rule ${index + 1} (${check}): there is no column '${column}' to slice by`);
      for (const [value, indices] of groupRows(values)) {
        const slice = `${column}=${value}`;
        if (indices.length < rule.min_rows) {
          const op = rule.kind === 'mcnemar' ? '>=' : rule.op;
          const threshold = rule.kind === 'mcnemar' ? rule.alpha : rule.kind === 'versus_champion' ? (rule.op === '>=' ? -rule.margin : rule.margin) : rule.threshold;
          rows.push({ ...base, slice, rows: indices.length, ...skipped(op, threshold, `${indices.length} rows, fewer than min_rows ${rule.min_rows}`) });
          continue;
        }
        rows.push({ ...base, slice, rows: indices.length, ...evaluateOne(rule, subsetSet(set, indices), slice) });
      }
    }
  });
  const failed = rows.filter((r) => !r.passed);
  return { passed: failed.length === 0, rows, failed };
}
