/**
 * The pre-flight doctor: everything that would fail ten minutes into a deployment, checked before any write.
 * Each finding names the input it comes from and says what to do; any finding stops the step.
 */
import type { AzureMlClient } from '../../azureml/client';
import type { OnlineDeployment, OnlineEndpoint } from '../../azureml/resources';
import { StepError } from '../../core/errors';

export interface Finding {
  input: string;
  problem: string;
  fix: string;
}

export interface DoctorSubject {
  location: string;
  endpoint?: OnlineEndpoint;
  deployments: OnlineDeployment[];
  /** The deployment being written and whether it exists already (replace updates it in place). */
  deploymentName: string;
  instanceType: string;
  instanceCount: number;
  /** References that must exist: input name → a check returning false when missing. */
  references: { input: string; what: string; exists: () => Promise<boolean> }[];
}

const BUSY = new Set(['creating', 'updating', 'deleting', 'scaling']);

/** Managed endpoints reserve 20% extra instances for upgrades (the quota message's "Additional needed"). */
export function reservedInstances(count: number): number {
  return Math.ceil(count * 1.2);
}

export async function runDoctor(client: AzureMlClient, s: DoctorSubject): Promise<Finding[]> {
  const findings: Finding[] = [];

  // The endpoint or one of its deployments busy with another operation.
  const endpointState = s.endpoint?.properties.provisioningState?.toLowerCase();
  if (endpointState && BUSY.has(endpointState)) {
    findings.push({ input: 'endpoint-name', problem: `Endpoint '${s.endpoint!.name}' is ${s.endpoint!.properties.provisioningState} (another operation is in progress).`, fix: 'Wait for it to finish, then rerun.' });
  }
  for (const d of s.deployments) {
    const st = d.properties.provisioningState?.toLowerCase();
    if (st && BUSY.has(st)) findings.push({ input: 'endpoint-name', problem: `Deployment '${d.name}' is ${d.properties.provisioningState}.`, fix: 'Wait for that operation to finish, then rerun.' });
  }

  // The VM size offered in the region, and the vCPU quota of its family with room for this deployment.
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
  } else if (size.vCPUs !== undefined && size.family) {
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
        problem: `${s.instanceCount} × ${size.name} needs ${needed} more vCPUs of ${of} in ${s.location} (with the 20% upgrade reserve); ${free} of ${usage.limit} are free.`,
        fix: `${fix}, use a smaller instance-type or instance-count, or delete deployments that no longer take traffic.`,
      });
      break;
    }
  }

  // Model, environment and code must exist.
  for (const r of s.references) {
    if (!(await r.exists())) findings.push({ input: r.input, problem: `${r.what} does not exist.`, fix: 'Register it first, or correct the reference.' });
  }
  return findings;
}

export function doctorError(findings: Finding[]): StepError {
  // One line (messages never span lines): (1) input: problem fix (2) …
  const items = findings.map((f, i) => `(${i + 1}) ${f.input}: ${f.problem} ${f.fix}`);
  return new StepError(findings.some((f) => f.input === 'instance-count') ? 'quota' : 'input', `The pre-flight checks found ${findings.length} problem${findings.length === 1 ? '' : 's'}; nothing was written: ${items.join(' ')}`, {
    input: findings[0]?.input,
  });
}
