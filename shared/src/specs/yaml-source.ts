/**
 * A YAML file parsed with its node positions kept, so that validation can point at `file:line:col` of the key or
 * value it is about.
 */
import { readFileSync } from 'node:fs';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { formatLocation, inputError, type SourceLocation } from '../core/errors';
import { findTemplatePlaceholders } from './placeholders';
import { alignWithPyYaml } from './pyyaml-scalars';

export type PathSegment = string | number;
export type YamlPath = string | readonly PathSegment[];

export interface MapEntry {
  key: string;
  keyNode: Node;
  /** undefined for `key:` with nothing after it (YAML null) */
  value: Node | undefined;
}

export interface YamlSource {
  /** The file name as given by the caller (used in messages). */
  file: string;
  text: string;
  doc: Document.Parsed;
  /** The top-level mapping. */
  root: YAMLMap;
  /** Position of a node's start. */
  locate(node: Node | undefined): SourceLocation;
  /** Position of the key (`part: 'key'`) or the value at a path; the deepest existing ancestor when it is absent. */
  locationOf(path: YamlPath, part?: 'key' | 'value'): SourceLocation;
  /** The node at a path, or undefined. */
  nodeAt(path: YamlPath): Node | undefined;
  /** A mapping's entries in order, with aliases resolved and `<<` merge keys expanded. */
  entries(map: YAMLMap): MapEntry[];
  /** Follow an alias (`*name`) to the node it names. */
  deref(node: Node | undefined): Node | undefined;
  /** The plain JS value of a node. */
  toJS(node: Node | undefined): unknown;
  /** A StepError('input') whose message starts with `file:line:col`. */
  error(message: string, at: Node | SourceLocation | undefined, hint?: string): Error;
}

export function splitPath(path: YamlPath): readonly PathSegment[] {
  if (typeof path !== 'string') return path;
  if (path === '') return [];
  return path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function loadYamlFile(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(e)})`;
    throw inputError(`YAML file '${file}' ${why}`, { location: { file }, cause: e });
  }
  return parseYamlText(text, file);
}

export function parseYamlText(rawText: string, file: string): YamlSource {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineCounter = new LineCounter();
  // YAML 1.1 because `az ml` reads files with PyYAML's safe_load (yes/no are booleans, `<<` merges).
  const doc = parseDocument(text, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  // `{{NAME}}` placeholders are meant to be filled by sed before `az ml` runs; unfilled they often make the YAML
  // invalid, so they are reported ahead of any parse error.
  const placeholders = findTemplatePlaceholders(text);
  if (placeholders.length > 0) {
    const first = placeholders[0]!;
    const loc = at(first.offset);
    const more = placeholders.length > 1 ? ` (and ${placeholders.length - 1} more: ${placeholders.slice(1, 6).map((p) => p.text).join(', ')})` : '';
    throw inputError(`${formatLocation(loc)}: unfilled template placeholder '${first.text}'${more}`, {
      location: loc,
      hint: 'This file is a template: replace the placeholder with a real value (or generate the file) before using it.',
    });
  }

  const firstError = doc.errors[0];
  if (firstError) {
    const loc = at(firstError.pos[0]);
    throw inputError(`${formatLocation(loc)}: invalid YAML: ${firstError.message}`, { location: loc, code: firstError.code });
  }
  alignWithPyYaml(doc);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    throw inputError(`${file}: the YAML file is empty`, { location: { file, line: 1, column: 1 } });
  }
  if (!isMap(contents)) {
    const loc = at(contents.range?.[0] ?? 0);
    const what = isSeq(contents) ? 'a list' : 'a single value';
    throw inputError(`${formatLocation(loc)}: the YAML file must be a mapping of keys to values, but it is ${what}`, { location: loc });
  }
  const root = contents;

  const deref = (node: Node | undefined): Node | undefined => {
    let n: Node | undefined = node;
    for (let i = 0; i < 64 && n && isAlias(n); i++) n = n.resolve(doc) as Node | undefined;
    return n;
  };

  const locate = (node: Node | undefined): SourceLocation => (node?.range ? at(node.range[0]) : { file });

  const keyText = (pair: Pair<unknown, unknown>): string | undefined => {
    const k = deref(pair.key as Node | undefined);
    if (k === undefined || k === null) return '';
    if (isScalar(k)) {
      if (k.value === null) return '';
      // Keys as written: `yes:` or `1.0:` name a field, they are not a boolean or a number.
      return k.type === 'PLAIN' && typeof k.source === 'string' ? k.source : String(k.value);
    }
    return undefined;
  };

  const entries = (map: YAMLMap): MapEntry[] => {
    const own: MapEntry[] = [];
    const merged: MapEntry[] = [];
    for (const pair of map.items) {
      const key = keyText(pair);
      const keyNode = (pair.key ?? map) as Node;
      if (key === undefined) {
        throw makeError('keys must be plain values, not lists or mappings', locate(keyNode));
      }
      const value = deref((pair.value ?? undefined) as Node | undefined);
      if (key === '<<' && isScalar(pair.key) && pair.key.type === 'PLAIN') {
        const sources = isSeq(value) ? value.items.map((n) => deref(n as Node)) : [value];
        for (const s of sources) if (isMap(s)) merged.push(...entries(s));
        continue;
      }
      own.push({ key, keyNode, value: value === null ? undefined : value });
    }
    const ownKeys = new Set(own.map((e) => e.key));
    return [...own, ...merged.filter((e) => !ownKeys.has(e.key))];
  };

  const step = (node: Node | undefined, seg: PathSegment): { keyNode?: Node; value?: Node } | undefined => {
    const n = deref(node);
    if (isMap(n)) {
      const e = entries(n).find((x) => x.key === String(seg));
      return e ? { keyNode: e.keyNode, value: e.value } : undefined;
    }
    if (isSeq(n) && typeof seg === 'number') {
      const item = n.items[seg] as Node | undefined;
      return item === undefined ? undefined : { value: deref(item) };
    }
    return undefined;
  };

  const nodeAt = (path: YamlPath): Node | undefined => {
    let cur: Node | undefined = root;
    for (const seg of splitPath(path)) {
      const s = step(cur, seg);
      if (!s) return undefined;
      cur = s.value;
    }
    return cur;
  };

  const locationOf = (path: YamlPath, part: 'key' | 'value' = 'value'): SourceLocation => {
    let cur: Node | undefined = root;
    let best: SourceLocation = locate(root);
    const segs = splitPath(path);
    for (let i = 0; i < segs.length; i++) {
      const s = step(cur, segs[i]!);
      if (!s) return best;
      const last = i === segs.length - 1;
      if (last && part === 'key' && s.keyNode) return locate(s.keyNode);
      // A key with no value: point at the key.
      best = s.value ? locate(s.value) : s.keyNode ? locate(s.keyNode) : best;
      cur = s.value;
    }
    return best;
  };

  const makeError = (message: string, loc: SourceLocation, hint?: string): Error =>
    inputError(`${formatLocation(loc)}: ${message}`, { location: loc, hint });

  return {
    file,
    text,
    doc,
    root,
    locate,
    locationOf,
    nodeAt,
    entries,
    deref,
    toJS: (node) => {
      const n = deref(node);
      return n === undefined ? undefined : n.toJS(doc, { maxAliasCount: 1000 });
    },
    error: (message, where, hint) => {
      const loc = where === undefined ? { file } : 'file' in where ? where : locate(where);
      return makeError(message, loc, hint);
    },
  };
}
