/**
 * Typed reads of policy values: each problem is recorded (with the file position, or the step input an override
 * came from) and reading goes on, so that one error lists every problem of the file. Values are taken as written:
 * a number field takes a number (or plain numeric text such as `1e-3`, which PyYAML-compatible parsing keeps as a
 * string), never a quoted string or a word.
 */
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { StepError } from '../../core/errors';
import { Problems, type OriginMap } from '../../specs/online/origins';
import { closestKey, unknownKeyError } from '../../specs/unknown-key';
import type { MapEntry, YamlSource } from '../../specs/yaml-source';
import { NUMBER_TEXT } from './durations';
import { policyError } from './errors';
import type { Located, PolicyLocation } from './types';

export type Entries = Record<string, MapEntry>;

export interface NumberRange {
  min?: number;
  max?: number;
  /** Bounds are exclusive */
  exclusive?: boolean;
  integer?: boolean;
  /** Word for the problem: 'threshold' gives "bad threshold syntax" for text that is not a number */
  kind?: 'threshold';
}

export class PolicyReader {
  /** The policy's folder (absolute): local paths resolve against it and must stay inside it */
  readonly folder: string;
  /** Nodes the `data` input created (their paths resolve against the working directory) */
  readonly dataInputNodes = new WeakSet<Node>();
  private readonly view: YamlSource;

  constructor(
    readonly src: YamlSource,
    readonly origins: OriginMap,
    readonly problems: Problems = new Problems(),
  ) {
    this.folder = dirname(resolve(src.file));
    this.view = { ...src, error: (message, where, hint) => this.error(where, message, hint) };
  }

  isNull(node: Node | undefined): boolean {
    return node === undefined || (isScalar(node) && node.value === null);
  }

  /** Where a node (or, when it is null, its key) was written or which input gave it. */
  at(node: Node | undefined, keyNode?: Node): PolicyLocation {
    const n = this.isNull(node) && keyNode ? keyNode : (node ?? keyNode);
    const o = n ? this.origins.get(n) : undefined;
    if (o && o.source.kind === 'input') return { file: this.src.file, input: o.source.input, ...(o.line === undefined ? {} : { inputLine: o.line }) };
    return this.src.locate(n);
  }

  /** Where an entry's value is (its key when it has none). */
  entryAt(e: MapEntry): PolicyLocation {
    return this.at(e.value, e.keyNode);
  }

  error(where: Node | PolicyLocation | undefined, message: string, hint?: string): StepError {
    const at = where === undefined ? { file: this.src.file } : 'file' in where ? where : this.at(where);
    return policyError(at, message, hint);
  }

  fail(where: Node | PolicyLocation | undefined, message: string, hint?: string): undefined {
    this.problems.add(this.error(where, message, hint));
    return undefined;
  }

  /** Runs `fn`, recording a StepError it throws; other errors propagate. */
  guard<T>(fn: () => T): T | undefined {
    return this.problems.guard(fn);
  }

  /** A mapping's entries by key, unknown keys reported (with a did-you-mean); undefined when null or not a mapping. */
  map(node: Node | undefined, scope: string, allowed: readonly string[], keyNode?: Node): Entries | undefined {
    if (this.isNull(node)) return undefined;
    if (!isMap(node)) return this.fail(node ?? keyNode, `'${scope}' must be a mapping`);
    const out: Entries = {};
    for (const e of this.src.entries(node)) {
      if (!allowed.includes(e.key)) {
        this.problems.add(unknownKeyError(this.view, e.keyNode, e.key, allowed, scope === '' ? undefined : scope) as StepError);
        continue;
      }
      out[e.key] = e;
    }
    return out;
  }

  /** Every entry of a mapping whose keys are names (datasets, columns), or undefined when it is not one. */
  namedEntries(e: MapEntry | undefined, key: string): MapEntry[] | undefined {
    if (!this.present(e)) return undefined;
    if (!isMap(e.value)) return this.fail(e.value, `'${key}' must be a mapping`);
    return this.src.entries(e.value as YAMLMap);
  }

  present(e: MapEntry | undefined): e is MapEntry & { value: Node } {
    return e !== undefined && !this.isNull(e.value);
  }

  required(entries: Entries, key: string, where: Node | PolicyLocation, what?: string): MapEntry | undefined {
    const e = entries[key];
    if (this.present(e)) return e;
    return this.fail(e ? e.keyNode : where, `'${key}' is required${what ? ` ${what}` : ''}`);
  }

  /** Text: a string scalar. */
  str(e: MapEntry | undefined, key: string, options: { allowEmpty?: boolean } = {}): string | undefined {
    if (!this.present(e)) return undefined;
    const v = isScalar(e.value) ? e.value.value : undefined;
    if (typeof v !== 'string') return this.fail(e.value, `'${key}' must be text${isScalar(e.value) ? `, not ${describeScalar(v)}` : ', not a list or mapping'}`);
    if (v === '' && !options.allowEmpty) return this.fail(e.value, `'${key}' is empty`);
    return v;
  }

  /** A name as written (column names may be numbers or words like `yes`): the scalar's text. */
  nameText(node: Node | undefined, key: string): string | undefined {
    if (this.isNull(node)) return this.fail(node, `'${key}' is empty`);
    if (!isScalar(node)) return this.fail(node, `'${key}' must be a name, not a list or mapping`);
    const text = node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : String(node.value);
    if (text.trim() === '') return this.fail(node, `'${key}' is empty`);
    return text;
  }

  /** A column (or other name) with where it was written. */
  column(e: MapEntry | undefined, key: string): Located<string> | undefined {
    if (!this.present(e)) return undefined;
    const value = this.nameText(e.value, key);
    return value === undefined ? undefined : { value, at: this.at(e.value) };
  }

  /** A list of columns (a single name counts as a list of one); duplicates are problems. */
  columns(e: MapEntry | undefined, key: string): Located<string>[] | undefined {
    if (!this.present(e)) return undefined;
    const items = isSeq(e.value) ? e.value.items.map((n) => this.src.deref(n as Node)) : isScalar(e.value) ? [e.value] : undefined;
    if (!items) return this.fail(e.value, `'${key}' must be a list of column names`);
    const out: Located<string>[] = [];
    for (const n of items) {
      const value = this.nameText(n, key);
      if (value === undefined) continue;
      if (out.some((c) => c.value === value)) {
        this.fail(n, `'${key}' names '${value}' twice`);
        continue;
      }
      out.push({ value, at: this.at(n) });
    }
    return out;
  }

  /** The items of a list (aliases resolved); a problem when it is not a list. */
  list(e: MapEntry | undefined, key: string): Node[] | undefined {
    if (!this.present(e)) return undefined;
    if (!isSeq(e.value)) return this.fail(e.value, `'${key}' must be a list`);
    return e.value.items.map((n) => this.src.deref(n as Node) ?? (n as Node));
  }

  /** A number from a node, in range; plain numeric text counts. */
  numberOf(node: Node | undefined, key: string, range: NumberRange = {}): number | undefined {
    if (this.isNull(node)) return undefined;
    const v = isScalar(node) ? node.value : undefined;
    let n: number | undefined;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && isScalar(node) && node.type === 'PLAIN' && NUMBER_TEXT.test(v)) n = Number(v);
    if (n === undefined || !Number.isFinite(n)) {
      const shown = isScalar(node) ? describeScalar(v) : 'a list or mapping';
      const why = `'${key}' must be a ${range.integer ? 'whole number' : 'number'}, not ${shown}`;
      if (range.kind === 'threshold') {
        const hint = typeof v === 'string' && /[<>=]/.test(v) ? "Write only the number; the direction comes from the metric (or the rule's 'op')." : undefined;
        return this.fail(node, `bad threshold syntax: ${why}`, hint);
      }
      return this.fail(node, why);
    }
    if (range.integer && !Number.isSafeInteger(n)) return this.fail(node, `'${key}' must be a whole number, not ${n}`);
    const { min, max, exclusive } = range;
    if (min !== undefined && (exclusive ? n <= min : n < min)) return this.fail(node, `'${key}' must be ${exclusive ? 'above' : 'at least'} ${min}, not ${n}`);
    if (max !== undefined && (exclusive ? n >= max : n > max)) return this.fail(node, `'${key}' must be ${exclusive ? 'below' : 'at most'} ${max}, not ${n}`);
    return n;
  }

  num(e: MapEntry | undefined, key: string, range: NumberRange = {}): number | undefined {
    return this.present(e) ? this.numberOf(e.value, key, range) : undefined;
  }

  int(e: MapEntry | undefined, key: string, range: NumberRange = {}): number | undefined {
    return this.num(e, key, { ...range, integer: true });
  }

  bool(e: MapEntry | undefined, key: string): boolean | undefined {
    if (!this.present(e)) return undefined;
    const v = isScalar(e.value) ? e.value.value : undefined;
    if (typeof v === 'boolean') return v;
    return this.fail(e.value, `'${key}' must be true or false, not ${isScalar(e.value) ? describeScalar(v) : 'a list or mapping'}`);
  }

  /** One of `allowed` (exactly as written), with a did-you-mean. */
  choice<T extends string>(e: MapEntry | undefined, key: string, allowed: readonly T[]): T | undefined {
    if (!this.present(e)) return undefined;
    return this.choiceOf(e.value, key, allowed);
  }

  choiceOf<T extends string>(node: Node, key: string, allowed: readonly T[]): T | undefined {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const guess = typeof v === 'string' ? closestKey(v, allowed) : undefined;
    const shown = isScalar(node) ? describeScalar(v) : 'a list or mapping';
    return this.fail(node, `'${key}' must be one of ${allowed.join(', ')}, not ${shown}${guess ? `. Did you mean '${guess}'?` : ''}`);
  }
}

export function describeScalar(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null || v === undefined) return 'empty';
  if (v instanceof Date) return `the date ${v.toISOString()}`;
  return `${typeof v === 'boolean' ? 'the boolean' : typeof v === 'number' ? 'the number' : 'the value'} ${String(v)}`;
}
