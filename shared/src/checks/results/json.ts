/**
 * The JSON result file: the StagingResult as is, written so that the same result gives the same bytes on every
 * host. Known keys come in a fixed order (the order of the types), keys this file does not know (an optional field
 * added later) follow in code-point order, and `facts` keep the order they were recorded in (they are data, shown
 * in that order). Absent optional fields are left out; NaN and ±Infinity, which JSON cannot hold, are null.
 * Two-space indent and a final newline.
 */
import type { CheckOutcome, ResultRow, StagingResult } from './types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TOP: readonly (keyof StagingResult)[] = ['schemaVersion', 'verdict', 'policy', 'target', 'checks'];
const POLICY: readonly (keyof StagingResult['policy'])[] = ['file', 'version'];
const TARGET: readonly (keyof StagingResult['target'])[] = ['endpoint', 'deployment', 'champion'];
const CHECK: readonly (keyof CheckOutcome)[] = ['name', 'type', 'severity', 'status', 'headline', 'error', 'durationMs', 'facts', 'rows', 'extra'];
const ROW: readonly (keyof ResultRow)[] = ['subject', 'metric', 'measured', 'expected', 'status', 'detail', 'value'];
const EXTRA: readonly (keyof NonNullable<CheckOutcome['extra']>)[] = ['mermaid', 'table'];

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Any value as JSON, objects with their keys in code-point order. */
function sorted(value: unknown): Json | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => sorted(v) ?? null);
  return ordered(value as Record<string, unknown>, [], sorted);
}

/** `known` keys first, in that order, then the others sorted; undefined values left out. */
function ordered(
  obj: Record<string, unknown>,
  known: readonly string[],
  each: (key: string, value: unknown) => Json | undefined = (_k, v) => sorted(v),
): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const rest = Object.keys(obj)
    .filter((k) => !known.includes(k))
    .sort(byCodePoint);
  for (const k of [...known, ...rest]) {
    const v = k in obj ? each(k, obj[k]) : undefined;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Facts keep their recorded order. */
function inOrder(obj: unknown): Json | undefined {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return sorted(obj);
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(obj)) {
    const j = sorted(v);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

const asObject = (v: unknown, keys: readonly string[], each?: (key: string, value: unknown) => Json | undefined): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? ordered(v as Record<string, unknown>, keys, each) : sorted(v);

function checkJson(key: string, value: unknown): Json | undefined {
  if (key === 'facts') return inOrder(value);
  if (key === 'extra') return asObject(value, EXTRA);
  if (key === 'rows' && Array.isArray(value)) return value.map((r) => asObject(r, ROW) ?? null);
  return sorted(value);
}

function topJson(key: string, value: unknown): Json | undefined {
  if (key === 'policy') return asObject(value, POLICY);
  if (key === 'target') return asObject(value, TARGET);
  if (key === 'checks' && Array.isArray(value)) return value.map((c) => asObject(c, CHECK, checkJson) ?? null);
  return sorted(value);
}

export function resultJson(r: StagingResult): string {
  return `${JSON.stringify(ordered(r as unknown as Record<string, unknown>, TOP, topJson), null, 2)}\n`;
}
