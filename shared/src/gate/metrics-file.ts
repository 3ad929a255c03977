/**
 * A candidate's metrics from a JSON or YAML file (JSON is read as YAML, so positions are kept for errors):
 * - a flat mapping `{accuracy: 0.91, rmse: 2.3}`; nested mappings flatten with dots (`{val: {auc: 0.9}}` → `val.auc`);
 * - MLflow-style `{metrics: {accuracy: 0.91}}`, where keys beside `metrics` (params, tags, run_id…) are ignored;
 * - an MLflow run as `mlflow` / the REST API print it: `{run: {data: {metrics: [{key, value, step, timestamp}]}}}`
 *   or `{data: {metrics: …}}`, keeping per key the value of the highest step, then the latest timestamp.
 * Values must be numbers (a quoted number is accepted); anything else is an error at file:line.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { loadYamlFile, type YamlSource } from '../specs/yaml-source';

export type Metrics = Record<string, number>;

function numberOf(yaml: YamlSource, node: Node | undefined, key: string): number {
  const v = yaml.toJS(node);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  const what = v === null || v === undefined ? 'empty' : typeof v === 'number' ? `${v}` : JSON.stringify(v);
  throw yaml.error(`metric '${key}' must be a finite number, got ${what}`, node ?? yaml.locationOf(key, 'key'));
}

function flatten(yaml: YamlSource, map: YAMLMap, prefix: string, out: Metrics): void {
  for (const e of yaml.entries(map)) {
    const key = prefix ? `${prefix}.${e.key}` : e.key;
    if (isMap(e.value)) flatten(yaml, e.value, key, out);
    else if (isSeq(e.value)) throw yaml.error(`metric '${key}' must be a number, not a list`, e.value);
    else out[key] = numberOf(yaml, e.value ?? e.keyNode, key);
  }
}

/** MLflow REST shape: [{key, value, step?, timestamp?}, …]; the last step (then timestamp) wins per key. */
function fromList(yaml: YamlSource, list: Node, out: Metrics): void {
  if (!isSeq(list)) return;
  const best = new Map<string, { step: number; timestamp: number }>();
  for (const item of list.items as Node[]) {
    const entry = yaml.deref(item);
    if (!isMap(entry)) throw yaml.error("each entry of 'metrics' must be a mapping with 'key' and 'value'", entry);
    const fields = new Map(yaml.entries(entry).map((e) => [e.key, e]));
    const keyNode = fields.get('key')?.value;
    const key = isScalar(keyNode) && keyNode.value !== null ? String(keyNode.value) : undefined;
    if (!key) throw yaml.error("a metrics entry has no 'key'", entry);
    const value = numberOf(yaml, fields.get('value')?.value ?? entry, key);
    const num = (name: string) => {
      const v = yaml.toJS(fields.get(name)?.value);
      return typeof v === 'number' ? v : Number(v ?? 0) || 0;
    };
    const step = num('step');
    const timestamp = num('timestamp');
    const prev = best.get(key);
    if (!prev || step > prev.step || (step === prev.step && timestamp >= prev.timestamp)) {
      best.set(key, { step, timestamp });
      out[key] = value;
    }
  }
}

const METRICS_PATHS = [['metrics'], ['data', 'metrics'], ['run', 'data', 'metrics']];

/** Where the metrics are when the file uses an MLflow-style `metrics` key; undefined for a flat file. */
function metricsEntry(yaml: YamlSource): { node: Node | undefined } | undefined {
  for (const path of METRICS_PATHS) {
    const parent = path.length === 1 ? yaml.root : yaml.nodeAt(path.slice(0, -1));
    if (!isMap(parent)) continue;
    const entry = yaml.entries(parent).find((e) => e.key === path[path.length - 1]);
    if (entry) return { node: entry.value ?? entry.keyNode };
  }
  return undefined;
}

/** Read a metrics file; errors are StepError('input') starting with `file:line:col`. */
export function loadMetrics(file: string): Metrics {
  const yaml = loadYamlFile(file, { input: 'metrics' });
  const out: Metrics = {};
  const entry = metricsEntry(yaml);
  if (entry) {
    const node = entry.node;
    if (isMap(node)) flatten(yaml, node, '', out);
    else if (isSeq(node)) fromList(yaml, node, out);
    else throw yaml.error("'metrics' must be a mapping of metric names to numbers, or a list of {key, value}", node);
  } else {
    flatten(yaml, yaml.root, '', out);
  }
  if (Object.keys(out).length === 0) {
    throw yaml.error('the file holds no metrics', yaml.root, 'Write metrics as a mapping, e.g. {"accuracy": 0.91, "rmse": 2.4}.');
  }
  return out;
}
