/**
 * `az ml … --set key.path=value` semantics (reference §0.1, §0.5, §6): each override sets a dotted path in the raw
 * YAML mapping before validation, creating missing mappings, in order (a later one wins). Values stay strings;
 * the field readers coerce them as marshmallow does ("3" is an integer field's 3). Flag-like step inputs
 * (endpoint-name, instance-count, …) are applied after the `set` lines, so they win, as `--name` beats `--set name=`.
 */
import { isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { unquote } from '../key-values';
import type { YamlSource } from '../yaml-source';
import { originError, inputOrigin, type Origin, type OriginMap } from './origins';

/** One path segment: a mapping key, or a list index (`[0]`, or a number segment on an existing list). */
export type SetSegment = { key: string; index?: undefined } | { key: string; index: number; bracket: boolean };

export interface Override {
  path: SetSegment[];
  /** The text of the path, for messages. */
  pathText: string;
  value: string;
  origin: Origin;
}

function parsePath(text: string, fail: (m: string) => never): SetSegment[] {
  const out: SetSegment[] = [];
  for (const part of text.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) fail(`cannot read the key path '${text}': expected names separated by '.', with optional [n] list indices`);
    if (m[1] !== '') out.push(/^\d+$/.test(m[1]!) ? { key: m[1]!, index: Number(m[1]), bracket: false } : { key: m[1]! });
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push({ key: idx[1]!, index: Number(idx[1]), bracket: true });
  }
  return out;
}

/** Parses the `set` input: one `key.path=value` per line; blank lines and `#` comments are skipped. */
export function parseSetInput(text: string, input = 'set'): Override[] {
  const out: Override[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const origin = inputOrigin(input, i + 1);
    const fail = (m: string): never => {
      throw originError(origin, m, "Write one 'key.path=value' per line, e.g. 'instance_count=2' or 'environment_variables.MODE=fast'.");
    };
    const eq = line.indexOf('=');
    if (eq <= 0) fail(`cannot read '${line}': expected key.path=value`);
    const pathText = line.slice(0, eq).trim();
    out.push({ path: parsePath(pathText, fail), pathText, value: unquote(line.slice(eq + 1).trim()), origin });
  });
  return out;
}

/** An override for one step input, e.g. the `instance-count` input setting `instance_count`. */
export function inputOverride(input: string, pathText: string, value: string): Override {
  return { path: pathText.split('.').map((key) => ({ key })), pathText, value, origin: inputOrigin(input) };
}

function isNull(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

/**
 * Applies overrides to the parsed file in order. Nodes they create are recorded in `origins`. A path that runs
 * through a string (`environment.image=…` when `environment: azureml:env:1`) fails as in `az ml`.
 */
export function applyOverrides(src: YamlSource, overrides: readonly Override[], origins: OriginMap): void {
  for (const o of overrides) {
    let cur: YAMLMap | YAMLSeq = src.root;
    o.path.forEach((seg, i) => {
      const last = i === o.path.length - 1;
      const next = o.path[i + 1];
      const fresh = (): Node => {
        const n = last ? new Scalar(o.value) : next !== undefined && 'bracket' in next && next.bracket ? new YAMLSeq() : new YAMLMap();
        origins.set(n, o.origin);
        return n;
      };
      let child: Node | undefined;
      if (isSeq(cur)) {
        if (seg.index === undefined) throw originError(o.origin, `'${o.pathText}': '${seg.key}' is a key, but the value there is a list`);
        if (seg.index > cur.items.length) {
          throw originError(o.origin, `'${o.pathText}': index ${seg.index} is past the end of a list of ${cur.items.length}`);
        }
        child = src.deref(cur.items[seg.index] as Node | undefined);
        if (last || isNull(child)) {
          child = fresh();
          if (seg.index === cur.items.length) cur.items.push(child);
          else cur.items[seg.index] = child;
        }
      } else {
        if ('bracket' in seg && seg.bracket) throw originError(o.origin, `'${o.pathText}': [${seg.index}] indexes a list, but the value there is a mapping`);
        const entry = src.entries(cur).find((e) => e.key === seg.key);
        child = entry?.value;
        if (last || isNull(child)) {
          child = fresh();
          const own = entry ? cur.items.find((p) => p.key === entry.keyNode) : undefined;
          if (own) own.value = child;
          else {
            const key = new Scalar(seg.key);
            origins.set(key, o.origin);
            cur.items.push(new Pair(key, child));
          }
        }
      }
      if (last) return;
      if (isMap(child) || isSeq(child)) {
        cur = child;
        return;
      }
      const walked = o.path.slice(0, i + 1).map((s) => s.key).join('.');
      throw originError(
        o.origin,
        `Cannot use 'set' on properties defined by reference strings: '${walked}' is '${isScalar(child) ? String(child.value) : ''}', not a mapping`,
        `Set '${walked}' itself, or write it as a mapping in the YAML.`,
      );
    });
  }
}

/** Single-value inputs that are empty count as not given (hosts report unset inputs as ''). */
export function givenInputs<K extends string>(
  values: Partial<Record<K, string | number | undefined>>,
  targets: Record<K, string>,
  names: Partial<Record<K, string>>,
  transform: Partial<Record<K, (v: string) => string>> = {},
): Override[] {
  const out: Override[] = [];
  for (const k of Object.keys(targets) as K[]) {
    const raw = values[k];
    if (raw === undefined) continue;
    const v = String(raw).trim();
    if (v === '') continue;
    out.push(inputOverride(names[k] ?? k, targets[k], transform[k] ? transform[k](v) : v));
  }
  return out;
}
