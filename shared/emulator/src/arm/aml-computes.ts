/**
 * AmlCompute clusters (`.../workspaces/{w}/computes/{name}` with `properties.computeType: AmlCompute`): the compute
 * batch deployments run on. The emulator does not create them through ARM (a Compute PUT of AmlCompute answers 400);
 * they are seeded: the default workspace gets `cpu-cluster` (Standard_DS3_v2, 0-4 nodes) and `gpu-cluster`
 * (Standard_NC6s_v3, 0-2 nodes), and the control surface adds more (POST /_emulator/batch/computes). They are read
 * with Compute_Get / Compute_List in the service's shape: `properties.properties` holds vmSize, vmPriority,
 * scaleSettings {minNodeCount, maxNodeCount, nodeIdleTimeBeforeScaleDown}, the node counts and allocationState.
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import { key } from '../state/model';
import { propertiesOf, putResource } from './resource-helpers';
import { ML_PROVIDER } from './target';

export const AML_COMPUTE = 'AmlCompute';
const COMPUTE_TYPE = `${ML_PROVIDER}/workspaces/computes`;

export interface AmlComputeSeed {
  name: string;
  vmSize: string;
  minNodeCount?: number;
  maxNodeCount: number;
  vmPriority?: 'Dedicated' | 'LowPriority';
  description?: string;
}

export const DEFAULT_AML_COMPUTES: AmlComputeSeed[] = [
  { name: 'cpu-cluster', vmSize: 'Standard_DS3_v2', minNodeCount: 0, maxNodeCount: 4 },
  { name: 'gpu-cluster', vmSize: 'Standard_NC6s_v3', minNodeCount: 0, maxNodeCount: 2 },
];

export function isAmlCompute(res: StoredResource | undefined): boolean {
  return !!res && res.type === COMPUTE_TYPE && String(propertiesOf(res.body).computeType).toLowerCase() === 'amlcompute';
}

/** Adds (or replaces) an AmlCompute cluster in the workspace; returns it. */
export function addAmlCompute(state: ArmState, workspace: StoredResource, seed: AmlComputeSeed, now: number): StoredResource {
  const id = `${workspace.id}/computes/${seed.name}`;
  const prev = state.resources[key(id)];
  const at = new Date(now).toISOString();
  const location = String(workspace.body.location);
  const systemData: Json = { createdAt: at, createdBy: 'aml-lifecycle-emulator', createdByType: 'Application', lastModifiedAt: at, lastModifiedBy: 'aml-lifecycle-emulator', lastModifiedByType: 'Application' };
  return putResource(state, {
    id,
    type: COMPUTE_TYPE,
    createdSeq: prev?.createdSeq,
    body: {
      location,
      tags: {},
      identity: { type: 'None' },
      systemData,
      properties: {
        computeType: AML_COMPUTE,
        computeLocation: location,
        description: seed.description ?? null,
        resourceId: null,
        createdOn: at,
        modifiedOn: at,
        provisioningState: 'Succeeded',
        provisioningErrors: null,
        isAttachedCompute: false,
        disableLocalAuth: true,
        properties: {
          osType: 'Linux',
          vmSize: seed.vmSize,
          vmPriority: seed.vmPriority ?? 'Dedicated',
          virtualMachineImage: null,
          isolatedNetwork: false,
          subnet: null,
          scaleSettings: { minNodeCount: seed.minNodeCount ?? 0, maxNodeCount: seed.maxNodeCount, nodeIdleTimeBeforeScaleDown: 'PT2M' },
          remoteLoginPortPublicAccess: 'Disabled',
          enableNodePublicIp: true,
          allocationState: 'Steady',
          allocationStateTransitionTime: at,
          errors: null,
          currentNodeCount: seed.minNodeCount ?? 0,
          targetNodeCount: seed.minNodeCount ?? 0,
          nodeStateCounts: { idleNodeCount: seed.minNodeCount ?? 0, runningNodeCount: 0, preparingNodeCount: 0, unusableNodeCount: 0, leavingNodeCount: 0, preemptedNodeCount: 0 },
          propertyBag: {},
          userAccountCredentials: null,
        },
      },
    },
  });
}

/** The default clusters (cpu-cluster, gpu-cluster) in `workspace`, unless a compute of that name exists. */
export function seedDefaultAmlComputes(state: ArmState, workspace: StoredResource, now: number): void {
  for (const seed of DEFAULT_AML_COMPUTES) {
    if (!state.resources[key(`${workspace.id}/computes/${seed.name}`)]) addAmlCompute(state, workspace, seed, now);
  }
}
