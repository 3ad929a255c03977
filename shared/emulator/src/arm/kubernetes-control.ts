/**
 * Control-surface routes for the Kubernetes clusters (`/_emulator/kubernetes/...`, no auth, loopback only).
 * `clusterId` is a cluster's ARM id (any case) or, when unique, its bare name (`arc-demo`).
 *
 *   GET    /_emulator/kubernetes                    → {clusters: [{id, name, type, location, extension, capacity, derivedCapacity, used}]}
 *   PUT    /_emulator/kubernetes/extension  {clusterId, state, name?}                 → 200 {cluster}
 *          state: healthy (installed, Succeeded, inference on) | missing (uninstalled) | failed (provisioningState
 *          Failed) | no-inference (Succeeded, enableInference 'False'); `name` of a new extension, default `azureml`.
 *   PUT    /_emulator/kubernetes/capacity   {clusterId, cpu, memoryGi, gpu?}          → 200 {cluster}
 *          Overrides the allocatable capacity (cores, GiB, GPUs) Kubernetes deployments are scheduled on.
 *   DELETE /_emulator/kubernetes/capacity   [{clusterId}]                            → 204 (back to the derived capacity)
 *   POST   /_emulator/kubernetes/clusters   {kind: connected | managed, name, resourceGroup?, subscriptionId?,
 *          location?, nodes?, cores?, vmSize?, extension?}                            → 201 {cluster}
 *          A further cluster (default resource group and location; connected: `nodes` (3) and `cores` (12);
 *          managed: `nodes` (3) × `vmSize` (Standard_DS3_v2)) with its Azure ML extension in state `extension`
 *          (default healthy).
 */
import type { JsonStore } from '../state/json-store';
import type { ArmState, StoredResource } from '../state/model';
import { key } from '../state/model';
import type { Reply } from '../http';
import { isObject, json } from '../http';
import { propertiesOf } from './resource-helpers';
import { clusters, findCluster } from './kubernetes-clusters';
import type { ExtensionState } from './kubernetes-extensions';
import { EXTENSION_STATES, extensionProblem, extensionsOf, setAzureMlExtension } from './kubernetes-extensions';
import { addConnectedCluster, addManagedCluster, allocatable, derivedCapacity, kubernetes } from './kubernetes-state';
import { usedOnCluster } from './kubernetes-capacity';
import { vmSize } from './vm-sizes';

function bad(message: string): Reply {
  return json(400, { error: { code: 'BadRequest', message } });
}

function view(state: ArmState, c: StoredResource) {
  const ext = extensionsOf(state, c.id);
  return {
    id: c.id,
    name: c.id.slice(c.id.lastIndexOf('/') + 1),
    type: c.type,
    location: c.body.location,
    extensions: ext.map((e) => ({ id: e.id, extensionType: propertiesOf(e.body).extensionType, provisioningState: propertiesOf(e.body).provisioningState })),
    extensionProblem: extensionProblem(state, c.id) ?? null,
    capacity: allocatable(state, c),
    derivedCapacity: derivedCapacity(c),
    used: usedOnCluster(state, c.id, Date.now()),
  };
}

function nonNegative(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

type Outcome = Reply | StoredResource;

function addCluster(s: ArmState, body: Record<string, unknown>, tenantId: string): Outcome {
  const d = s.defaults;
  if (!d) return bad('the world is not seeded yet');
  if (body.kind !== 'connected' && body.kind !== 'managed') return bad("'kind' must be 'connected' (Arc) or 'managed' (AKS)");
  if (typeof body.name !== 'string' || !/^[a-zA-Z0-9]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9])?$/.test(body.name)) return bad("'name' must be a cluster name (letters, digits, '-', '_')");
  for (const f of ['resourceGroup', 'subscriptionId', 'location', 'vmSize'] as const) if (body[f] !== undefined && typeof body[f] !== 'string') return bad(`'${f}' must be a string`);
  for (const f of ['nodes', 'cores'] as const) if (body[f] !== undefined && (!Number.isInteger(body[f]) || (body[f] as number) < 1)) return bad(`'${f}' must be a positive integer`);
  if (body.vmSize !== undefined && !vmSize(String(body.vmSize))) return bad(`unknown VM size '${String(body.vmSize)}'`);
  const ext = (body.extension ?? 'healthy') as ExtensionState;
  if (!EXTENSION_STATES.includes(ext)) return bad(`'extension' must be one of ${EXTENSION_STATES.join(', ')}`);
  const subscriptionId = (body.subscriptionId as string | undefined) ?? d.subscriptionId;
  const resourceGroup = (body.resourceGroup as string | undefined) ?? d.resourceGroup;
  const rg = s.resourceGroups[key(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`)];
  if (!rg) return bad(`resource group '${resourceGroup}' does not exist in subscription '${subscriptionId}' (seed it first)`);
  const seed = { subscriptionId, resourceGroup, name: body.name, location: (body.location as string | undefined) ?? rg.location, tenantId, now: Date.now() };
  const type = body.kind === 'connected' ? 'Microsoft.Kubernetes/connectedClusters' : 'Microsoft.ContainerService/managedClusters';
  if (s.resources[key(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${body.name}`)]) return bad(`cluster '${body.name}' already exists`);
  const cluster =
    body.kind === 'connected'
      ? addConnectedCluster(s, seed, (body.nodes as number | undefined) ?? 3, (body.cores as number | undefined) ?? 12)
      : addManagedCluster(s, seed, (body.nodes as number | undefined) ?? 3, (body.vmSize as string | undefined) ?? 'Standard_DS3_v2');
  setAzureMlExtension(s, cluster, ext, tenantId, seed.now);
  return cluster;
}

/** Serves `/_emulator/kubernetes[/...]`; undefined for any other route. */
export async function handleKubernetesControl(store: JsonStore<ArmState>, tenantId: string, method: string, route: string, body: unknown): Promise<Reply | undefined> {
  if (route !== '/_emulator/kubernetes' && !route.startsWith('/_emulator/kubernetes/')) return undefined;
  const withCluster = async (fn: (s: ArmState, c: StoredResource) => Reply | undefined): Promise<Reply> => {
    if (!isObject(body) || typeof body.clusterId !== 'string') return bad("body must name the cluster: {clusterId: <ARM id or name>, ...}");
    return store.update((s) => {
      const c = findCluster(s, body.clusterId as string);
      if (!c) return json(404, { error: { code: 'NotFound', message: `No cluster '${String(body.clusterId)}' (known: ${clusters(s).map((x) => x.id).join(', ') || 'none'}).` } });
      return fn(s, c) ?? json(200, { cluster: view(s, c) });
    });
  };
  switch (`${method} ${route}`) {
    case 'GET /_emulator/kubernetes': {
      const s = store.read();
      return json(200, { clusters: clusters(s).map((c) => view(s, c)) });
    }
    case 'PUT /_emulator/kubernetes/extension':
      return withCluster((s, c) => {
        const b = body as Record<string, unknown>;
        if (!EXTENSION_STATES.includes(b.state as ExtensionState)) return bad(`'state' must be one of ${EXTENSION_STATES.join(', ')}`);
        if (b.name !== undefined && (typeof b.name !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?$/.test(b.name))) return bad("'name' must be an extension name (lowercase letters, digits, '-')");
        setAzureMlExtension(s, c, b.state as ExtensionState, tenantId, Date.now(), b.name as string | undefined);
        return undefined;
      });
    case 'PUT /_emulator/kubernetes/capacity':
      return withCluster((s, c) => {
        const b = body as Record<string, unknown>;
        if (!nonNegative(b.cpu) || !nonNegative(b.memoryGi) || (b.gpu !== undefined && !(Number.isInteger(b.gpu) && (b.gpu as number) >= 0))) {
          return bad("body must be {clusterId, cpu: cores, memoryGi: GiB, gpu?: whole GPUs}, all non-negative");
        }
        kubernetes(s).capacity[key(c.id)] = { cpu: b.cpu as number, memoryGi: b.memoryGi as number, gpu: (b.gpu as number | undefined) ?? derivedCapacity(c).gpu };
        return undefined;
      });
    case 'DELETE /_emulator/kubernetes/capacity': {
      if (isObject(body) && typeof body.clusterId === 'string') {
        const r = await withCluster((s, c) => {
          delete kubernetes(s).capacity[key(c.id)];
          return undefined;
        });
        return r.status === 200 ? { status: 204 } : r;
      }
      await store.update((s) => {
        kubernetes(s).capacity = {};
      });
      return { status: 204 };
    }
    case 'POST /_emulator/kubernetes/clusters': {
      if (!isObject(body)) return bad('body must be a JSON object');
      return store.update((s) => {
        const out = addCluster(s, body, tenantId);
        return 'status' in out ? out : json(201, { cluster: view(s, out) });
      });
    }
    default:
      return json(404, { error: { code: 'NotFound', message: `No control route ${method} ${route}.` } });
  }
}
