import { inputError } from '../core/errors';
import type { Host } from '../hosts/host';
import type { InputDefinition, StepDefinition } from './definition';

const DURATION = /^(?:(\d+(?:\.\d+)?)\s*(ms|s|m|h)?|P(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?))$/i;

/** Parse "90s", "30m", "1h", "500ms", ISO "PT30M", or a bare number of minutes. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  if (m[1] !== undefined) {
    const n = Number(m[1]);
    const unit = (m[2] ?? 'm').toLowerCase();
    return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  const [h, mi, s] = [m[3], m[4], m[5]].map((x) => (x === undefined ? 0 : Number(x)));
  if (m[3] === undefined && m[4] === undefined && m[5] === undefined) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000;
}

/** Typed access to a step's inputs; every error names the input. */
export class StepInputs {
  private readonly defs: Map<string, InputDefinition>;

  constructor(
    private readonly step: StepDefinition,
    private readonly host: Host,
  ) {
    this.defs = new Map(step.inputs.map((i) => [i.name, i]));
  }

  definition(name: string): InputDefinition {
    const def = this.defs.get(name);
    if (!def) throw new Error(`step ${this.step.id} has no input '${name}'`);
    return def;
  }

  /** The raw value, or the declared default, or undefined. */
  string(name: string): string | undefined {
    const def = this.definition(name);
    const applies = !def.hosts || def.hosts.includes(this.host.kind);
    const v = applies ? this.host.getInput(def) : undefined;
    if (v !== undefined) return v;
    return def.default === undefined || def.default === '' ? undefined : def.default;
  }

  /** True when the user gave the input (not counting defaults). */
  given(name: string): boolean {
    const def = this.definition(name);
    return (!def.hosts || def.hosts.includes(this.host.kind)) && this.host.getInput(def) !== undefined;
  }

  required(name: string, why?: string): string {
    const v = this.string(name);
    if (v === undefined) {
      throw inputError(`Input '${name}' is required${why ? ` ${why}` : ''}.`, { input: name });
    }
    return v;
  }

  boolean(name: string): boolean {
    const v = this.string(name);
    if (v === undefined) return false;
    if (/^(true|yes|1|on)$/i.test(v)) return true;
    if (/^(false|no|0|off)$/i.test(v)) return false;
    throw inputError(`Input '${name}' must be true or false, got '${v}'.`, { input: name });
  }

  number(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw inputError(`Input '${name}' must be a number, got '${v}'.`, { input: name });
    return n;
  }

  choice<T extends string>(name: string): T | undefined {
    const def = this.definition(name);
    const v = this.string(name);
    if (v === undefined) return undefined;
    const match = def.options?.find((o) => o.toLowerCase() === v.toLowerCase());
    if (!match) {
      throw inputError(`Input '${name}' must be one of ${def.options?.join(', ')}; got '${v}'.`, { input: name });
    }
    return match as T;
  }

  durationMs(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const ms = parseDurationMs(v);
    if (ms === undefined || ms <= 0) {
      throw inputError(`Input '${name}' must be a duration such as 90s, 30m, 1h or PT30M; got '${v}'.`, { input: name });
    }
    return ms;
  }
}
