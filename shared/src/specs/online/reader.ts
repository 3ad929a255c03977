/**
 * Typed reads of online-spec values with the coercions of the marshmallow fields azure-ai-ml declares (an
 * Integer field takes 3 or "3", a Boolean field true/"true"/"yes"/1, a String field only text), every problem
 * recorded with the position or input it came from instead of stopping at the first.
 */
import { isMap, isNode, isScalar, isSeq, type Node } from 'yaml';
import type { SourceLocation, StepError } from '../../core/errors';
import { angleBracketPlaceholder } from '../placeholders';
import { scalarText } from '../scalar-text';
import { unknownKeyError } from '../unknown-key';
import type { MapEntry, YamlSource } from '../yaml-source';
import { originError, yamlOrigin, type Origin, type OriginMap, type Problems } from './origins';

const TRUTHY = new Set(['t', 'T', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'y', 'Y', 'yes', 'Yes', 'YES', '1']);
const FALSY = new Set(['f', 'F', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', 'n', 'N', 'no', 'No', 'NO', '0']);

export type Entries = Record<string, MapEntry>;

export interface IntOptions {
  min?: number;
  max?: number;
}

export class SpecReader {
  /** The file with override-aware errors: an error about a node an override created names that input. */
  readonly view: YamlSource;

  constructor(
    readonly yaml: YamlSource,
    readonly origins: OriginMap,
    readonly problems: Problems,
    /** Step input that can supply each top-level key instead of the file (for hints). */
    readonly inputFor: Record<string, string> = {},
  ) {
    this.view = {
      ...yaml,
      error: (message, where, hint) => {
        const o = where && !('file' in where) ? origins.get(where) : undefined;
        return o ? originError(o, message, hint) : yaml.error(message, where, hint);
      },
    };
  }

  isNull(node: Node | undefined): boolean {
    return node === undefined || (isScalar(node) && node.value === null);
  }

  /** Where a value (or, when it is null, its key) came from. */
  origin(node: Node | undefined, keyNode?: Node): Origin {
    const n = node ?? keyNode;
    const o = n ? this.origins.get(n) : undefined;
    if (o) return o;
    const loc: SourceLocation = n?.range ? this.yaml.locate(n) : this.yaml.locate(keyNode);
    return yamlOrigin(loc);
  }

  /** True when the key is there with a non-null value (whether or not the value is valid). */
  present(e: MapEntry | undefined): e is MapEntry {
    return e !== undefined && !this.isNull(e.value);
  }

  /** True when the value came from a single-value step input (not the file, not a set line). */
  explicitInput(e: MapEntry): boolean {
    const o = this.origin(e.value, e.keyNode);
    return o.source.kind === 'input' && o.line === undefined;
  }

  fromFile(node: Node | undefined): boolean {
    return node !== undefined && !this.origins.has(node) && node.range !== undefined;
  }

  fail(where: Node | Origin | undefined, message: string, hint?: string): undefined {
    const origin = where === undefined || isNode(where) ? this.origin(where) : where;
    this.problems.at(origin, message, hint);
    return undefined;
  }

  /** A mapping's entries by key, with unknown keys reported; `ignored` keys are accepted and dropped. */
  map(node: Node | undefined, scope: string, allowed: readonly string[], ignored: readonly string[] = []): Entries | undefined {
    if (this.isNull(node)) return undefined;
    if (!isMap(node)) return this.fail(node, `'${scope}' must be a mapping`);
    const out: Entries = {};
    for (const e of this.yaml.entries(node)) {
      if (ignored.includes(e.key)) continue;
      if (!allowed.includes(e.key)) {
        this.problems.add(unknownKeyError(this.view, e.keyNode, e.key, allowed, scope === "" ? undefined : scope) as StepError);
        continue;
      }
      out[e.key] = e;
    }
    return out;
  }

  /** A text value; numbers and booleans are refused (marshmallow String), unfilled `<PLACEHOLDER>`s reported. */
  str(e: MapEntry | undefined, key: string, options: { freeText?: boolean } = {}): string | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    const text = scalarText(e.value);
    if (text === null) return undefined;
    if (text === undefined || !isScalar(e.value) || typeof e.value.value !== 'string') {
      return this.fail(e.value, `'${key}' must be a string`, isScalar(e.value) ? `Quote the value: ${e.key}: "${text}"` : undefined);
    }
    if (!options.freeText && this.fromFile(e.value)) {
      // Identifiers, references and paths never hold '<…>': one with spaces inside is a placeholder too.
      const ph = angleBracketPlaceholder(text) ?? /<[A-Za-z_][^<>]*>/.exec(text)?.[0];
      if (ph) {
        const input = this.inputFor[key];
        const hint = input ? `Replace it in the file, or give the value with the '${input}' input (inputs override the YAML).` : 'Replace it in the file, or override it with a set line.';
        return this.fail(e.value, `unfilled template placeholder '${ph}' in '${key}'`, hint);
      }
    }
    return text;
  }

  int(e: MapEntry | undefined, key: string, range: IntOptions = {}): number | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    const v = isScalar(e.value) ? e.value.value : undefined;
    let n: number | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v) && !/[.eE]/.test(String((e.value as { source?: unknown }).source ?? ''))) n = v;
    else if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) n = Number(v);
    if (n === undefined || !Number.isSafeInteger(n)) return this.fail(e.value, `'${key}' must be a whole number, not '${scalarText(e.value) ?? ''}'`);
    if (range.min !== undefined && n < range.min) return this.fail(e.value, `'${key}' must be at least ${range.min}, not ${n}`);
    if (range.max !== undefined && n > range.max) return this.fail(e.value, `'${key}' must be at most ${range.max}, not ${n}`);
    return n;
  }

  float(e: MapEntry | undefined, key: string): number | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    const v = isScalar(e.value) ? e.value.value : undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return this.fail(e.value, `'${key}' must be a number`);
    return n;
  }

  bool(e: MapEntry | undefined, key: string): boolean | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    const v = isScalar(e.value) ? e.value.value : undefined;
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    if (typeof v === 'string' && TRUTHY.has(v)) return true;
    if (typeof v === 'string' && FALSY.has(v)) return false;
    return this.fail(e.value, `'${key}' must be true or false`);
  }

  /** A string enum compared after `transform` (lower-case by default, §0.7); returns the transformed value. */
  choice<T extends string>(e: MapEntry | undefined, key: string, allowed: readonly T[], transform = (s: string) => s.toLowerCase()): T | undefined {
    const s = this.str(e, key);
    if (s === undefined) return undefined;
    const t = transform(s.trim());
    if ((allowed as readonly string[]).includes(t)) return t as T;
    return this.fail(e!.value, `'${key}' is '${s}'; expected one of ${allowed.join(', ')}`);
  }

  /** A map of names to plain values, each sent as the string Python's str() gives (True, 1.0, …). */
  stringMap(e: MapEntry | undefined, key: string): Record<string, string> | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    if (!isMap(e.value)) return this.fail(e.value, `'${key}' must be a mapping of names to values`);
    const out: Record<string, string> = {};
    for (const x of this.yaml.entries(e.value)) {
      const v = scalarText(x.value);
      if (v === undefined) {
        this.fail(x.value, `'${key}.${x.key}' must be a plain value, not a list or mapping`);
        continue;
      }
      if (v !== null && key !== 'tags' && key !== 'description' && this.fromFile(x.value)) {
        const ph = angleBracketPlaceholder(v);
        if (ph) this.fail(x.value, `unfilled template placeholder '${ph}' in '${key}.${x.key}'`, 'Replace it in the file, or override it with a set line.');
      }
      out[x.key] = v ?? '';
    }
    return out;
  }

  /** A list of strings. */
  strings(e: MapEntry | undefined, key: string): string[] | undefined {
    if (!e || this.isNull(e.value)) return undefined;
    if (!isSeq(e.value)) return this.fail(e.value, `'${key}' must be a list`);
    const out: string[] = [];
    for (const item of e.value.items) {
      const v = scalarText(this.yaml.deref(item as Node));
      if (typeof v === 'string') out.push(v);
      else this.fail(item as Node, `'${key}' must be a list of plain values`);
    }
    return out;
  }
}
