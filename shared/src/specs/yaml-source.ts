/**
 * A YAML file parsed with its node positions kept, so that validation can point at `file:line:col` of the key or
 * value it is about.
 */
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
import { readRegularFile } from '../core/files';
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

/** The deepest nesting of lists and mappings accepted (az ml specs need a handful of levels). */
export const MAX_YAML_DEPTH = 64;

export function loadYamlFile(file: string, options: { input?: string; maxBytes?: number } = {}): YamlSource {
  return parseYamlText(readRegularFile(file, options), file);
}

/**
 * The offset where flow/block nesting first goes past `limit` levels, found by a linear scan of the text ahead of
 * parsing, so that a file nested thousands of levels deep never reaches the (recursive) parser.
 */
function tooDeepAt(text: string, limit: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote) {
      if (quote === "'" && c === "'") quote = undefined;
      else if (quote === '"' && c === '\\') i++;
      else if (quote === '"' && c === '"') quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
    else if ((c === '"' || c === "'") && (i === 0 || /[\s,[{:]/.test(text[i - 1]!))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** Depth of block (and any remaining) nesting, walked iteratively. */
function nodeTooDeep(contents: unknown, limit: number): Node | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > limit) return node as Node;
      for (const item of node.items as unknown[]) {
        if (item && typeof item === 'object' && 'value' in item && 'key' in item) {
          stack.push({ node: (item as Pair).key, depth: depth + 1 }, { node: (item as Pair).value, depth: depth + 1 });
        } else stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

export function parseYamlText(rawText: string, file: string): YamlSource {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineCounter = new LineCounter();
  // YAML 1.1 because `az ml` reads files with PyYAML's safe_load (yes/no are booleans, `<<` merges).
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const depthError = (offset: number): Error => {
    // Counted from the text: before parsing, the line counter knows no lines yet.
    const before = text.slice(0, offset);
    const loc: SourceLocation = { file, line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
    return inputError(`${formatLocation(loc)}: the YAML is nested more than ${MAX_YAML_DEPTH} levels deep`, {
      location: loc,
      hint: 'Specs and metrics files need only a few levels of nesting; check the file is the one intended.',
    });
  };
  // Flow nesting is found before parsing: the parser recurses and would overflow the stack on thousands of levels.
  const deepFlow = tooDeepAt(text, MAX_YAML_DEPTH);
  if (deepFlow !== undefined) throw depthError(deepFlow);
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw depthError(0);
  }

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

  // The parser turns a stack overflow (deep block nesting) into a document error: report it as the nesting limit.
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) throw depthError(overflow.pos[0]);
  const firstError = doc.errors[0];
  if (firstError) {
    const loc = at(firstError.pos[0]);
    throw inputError(`${formatLocation(loc)}: invalid YAML: ${firstError.message}`, { location: loc, code: firstError.code });
  }
  const deepNode = nodeTooDeep(doc.contents, MAX_YAML_DEPTH);
  if (deepNode) throw depthError(deepNode.range?.[0] ?? 0);
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
