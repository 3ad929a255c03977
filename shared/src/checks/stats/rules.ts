/**
 * Check rules: plain, serialisable objects, so a YAML or JSON policy maps straight onto them. Keys are snake_case
 * as they are written in a policy file. `parseCheckRules` reads what a policy holds (unknown input, checked key by
 * key) into normalized rules with every default filled in:
 *
 *   - metric: accuracy            # a model metric with a threshold: the challenger's value against it
 *     threshold: 0.8
 *   - metric: auc                 # a model metric without a threshold: challenger − champion, non-inferiority
 *     margin: 0.01                #   passes when the CI's lower bound ≥ −margin ('<=' metrics: upper ≤ +margin)
 *     ci: 0.95
 *     slices: [region]            #   and the same on every value of each slice column
 *   - test: mcnemar               # fails when the challenger is significantly less accurate (p < alpha)
 *     alpha: 0.05
 *   - metric: prediction_agreement  # share of rows where both models predict the same
 *     threshold: 0.9
 *   - metric: score_jsd           # Jensen-Shannon distance between the two models' score distributions
 *     threshold: 0.1
 *   - metric: demographic_parity_difference   # Fairlearn metrics over sensitive features (intersections)
 *     sensitive: [sex]
 *     threshold: 0.1
 */
import { inputError } from '../../core/errors';
import { canonicalMetric, METRIC_INFO, MODEL_METRICS, type ModelMetric } from './metrics';
import { FAIRNESS_METRICS, fairnessHigherIsFairer, isFairnessMetric, type DisparityMethod, type FairnessMetric, type OddsAggregation } from './fairness';
import type { McNemarMethod } from './paired';
import type { ModelRole } from './evaluation-set';
import { DEFAULT_RESAMPLES } from './bootstrap';

export const COMPARE_OPERATORS = ['>=', '<=', '>', '<'] as const;
export type CompareOp = (typeof COMPARE_OPERATORS)[number];

interface Sliced {
  /** Also evaluate the rule on each value of each of these columns */
  slices: string[];
  /** A slice with fewer rows is reported as skipped; default 1 (every slice counts) */
  min_rows: number;
}

/** A model's metric against a constant. */
export interface ThresholdRule extends Sliced {
  kind: 'threshold';
  metric: ModelMetric;
  op: CompareOp;
  threshold: number;
  model: ModelRole;
}

/** challenger − champion on the same rows, judged at the bound of its confidence interval. */
export interface VersusChampionRule extends Sliced {
  kind: 'versus_champion';
  metric: ModelMetric;
  /** '>=': challenger ≥ champion − margin (lower bound); '<=': challenger ≤ champion + margin (upper bound) */
  op: '>=' | '<=';
  /** How much worse the challenger may be; a negative margin demands an improvement */
  margin: number;
  /** The interval: a paired bootstrap (default), DeLong's normal interval (roc_auc only), or the point estimate */
  interval: 'bootstrap' | 'delong' | 'point';
  ci: number;
  resamples: number;
  seed: number;
}

/** McNemar's test on the two models' correctness: fails when the challenger is significantly worse. */
export interface McNemarRule extends Sliced {
  kind: 'mcnemar';
  alpha: number;
  method: McNemarMethod;
}

export interface AgreementRule extends Sliced {
  kind: 'agreement';
  metric: 'prediction_agreement';
  op: CompareOp;
  threshold: number;
}

export interface ScoreDivergenceRule extends Sliced {
  kind: 'score_divergence';
  metric: 'score_jsd';
  op: CompareOp;
  threshold: number;
  /** Default: Azure ML's Sturges rule on the row count */
  bins?: number;
}

export interface FairnessRule {
  kind: 'fairness';
  metric: FairnessMetric;
  sensitive: string[];
  op: CompareOp;
  threshold: number;
  method: DisparityMethod;
  agg: OddsAggregation;
  model: ModelRole;
  zero_division: 'fairlearn' | 'nan';
}

export type CheckRule = ThresholdRule | VersusChampionRule | McNemarRule | AgreementRule | ScoreDivergenceRule | FairnessRule;

export const PAIR_METRICS = { prediction_agreement: 'agreement', score_jsd: 'score_divergence' } as const;

type Raw = Record<string, unknown>;

class Reader {
  readonly used = new Set<string>();
  constructor(
    readonly raw: Raw,
    readonly where: string,
  ) {}
  fail(why: string): never {
    throw inputError(`${this.where}: ${why}`, { hint: 'See the staging-checks rule reference for the keys each kind of rule takes.' });
  }
  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }
  number(key: string, check?: (n: number) => string | undefined): number | undefined {
    this.used.add(key);
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`'${key}' must be a number, got ${JSON.stringify(v)}`);
    const why = check?.(v);
    if (why) this.fail(`'${key}' ${why}, got ${v}`);
    return v;
  }
  requiredNumber(key: string, check?: (n: number) => string | undefined): number {
    const v = this.number(key, check);
    if (v === undefined) this.fail(`'${key}' is required`);
    return v;
  }
  choice<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    this.used.add(key);
    if (!this.has(key)) return undefined;
    const v = this.raw[key];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(`'${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  }
  names(key: string): string[] {
    this.used.add(key);
    if (!this.has(key)) return [];
    const v = this.raw[key];
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '')) this.fail(`'${key}' must be a column name or a list of them`);
    return [...new Set(list as string[])];
  }
  finish(): void {
    const unknown = Object.keys(this.raw).filter((k) => !this.used.has(k));
    if (unknown.length > 0) this.fail(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}`);
  }
}

const probability = (n: number) => (n > 0 && n < 1 ? undefined : 'must be between 0 and 1');
const wholeAtLeast = (min: number) => (n: number) => (Number.isInteger(n) && n >= min ? undefined : `must be a whole number ≥ ${min}`);

function sliced(r: Reader): Sliced {
  return { slices: r.names('slices'), min_rows: r.number('min_rows', wholeAtLeast(0)) ?? 1 };
}

function parseOne(raw: unknown, where: string): CheckRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw inputError(`${where}: a rule must be a mapping of keys to values`);
  const r: Reader = new Reader(raw as Raw, where);
  r.used.add('kind').add('metric').add('test').add('versus');
  const test = r.choice('test', ['mcnemar'] as const);
  const rawMetric = r.raw['metric'];
  if (rawMetric !== undefined && typeof rawMetric !== 'string') r.fail(`'metric' must be a name`);
  const metricText = rawMetric as string | undefined;
  const versus = r.choice('versus', ['champion'] as const);
  let rule: CheckRule;

  if (test === 'mcnemar' || metricText === 'mcnemar' || (r.raw['kind'] === 'mcnemar' && metricText === undefined)) {
    rule = { kind: 'mcnemar', alpha: r.number('alpha', probability) ?? 0.05, method: r.choice('method', ['auto', 'exact', 'chi2'] as const) ?? 'auto', ...sliced(r) };
  } else if (metricText === undefined) {
    r.fail(`a rule needs a 'metric' (or 'test: mcnemar')`);
  } else if (metricText in PAIR_METRICS) {
    const kind = PAIR_METRICS[metricText as keyof typeof PAIR_METRICS];
    const op = r.choice('op', COMPARE_OPERATORS) ?? (kind === 'agreement' ? '>=' : '<=');
    const threshold = r.requiredNumber('threshold');
    if (kind === 'agreement') rule = { kind, metric: 'prediction_agreement', op, threshold, ...sliced(r) };
    else {
      const bins = r.number('bins', wholeAtLeast(1));
      rule = { kind, metric: 'score_jsd', op, threshold, ...(bins !== undefined ? { bins } : {}), ...sliced(r) };
    }
  } else if (isFairnessMetric(metricText)) {
    const sensitive = r.names('sensitive');
    if (sensitive.length === 0) r.fail(`'${metricText}' needs 'sensitive': the column(s) of the sensitive feature`);
    if (r.has('slices')) r.fail(`fairness rules take no 'slices'; list every column in 'sensitive' for intersectional groups`);
    rule = {
      kind: 'fairness',
      metric: metricText,
      sensitive,
      op: r.choice('op', COMPARE_OPERATORS) ?? (fairnessHigherIsFairer(metricText) ? '>=' : '<='),
      threshold: r.requiredNumber('threshold'),
      method: r.choice('method', ['between_groups', 'to_overall'] as const) ?? 'between_groups',
      agg: r.choice('agg', ['worst_case', 'mean'] as const) ?? 'worst_case',
      model: r.choice('model', ['challenger', 'champion'] as const) ?? 'challenger',
      zero_division: r.choice('zero_division', ['fairlearn', 'nan'] as const) ?? 'fairlearn',
    };
  } else {
    const metric = canonicalMetric(metricText);
    if (!metric) {
      const known = [...MODEL_METRICS, ...Object.keys(PAIR_METRICS), ...FAIRNESS_METRICS].join(', ');
      r.fail(`unknown metric '${metricText}' (known: ${known})`);
    }
    if (r.has('threshold') && versus === undefined) {
      if (r.has('margin') || r.has('ci')) r.fail(`give either 'threshold' (an absolute check) or 'margin'/'ci' (against the champion), not both`);
      rule = {
        kind: 'threshold',
        metric,
        op: r.choice('op', COMPARE_OPERATORS) ?? (METRIC_INFO[metric].higherIsBetter ? '>=' : '<='),
        threshold: r.requiredNumber('threshold'),
        model: r.choice('model', ['challenger', 'champion'] as const) ?? 'challenger',
        ...sliced(r),
      };
    } else {
      if (r.has('threshold')) r.fail(`'threshold' does not apply against the champion; use 'margin'`);
      const interval = r.choice('interval', ['bootstrap', 'delong', 'point'] as const) ?? 'bootstrap';
      if (interval === 'delong' && metric !== 'roc_auc') r.fail(`interval 'delong' is for roc_auc only`);
      rule = {
        kind: 'versus_champion',
        metric,
        op: r.choice('op', ['>=', '<='] as const) ?? (METRIC_INFO[metric].higherIsBetter ? '>=' : '<='),
        margin: r.number('margin') ?? 0,
        interval,
        ci: r.number('ci', probability) ?? 0.95,
        resamples: r.number('resamples', wholeAtLeast(1)) ?? DEFAULT_RESAMPLES,
        seed: r.number('seed', (n) => (Number.isSafeInteger(n) && n >= 0 ? undefined : 'must be a whole number ≥ 0')) ?? 0,
        ...sliced(r),
      };
    }
  }
  const kind = r.raw['kind'];
  if (kind !== undefined && kind !== rule.kind) r.fail(`'kind: ${String(kind)}' does not match the rule, which is a ${rule.kind} rule`);
  r.finish();
  return rule;
}

/** Read the rules of a policy (a list of mappings); errors name the rule by its position. */
export function parseCheckRules(raw: unknown, where = 'rules'): CheckRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw inputError(`${where}: expected a list of rules`);
  return raw.map((item, i) => parseOne(item, `${where}[${i}]`));
}
