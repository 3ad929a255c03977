/** Which resource-type handler serves a parsed resource path, and ARM's 404s when none does. */
import type { Reply } from '../http';
import type { ResourceTypeHandler } from './call';
import { armError } from './errors';
import type { ArmTarget } from './target';
import { ML_PROVIDER } from './target';

export interface FoundType {
  handler: ResourceTypeHandler;
  /** For an extension resource: the type it sits on, as the handler spells it (`Namespace/type...`). */
  parentType?: string;
}

/** The parent type a handler accepts for this target ('' for a top-level handler at top level), else undefined. */
function parentMatch(h: ResourceTypeHandler, parentType: string | undefined): string | undefined {
  if (!h.parentTypes) return parentType === undefined ? '' : undefined;
  return parentType === undefined ? undefined : h.parentTypes.find((p) => p.toLowerCase() === parentType);
}

export function findResourceType(types: ResourceTypeHandler[], t: Extract<ArmTarget, { kind: 'resource' }>, apiVersion: string): FoundType | Reply {
  const parentType = t.parent ? `${t.parent.namespace}/${t.parent.types.join('/')}`.toLowerCase() : undefined;
  for (const h of types) {
    if (h.subscriptionOnly || (h.namespace ?? ML_PROVIDER).toLowerCase() !== t.namespace.toLowerCase()) continue;
    if (h.path.length !== t.types.length || !h.path.every((p, i) => p.toLowerCase() === t.types[i].toLowerCase())) continue;
    const parent = parentMatch(h, parentType);
    if (parent !== undefined) return { handler: h, parentType: parent || undefined };
  }
  const known = types.some((h) => (h.namespace ?? ML_PROVIDER).toLowerCase() === t.namespace.toLowerCase());
  if (!known) {
    return armError(404, 'NoRegisteredProviderFound', `No registered resource provider found for namespace '${t.namespace}' (api version '${apiVersion}').`);
  }
  return armError(
    404,
    'InvalidResourceType',
    `The resource type '${t.types.join('/')}' could not be found in the namespace '${t.namespace}' for api version '${apiVersion}'.`,
  );
}
