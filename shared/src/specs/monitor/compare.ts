/**
 * What differs between the schedule asked for and the one live, after both are normalised as the service
 * normalises (enum spelling, window durations, defaults), so that a rerun with the same inputs sees no difference
 * and writes nothing. Only what the desired body says is compared (the service adds read-only and default values),
 * except the user-named maps whose entries can be taken away: signals and tags the desired body no longer has are
 * differences too. ARM ids compare case-insensitively. Each difference is `path: live → desired`.
 */
import type { Json } from '../common/contract-checker';
import { normalizeSchedule } from './normalize';
import type { ScheduleBody } from './types';

/** Maps whose keys the user names: a key live but not desired is a difference. */
const CLOSED_MAPS = new Set(['action.monitorDefinition.signals']);
const MAX_TEXT = 160;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && a.startsWith('/subscriptions/')) return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same(a[k] ?? null, b[k] ?? null));
  }
  return a === b || ((a === undefined || a === null) && (b === undefined || b === null));
}

function diff(desired: unknown, live: unknown, path: string, out: string[]): void {
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push(`${path}: ${show(live)} → ${show(desired)}`);
      return;
    }
    for (const [k, v] of Object.entries(desired)) {
      if (v === undefined) continue;
      diff(v, live[k], path ? `${path}.${k}` : k, out);
    }
    if (CLOSED_MAPS.has(path) || path === 'tags') {
      for (const k of Object.keys(live)) if (!(k in desired)) out.push(`${path}.${k}: ${show(live[k])} → (removed)`);
    }
    return;
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length && desired.every(isObject)) {
    desired.forEach((d, i) => diff(d, live[i], `${path}[${i}]`, out));
    return;
  }
  if (!same(desired, live)) out.push(`${path}: ${show(live)} → ${show(desired)}`);
}

/** The differences, `path: live → desired` (paths below `properties`), empty when the live schedule is as desired. */
export function scheduleDifferences(desired: ScheduleBody, live: unknown): string[] {
  const d = normalizeSchedule(desired).properties as Json;
  const l = isObject(live) && isObject(live.properties) ? (normalizeSchedule(live) as Json).properties : undefined;
  const out: string[] = [];
  const { provisioningState: _ignored, ...wanted } = d;
  diff(wanted, l ?? {}, '', out);
  return out;
}
