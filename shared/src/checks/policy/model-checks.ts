/**
 * The `fairness` and `champion_challenger` checks: a labelled dataset, where each model's outputs come from (a
 * column, or a deployment scoring the rows), and the rules of the stats library (`parseCheckRules`), each kept
 * with its position and checked against the check (task, champion, scores).
 */
import { isMap, isScalar, type Node } from 'yaml';
import { StepError } from '../../core/errors';
import { METRIC_INFO, parseCheckRules, type CheckRule, type ModelRole, type Task } from '../stats';
import type { MapEntry } from '../../specs/yaml-source';
import { describeAt } from './errors';
import { describeScalar, type Entries, type PolicyReader } from './reader';
import { readDeploymentName } from './sections';
import type { Located, ModelCheck, OutputsSource, PolicyLocation, ScoringSpec } from './types';

export const MODEL_KEYS = ['data', 'task', 'label', 'pos_label', 'decision_threshold', 'challenger', 'champion', 'rules'];
const OUTPUT_KEYS = ['deployment', 'prediction', 'score'];
/** Rule keys that take numbers: read here, so that a bad one is reported at its own position. */
const NUMBER_KEYS = ['threshold', 'margin', 'alpha', 'ci', 'min_rows', 'resamples', 'seed', 'bins'];

type Base = Pick<ModelCheck, 'name' | 'severity' | 'at'>;
type Champion = ModelCheck['champion'];

function readOutputs(r: PolicyReader, e: MapEntry, role: ModelRole, task: Task): OutputsSource | { kind: 'live'; at: PolicyLocation } | undefined {
  const node = e.value as Node;
  const at = r.at(node);
  if (isScalar(node)) {
    const allowed = role === 'challenger' ? (['deployment'] as const) : (['live', 'none'] as const);
    const v = r.choiceOf(node, role, allowed);
    if (v === undefined) return undefined;
    return v === 'deployment' ? { kind: 'deployment', at } : v === 'live' ? { kind: 'live', at } : { kind: 'none' };
  }
  const m = r.map(node, role, OUTPUT_KEYS);
  if (!m) return undefined;
  if (r.present(m['deployment'])) {
    if (r.present(m['prediction']) || r.present(m['score'])) return r.fail(node, `'${role}' takes a 'deployment' or columns ('prediction', 'score'), not both`);
    const d = readDeploymentName(r, m['deployment'], 'deployment', 'deployment');
    return d ? { kind: 'deployment', deployment: d.value, at } : undefined;
  }
  const prediction = r.column(m['prediction'], 'prediction');
  const score = r.column(m['score'], 'score');
  if (!r.present(m['prediction']) && !r.present(m['score'])) return r.fail(node, `'${role}' needs a 'deployment', a 'prediction' column or a 'score' column`);
  if (score && task === 'regression') return r.fail(m['score']!.value, "'score' is for classification (the positive class's score); a regression model's outputs are its 'prediction'");
  if ((r.present(m['prediction']) && !prediction) || (r.present(m['score']) && !score)) return undefined;
  return { kind: 'column', ...(prediction ? { prediction } : {}), ...(score ? { score } : {}) };
}

/** The rule parsed by the stats library, its numbers first read at their own positions. */
function readRule(r: PolicyReader, node: Node): { rule: CheckRule; at: PolicyLocation } | undefined {
  if (!isMap(node)) return r.fail(node, `a rule must be a mapping (e.g. {metric: roc_auc, margin: 0.01}), not ${isScalar(node) ? describeScalar(node.value) : 'a list'}`);
  const at = r.at(node);
  const raw = r.src.toJS(node) as Record<string, unknown>;
  let bad = false;
  for (const e of r.src.entries(node)) {
    if (!NUMBER_KEYS.includes(e.key) || r.isNull(e.value)) continue;
    const n = r.numberOf(e.value, e.key, e.key === 'threshold' || e.key === 'margin' ? { kind: 'threshold' } : {});
    if (n === undefined) bad = true;
    else raw[e.key] = n;
  }
  if (bad) return undefined;
  const where = describeAt(at);
  try {
    return { rule: parseCheckRules([raw], where)[0]!, at };
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    const prefix = `${where}[0]: `;
    return r.fail(at, err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message, err.hint);
  }
}

/** The models a rule reads. */
function rolesOf(rule: CheckRule): ModelRole[] {
  return rule.kind === 'threshold' || rule.kind === 'fairness' ? [rule.model] : ['challenger', 'champion'];
}

function needsScores(rule: CheckRule): boolean {
  if (rule.kind === 'score_divergence') return true;
  return (rule.kind === 'threshold' || rule.kind === 'versus_champion') && METRIC_INFO[rule.metric].needs === 'scores';
}

function ruleName(rule: CheckRule): string {
  return 'metric' in rule ? rule.metric : rule.kind;
}

/** Problems of a rule in this check: its kind, its task, the champion it compares with, the scores it needs. */
function checkRule(r: PolicyReader, c: { type: ModelCheck['type']; task: Task; challenger: OutputsSource; champion: Champion; scoring?: ScoringSpec }, rule: CheckRule, at: PolicyLocation): void {
  const name = ruleName(rule);
  if (c.type === 'fairness' && rule.kind !== 'fairness') {
    r.fail(at, `'${name}' is not a fairness metric: a fairness check takes fairness rules only (demographic_parity_difference, equalized_odds_difference, …); compare models in a champion_challenger check`);
    return;
  }
  const ruleTask = rule.kind === 'threshold' || rule.kind === 'versus_champion' ? METRIC_INFO[rule.metric].task : rule.kind === 'agreement' ? c.task : 'classification';
  if (ruleTask !== c.task) {
    r.fail(at, `'${name}' is a ${ruleTask} metric, but the check's task is ${c.task}`, c.task === 'classification' ? "Set 'task: regression' for a regression model." : undefined);
    return;
  }
  for (const role of rolesOf(rule)) {
    const source = role === 'challenger' ? c.challenger : c.champion;
    if (source.kind === 'none') {
      r.fail(at, `'${name}' reads the champion's outputs, but the check has no champion`, "Set 'champion' (live, {deployment: …} or a column), or use a rule on the challenger alone.");
      return;
    }
    if (!needsScores(rule)) continue;
    if (source.kind === 'column' && !source.score) r.fail(at, `'${name}' needs the ${role}'s scores: give its 'score' column`);
    else if (source.kind !== 'column' && c.scoring?.outputKind === 'label') r.fail(at, `'${name}' needs the ${role}'s scores, but 'scoring.output_kind' is label`);
  }
}

/** Every column the rules name (sensitive features, slices), each once, at the first rule naming it. */
function ruleColumns(rules: CheckRule[], ruleAt: PolicyLocation[]): Located<string>[] {
  const out: Located<string>[] = [];
  rules.forEach((rule, i) => {
    for (const value of rule.kind === 'fairness' ? rule.sensitive : rule.slices) {
      if (!out.some((c) => c.value === value)) out.push({ value, at: ruleAt[i]! });
    }
  });
  return out;
}

export function readModelCheck(r: PolicyReader, m: Entries, base: Base, node: Node, type: ModelCheck['type'], scoring: ScoringSpec | undefined): ModelCheck | undefined {
  const data = r.required(m, 'data', node, '(the dataset named under data: that the models are evaluated on)') ? r.column(m['data'], 'data') : undefined;
  const task = r.choice(m['task'], 'task', ['classification', 'regression'] as const) ?? 'classification';
  const label = r.required(m, 'label', node, '(the column of true labels)') ? r.column(m['label'], 'label') : undefined;

  let posLabel: ModelCheck['posLabel'];
  const pos = m['pos_label'];
  if (r.present(pos)) {
    const v = isScalar(pos.value) ? pos.value.value : undefined;
    if (task === 'regression') r.fail(pos.keyNode, "'pos_label' is for classification");
    else if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) posLabel = v;
    else r.fail(pos.value, "'pos_label' must be a label value (text, a number or a boolean)");
  }
  const decisionThreshold = r.num(m['decision_threshold'], 'decision_threshold', { kind: 'threshold', min: 0, max: 1, exclusive: true });
  if (r.present(m['decision_threshold']) && task === 'regression') r.fail(m['decision_threshold']!.keyNode, "'decision_threshold' is for classification");

  const deploymentDefault: OutputsSource = { kind: 'deployment', at: base.at };
  const challengerRead = r.present(m['challenger']) ? readOutputs(r, m['challenger'], 'challenger', task) : deploymentDefault;
  const championRead: Champion | undefined = r.present(m['champion'])
    ? readOutputs(r, m['champion'], 'champion', task)
    : type === 'champion_challenger'
      ? { kind: 'live', at: base.at }
      : { kind: 'none' };

  const rules: CheckRule[] = [];
  const ruleAt: PolicyLocation[] = [];
  const ruleNodes = r.required(m, 'rules', node, '(what the check asserts)') ? r.list(m['rules'], 'rules') : undefined;
  if (ruleNodes?.length === 0) r.fail(m['rules']!.value, "'rules' is empty");
  for (const n of ruleNodes ?? []) {
    const read = readRule(r, n);
    if (!read) continue;
    if (challengerRead && championRead && challengerRead.kind !== 'live') {
      checkRule(r, { type, task, challenger: challengerRead, champion: championRead, ...(scoring ? { scoring } : {}) }, read.rule, read.at);
    }
    rules.push(read.rule);
    ruleAt.push(read.at);
  }
  if (!data || !label || !challengerRead || !championRead || challengerRead.kind === 'live') return undefined;
  return {
    ...base,
    type,
    data,
    task,
    label,
    ...(posLabel !== undefined ? { posLabel } : {}),
    ...(decisionThreshold !== undefined ? { decisionThreshold } : {}),
    challenger: challengerRead,
    champion: championRead,
    columns: ruleColumns(rules, ruleAt),
    rules,
    ruleAt,
  };
}
