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
    }
  | { kind: 'provider'; subscriptionId: string; resourceGroup?: string; namespace: string; rest: string[] }
  | { kind: 'unknown'; subscriptionId?: string };

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
  const odd = rest.length % 2 === 1;
  let action: string | undefined;
  let parts = rest;
  if (odd && method === 'POST' && rest.length >= 3) {
    action = rest[rest.length - 1];
    parts = rest.slice(0, -1);
  }
  const types: string[] = [];
  const names: string[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    types.push(parts[k]);
    if (k + 1 < parts.length) names.push(parts[k + 1]);
  }
  return { kind: 'resource', subscriptionId, resourceGroup, namespace, types, names, collection: names.length < types.length, action };
}

export function rgId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** Resource id built from canonical type names and the given names (for collections: the parent id + type). */
export function resourceId(subscriptionId: string, resourceGroup: string, namespace: string, types: string[], names: string[]): string {
  let id = `${rgId(subscriptionId, resourceGroup)}/providers/${namespace}`;
  types.forEach((t, k) => {
    id += `/${t}`;
    if (k < names.length) id += `/${names[k]}`;
  });
  return id;
}
