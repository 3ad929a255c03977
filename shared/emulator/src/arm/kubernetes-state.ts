/**
 * What the emulator knows about its Kubernetes clusters beside their ARM resources (under `kubernetes` in the
 * state document): the allocatable capacity each cluster offers Azure ML workloads, and the seeding of the
 * default clusters.
 *
 * Allocatable capacity is derived from the cluster resource unless the control surface overrode it:
 *   - connected (Arc) clusters: cpu = properties.totalCoreCount, memory = 4 GiB per core, no GPUs;
 *   - managed (AKS) clusters: the sum over agentPoolProfiles of count × the VM size's vCPUs / memory / GPUs.
 * So the seeded `arc-demo` (3 nodes, 12 cores) offers cpu 12 / 48 GiB and `aks-demo` (3 × Standard_DS3_v2) offers
 * cpu 12 / 42 GiB.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ArmState, Json, StoredResource } from '../state/model';
import { key } from '../state/model';
import { isObject } from '../http';
import { propertiesOf, putResource } from './resource-helpers';
import { rgId } from './target';
import { vmSize } from './vm-sizes';
import { CONNECTED_TYPE, MANAGED_TYPE } from './kubernetes-clusters';
import { setAzureMlExtension } from './kubernetes-extensions';

export const DEFAULT_ARC_CLUSTER = 'arc-demo';
export const DEFAULT_AKS_CLUSTER = 'aks-demo';
/** Memory per core the emulator assumes for an Arc cluster (which reports cores, not memory). */
export const ARC_MEMORY_GI_PER_CORE = 4;

export interface Capacity {
  /** Cores. */
  cpu: number;
  memoryGi: number;
  gpu: number;
}

export interface KubernetesExtension {
  /** Capacity overrides, keyed by lower-case cluster id. */
  capacity: Record<string, Capacity>;
}

export function kubernetes(state: ArmState): KubernetesExtension {
  const s = state as ArmState & { kubernetes?: KubernetesExtension };
  s.kubernetes ??= { capacity: {} };
  s.kubernetes.capacity ??= {};
  return s.kubernetes;
}

function peek(state: Readonly<ArmState>): KubernetesExtension | undefined {
  return (state as ArmState & { kubernetes?: KubernetesExtension }).kubernetes;
}

/** True once the default clusters were seeded (a state written before clusters existed gets them on start). */
export function kubernetesSeeded(state: Readonly<ArmState>): boolean {
  return peek(state) !== undefined;
}

export function derivedCapacity(cluster: StoredResource): Capacity {
  const p = propertiesOf(cluster.body);
  if (cluster.type === CONNECTED_TYPE) {
    const cores = typeof p.totalCoreCount === 'number' ? p.totalCoreCount : 0;
    return { cpu: cores, memoryGi: cores * ARC_MEMORY_GI_PER_CORE, gpu: 0 };
  }
  const total: Capacity = { cpu: 0, memoryGi: 0, gpu: 0 };
  for (const pool of Array.isArray(p.agentPoolProfiles) ? p.agentPoolProfiles : []) {
    if (!isObject(pool)) continue;
    const size = vmSize(String(pool.vmSize ?? ''));
    const count = typeof pool.count === 'number' ? pool.count : 0;
    if (!size) continue;
    total.cpu += count * size.vCPUs;
    total.memoryGi += count * size.memoryGB;
    total.gpu += count * size.gpus;
  }
  return total;
}

export function allocatable(state: Readonly<ArmState>, cluster: StoredResource): Capacity {
  return peek(state)?.capacity[key(cluster.id)] ?? derivedCapacity(cluster);
}

export function nodeCount(cluster: StoredResource): number {
  const p = propertiesOf(cluster.body);
  if (typeof p.totalNodeCount === 'number') return p.totalNodeCount;
  const pools = Array.isArray(p.agentPoolProfiles) ? p.agentPoolProfiles : [];
  return pools.reduce((n: number, pool) => n + (isObject(pool) && typeof pool.count === 'number' ? pool.count : 0), 0);
}

export interface ClusterSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tenantId: string;
  now: number;
}

function systemData(now: number): Json {
  const at = new Date(now).toISOString();
  return { createdAt: at, createdBy: 'aml-lifecycle-emulator', createdByType: 'Application', lastModifiedAt: at, lastModifiedBy: 'aml-lifecycle-emulator', lastModifiedByType: 'Application' };
}

/** An Arc-enabled cluster of `nodes` nodes with `cores` cores in all. */
export function addConnectedCluster(state: ArmState, s: ClusterSeed, nodes = 3, cores = 12): StoredResource {
  const id = `${rgId(s.subscriptionId, s.resourceGroup)}/providers/${CONNECTED_TYPE}/${s.name}`;
  const at = new Date(s.now).toISOString();
  return putResource(state, {
    id,
    type: CONNECTED_TYPE,
    body: {
      location: s.location,
      tags: {},
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: s.tenantId },
      systemData: systemData(s.now),
      properties: {
        agentPublicKeyCertificate: randomBytes(48).toString('base64'),
        kubernetesVersion: '1.29.4',
        totalNodeCount: nodes,
        totalCoreCount: cores,
        agentVersion: '1.18.3',
        provisioningState: 'Succeeded',
        connectivityStatus: 'Connected',
        lastConnectivityTime: at,
        managedIdentityCertificateExpirationTime: new Date(s.now + 90 * 86400000).toISOString(),
        distribution: 'k3s',
        distributionVersion: null,
        infrastructure: 'generic',
        offering: null,
        privateLinkState: 'Disabled',
        azureHybridBenefit: 'NotApplicable',
      },
    },
  });
}

/** An AKS cluster with one system pool of `count` × `vmSizeName`. */
export function addManagedCluster(state: ArmState, s: ClusterSeed, count = 3, vmSizeName = 'Standard_DS3_v2'): StoredResource {
  const id = `${rgId(s.subscriptionId, s.resourceGroup)}/providers/${MANAGED_TYPE}/${s.name}`;
  const dnsPrefix = `${s.name}-dns`;
  const version = '1.29.7';
  return putResource(state, {
    id,
    type: MANAGED_TYPE,
    body: {
      location: s.location,
      tags: {},
      sku: { name: 'Base', tier: 'Free' },
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: s.tenantId },
      systemData: systemData(s.now),
      properties: {
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        kubernetesVersion: version,
        currentKubernetesVersion: version,
        dnsPrefix,
        fqdn: `${dnsPrefix}-${randomBytes(4).toString('hex')}.hcp.${s.location}.azmk8s.io`,
        agentPoolProfiles: [
          {
            name: 'nodepool1',
            count,
            vmSize: vmSizeName,
            osDiskSizeGB: 128,
            osType: 'Linux',
            mode: 'System',
            type: 'VirtualMachineScaleSets',
            orchestratorVersion: version,
            maxPods: 110,
            provisioningState: 'Succeeded',
            powerState: { code: 'Running' },
          },
        ],
        nodeResourceGroup: `MC_${s.resourceGroup}_${s.name}_${s.location}`,
        enableRBAC: true,
        networkProfile: { networkPlugin: 'azure', loadBalancerSku: 'standard', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10' },
      },
    },
  });
}

/** The default clusters: `arc-demo` (Arc, 3 nodes, 12 cores) and `aks-demo` (AKS, 3 × Standard_DS3_v2), each with a healthy `azureml` extension with inference enabled. */
export function seedDefaultClusters(state: ArmState, seed: Omit<ClusterSeed, 'name'>): void {
  const arc = addConnectedCluster(state, { ...seed, name: DEFAULT_ARC_CLUSTER });
  const aks = addManagedCluster(state, { ...seed, name: DEFAULT_AKS_CLUSTER });
  for (const c of [arc, aks]) setAzureMlExtension(state, c, 'healthy', seed.tenantId, seed.now);
  kubernetes(state);
}
