/** Parses an ARM request path into what it addresses. */

export const ML_PROVIDER = 'Microsoft.MachineLearningServices';

export type ArmTarget =
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'resourceGroups'; subscriptionId: string }
  | { kind: 'resourceGroup'; subscriptionId: string; resourceGroup: string }
  | {
      kind: 'operation';
      subscriptionId: string;
      location: string;
      pollKind: 'mfeOperationsStatus' | 'mfeOperationResults';
      token: string;
    }
  | {
      kind: 'resource';
      subscriptionId: string;
      namespace: string;
      resourceGroup: string;
      /** Type segments, e.g. ['workspaces', 'models', 'versions'] (as sent). */
      types: string[];
      /** Names along the path, one per type segment except for a collection's last type. */
      names: string[];
      /** Addresses the collection of the last type (list / nothing else). */
      collection: boolean;
      /** For POST .../{name}/{action}: the action. */
      action?: string;
      /**
       * For an extension resource (`{parentId}/providers/{namespace}/{type}/{name}`, e.g. a cluster's
       * Microsoft.KubernetesConfiguration/extensions): the resource it sits on.
       */
      parent?: ArmParent;
    }
  | { kind: 'provider'; subscriptionId: string; resourceGroup?: string; namespace: string; rest: string[] }
  | { kind: 'unknown'; subscriptionId?: string };

/** The resource an extension resource is addressed under (types and names as sent). */
export interface ArmParent {
  namespace: string;
  types: string[];
  names: string[];
}

/** Type and name segments after a namespace; an odd POST path of 3+ segments ends with an action. */
function typesAndNames(rest: string[], method: string): { types: string[]; names: string[]; collection: boolean; action?: string } {
  let action: string | undefined;
  let parts = rest;
  if (rest.length % 2 === 1 && method === 'POST' && rest.length >= 3) {
    action = rest[rest.length - 1];
    parts = rest.slice(0, -1);
  }
  const types: string[] = [];
  const names: string[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    types.push(parts[k]);
    if (k + 1 < parts.length) names.push(parts[k + 1]);
  }
  return { types, names, collection: names.length < types.length, action };
}

/** Index of a nested `providers` segment: at a type position after one whole resource (type/name pairs). */
function nestedProviders(rest: string[]): number {
  for (let k = 2; k + 1 < rest.length; k += 2) if (rest[k].toLowerCase() === 'providers') return k;
  return -1;
}

export function parseArmPath(pathname: string, method: string): ArmTarget {
  const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (seg[0]?.toLowerCase() !== 'subscriptions' || !seg[1]) return { kind: 'unknown' };
  const subscriptionId = seg[1];
  if (seg.length === 2) return { kind: 'subscription', subscriptionId };
  let i = 2;
  let resourceGroup: string | undefined;
  if (seg[i]?.toLowerCase() === 'resourcegroups') {
    if (seg.length === 3) return { kind: 'resourceGroups', subscriptionId };
    resourceGroup = seg[i + 1];
    i += 2;
    if (seg.length === i) return { kind: 'resourceGroup', subscriptionId, resourceGroup };
  }
  if (seg[i]?.toLowerCase() !== 'providers' || !seg[i + 1]) return { kind: 'unknown', subscriptionId };
  const namespace = seg[i + 1];
  const rest = seg.slice(i + 2);
  if (!resourceGroup) {
    const pk = rest[2]?.toLowerCase();
    const isMl = namespace.toLowerCase() === ML_PROVIDER.toLowerCase();
    if (isMl && rest.length === 4 && rest[0].toLowerCase() === 'locations' && (pk === 'mfeoperationsstatus' || pk === 'mfeoperationresults')) {
      return {
        kind: 'operation',
        subscriptionId,
        location: rest[1],
        pollKind: pk === 'mfeoperationsstatus' ? 'mfeOperationsStatus' : 'mfeOperationResults',
        token: rest[3],
      };
    }
    return { kind: 'provider', subscriptionId, namespace, rest };
  }
  if (rest.length === 0) return { kind: 'provider', subscriptionId, resourceGroup, namespace, rest };
  const k = nestedProviders(rest);
  if (k >= 0) {
    const inner = rest.slice(k + 2);
    const parent = typesAndNames(rest.slice(0, k), 'GET');
    if (inner.length === 0) return { kind: 'provider', subscriptionId, resourceGroup, namespace: rest[k + 1], rest: inner };
    return {
      kind: 'resource',
      subscriptionId,
      resourceGroup,
      namespace: rest[k + 1],
      ...typesAndNames(inner, method),
      parent: { namespace, types: parent.types, names: parent.names },
    };
  }
  return { kind: 'resource', subscriptionId, resourceGroup, namespace, ...typesAndNames(rest, method) };
}

export function rgId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/**
 * Resource id built from canonical type names and the given names (for collections: the parent id + type); under
 * `scope` (a resource id) for an extension resource.
 */
export function resourceId(subscriptionId: string, resourceGroup: string, namespace: string, types: string[], names: string[], scope?: string): string {
  let id = `${scope ?? rgId(subscriptionId, resourceGroup)}/providers/${namespace}`;
  types.forEach((t, k) => {
    id += `/${t}`;
    if (k < names.length) id += `/${names[k]}`;
  });
  return id;
}
