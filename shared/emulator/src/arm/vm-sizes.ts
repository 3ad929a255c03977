/**
 * VM sizes and vCPU quota per VM family: the catalogue managed online deployments pick `instanceType` from,
 * `GET .../locations/{loc}/vmSizes`, `GET .../locations/{loc}/usages`, and the quota check a deployment PUT does.
 * Managed online endpoints reserve 20% extra instances for upgrades, so a deployment of N instances holds
 * vCPUs × ceil(1.2 × N) of its family's quota (the service's "Additional needed" counts the same way).
 */
import type { ArmState, Json, StoredResource } from '../state/model';
import type { Reply } from '../http';
import type { ArmCall, ResourceTypeHandler } from './call';
import { ML_PROVIDER } from './target';
import { propertiesOf } from './resource-helpers';
import { online, peekOnline } from './online-state';
import { isDone } from '../lro/operation';

export interface VmSize {
  name: string;
  family: string;
  vCPUs: number;
  memoryGB: number;
  gpus: number;
}

const FAMILY_NAMES: Record<string, string> = {
  standardDSv2Family: 'Standard DSv2 Family',
  standardDASv4Family: 'Standard DASv4 Family',
  standardFSv2Family: 'Standard FSv2 Family',
  standardESv3Family: 'Standard ESv3 Family',
  standardNCSv3Family: 'Standard NCSv3 Family',
  standardNCASv3_T4Family: 'Standard NCASv3_T4 Family',
};

const GPU_FAMILIES = new Set(['standardncsv3family', 'standardncasv3_t4family']);

function sizes(prefix: string, family: string, rows: [string, number, number, number?][]): VmSize[] {
  return rows.map(([n, vCPUs, memoryGB, gpus]) => ({ name: `${prefix}${n}`, family, vCPUs, memoryGB, gpus: gpus ?? 0 }));
}

export const VM_SIZES: VmSize[] = [
  ...sizes('Standard_', 'standardDSv2Family', [['DS1_v2', 1, 3.5], ['DS2_v2', 2, 7], ['DS3_v2', 4, 14], ['DS4_v2', 8, 28], ['DS5_v2', 16, 56]]),
  ...sizes('Standard_', 'standardDASv4Family', [['D2as_v4', 2, 8], ['D4as_v4', 4, 16], ['D8as_v4', 8, 32], ['D16as_v4', 16, 64], ['D32as_v4', 32, 128]]),
  ...sizes('Standard_', 'standardFSv2Family', [['F2s_v2', 2, 4], ['F4s_v2', 4, 8], ['F8s_v2', 8, 16], ['F16s_v2', 16, 32], ['F32s_v2', 32, 64], ['F48s_v2', 48, 96], ['F64s_v2', 64, 128], ['F72s_v2', 72, 144]]),
  ...sizes('Standard_', 'standardESv3Family', [['E2s_v3', 2, 16], ['E4s_v3', 4, 32], ['E8s_v3', 8, 64], ['E16s_v3', 16, 128], ['E32s_v3', 32, 256], ['E64s_v3', 64, 432]]),
  ...sizes('Standard_', 'standardNCSv3Family', [['NC6s_v3', 6, 112, 1], ['NC12s_v3', 12, 224, 2], ['NC24s_v3', 24, 448, 4]]),
  ...sizes('Standard_', 'standardNCASv3_T4Family', [['NC4as_T4_v3', 4, 28, 1], ['NC8as_T4_v3', 8, 56, 1], ['NC16as_T4_v3', 16, 110, 1], ['NC64as_T4_v3', 64, 440, 4]]),
];

/** Default limits: 24 vCPUs per CPU family, 0 for GPU families (as a new pay-as-you-go subscription), 100 in total. */
export const DEFAULT_FAMILY_LIMIT = 24;
export const DEFAULT_TOTAL_LIMIT = 100;

export function vmSize(instanceType: string): VmSize | undefined {
  return VM_SIZES.find((s) => s.name.toLowerCase() === instanceType.toLowerCase());
}

/** A family name as written by the caller, or the family of a VM size name, or `total`; lower-case. */
export function familyKey(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === 'total' || n === 'totalcores') return 'total';
  if (Object.keys(FAMILY_NAMES).some((f) => f.toLowerCase() === n)) return n;
  return vmSize(name)?.family.toLowerCase();
}

export function limitOf(state: Readonly<ArmState>, location: string, family: string): number {
  const q = peekOnline(state)?.quota ?? {};
  const f = family.toLowerCase();
  const fallback = f === 'total' ? DEFAULT_TOTAL_LIMIT : GPU_FAMILIES.has(f) ? 0 : DEFAULT_FAMILY_LIMIT;
  return q[location.toLowerCase()]?.[f] ?? q['*']?.[f] ?? fallback;
}

export function setLimits(state: ArmState, location: string | undefined, limits: Record<string, number>): string | undefined {
  const q = online(state).quota;
  const loc = (location ?? '*').toLowerCase();
  for (const [name, limit] of Object.entries(limits)) {
    const f = familyKey(name);
    if (!f) return `unknown VM family or size '${name}' (families: ${Object.keys(FAMILY_NAMES).join(', ')}, or 'total')`;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) return `limit for '${name}' must be a non-negative integer`;
    q[loc] = { ...q[loc], [f]: limit };
  }
  return undefined;
}

export const reservedInstances = (capacity: number): number => Math.ceil(capacity * 1.2 - 1e-9);

export const DEPLOYMENT_TYPE = `${ML_PROVIDER}/workspaces/onlineEndpoints/deployments`;

function managedHold(body: Json | undefined): { family: string; vCPUs: number } | undefined {
  if (!body) return undefined;
  const props = propertiesOf(body);
  if (props.endpointComputeType !== 'Managed') return undefined;
  const size = vmSize(String(props.instanceType ?? ''));
  if (!size) return undefined;
  const sku = (body.sku ?? {}) as Json;
  const capacity = typeof sku.capacity === 'number' ? sku.capacity : 1;
  return { family: size.family.toLowerCase(), vCPUs: size.vCPUs * reservedInstances(capacity) };
}

/** vCPUs a (settled) deployment holds: its instances, or the larger of old and new while an update that will succeed runs. */
export function heldBy(state: Readonly<ArmState>, res: StoredResource, now: number): { family: string; vCPUs: number } | undefined {
  const op = res.opId ? state.operations[res.opId] : undefined;
  const running = op && !isDone(op, now);
  const state0 = String(propertiesOf(res.body).provisioningState ?? '');
  const live = running ? op.kind !== 'create' : !['Failed', 'Canceled'].includes(state0);
  const current = live ? managedHold(res.body) : undefined;
  const next = running && op.outcome === 'Succeeded' && op.kind !== 'delete' ? managedHold(res.pending) : undefined;
  if (!current) return next;
  if (!next || next.family !== current.family) return current;
  return next.vCPUs > current.vCPUs ? next : current;
}

/** vCPUs in use per family (and `total`) in a subscription and location, leaving out `exceptId`. */
export function usage(state: Readonly<ArmState>, subscriptionId: string, location: string, now: number, exceptId?: string): Record<string, number> {
  const used: Record<string, number> = { total: 0 };
  const subPrefix = `/subscriptions/${subscriptionId.toLowerCase()}/`;
  for (const [k, res] of Object.entries(state.resources)) {
    if (res.type !== DEPLOYMENT_TYPE || !k.startsWith(subPrefix) || k === exceptId?.toLowerCase()) continue;
    if (String(res.body.location ?? '').toLowerCase() !== location.toLowerCase()) continue;
    const h = heldBy(state, res, now);
    if (!h) continue;
    used[h.family] = (used[h.family] ?? 0) + h.vCPUs;
    used.total += h.vCPUs;
  }
  return used;
}

/** The OutOfQuota failure a managed deployment of `capacity` × `instanceType` would hit, if any (`force`: report it anyway). */
export function quotaShortfall(c: ArmCall, instanceType: string, capacity: number, location: string, force = false): { code: string; message: string } | undefined {
  const size = vmSize(instanceType);
  if (!size) return undefined;
  const used = usage(c.state, c.subscriptionId, location, c.now, c.id);
  const family = size.family.toLowerCase();
  const needed = size.vCPUs * reservedInstances(capacity);
  const limit = limitOf(c.state, location, family);
  const familyUsed = used[family] ?? 0;
  const totalLimit = limitOf(c.state, location, 'total');
  if (!force && familyUsed + needed <= limit && used.total + needed <= totalLimit) return undefined;
  const [u, l] = familyUsed + needed > limit || used.total + needed <= totalLimit ? [familyUsed, limit] : [used.total, totalLimit];
  return {
    code: 'OutOfQuota',
    message:
      `Not enough quota available for ${size.name} in SubscriptionId ${c.subscriptionId}. Current usage/limit: ${u}/${l}. ` +
      `Additional needed: ${needed} Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`,
  };
}

function vmSizeView(s: VmSize): Json {
  return {
    name: s.name,
    family: s.family,
    vCPUs: s.vCPUs,
    gpus: s.gpus,
    osVhdSizeMB: 1047552,
    maxResourceVolumeMB: s.vCPUs * 8192,
    memoryGB: s.memoryGB,
    lowPriorityCapable: true,
    premiumIO: true,
    supportedComputeTypes: ['Cluster', 'ComputeInstance', 'ManagedOnlineEndpoint'],
  };
}

function usageView(c: ArmCall, location: string, family: string, current: number, limit: number): Json {
  const total = family === 'total';
  const name = total ? 'TotalCores' : family;
  return {
    id: `/subscriptions/${c.subscriptionId}/providers/${ML_PROVIDER}/${total ? 'totalCores' : `vmFamily/${family}`}/usages`,
    amlWorkspaceLocation: location,
    type: `${ML_PROVIDER}/${total ? 'totalCores' : 'vmFamily'}/usages`,
    unit: 'Count',
    currentValue: current,
    limit,
    name: { value: name, localizedValue: total ? 'Total Cluster Dedicated Regional vCPUs' : `${FAMILY_NAMES[family]} Cluster Dedicated vCPUs` },
  };
}

function listUsages(c: ArmCall): Reply {
  const location = c.names[0];
  const used = usage(c.state, c.subscriptionId, location, c.now);
  const value = [
    usageView(c, location, 'total', used.total, limitOf(c.state, location, 'total')),
    ...Object.keys(FAMILY_NAMES).map((f) => usageView(c, location, f, used[f.toLowerCase()] ?? 0, limitOf(c.state, location, f))),
  ];
  return { status: 200, body: { value } };
}

export const usageHandlers: ResourceTypeHandler = { path: ['locations', 'usages'], subscriptionOnly: true, listBySubscription: listUsages };

export const vmSizeHandlers: ResourceTypeHandler = {
  path: ['locations', 'vmSizes'],
  subscriptionOnly: true,
  listBySubscription: () => ({ status: 200, body: { value: VM_SIZES.map(vmSizeView) } }),
};
