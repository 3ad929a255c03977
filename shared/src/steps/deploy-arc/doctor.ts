/**
 * deploy-arc's doctor, before any write: the instance type is one the compute offers, and the cluster has the CPU
 * for this deployment beside the others on the endpoint (from the cluster's reported cores where it reports them).
 */
import type { AzureMlClient } from '../../azureml/client';
import type { OnlineDeploymentBody } from '../../azureml/online';
import type { OnlineDeployment } from '../../azureml/resources';
import type { ClusterResource, InstanceTypeSpec } from '../../azureml/computes';
import { clusterKind } from '../../azureml/computes';
import type { Finding } from '../../online';
import { formatQuantity, parseCpu } from '../../online/kubernetes-quantity';
import type { ComputePlan } from './compute';

/** The instance type the deployment names, resolved against the compute's (case-insensitively). */
export function resolveInstanceType(compute: ComputePlan, body: OnlineDeploymentBody): { name?: string; finding?: Finding } {
  const wanted = body.properties.instanceType ?? compute.defaultInstanceType;
  const names = Object.keys(compute.instanceTypes);
  const name = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (name) return { name };
  return {
    finding: {
      input: 'instance-type',
      problem: `Instance type '${wanted}' is not offered by compute '${compute.name}'; it offers ${names.join(', ')}.`,
      fix: "Use one of those, or add it to the compute's instance types (instance-types with attach: true).",
    },
  };
}

/** How many instances a deployment runs at most (TargetUtilization scales up to maxInstances). */
function instancesOf(d: { sku?: { capacity?: number }; properties: { scaleSettings?: { scaleType?: string; maxInstances?: unknown } } }): number {
  const s = d.properties.scaleSettings;
  if (s?.scaleType === 'TargetUtilization' && typeof s.maxInstances === 'number') return s.maxInstances;
  return d.sku?.capacity ?? 1;
}

function cpuOf(d: { properties: Record<string, unknown> }, types: Record<string, InstanceTypeSpec>): number {
  const own = (d.properties.containerResourceRequirements as { containerResourceRequests?: { cpu?: string } } | undefined)?.containerResourceRequests?.cpu;
  const type = Object.entries(types).find(([n]) => n.toLowerCase() === String(d.properties.instanceType ?? '').toLowerCase())?.[1];
  const cpu = own ?? type?.resources?.requests?.cpu ?? undefined;
  return cpu ? (parseCpu(cpu) ?? 0) : 0;
}

/** The cluster's cores: Arc reports them; for AKS, the agent pools' VM sizes in the workspace's region. */
async function clusterCores(client: AzureMlClient, location: string, cluster: ClusterResource | undefined, id: string | undefined): Promise<number | undefined> {
  const p = cluster?.properties;
  if (!p || !id) return undefined;
  if (clusterKind(id) === 'arc') return typeof p.totalCoreCount === 'number' ? p.totalCoreCount : undefined;
  const pools = p.agentPoolProfiles ?? [];
  if (pools.length === 0) return undefined;
  const sizes = await client.assets.listVmSizes(location);
  let total = 0;
  for (const pool of pools) {
    const size = sizes.find((s) => s.name.toLowerCase() === String(pool.vmSize).toLowerCase());
    if (!size?.vCPUs) return undefined;
    total += size.vCPUs * (pool.count ?? 0);
  }
  return total;
}

export interface CapacitySubject {
  location: string;
  compute: ComputePlan;
  deploymentName: string;
  body: OnlineDeploymentBody;
  deployments: OnlineDeployment[];
}

export async function capacityFindings(client: AzureMlClient, s: CapacitySubject): Promise<Finding[]> {
  if (!s.compute.clusterId) return [];
  const cluster = await client.computes.getCluster(s.compute.clusterId).catch(() => undefined);
  const cores = await clusterCores(client, s.location, cluster, s.compute.clusterId);
  if (cores === undefined) return [];
  const types = s.compute.instanceTypes;
  const need = cpuOf(s.body as never, types) * instancesOf(s.body as never);
  // Blue and green run side by side during the rollout; a deployment updated in place releases what it holds.
  const others = s.deployments.filter((d) => d.name?.toLowerCase() !== s.deploymentName.toLowerCase()).reduce((sum, d) => sum + cpuOf(d as never, types) * instancesOf(d as never), 0);
  if (need + others <= cores) return [];
  return [
    {
      input: 'instance-count',
      quota: true,
      problem: `The deployment requests ${formatQuantity('cpu', need)} of CPU beside ${formatQuantity('cpu', others)} for the endpoint's other deployments, and the cluster has ${formatQuantity('cpu', cores)} in all.`,
      fix: 'Use a smaller instance type or instance-count, add nodes to the cluster, or delete deployments that no longer take traffic.',
    },
  ];
}
