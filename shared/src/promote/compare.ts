import { ALIAS_TAG_PREFIX } from '../promote/aliases';
import { PROMOTED_TO_PREFIX } from '../promote/lineage';
import type { ModelVersionBody } from '../specs/model-spec';

/** Tags aml-lifecycle itself manages on a version (aliases, promotion markers): not the user's metadata. */
const MANAGED_TAG_PREFIXES = [ALIAS_TAG_PREFIX, PROMOTED_TO_PREFIX];

export function isManagedTag(key: string): boolean {
  return MANAGED_TAG_PREFIXES.some((p) => key.startsWith(p));
}

function userTags(tags: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !isManagedTag(k)));
}

/** The live version's managed tags, to keep when its metadata is rewritten. */
export function managedTags(tags: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => isManagedTag(k)));
}

/** What the service holds for a model version (the parts we compare). */
export interface LiveModelVersion {
  properties?: {
    modelUri?: string;
    modelType?: string;
    description?: string | null;
    tags?: Record<string, string> | null;
    properties?: Record<string, string> | null;
    flavors?: Record<string, { data?: Record<string, string> | null }> | null;
    stage?: string | null;
  };
}

export type VersionDecision =
  | { action: 'unchanged' }
  | { action: 'update'; changed: string[] }
  | { action: 'conflict'; reason: string };

/** azureml:// URIs differ in casing of fixed segments (resourcegroups/resourceGroups) and trailing slashes. */
export function sameModelUri(a: string | undefined, b: string | undefined): boolean {
  const norm = (u: string | undefined) =>
    (u ?? '')
      .trim()
      .replace(/\/+$/, '')
      .replace(/\/(subscriptions|resourcegroups|workspaces|datastores|paths)\//gi, (m) => m.toLowerCase());
  return norm(a) === norm(b);
}

function sameMap(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): boolean {
  return JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
}

/**
 * Decide what a PUT of `desired` over the live version would do. Asset versions are immutable in their content
 * (modelUri, type) and properties can only be added; description, tags and stage may change.
 */
export function compareModelVersion(desired: ModelVersionBody, live: LiveModelVersion): VersionDecision {
  const d = desired.properties;
  const l = live.properties ?? {};
  if (!sameModelUri(d.modelUri, l.modelUri)) {
    return { action: 'conflict', reason: `it points at ${l.modelUri ?? '(nothing)'}, not at ${d.modelUri}` };
  }
  if ((l.modelType ?? 'custom_model').toLowerCase() !== d.modelType.toLowerCase()) {
    return { action: 'conflict', reason: `its type is ${l.modelType}, not ${d.modelType}` };
  }
  const liveProps = l.properties ?? {};
  for (const [k, v] of Object.entries(d.properties)) {
    if (k in liveProps && liveProps[k] !== v) {
      return { action: 'conflict', reason: `its property '${k}' is '${liveProps[k]}', not '${v}' (properties cannot change)` };
    }
  }
  const changed: string[] = [];
  if ((d.description ?? '') !== (l.description ?? '')) changed.push('description');
  if (!sameMap(userTags(d.tags), userTags(l.tags))) changed.push('tags');
  if (Object.keys(d.properties).some((k) => !(k in liveProps))) changed.push('properties');
  if (d.stage !== undefined && d.stage !== (l.stage ?? undefined)) changed.push('stage');
  if (d.flavors !== undefined) {
    const lf = Object.fromEntries(Object.entries(l.flavors ?? {}).map(([k, v]) => [k, JSON.stringify(Object.entries(v?.data ?? {}).sort())]));
    const df = Object.fromEntries(Object.entries(d.flavors).map(([k, v]) => [k, JSON.stringify(Object.entries(v.data).sort())]));
    if (!sameMap(df, lf)) changed.push('flavors');
  }
  return changed.length ? { action: 'update', changed } : { action: 'unchanged' };
}
