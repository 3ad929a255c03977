/**
 * Computes of a workspace (get; Kubernetes attach and detach) and what Kubernetes computes are attached to:
 * Arc-enabled clusters (Microsoft.Kubernetes/connectedClusters), AKS clusters
 * (Microsoft.ContainerService/managedClusters) and their extensions (Microsoft.KubernetesConfiguration/extensions),
 * each read at its own provider's api-version.
 */
import type { ArmCore } from './arm-core';
import type { LroResult } from './lro';
import { childPath, refs, workspacePath } from './refs';

/** api-versions of the other providers, pinned (each provider has its own list). */
export const CONNECTED_CLUSTER_API_VERSION = '2024-01-01';
export const MANAGED_CLUSTER_API_VERSION = '2024-05-01';
export const EXTENSIONS_API_VERSION = '2023-05-01';

/** The extension that lets Azure ML run on a cluster. */
export const AZUREML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';

export interface InstanceTypeSpec {
  nodeSelector?: Record<string, string> | null;
  resources?: { requests?: Record<string, string | null>; limits?: Record<string, string | null> };
}

export interface KubernetesComputeProperties {
  computeType: 'Kubernetes' | string;
  resourceId?: string;
  description?: string;
  computeLocation?: string;
  provisioningState?: string;
  provisioningErrors?: { error?: { code?: string; message?: string } }[] | null;
  isAttachedCompute?: boolean;
  properties?: {
    namespace?: string;
    defaultInstanceType?: string;
    instanceTypes?: Record<string, InstanceTypeSpec>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ComputeResource {
  id?: string;
  name?: string;
  location?: string;
  identity?: { type: string; userAssignedIdentities?: Record<string, unknown>; principalId?: string };
  properties: KubernetesComputeProperties;
  [key: string]: unknown;
}

export interface ComputeBody {
  location: string;
  identity?: ComputeResource['identity'];
  properties: KubernetesComputeProperties;
}

export interface ClusterResource {
  id?: string;
  name?: string;
  location?: string;
  properties?: {
    provisioningState?: string;
    /** Arc */
    connectivityStatus?: string;
    totalCoreCount?: number;
    totalNodeCount?: number;
    /** AKS */
    powerState?: { code?: string };
    agentPoolProfiles?: { name?: string; count?: number; vmSize?: string; mode?: string }[];
    kubernetesVersion?: string;
    [key: string]: unknown;
  };
}

export interface ClusterExtension {
  id?: string;
  name?: string;
  properties?: {
    extensionType?: string;
    provisioningState?: string;
    version?: string;
    configurationSettings?: Record<string, string>;
    statuses?: { code?: string; level?: string; message?: string }[];
    [key: string]: unknown;
  };
}

export type ClusterKind = 'arc' | 'aks';

// A cluster id's segments as ARM allows them (subscription GUID, resource group, cluster name), so the id can be a
// request path as it is: no '?', '#', '%', '..' or whitespace can reach the URL.
const CLUSTER_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{0,89}[-\w()]\/providers\/(Microsoft\.Kubernetes\/connectedClusters|Microsoft\.ContainerService\/managedClusters)\/[A-Za-z0-9][-_A-Za-z0-9]{0,62}$/i;

/** The kind of cluster an ARM id names, or undefined when it names neither (or has a segment ARM would not allow). */
export function clusterKind(id: string): ClusterKind | undefined {
  const m = CLUSTER_ID.exec(id);
  if (!m) return undefined;
  return m[1]!.toLowerCase().startsWith('microsoft.kubernetes') ? 'arc' : 'aks';
}

function clusterRef(id: string) {
  const parts = id.split('/');
  return { kind: clusterKind(id) === 'aks' ? 'AKS cluster' : 'Arc-enabled cluster', name: parts[parts.length - 1] ?? id, scope: `resource group '${parts[4] ?? '?'}'` };
}

export class ComputeOperations {
  constructor(private readonly core: ArmCore) {}

  private computePath(rg: string, ws: string, name: string): string {
    return childPath(workspacePath(this.core.subscriptionId, rg, ws), 'computes', name);
  }

  private computeCtx(verb: string, rg: string, ws: string, name: string) {
    return { operation: `${verb} compute '${name}'`, ref: refs.inWorkspace('compute', name, rg, ws) };
  }

  getCompute(rg: string, ws: string, name: string): Promise<ComputeResource | undefined> {
    return this.core.rawGet<ComputeResource>(this.computePath(rg, ws, name), this.computeCtx('get', rg, ws, name));
  }

  /** Attach a cluster as a Kubernetes compute (the PUT overwrites an existing compute: callers GET first). */
  attachCompute(rg: string, ws: string, name: string, body: ComputeBody): Promise<LroResult<ComputeResource>> {
    return this.core.lro<ComputeResource>('PUT', this.computePath(rg, ws, name), body, this.computeCtx('attach', rg, ws, name), 'original-uri');
  }

  /** Detach the compute; the cluster itself stays. */
  detachCompute(rg: string, ws: string, name: string): Promise<LroResult<undefined>> {
    const url = this.core.transport.url(this.computePath(rg, ws, name), this.core.apiVersion, { underlyingResourceAction: 'Detach' });
    return this.core.lroAt<undefined>('DELETE', url, undefined, this.computeCtx('detach', rg, ws, name));
  }

  /** An Arc-enabled or AKS cluster by its ARM id; undefined when it does not exist. */
  getCluster(id: string): Promise<ClusterResource | undefined> {
    const kind = clusterKind(id);
    if (!kind) throw new Error(`not a cluster id: ${id}`);
    return this.core.rawGet<ClusterResource>(id, { operation: 'read the cluster', ref: clusterRef(id) }, kind === 'arc' ? CONNECTED_CLUSTER_API_VERSION : MANAGED_CLUSTER_API_VERSION);
  }

  /** The extensions installed on a cluster. */
  listExtensions(clusterId: string): Promise<ClusterExtension[]> {
    return this.core.listAt<ClusterExtension>(
      `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions`,
      { operation: 'list the extensions of the cluster', ref: clusterRef(clusterId) },
      undefined,
      EXTENSIONS_API_VERSION,
    );
  }
}
