/**
 * Where a value of an online spec came from (a YAML position, a `set` line, a single-value step input) and the
 * collection of every problem found while loading one, reported together in one input error.
 */
import type { Node } from 'yaml';
import { formatLocation, inputError, StepError, type SourceLocation } from '../../core/errors';
import { valueError, type ValueSource } from '../value-source';

/** A value source, with the line of the `set` input when it came from one. */
export interface Origin {
  source: ValueSource;
  /** 1-based line of a multi-line input (the `set` input). */
  line?: number;
}

export function yamlOrigin(location: SourceLocation): Origin {
  return { source: { kind: 'yaml', location } };
}

export function inputOrigin(input: string, line?: number): Origin {
  return { source: { kind: 'input', input }, line };
}

/** "file:3:5" / "input 'set' line 2" / "input 'instance-count'". */
export function describeOrigin(origin: Origin): string {
  const s = origin.source;
  if (s.kind === 'yaml') return formatLocation(s.location);
  if (s.kind === 'input') return origin.line === undefined ? `input '${s.input}'` : `input '${s.input}' line ${origin.line}`;
  return 'the default';
}

export function originError(origin: Origin, message: string, hint?: string): StepError {
  const s = origin.source;
  if (s.kind === 'input' && origin.line !== undefined) {
    return inputError(`Input '${s.input}' line ${origin.line}: ${message}`, { input: s.input, hint });
  }
  return valueError(s, message, hint);
}

/** Nodes created by overrides, mapped to the input they came from (they have no position in the file). */
export type OriginMap = WeakMap<Node, Origin>;

/** File order: line, then column; problems without a position (inputs) last. */
function order(a: StepError, b: StepError): number {
  const key = (e: StepError): [number, number] => [e.location?.line ?? Number.MAX_SAFE_INTEGER, e.location?.column ?? 0];
  const [la, ca] = key(a);
  const [lb, cb] = key(b);
  return la - lb || ca - cb;
}

/** Problems found while loading one spec: all are reported, in file order, instead of only the first. */
export class Problems {
  readonly list: StepError[] = [];

  add(e: StepError): void {
    if (!this.list.some((x) => x.message === e.message)) this.list.push(e);
  }

  at(origin: Origin, message: string, hint?: string): void {
    this.add(originError(origin, message, hint));
  }

  /** Runs `fn`, recording a StepError it throws as a problem; other errors propagate. */
  guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof StepError)) throw e;
      this.add(e);
      return undefined;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /**
   * Throws the one problem, or an input error listing all of them (in order: file positions first by line, then
   * inputs), located at the first; `cause` is an AggregateError of the separate errors.
   */
  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const sorted = [...this.list].sort(order);
    if (sorted.length === 1) throw sorted[0]!;
    const first = sorted[0]!;
    throw inputError(`${sorted.length} problems in ${what}: ${sorted.map((e, i) => `(${i + 1}) ${e.message}`).join(' ')}`, {
      location: first.location,
      input: first.input,
      hint: first.hint,
      cause: new AggregateError(sorted, `${sorted.length} problems`),
    });
  }
}
