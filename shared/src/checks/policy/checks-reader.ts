/**
 * The `checks:` list: each check's name (unique), type and severity, its own keys by type, and what it refers to
 * elsewhere in the policy (datasets under `data:`, the `scoring:` section when it scores rows through a deployment).
 */
import { isMap, type Node } from 'yaml';
import type { MapEntry } from '../../specs/yaml-source';
import { closestKey } from '../../specs/unknown-key';
import { DRIFT_KEYS, PREDICTION_DRIFT_KEYS, QUALITY_KEYS, readDrift, readQuality } from './data-checks';
import { POLICY_NAME } from './durations';
import { describeAt } from './errors';
import { MODEL_KEYS, readModelCheck } from './model-checks';
import type { PolicyReader } from './reader';
import { LOAD_KEYS, readLoad, readSmoke, SMOKE_KEYS } from './request-checks';
import { CHECK_TYPES, type CheckType, type Located, type PolicyCheck, type ScoringSpec, type Severity } from './types';

const COMMON_KEYS = ['name', 'type', 'severity'];

export const KEYS_BY_TYPE: Record<CheckType, readonly string[]> = {
  smoke: [...COMMON_KEYS, ...SMOKE_KEYS],
  load: [...COMMON_KEYS, ...LOAD_KEYS],
  data_quality: [...COMMON_KEYS, ...QUALITY_KEYS],
  data_drift: [...COMMON_KEYS, ...DRIFT_KEYS],
  prediction_drift: [...COMMON_KEYS, ...PREDICTION_DRIFT_KEYS],
  fairness: [...COMMON_KEYS, ...MODEL_KEYS],
  champion_challenger: [...COMMON_KEYS, ...MODEL_KEYS],
};

export interface ChecksContext {
  defaultSeverity: Severity;
  scoring?: ScoringSpec;
  /** Every dataset name written under data: (or given by the data input) */
  datasets: ReadonlySet<string>;
}

function readType(r: PolicyReader, e: MapEntry | undefined, node: Node): CheckType | undefined {
  if (!r.present(e)) return r.fail(e?.keyNode ?? node, `'type' is required: one of ${CHECK_TYPES.join(', ')}`);
  const v = r.src.toJS(e.value);
  if (typeof v === 'string' && (CHECK_TYPES as readonly string[]).includes(v)) return v as CheckType;
  const guess = typeof v === 'string' ? closestKey(v, CHECK_TYPES) : undefined;
  return r.fail(e.value, `unknown check type '${String(v)}'.${guess ? ` Did you mean '${guess}'?` : ''} Known types: ${CHECK_TYPES.join(', ')}`);
}

function readOne(r: PolicyReader, node: Node, index: number, ctx: ChecksContext, seen: Map<string, Located<string>>): PolicyCheck | undefined {
  if (!isMap(node)) return r.fail(node, `check ${index + 1} must be a mapping with 'name' and 'type'`);
  const all: Record<string, MapEntry> = {};
  for (const e of r.src.entries(node)) all[e.key] = e;
  const type = readType(r, all['type'], node);
  // Unknown keys are judged against the check's type; with no known type, against every type's keys.
  const allowed = type ? KEYS_BY_TYPE[type] : [...new Set(Object.values(KEYS_BY_TYPE).flat())];
  const m = r.map(node, type ? `${type} check` : `check ${index + 1}`, allowed) ?? {};

  let name: Located<string> | undefined;
  if (r.required(m, 'name', node, `for check ${index + 1}`)) {
    const value = r.str(m['name'], 'name');
    if (value !== undefined && !POLICY_NAME.test(value)) r.fail(m['name']!.value, `the check name '${value}' must be 1-64 letters, digits, '_', '.' or '-'`);
    else if (value !== undefined) {
      name = { value, at: r.entryAt(m['name']!) };
      const first = seen.get(value);
      if (first) r.fail(name.at, `duplicate check name '${value}' (also at ${describeAt(first.at)})`, 'Each check needs its own name: it names the check in the results.');
      else seen.set(value, name);
    }
  }
  const severity = r.choice(m['severity'], 'severity', ['gate', 'warn'] as const) ?? ctx.defaultSeverity;
  if (!type || !name) return undefined;
  const base = { name: name.value, severity, at: r.at(node) };

  let check: PolicyCheck | undefined;
  switch (type) {
    case 'smoke':
      check = readSmoke(r, m, base, node);
      break;
    case 'load':
      check = readLoad(r, m, base, node);
      break;
    case 'data_quality':
      check = readQuality(r, m, base, node);
      break;
    case 'data_drift':
    case 'prediction_drift':
      check = readDrift(r, m, base, node, type);
      break;
    case 'fairness':
    case 'champion_challenger':
      check = readModelCheck(r, m, base, node, type, ctx.scoring);
      break;
  }
  if (check) checkReferences(r, check, ctx);
  return check;
}

/** Datasets named but not defined, and scoring through a deployment without a `scoring:` section. */
function checkReferences(r: PolicyReader, check: PolicyCheck, ctx: ChecksContext): void {
  const refs: Located<string>[] =
    check.type === 'data_quality' || check.type === 'data_drift' || check.type === 'prediction_drift' ? [check.baseline, check.target] : check.type === 'fairness' || check.type === 'champion_challenger' ? [check.data] : [];
  for (const ref of refs) {
    if (ctx.datasets.has(ref.value)) continue;
    const known = [...ctx.datasets];
    const guess = closestKey(ref.value, known);
    r.fail(ref.at, `dataset '${ref.value}' is not defined under 'data:'${guess ? `. Did you mean '${guess}'?` : known.length ? ` (datasets: ${known.join(', ')})` : ''}`, 'Name the dataset under data: (name: path or URI), or give it with the data input.');
  }
  if (ctx.scoring) return;
  let why: string | undefined;
  if (check.type === 'prediction_drift' && check.targetFromDeployment) why = "'target_from_deployment: true' scores the target dataset through the deployment";
  if (check.type === 'fairness' || check.type === 'champion_challenger') {
    const via = [check.challenger.kind === 'deployment' ? 'challenger' : undefined, check.champion.kind === 'deployment' || check.champion.kind === 'live' ? 'champion' : undefined].filter(Boolean);
    if (via.length > 0) why = `the ${via.join(' and the ')} ${via.length > 1 ? 'are' : 'is'} scored through a deployment`;
  }
  if (why) {
    r.fail(check.at, `check '${check.name}' needs the 'scoring:' section: ${why}`, "Add scoring: with the features sent (in order) and how answers are read, or take the outputs from columns ({prediction: col} / {score: col}).");
  }
}

/** The checks, in order; checks with problems are left out (the problems are recorded). */
export function readChecks(r: PolicyReader, e: MapEntry | undefined, ctx: ChecksContext): PolicyCheck[] {
  if (!r.present(e)) {
    r.fail(e?.keyNode ?? r.src.root, "'checks' is required: the list of checks to run");
    return [];
  }
  const items = r.list(e, 'checks');
  if (!items) return [];
  if (items.length === 0) r.fail(e.value, "'checks' is empty: list at least one check");
  const seen = new Map<string, Located<string>>();
  return items.map((n, i) => readOne(r, n, i, ctx, seen)).filter((c) => c !== undefined);
}
