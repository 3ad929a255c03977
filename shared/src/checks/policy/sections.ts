/** The policy's top sections other than `checks`: `target`, `scoring`, `data` and `defaults`. */
import { isAbsolute, resolve } from 'node:path';
import { isMap, type Node } from 'yaml';
import { resolveInsideFolder } from '../../core/files';
import { endpointNameProblem } from '../../specs/common/names';
import type { MapEntry } from '../../specs/yaml-source';
import { formatOf, type FileFormat } from '../data/source';
import { jsonPointerProblem, POLICY_NAME } from './durations';
import type { PolicyReader } from './reader';
import type { Located, Policy, PolicyDataset, ScoringSpec, Severity } from './types';

export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'jsonl', 'parquet'];

/** An endpoint or deployment name, checked against the Azure ML rules. */
export function readDeploymentName(r: PolicyReader, e: MapEntry | undefined, key: string, what: 'endpoint' | 'deployment'): Located<string> | undefined {
  const value = r.str(e, key);
  if (value === undefined || !e) return undefined;
  const problem = endpointNameProblem(value, what);
  if (problem) return r.fail(e.value, problem);
  return { value, at: r.entryAt(e) };
}

export function readTarget(r: PolicyReader, e: MapEntry | undefined): Policy['target'] {
  const m = r.map(e?.value, 'target', ['endpoint', 'deployment', 'champion'], e?.keyNode);
  if (!m) return {};
  const target: Policy['target'] = {};
  const endpoint = readDeploymentName(r, m['endpoint'], 'endpoint', 'endpoint');
  const deployment = readDeploymentName(r, m['deployment'], 'deployment', 'deployment');
  const champion = readDeploymentName(r, m['champion'], 'champion', 'deployment');
  if (endpoint) target.endpoint = endpoint;
  if (deployment) target.deployment = deployment;
  if (champion) target.champion = champion;
  if (deployment && champion && deployment.value === champion.value) {
    r.fail(champion.at, `the champion '${champion.value}' is also the deployment under test ('target.deployment')`, 'The champion is the deployment the one under test is compared with: name another one, or leave it out to use the one holding most live traffic.');
  }
  return target;
}

const SCORING_KEYS = ['features', 'batch_size', 'input_key', 'row_format', 'output', 'output_kind'];

export function readScoring(r: PolicyReader, e: MapEntry | undefined): ScoringSpec | undefined {
  const m = r.map(e?.value, 'scoring', SCORING_KEYS, e?.keyNode);
  if (!m || !e) return undefined;
  const at = r.at(e.value, e.keyNode);
  const features = r.required(m, 'features', e.keyNode, 'under scoring: the columns sent, in order') ? r.columns(m['features'], 'features') : undefined;
  if (features && features.length === 0) r.fail(m['features']!.value, "'features' is empty: list the columns sent to the model, in order");
  const output = r.str(m['output'], 'output', { allowEmpty: true }) ?? '';
  const pointerProblem = jsonPointerProblem(output);
  if (pointerProblem) r.fail(m['output']!.value, `'output': ${pointerProblem}`);
  return {
    features: features ?? [],
    batchSize: r.int(m['batch_size'], 'batch_size', { min: 1, max: 10_000 }) ?? 100,
    inputKey: r.str(m['input_key'], 'input_key') ?? 'data',
    rowFormat: r.choice(m['row_format'], 'row_format', ['rows', 'records'] as const) ?? 'rows',
    outputPointer: output,
    outputKind: r.choice(m['output_kind'], 'output_kind', ['score', 'label'] as const) ?? 'score',
    at,
  };
}

export function readDefaults(r: PolicyReader, e: MapEntry | undefined): Severity {
  const m = r.map(e?.value, 'defaults', ['severity'], e?.keyNode);
  return (m && r.choice(m['severity'], 'severity', ['gate', 'warn'] as const)) ?? 'gate';
}

const REMOTE_FORMS = 'azureml:<name>:<version>, azureml:<name>@latest, azureml://… or https://…';
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** Why a remote reference cannot be read, or undefined when it is one of the accepted forms. */
function remoteProblem(value: string): string | undefined {
  if (/^azureml:\/\//i.test(value) || /^https:\/\/[^/\s]+/i.test(value)) return /\s/.test(value) ? `'${value}' contains whitespace` : undefined;
  const m = /^azureml:([^:@/]+)(?::([^:@/]+)|@([^:@/]+))$/i.exec(value);
  if (!m) return `'${value}' is not a data reference: use ${REMOTE_FORMS}`;
  if (!ASSET_NAME.test(m[1]!)) return `'${m[1]}' is not a data asset name (letters, digits, '_', '.', '-')`;
  if (m[3] !== undefined && m[3] !== 'latest') return `'@${m[3]}': the only label is @latest`;
  if (m[2] !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(m[2])) return `'${m[2]}' is not a data asset version`;
  return undefined;
}

/** One dataset entry: `name: path-or-uri` or `name: {path, format}`. */
function readDataset(r: PolicyReader, entry: MapEntry, cwd: string): PolicyDataset | undefined {
  const name = entry.key;
  if (!POLICY_NAME.test(name)) return r.fail(entry.keyNode, `'${name}' is not a dataset name (1-64 letters, digits, '_', '.' or '-')`);
  let pathEntry: MapEntry | undefined = entry;
  let format: FileFormat | undefined;
  if (isMap(entry.value)) {
    const m = r.map(entry.value, `data.${name}`, ['path', 'format']);
    if (!m) return undefined;
    pathEntry = r.required(m, 'path', entry.value, `for dataset '${name}'`);
    format = r.choice(m['format'], 'format', FILE_FORMATS);
    if (!pathEntry) return undefined;
  }
  const raw = r.str(pathEntry, name);
  if (raw === undefined) return r.present(pathEntry) ? undefined : r.fail(entry.keyNode, `dataset '${name}' has no path`);
  const at = r.entryAt(pathEntry);
  const node = pathEntry.value as Node;
  const fromInput = r.dataInputNodes.has(node);
  if (/^(azureml|https?|[a-z][a-z0-9+.-]+):\/\//i.test(raw) || /^azureml:/i.test(raw)) {
    if (/^http:\/\//i.test(raw)) return r.fail(node, `dataset '${name}': '${raw}' is plain http; use https`);
    if (!/^(azureml|https):/i.test(raw)) return r.fail(node, `dataset '${name}': unsupported URI scheme in '${raw}' (use ${REMOTE_FORMS}, or a local path)`);
    const problem = remoteProblem(raw);
    if (problem) return r.fail(node, `dataset '${name}': ${problem}`);
    return { name, path: raw, kind: 'remote', ...(format ? { format } : {}), at };
  }
  let path: string;
  if (fromInput) path = isAbsolute(raw) ? raw : resolve(cwd, raw);
  else {
    const inside = resolveInsideFolder(r.folder, raw);
    if ('problem' in inside) return r.fail(node, `dataset '${name}': the path ${inside.problem}`, "Local data files must be inside the policy's folder; give files elsewhere with the data input.");
    path = inside.path;
  }
  if (!format) {
    let guessed: FileFormat | undefined;
    try {
      guessed = formatOf(path);
    } catch {
      guessed = undefined;
    }
    if (!guessed) return r.fail(node, `dataset '${name}': cannot tell the format of '${raw}' from its extension`, 'Use .csv, .jsonl or .parquet, or write {path: …, format: csv|jsonl|parquet}.');
    format = guessed;
  }
  return { name, path, kind: 'local', format, at };
}

/**
 * The `data:` section: dataset name → dataset, and every name written (entries with problems are left out of the
 * map, the problems recorded, but their names still count as defined for the checks' references).
 */
export function readData(r: PolicyReader, e: MapEntry | undefined, cwd: string): { datasets: Map<string, PolicyDataset>; names: Set<string> } {
  const out = new Map<string, PolicyDataset>();
  const names = new Set<string>();
  for (const entry of r.namedEntries(e, 'data') ?? []) {
    names.add(entry.key);
    if (r.isNull(entry.value)) {
      r.fail(entry.keyNode, `dataset '${entry.key}' has no path`);
      continue;
    }
    const d = readDataset(r, entry, cwd);
    if (d) out.set(d.name, d);
  }
  return { datasets: out, names };
}
