/**
 * The value normalisation the service applies before it stores and returns a Schedule (azureml-observed-behaviour:
 * "the service normalizes values: enum casing … windowSize"), used by the emulator (a GET returns these values)
 * and by compare.ts (desired and live are compared after it):
 *  - every contract enum to the contract's spelling, matched case-insensitively: `day` → `Day`, `monday` →
 *    `Monday`, `classification` → `Classification`, lowerCamel metric names (`normalizedWassersteinDistance`) →
 *    PascalCase; `jobInputType` keeps its lower snake_case spelling
 *    (`uri_folder`), which is how the contract spells it. Values outside an enum are left as they are (the
 *    contract check reports them). Custom signals' metric names are the component's own and stay verbatim;
 *  - window durations (`windowSize`, `windowOffset`) to the canonical form of durations.ts (`PT168H` → `P7D`);
 *  - defaults the contract defines: `isEnabled` true, `trigger.timeZone` `UTC`, TopNByAttribution `top` 10.
 * The input is not changed; a new value is returned. Non-objects are returned as they are.
 */
import type { Json } from '../common/contract-checker';
import { canonicalDuration } from './durations';
import { ENUM_OF_KEY, canonical } from './enums';

const WINDOW_KEYS = new Set(['windowSize', 'windowOffset']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function enumValue(key: string, v: unknown): unknown {
  const allowed = ENUM_OF_KEY[key];
  if (!allowed) return v;
  if (typeof v === 'string') return canonical(v, allowed) ?? v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? canonical(x, allowed) ?? x : x));
  return v;
}

function walk(v: unknown, custom: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, custom));
  if (!isObject(v)) return v;
  const isCustom = custom || (typeof v.signalType === 'string' && v.signalType.toLowerCase() === 'custom');
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (WINDOW_KEYS.has(k) && typeof x === 'string') out[k] = canonicalDuration(x);
    else if (k === 'metric' && isCustom) out[k] = x;
    else out[k] = isObject(x) || (Array.isArray(x) && x.some(isObject)) ? walk(x, isCustom && k !== 'inputAssets') : enumValue(k, x);
  }
  if (typeof out.filterType === 'string' && out.filterType === 'TopNByAttribution' && out.top === undefined) out.top = 10;
  return out;
}

/** The schedule body (or GET reply) as the service stores it; see the module comment for the rules. */
export function normalizeSchedule<T>(body: T): T {
  if (!isObject(body)) return body;
  const out = walk(body, false) as Json;
  const props = out.properties;
  if (!isObject(props)) return out as T;
  if (props.isEnabled === undefined) props.isEnabled = true;
  if (isObject(props.trigger) && props.trigger.timeZone === undefined) props.trigger.timeZone = 'UTC';
  return out as T;
}
