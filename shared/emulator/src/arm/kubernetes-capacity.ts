/**
 * Scheduling Kubernetes online deployments on their cluster's allocatable capacity (kubernetes-state.ts) instead
 * of a managed vCPU quota. A deployment holds, per instance, its own containerResourceRequests (a missing request
 * defaults to its limit, as in Kubernetes), else its instance type's requests; times its instances: maxInstances
 * for TargetUtilization scaling (the service reserves for the most), else sku.capacity. A create or update whose
 * need, with what the cluster's other Kubernetes deployments hold, exceeds the allocatable capacity fails with
 * OutOfQuota "Kubernetes unschedulable: ...".
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import { isObject } from '../http';
import type { OperationError } from '../lro/operation';
import { isDone } from '../lro/operation';
import { propertiesOf } from './resource-helpers';
import { GI, GPU_RESOURCE, formatCpu, formatMemoryGi, parseResource } from './k8s-quantity';
import { parseClusterId } from './kubernetes-clusters';
import { allocatable, nodeCount } from './kubernetes-state';
import { DEPLOYMENT_TYPE } from './vm-sizes';

export interface Need {
  cpu: number;
  memoryGi: number;
  gpu: number;
}

const ZERO: Need = { cpu: 0, memoryGi: 0, gpu: 0 };
const TSG = 'Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota';

/** The compute of an endpoint (its `compute` now, else the one its running operation installs). */
export function computeOfEndpoint(state: Readonly<ArmState>, endpoint: StoredResource | undefined): StoredResource | undefined {
  if (!endpoint) return undefined;
  const ref = propertiesOf(endpoint.body).compute ?? (endpoint.pending ? propertiesOf(endpoint.pending).compute : undefined);
  return typeof ref === 'string' && ref ? state.resources[ref.toLowerCase()] : undefined;
}

export function clusterIdOf(compute: StoredResource | undefined): string | undefined {
  const ref = compute ? parseClusterId(String(propertiesOf(compute.body).resourceId ?? '')) : undefined;
  return ref && ref !== 'other-type' ? ref.id : undefined;
}

export function instanceTypesOf(compute: StoredResource | undefined): Record<string, Json> {
  const k8s = compute ? propertiesOf(compute.body).properties : undefined;
  const types = isObject(k8s) && isObject(k8s.instanceTypes) ? k8s.instanceTypes : {};
  return types as Record<string, Json>;
}

function amount(resource: string, v: unknown): number | undefined {
  return typeof v === 'string' ? parseResource(resource, v) : undefined;
}

/** Requests per instance of a Kubernetes deployment body on its compute. */
export function perInstance(body: Json, compute: StoredResource | undefined): Need {
  const p = propertiesOf(body);
  const crr = isObject(p.containerResourceRequirements) ? p.containerResourceRequirements : undefined;
  const own = crr && (isObject(crr.containerResourceRequests) || isObject(crr.containerResourceLimits));
  let req: Json;
  let lim: Json;
  let gpuKey: string;
  if (own) {
    req = isObject(crr!.containerResourceRequests) ? crr!.containerResourceRequests : {};
    lim = isObject(crr!.containerResourceLimits) ? crr!.containerResourceLimits : {};
    gpuKey = 'gpu';
  } else {
    const types = instanceTypesOf(compute);
    const name = Object.keys(types).find((n) => n.toLowerCase() === String(p.instanceType ?? '').toLowerCase());
    const res = name && isObject(types[name].resources) ? (types[name].resources as Json) : {};
    req = isObject(res.requests) ? res.requests : {};
    lim = isObject(res.limits) ? res.limits : {};
    gpuKey = GPU_RESOURCE;
  }
  const pick = (k: string) => amount(k, req[k]) ?? amount(k, lim[k]) ?? 0;
  return { cpu: pick('cpu'), memoryGi: pick('memory') / GI, gpu: pick(gpuKey) };
}

export function instancesOf(body: Json): number {
  const scale = propertiesOf(body).scaleSettings;
  if (isObject(scale) && scale.scaleType === 'TargetUtilization') return typeof scale.maxInstances === 'number' ? scale.maxInstances : 1;
  const sku = isObject(body.sku) ? body.sku : {};
  return typeof sku.capacity === 'number' ? sku.capacity : 1;
}

function times(n: Need, k: number): Need {
  return { cpu: n.cpu * k, memoryGi: n.memoryGi * k, gpu: n.gpu * k };
}

function most(a: Need | undefined, b: Need | undefined): Need | undefined {
  if (!a || !b) return a ?? b;
  return { cpu: Math.max(a.cpu, b.cpu), memoryGi: Math.max(a.memoryGi, b.memoryGi), gpu: Math.max(a.gpu, b.gpu) };
}

function totalOf(body: Json | undefined, compute: StoredResource | undefined): Need | undefined {
  if (!body || propertiesOf(body).endpointComputeType !== 'Kubernetes') return undefined;
  return times(perInstance(body, compute), instancesOf(body));
}

/** What a (settled) Kubernetes deployment holds: its instances, or the larger of old and new while an update that will succeed runs. */
function held(state: Readonly<ArmState>, res: StoredResource, compute: StoredResource | undefined, now: number): Need | undefined {
  const op = res.opId ? state.operations[res.opId] : undefined;
  const running = op && !isDone(op, now);
  const live = running ? op.kind !== 'create' : !['Failed', 'Canceled'].includes(String(propertiesOf(res.body).provisioningState ?? ''));
  const next = running && op.outcome === 'Succeeded' && op.kind !== 'delete' ? totalOf(res.pending, compute) : undefined;
  return most(live ? totalOf(res.body, compute) : undefined, next);
}

/** Requests the Kubernetes deployments on a cluster hold, leaving out `exceptId`. */
export function usedOnCluster(state: Readonly<ArmState>, clusterId: string, now: number, exceptId?: string): Need {
  const used = { ...ZERO };
  for (const [k, res] of Object.entries(state.resources)) {
    if (res.type !== DEPLOYMENT_TYPE || k === exceptId?.toLowerCase()) continue;
    const endpoint = state.resources[k.slice(0, k.lastIndexOf('/deployments/'))];
    const compute = computeOfEndpoint(state, endpoint);
    if (clusterIdOf(compute)?.toLowerCase() !== clusterId.toLowerCase()) continue;
    const h = held(state, res, compute, now);
    if (!h) continue;
    used.cpu += h.cpu;
    used.memoryGi += h.memoryGi;
    used.gpu += h.gpu;
  }
  return used;
}

function describe(n: Need): string {
  const parts = [`cpu ${formatCpu(n.cpu)}`, `memory ${formatMemoryGi(n.memoryGi)}`];
  if (n.gpu > 0) parts.push(`${GPU_RESOURCE} ${n.gpu}`);
  return parts.join(', ');
}

/**
 * The OutOfQuota failure of a Kubernetes deployment `body` (with id `deploymentId`) on its compute's cluster, if
 * its need does not fit (`force`: report it anyway, for an injected OutOfQuota).
 */
export function unschedulable(state: Readonly<ArmState>, deploymentId: string, body: Json, compute: StoredResource | undefined, now: number, force = false): OperationError | undefined {
  const clusterId = clusterIdOf(compute);
  const cluster = clusterId ? state.resources[clusterId.toLowerCase()] : undefined;
  if (!cluster) return undefined;
  const one = perInstance(body, compute);
  const instances = instancesOf(body);
  const need = times(one, instances);
  const cap = allocatable(state, cluster);
  const used = usedOnCluster(state, cluster.id, now, deploymentId);
  const free: Need = { cpu: Math.max(0, cap.cpu - used.cpu), memoryGi: Math.max(0, cap.memoryGi - used.memoryGi), gpu: Math.max(0, cap.gpu - used.gpu) };
  const eps = 1e-9;
  const short: string[] = [];
  if (need.cpu > free.cpu + eps) short.push(`cpu ${formatCpu(need.cpu - free.cpu)}`);
  if (need.memoryGi > free.memoryGi + eps) short.push(`memory ${formatMemoryGi(need.memoryGi - free.memoryGi)}`);
  if (need.gpu > free.gpu + eps) short.push(`${GPU_RESOURCE} ${need.gpu - free.gpu}`);
  if (!short.length && !force) return undefined;
  const nodes = nodeCount(cluster);
  const insufficient = short.length ? short.map((s) => `${nodes} Insufficient ${s.split(' ')[0]}`).join(', ') : `${nodes} node(s) didn't match the pod's requirements`;
  const name = cluster.id.slice(cluster.id.lastIndexOf('/') + 1);
  return {
    code: 'OutOfQuota',
    message:
      `Kubernetes unschedulable: 0/${nodes} nodes are available: ${insufficient}. The deployment needs ${describe(need)} ` +
      `(${instances} instance${instances === 1 ? '' : 's'} × ${describe(one)}); cluster '${name}' has ${describe(free)} free of its allocatable ${describe(cap)}` +
      `${short.length ? `; short: ${short.join(', ')}` : ''}. Lower the instance count or the resource requests, or add capacity to the cluster. ${TSG}`,
  };
}
