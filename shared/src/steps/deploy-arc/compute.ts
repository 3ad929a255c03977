/**
 * deploy-arc's compute, after signing in: the live compute, whether to attach (missing, or `attach: true` with
 * other settings), the checks on the cluster before attaching, and the instance types the deployment can use.
 */
import type { AzureMlClient } from '../../azureml/client';
import type { ComputeBody, ComputeResource, InstanceTypeSpec } from '../../azureml/computes';
import type { Finding } from '../../online';
import type { WorkspaceScope } from '../../specs/datastore-uri';
import { checkCluster } from './cluster-checks';
import type { AttachSettings, ComputeInputs } from './compute-inputs';

/** What the Azure ML extension offers when a compute names no instance type. */
export const DEFAULT_INSTANCE_TYPE = 'defaultinstancetype';

export interface ComputePlan {
  name: string;
  id: string;
  live?: ComputeResource;
  /** The attach PUT to send, when one is needed. */
  attach?: { body: ComputeBody; reason: string };
  clusterId?: string;
  namespace?: string;
  /** The instance types deployments can use (after the attach, when there is one). */
  instanceTypes: Record<string, InstanceTypeSpec>;
  defaultInstanceType: string;
  findings: Finding[];
}

export function computeIdOf(scope: WorkspaceScope, name: string): string {
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}/computes/${name}`;
}

function attachBody(location: string, s: AttachSettings): ComputeBody {
  const properties: Record<string, unknown> = { namespace: s.namespace };
  if (s.defaultInstanceType) properties.defaultInstanceType = s.defaultInstanceType;
  if (s.instanceTypes) properties.instanceTypes = s.instanceTypes;
  return {
    location,
    identity: s.identity,
    properties: { computeType: 'Kubernetes', resourceId: s.clusterId, properties },
  };
}

const norm = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).filter(([, y]) => y !== null && y !== undefined).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Which of the attach settings differ from the live compute (empty: the same). */
function differences(live: ComputeResource, s: AttachSettings): string[] {
  const p = live.properties;
  const inner = p.properties ?? {};
  const out: string[] = [];
  if ((p.resourceId ?? '').toLowerCase() !== s.clusterId.toLowerCase()) out.push(`cluster ${p.resourceId} → ${s.clusterId}`);
  if ((inner.namespace ?? 'default') !== s.namespace) out.push(`namespace ${inner.namespace ?? 'default'} → ${s.namespace}`);
  if (s.defaultInstanceType !== undefined && inner.defaultInstanceType !== s.defaultInstanceType) out.push(`default instance type → ${s.defaultInstanceType}`);
  if (s.instanceTypes !== undefined && norm(inner.instanceTypes ?? {}) !== norm(s.instanceTypes)) out.push('instance types');
  const liveIdentity = String(live.identity?.type ?? 'None').toLowerCase();
  if (liveIdentity !== s.identity.type.toLowerCase()) out.push(`identity ${live.identity?.type ?? 'None'} → ${s.identity.type}`);
  return out;
}

export async function planCompute(client: AzureMlClient, scope: WorkspaceScope, location: string, name: string, inputs: ComputeInputs): Promise<ComputePlan> {
  const live = await client.computes.getCompute(scope.resourceGroup, scope.workspaceName, name);
  const plan: ComputePlan = { name, id: live?.id ?? computeIdOf(scope, name), live, instanceTypes: {}, defaultInstanceType: DEFAULT_INSTANCE_TYPE, findings: [] };
  const s = inputs.settings;
  if (live && live.properties.computeType !== 'Kubernetes') {
    plan.findings.push({ input: 'compute-name', problem: `Compute '${name}' is a ${live.properties.computeType} compute, not a Kubernetes one.`, fix: 'Name a Kubernetes compute, or attach a cluster under another name.' });
    return plan;
  }
  if (!live && !s) {
    plan.findings.push({ input: 'compute-name', problem: `Compute '${name}' does not exist in workspace ${scope.workspaceName}.`, fix: "Give 'cluster-id' (and namespace, instance-types) to attach a cluster under this name, or correct compute-name." });
    return plan;
  }
  const changed = live && s ? differences(live, s) : [];
  if (s && (!live || (inputs.attach && changed.length > 0))) {
    plan.attach = { body: attachBody(location, s), reason: live ? `re-attach: ${changed.join(', ')}` : 'attach' };
    const check = await checkCluster(client, s.clusterId);
    plan.findings.push(...check.findings);
  } else if (live && changed.length > 0) {
    plan.findings.push({ input: 'attach', problem: `Compute '${name}' is attached with other settings (${changed.join(', ')}).`, fix: "Give 'attach: true' to re-attach it with these settings, or leave the attach inputs out to use it as it is." });
  }
  if (live && !plan.attach && live.properties.provisioningState && live.properties.provisioningState !== 'Succeeded') {
    const err = live.properties.provisioningErrors?.[0]?.error;
    plan.findings.push({
      input: 'compute-name',
      problem: `Compute '${name}' is ${live.properties.provisioningState}${err ? ` (${err.code}: ${err.message})` : ''}.`,
      fix: live.properties.provisioningState === 'Failed' ? "Re-attach it ('attach: true' with cluster-id) or fix the cluster, then rerun." : 'Wait for it to finish, then rerun.',
    });
  }
  const inner = plan.attach ? (plan.attach.body.properties.properties ?? {}) : (live?.properties.properties ?? {});
  const types = (inner.instanceTypes ?? {}) as Record<string, InstanceTypeSpec>;
  plan.instanceTypes = Object.keys(types).length > 0 ? types : { [DEFAULT_INSTANCE_TYPE]: {} };
  plan.defaultInstanceType = String(inner.defaultInstanceType ?? Object.keys(plan.instanceTypes)[0]);
  plan.clusterId = s?.clusterId ?? live?.properties.resourceId;
  plan.namespace = String(inner.namespace ?? 'default');
  return plan;
}
