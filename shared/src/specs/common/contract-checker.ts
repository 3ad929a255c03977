/**
 * The walker behind the REST contract checks (specs/online/contract.ts, specs/batch/contract.ts): objects with only
 * the contract's properties, required values, enums compared case-insensitively (the SDK sends some values in
 * another case, reference §0.11), int32 ranges, ISO-8601 durations, string maps.
 */
export type Json = Record<string, unknown>;

export const INT64_MAX = Number.MAX_SAFE_INTEGER;

const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** Collects `path: message` problems while walking a body. */
export class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(path: string, v: unknown, required: boolean, keys: readonly string[]): Json | undefined {
    if (v === undefined) {
      if (required) this.fail(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, 'must be an object');
      return undefined;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.fail(`${path}.${k}`, 'is not a property of the contract');
    return v as Json;
  }

  string(path: string, v: unknown, required = false, minLength = 0): void {
    if (v === undefined) return required ? this.fail(path, 'is required') : undefined;
    if (typeof v !== 'string' || v.length < minLength) this.fail(path, minLength ? `must be a string of at least ${minLength} characters` : 'must be a string');
  }

  enumOf(path: string, v: unknown, allowed: readonly string[], required = false): void {
    if (v === undefined) return required ? this.fail(path, 'is required') : undefined;
    if (typeof v !== 'string' || !allowed.some((a) => a.toLowerCase() === v.toLowerCase())) this.fail(path, `must be one of ${allowed.join(', ')}`);
  }

  /** An int32 by default; pass `max` INT64_MAX for an int64 (as far as a JS number holds one exactly). */
  int(path: string, v: unknown, min = -(2 ** 31), max = 2 ** 31 - 1): void {
    if (v === undefined) return;
    const kind = max > 2 ** 31 - 1 ? 'an int64' : 'an int32';
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `must be ${kind} from ${min} to ${max}`);
  }

  duration(path: string, v: unknown): void {
    if (v === undefined) return;
    if (typeof v !== 'string' || !ISO_DURATION.test(v)) this.fail(path, 'must be an ISO-8601 duration');
  }

  stringMap(path: string, v: unknown): void {
    const o = this.object(path, v, false, Object.keys((v as Json | undefined) ?? {}));
    for (const [k, x] of Object.entries(o ?? {})) if (typeof x !== 'string') this.fail(`${path}.${k}`, 'must be a string');
  }

  intMap(path: string, v: unknown): Record<string, number> {
    const o = this.object(path, v, false, Object.keys((v as Json | undefined) ?? {})) ?? {};
    for (const [k, x] of Object.entries(o)) this.int(`${path}.${k}`, x);
    return o as Record<string, number>;
  }
}

/** A TrackedResource envelope: `location` required, `tags` a string map, no other top-level keys than `keys`. */
export function tracked(c: Checker, body: unknown, keys: readonly string[]): Json | undefined {
  const b = c.object('body', body, true, keys);
  if (!b) return undefined;
  c.string('location', b.location, true, 1);
  c.stringMap('tags', b.tags);
  return b;
}
