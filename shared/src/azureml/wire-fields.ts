/**
 * Compare what a caller meant to send with what the SDK's 2022-10-01 serializer would send, to find the fields
 * its mappers silently drop (e.g. ModelVersion `stage`, `datasets`, `intellectualProperty`).
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths present in `intended` but missing or different in `serialized`. */
export function droppedPaths(intended: unknown, serialized: unknown, path = ''): string[] {
  if (intended === undefined) return [];
  if (isObject(intended)) {
    if (!isObject(serialized)) return [path || '(body)'];
    return Object.keys(intended).flatMap((key) =>
      droppedPaths(intended[key], serialized[key], path ? `${path}.${key}` : key),
    );
  }
  if (Array.isArray(intended)) {
    if (!Array.isArray(serialized) || serialized.length !== intended.length) return [path];
    return intended.flatMap((item, i) => droppedPaths(item, serialized[i], `${path}[${i}]`));
  }
  return Object.is(intended, serialized) ? [] : [path];
}
