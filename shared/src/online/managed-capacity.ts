/**
 * The managed-endpoint part of the doctor: the VM size offered in the region, and the vCPU quota of its family and
 * of the region with room for this deployment (blue and green together, with the upgrade reserve).
 */
import type { AzureMlClient } from '../azureml/client';
import type { OnlineDeployment } from '../azureml/resources';
import type { Finding } from './doctor';

export interface ManagedCapacitySubject {
  location: string;
  deployments: OnlineDeployment[];
  /** The deployment being written (replace updates it in place and releases what it holds). */
  deploymentName: string;
  instanceType: string;
  instanceCount: number;
}

/** Managed endpoints reserve 20% extra instances for upgrades (the quota message's "Additional needed"). */
export function reservedInstances(count: number): number {
  return Math.ceil(count * 1.2);
}

export async function managedCapacityFindings(client: AzureMlClient, s: ManagedCapacitySubject): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sizes = await client.assets.listVmSizes(s.location);
  const size = sizes.find((v) => v.name.toLowerCase() === s.instanceType.toLowerCase());
  if (!size) {
    const near = sizes
      .map((v) => v.name)
      .filter((n) => n.toLowerCase().split('_')[1]?.[0] === s.instanceType.toLowerCase().split('_')[1]?.[0])
      .slice(0, 8);
    findings.push({
      input: 'instance-type',
      problem: `Instance type '${s.instanceType}' is not offered in ${s.location}.`,
      fix: `Use one of the sizes the region offers${near.length ? `, e.g. ${near.join(', ')}` : ''}.`,
    });
    return findings;
  }
  if (size.vCPUs === undefined || !size.family) return findings;
  const usages = await client.assets.listUsages(s.location);
  const existing = s.deployments.find((d) => d.name?.toLowerCase() === s.deploymentName.toLowerCase());
  // Replacing a deployment in place releases what it holds; a new deployment (blue/green) needs room beside the old.
  const held = existing && existing.properties.instanceType?.toLowerCase() === s.instanceType.toLowerCase() ? size.vCPUs * reservedInstances(existing.sku?.capacity ?? 1) : 0;
  const needed = size.vCPUs * reservedInstances(s.instanceCount) - held;
  // The VM family's quota, then the region's total: the service refuses the deployment when either is short.
  const pools = [
    { usage: usages.find((u) => u.name.value.toLowerCase() === size.family!.toLowerCase()), of: size.family, fix: 'Request more quota for this family' },
    { usage: usages.find((u) => u.name.value.toLowerCase() === 'totalcores'), of: 'the regional total', fix: 'Request more total regional vCPU quota' },
  ];
  for (const { usage, of, fix } of pools) {
    if (!usage) continue;
    const free = usage.limit - usage.currentValue;
    if (needed <= free) continue;
    findings.push({
      input: 'instance-count',
      quota: true,
      problem: `${s.instanceCount} × ${size.name} needs ${needed} more vCPUs of ${of} in ${s.location} (with the 20% upgrade reserve); ${free} of ${usage.limit} are free.`,
      fix: `${fix}, use a smaller instance-type or instance-count, or delete deployments that no longer take traffic.`,
    });
    break;
  }
  return findings;
}
