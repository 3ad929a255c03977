/**
 * Step inputs that change a policy before it is checked, so an overridden value is validated like a written one
 * and a problem with it names the input (and line):
 *
 *   set:         checks.latency.duration=60s          'checks.<check name>.<key>[.<key>…]=<YAML value>',
 *                checks.quality.metric_thresholds.numerical.null_value_rate=0.05   or any other path from the top
 *                target.endpoint=credit-endpoint      ('target.', 'scoring.', 'data.', 'defaults.'); a later line wins
 *   data:        staging=out/staging.parquet          'name=path or URI' (paths relative to the working directory)
 *   endpoint, deployment, champion: single values, set after the `set` lines (they win)
 */
import { isMap, isNode, isScalar, isSeq, Pair, parseDocument, Scalar, visit, YAMLMap, type Node, type YAMLSeq } from 'yaml';
import { inputError } from '../../core/errors';
import { inputOrigin, type Origin } from '../../specs/online/origins';
import { alignWithPyYaml } from '../../specs/pyyaml-scalars';
import { unquote } from '../../specs/key-values';
import { POLICY_NAME } from './durations';
import type { PolicyReader } from './reader';

export interface SetOverride {
  /** 1-based line of the input */
  line: number;
  /** Dotted key path: 'checks.<check name>.<key>…' or 'target.endpoint' */
  path: string;
  /** YAML text of the value ('' sets null: the key counts as not written) */
  value: string;
  /** The step input it came from (default 'set') */
  input?: string;
}

export interface PolicyOverrides {
  endpoint?: string;
  deployment?: string;
  champion?: string;
  /**
   * Dataset name → local path or URI; a relative path is relative to `dataBaseDir`. The record `parseDataLines`
   * returns also carries its input name and lines (kept aside), so problems name the line; any other record is
   * reported as `inputs.data`.
   */
  data?: Record<string, string>;
  /** From the step's `set` input (`parseSetLines`), applied in order */
  set?: SetOverride[];
  /** Step input names for messages (defaults: endpoint, deployment, champion, data) */
  inputs?: { endpoint?: string; deployment?: string; champion?: string; data?: string };
  /** What relative paths of the `data` input resolve against (default process.cwd()) */
  dataBaseDir?: string;
}

/** Top-level keys a set line may start with. */
export const SETTABLE_ROOTS = ['target', 'scoring', 'data', 'defaults', 'checks'] as const;

const SET_HINT = "Write one 'path=value' per line, e.g. 'checks.latency.duration=60s' or 'target.deployment=green'.";
const DATA_HINT = "Write one 'name=path' per line, e.g. 'staging=data/staging.parquet' or 'eval=azureml:credit-eval:3'.";

function lineError(input: string, line: number, message: string, hint: string): Error {
  return inputError(`Input '${input}' line ${line}: ${message}`, { input, hint });
}

/** A set value as a YAML node, or why it cannot be one. */
function valueNode(text: string): { node: Node } | { problem: string } {
  if (text.trim() === '') return { node: new Scalar(null) };
  let depth = 0;
  for (const c of text) if ((c === '[' || c === '{') && ++depth > 32) return { problem: 'the value is nested too deeply' };
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { problem: `cannot read the value '${text}' as YAML: ${doc.errors[0]!.message}` };
  let alias = false;
  visit(doc, { Alias: () => void (alias = true) });
  if (alias) return { problem: 'anchors and aliases (*name) are not supported in a set value' };
  alignWithPyYaml(doc);
  return { node: (doc.contents as Node | null) ?? new Scalar(null) };
}

/** Parses the `set` input: one `path=value` a line; blank lines and `#` comments are skipped. */
export function parseSetLines(text: string, inputName = 'set'): SetOverride[] {
  const out: SetOverride[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (m: string): never => {
      throw lineError(inputName, i + 1, m, SET_HINT);
    };
    const eq = line.indexOf('=');
    if (eq <= 0) fail(`cannot read '${line}': expected path=value`);
    const path = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const segs = path.split('.');
    if (segs.some((s) => s.trim() === '' || s !== s.trim())) fail(`cannot read the path '${path}': expected names separated by '.'`);
    if (!(SETTABLE_ROOTS as readonly string[]).includes(segs[0]!)) fail(`'${path}' must start with one of ${SETTABLE_ROOTS.join(', ')}`);
    if (segs.length < 2) fail(`'${path}' names a whole section: set one of its keys (e.g. ${segs[0]}.<key>=value)`);
    if (segs[0] === 'checks' && segs.length < 3) fail(`'${path}' must name a key of the check: checks.<check name>.<key>=value`);
    const parsed = valueNode(value);
    if ('problem' in parsed) fail(parsed.problem);
    out.push({ line: i + 1, path, value, input: inputName });
  });
  return out;
}

/** The input name and lines of each record `parseDataLines` returned, so override errors name the line. */
const DATA_LINES = new WeakMap<object, { input: string; lines: Map<string, number> }>();

/** Parses the `data` input: one `name=path or URI` a line; blank lines and `#` comments are skipped. */
export function parseDataLines(text: string, inputName = 'data'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (m: string): never => {
      throw lineError(inputName, i + 1, m, DATA_HINT);
    };
    const eq = line.indexOf('=');
    if (eq <= 0) fail(`cannot read '${line}': expected name=path`);
    const name = line.slice(0, eq).trim();
    const value = unquote(line.slice(eq + 1).trim());
    if (!POLICY_NAME.test(name)) fail(`'${name}' is not a dataset name (1-64 letters, digits, '_', '.' or '-')`);
    if (value === '') fail(`the path of dataset '${name}' is empty`);
    if (lines.has(name)) fail(`dataset '${name}' is given twice (also on line ${lines.get(name)})`);
    out[name] = value;
    lines.set(name, i + 1);
  });
  DATA_LINES.set(out, { input: inputName, lines });
  return out;
}

function mark(r: PolicyReader, node: Node, origin: Origin): void {
  r.origins.set(node, origin);
  visit(node, (_key, n) => {
    if (isNode(n)) r.origins.set(n, origin);
  });
}

function isNull(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

/** Sets `key` in a mapping to `value` (replacing its own pair, or adding one). */
function put(r: PolicyReader, map: YAMLMap, key: string, value: Node, origin: Origin): void {
  const entry = r.src.entries(map).find((e) => e.key === key);
  const own = entry ? map.items.find((p) => p.key === entry.keyNode) : undefined;
  if (own) own.value = value;
  else {
    const k = new Scalar(key);
    r.origins.set(k, origin);
    map.items.push(new Pair(k, value));
  }
}

function checkName(r: PolicyReader, item: Node | undefined): string | undefined {
  const n = r.src.deref(item);
  if (!isMap(n)) return undefined;
  const v = r.src.entries(n).find((e) => e.key === 'name')?.value;
  return isScalar(v) && v.value !== null ? String(v.value) : undefined;
}

/** Applies one set line (or single-value input) to the parsed file; throws a StepError naming the input. */
function applyOne(r: PolicyReader, segs: string[], value: Node, origin: Origin, fail: (m: string) => never): void {
  let cur: YAMLMap | YAMLSeq = r.src.root;
  let i = 0;
  const walked = () => segs.slice(0, i).join('.');
  while (i < segs.length) {
    if (i === 1 && segs[0] === 'checks') {
      if (!isSeq(cur)) fail("the policy's 'checks' is not a list");
      const items = cur.items as Node[];
      const names = items.map((n) => checkName(r, n));
      // Check names may hold '.': the longest name that the path starts with.
      let found: number | undefined;
      for (let j = segs.length - 1; j >= 2 && found === undefined; j--) {
        const idx = names.indexOf(segs.slice(1, j).join('.'));
        if (idx >= 0) [found, i] = [idx, j];
      }
      if (found === undefined) {
        const known = names.filter((n) => n !== undefined);
        fail(`no check is named '${segs[1]}'${known.length ? ` (checks: ${known.join(', ')})` : ''}`);
      }
      cur = r.src.deref(items[found]) as YAMLMap;
      continue;
    }
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    let child: Node | undefined;
    if (isSeq(cur)) {
      if (!/^\d+$/.test(seg)) fail(`'${walked()}' is a list: '${seg}' must be an index (0, 1, …)`);
      const idx = Number(seg);
      if (idx > cur.items.length) fail(`'${walked()}' has ${cur.items.length} items: index ${idx} is past its end`);
      child = r.src.deref(cur.items[idx] as Node | undefined);
      if (last || isNull(child)) {
        child = last ? value : new YAMLMap();
        if (!last) r.origins.set(child, origin);
        if (idx === cur.items.length) cur.items.push(child);
        else cur.items[idx] = child;
      }
    } else {
      child = r.src.entries(cur).find((e) => e.key === seg)?.value;
      if (last || isNull(child)) {
        child = last ? value : new YAMLMap();
        if (!last) r.origins.set(child, origin);
        put(r, cur, seg, child, origin);
      }
    }
    i++;
    if (last) return;
    if (isMap(child) || isSeq(child)) cur = child;
    else fail(`'${walked()}' is ${isScalar(child) ? `'${String(child.value)}'` : 'a value'}, not a mapping: set '${walked()}' itself`);
  }
}

/**
 * Applies the overrides to the parsed file, in order: set lines, then the data input, then the single-value
 * inputs. Each problem is recorded (naming the input) and the others still apply. Returns the dataset names the
 * `data` input gave, with where.
 */
export function applyPolicyOverrides(r: PolicyReader, overrides: PolicyOverrides): Map<string, Origin> {
  for (const s of overrides.set ?? []) {
    const input = s.input ?? 'set';
    const origin = inputOrigin(input, s.line);
    r.guard(() => {
      const fail = (m: string): never => {
        throw lineError(input, s.line, m, SET_HINT);
      };
      const segs = s.path.split('.');
      if (!(SETTABLE_ROOTS as readonly string[]).includes(segs[0]!) || segs.length < (segs[0] === 'checks' ? 3 : 2)) {
        fail(`'${s.path}' is not a path the policy can take (start with ${SETTABLE_ROOTS.join(', ')}, and name a key)`);
      }
      const parsed = valueNode(s.value);
      if ('problem' in parsed) throw lineError(input, s.line, parsed.problem, SET_HINT);
      mark(r, parsed.node, origin);
      applyOne(r, segs, parsed.node, origin, fail);
    });
  }

  const given = new Map<string, Origin>();
  if (overrides.data && Object.keys(overrides.data).length > 0) {
    const known = DATA_LINES.get(overrides.data);
    const input = known?.input ?? overrides.inputs?.data ?? 'data';
    for (const [name, path] of Object.entries(overrides.data)) {
      const line = known?.lines.get(name);
      const origin = inputOrigin(input, line);
      r.guard(() => {
        const fail = (m: string): never => {
          throw line === undefined ? inputError(`Input '${input}': ${m}`, { input, hint: DATA_HINT }) : lineError(input, line, m, DATA_HINT);
        };
        if (!POLICY_NAME.test(name)) fail(`'${name}' is not a dataset name (1-64 letters, digits, '_', '.' or '-')`);
        const node = new Scalar(path);
        mark(r, node, origin);
        r.dataInputNodes.add(node);
        applyOne(r, ['data', name], node, origin, fail);
        given.set(name, origin);
      });
    }
  }

  const single: Array<[key: 'endpoint' | 'deployment' | 'champion', value: string | undefined]> = [
    ['endpoint', overrides.endpoint],
    ['deployment', overrides.deployment],
    ['champion', overrides.champion],
  ];
  for (const [key, raw] of single) {
    const v = raw?.trim();
    if (v === undefined || v === '') continue;
    const input = overrides.inputs?.[key] ?? key;
    const origin = inputOrigin(input);
    r.guard(() => {
      const node = new Scalar(v);
      mark(r, node, origin);
      applyOne(r, ['target', key], node, origin, (m) => {
        throw inputError(`Input '${input}': ${m}`, { input });
      });
    });
  }
  return given;
}
