/**
 * The Kubernetes clusters Azure ML attaches: Azure Arc-enabled clusters (`Microsoft.Kubernetes/connectedClusters`)
 * and AKS clusters (`Microsoft.ContainerService/managedClusters`). Read-only from the ARM side (GET, list by
 * resource group, list by subscription): the emulator's clusters are created by seeding, never by a step. Each
 * provider has its own api-versions.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { gatewayError } from './errors';
import { page } from './resource-helpers';
import { render } from './render';
import { rgId } from './target';

export const CONNECTED_NAMESPACE = 'Microsoft.Kubernetes';
export const MANAGED_NAMESPACE = 'Microsoft.ContainerService';
export const CONNECTED_TYPE = `${CONNECTED_NAMESPACE}/connectedClusters`;
export const MANAGED_TYPE = `${MANAGED_NAMESPACE}/managedClusters`;

export const CONNECTED_API_VERSIONS = ['2021-10-01', '2022-10-01-preview', '2024-01-01', '2024-07-15-preview'];
export const MANAGED_API_VERSIONS = ['2023-10-01', '2024-05-01', '2024-09-01', '2025-01-01'];

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/{Microsoft.Kubernetes/connectedClusters | Microsoft.ContainerService/managedClusters}/{name}` */
const CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.Kubernetes\/connectedClusters|Microsoft\.ContainerService\/managedClusters)\/([^/]+)$/i;
/** Any resource id under a resource group (to tell "another type" from "not an ARM id"). */
const ANY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+(\/.*)?$/i;

export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  /** CONNECTED_TYPE or MANAGED_TYPE. */
  type: string;
  name: string;
  /** Canonical id. */
  id: string;
}

/** Parses a cluster id: a ClusterRef, 'other-type' for an ARM id of another type, or undefined when not an ARM id. */
export function parseClusterId(id: string): ClusterRef | 'other-type' | undefined {
  const m = CLUSTER_ID.exec(id.trim());
  if (!m) return ANY_ID.test(id.trim()) ? 'other-type' : undefined;
  const type = m[3].toLowerCase().startsWith('microsoft.kubernetes/') ? CONNECTED_TYPE : MANAGED_TYPE;
  return { subscriptionId: m[1], resourceGroup: m[2], type, name: m[4], id: `${rgId(m[1], m[2])}/providers/${type}/${m[4]}` };
}

export function isClusterType(type: string): boolean {
  return type === CONNECTED_TYPE || type === MANAGED_TYPE;
}

export function clusters(state: Readonly<ArmState>): StoredResource[] {
  return Object.values(state.resources)
    .filter((r) => isClusterType(r.type))
    .sort((a, b) => a.createdSeq - b.createdSeq);
}

/** A cluster named by its id (case-insensitive) or, when unique, by its bare name. */
export function findCluster(state: Readonly<ArmState>, idOrName: string): StoredResource | undefined {
  if (idOrName.includes('/')) return state.resources[idOrName.trim().replace(/\/+$/, '').toLowerCase()];
  const hits = clusters(state).filter((c) => c.id.slice(c.id.lastIndexOf('/') + 1).toLowerCase() === idOrName.toLowerCase());
  return hits.length === 1 ? hits[0] : undefined;
}

function clusterNotFound(c: ArmCall, typeName: string): Reply {
  return gatewayError(
    404,
    'ResourceNotFound',
    `The Resource '${typeName}/${c.names[0]}' under resource group '${c.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** AKS answers with its own spelling of the type. */
function renderCluster(res: StoredResource): Json {
  const out = render(res);
  if (res.type === MANAGED_TYPE) out.type = 'Microsoft.ContainerService/ManagedClusters';
  return out;
}

function ofType(state: ArmState, type: string, prefix: string): StoredResource[] {
  return clusters(state).filter((r) => r.type === type && r.id.toLowerCase().startsWith(prefix.toLowerCase()));
}

function handlers(namespace: string, typeName: string, apiVersions: string[]): ResourceTypeHandler {
  const type = `${namespace}/${typeName}`;
  return {
    namespace,
    path: [typeName],
    apiVersions,
    get: (c) => {
      const res = c.state.resources[c.id.toLowerCase()];
      return res && res.type === type ? { status: 200, body: renderCluster(res) } : clusterNotFound(c, type);
    },
    list: (c) => page(c, ofType(c.state, type, `${rgId(c.subscriptionId, c.resourceGroup)}/`).map(renderCluster)),
    listBySubscription: (c) => page(c, ofType(c.state, type, `/subscriptions/${c.subscriptionId}/`).map(renderCluster)),
  };
}

export const connectedClusterHandlers = handlers(CONNECTED_NAMESPACE, 'connectedClusters', CONNECTED_API_VERSIONS);
export const managedClusterHandlers = handlers(MANAGED_NAMESPACE, 'managedClusters', MANAGED_API_VERSIONS);
