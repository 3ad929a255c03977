/**
 * What differs between a desired resource body and the live one, comparing only what the desired body says (the
 * service adds read-only and default values), except in maps whose keys the user names (`closedMaps`: a key live
 * but not desired is a difference too). ARM ids compare case-insensitively; lists of objects compare item by item.
 * Each difference is `path: live → desired`.
 */
type Json = Record<string, unknown>;

const MAX_TEXT = 160;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return `[${v.map(show).join(', ')}]`;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  if (text.length <= MAX_TEXT) return text;
  // An ARM id differs at its end (the deployment, the version): keep that part.
  const id = /\/workspaces\/.*$/i.exec(text);
  if (text.startsWith('/subscriptions/') && id && id[0].length < MAX_TEXT) return `…${id[0]}`;
  return `${text.slice(0, MAX_TEXT - 1)}…`;
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

function diff(desired: unknown, live: unknown, path: string, closed: ReadonlySet<string>, out: string[]): void {
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push(`${path}: ${show(live)} → ${show(desired)}`);
      return;
    }
    for (const [k, v] of Object.entries(desired)) {
      if (v !== undefined) diff(v, live[k], path ? `${path}.${k}` : k, closed, out);
    }
    if (closed.has(path)) for (const k of Object.keys(live)) if (!(k in desired)) out.push(`${path}.${k}: ${show(live[k])} → (removed)`);
    return;
  }
  if (Array.isArray(desired) && Array.isArray(live) && desired.length === live.length && desired.every(isObject)) {
    desired.forEach((d, i) => diff(d, live[i], `${path}[${i}]`, closed, out));
    return;
  }
  if (!same(desired, live)) out.push(`${path}: ${show(live)} → ${show(desired)}`);
}

export function subsetDifferences(desired: unknown, live: unknown, closedMaps: readonly string[] = []): string[] {
  const out: string[] = [];
  diff(desired, live ?? {}, '', new Set(closedMaps), out);
  return out;
}
