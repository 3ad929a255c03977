/**
 * The control surface for tests and demos (`/_emulator/...`, JSON, no auth, loopback only): journal, faults,
 * seeding the world and reading it back; online deployments (arm/online-control.ts) and Kubernetes clusters
 * (arm/kubernetes-control.ts) have their own routes. The world it returns includes secrets (app secrets, storage keys).
 */
import type { IdentitySeed, IdentityService } from './identity';
import type { JsonStore } from './state/json-store';
import type { ArmState, ProvisioningFailure } from './state/model';
import type { Journal } from './journal';
import type { Reply } from './http';
import { isObject, json, parseJson } from './http';
import { addFault, validateFaultSpec } from './faults';
import type { RegistrySeed, ResourceGroupSeed, RoleAssignmentSeed, SubscriptionSeed, WorkspaceSeed } from './world';
import { REGISTRY_NAME, addRegistry, addRoleAssignment, addWorkspace, ensureResourceGroup, ensureSubscription } from './world';
import { KNOWN_ROLES } from './arm/rbac';
import { propertiesOf } from './arm/resource-helpers';
import { REGISTRY_TYPE, registryScope, registryStorage } from './arm/registries';
import { handleOnlineControl } from './arm/online-control';
import { handleKubernetesControl } from './arm/kubernetes-control';
import { clusters } from './arm/kubernetes-clusters';

export interface SeedRequest {
  identity?: IdentitySeed;
  subscriptions?: SubscriptionSeed[];
  resourceGroups?: ResourceGroupSeed[];
  workspaces?: WorkspaceSeed[];
  /** Each gets its own storage account and container; names are unique across subscriptions. */
  registries?: RegistrySeed[];
  roleAssignments?: RoleAssignmentSeed[];
  settings?: {
    lroDurationMs?: number;
    durations?: Record<string, number>;
    provisioningFailures?: ProvisioningFailure[];
    pageSize?: number;
    /** Make ModelVersions_Publish answer 400 NoRegisteredProviderFound, as where the operation is not available. */
    publishUnavailable?: boolean;
    /** Lifetime of startPendingUpload SAS tokens. */
    pendingUploadSasSeconds?: number;
  };
}

export interface ControlDeps {
  store: JsonStore<ArmState>;
  journal: Journal;
  identity: IdentityService;
  /** Called after a seed added storage accounts (start them in Azurite, create containers). */
  syncStorage: () => Promise<void>;
}

function bad(message: string): Reply {
  return json(400, { error: { code: 'BadRequest', message } });
}

export function armWorld(state: ArmState) {
  const workspaces = Object.values(state.resources)
    .filter((r) => r.type === 'Microsoft.MachineLearningServices/workspaces')
    .map((w) => {
      const [, , subscriptionId, , resourceGroup] = w.id.split('/');
      return { id: w.id, name: w.id.slice(w.id.lastIndexOf('/') + 1), subscriptionId, resourceGroup, location: w.body.location, workspaceId: propertiesOf(w.body).workspaceId };
    });
  const registries = Object.values(state.resources)
    .filter((r) => r.type === REGISTRY_TYPE)
    .map((r) => {
      const storage = registryStorage(state, r);
      return { id: r.id, ...registryScope(r), location: r.body.location, storageAccount: storage?.account, container: storage?.container };
    });
  return {
    defaults: state.defaults,
    subscriptions: Object.values(state.subscriptions),
    resourceGroups: Object.values(state.resourceGroups),
    workspaces,
    registries,
    kubernetesClusters: clusters(state).map((c) => ({ id: c.id, name: c.id.slice(c.id.lastIndexOf('/') + 1), type: c.type, location: c.body.location })),
    storageAccounts: Object.values(state.storageAccounts),
    azurite: state.azurite,
    roleAssignments: state.roleAssignments,
    settings: state.settings,
    faults: state.faults,
  };
}

function checkSeed(v: unknown): SeedRequest | string {
  if (!isObject(v)) return 'body must be a JSON object';
  for (const ra of (v.roleAssignments as unknown[] | undefined) ?? []) {
    if (!isObject(ra) || typeof ra.principalId !== 'string' || typeof ra.scope !== 'string' || typeof ra.role !== 'string') {
      return 'roleAssignments[] need principalId, scope and role';
    }
    if (!KNOWN_ROLES.some((r) => r.toLowerCase() === String(ra.role).toLowerCase())) return `unknown role '${String(ra.role)}' (known: ${KNOWN_ROLES.join(', ')})`;
  }
  for (const w of (v.workspaces as unknown[] | undefined) ?? []) {
    if (!isObject(w) || typeof w.name !== 'string' || typeof w.resourceGroup !== 'string') return 'workspaces[] need resourceGroup and name';
  }
  for (const r of (v.registries as unknown[] | undefined) ?? []) {
    if (!isObject(r) || typeof r.name !== 'string' || typeof r.resourceGroup !== 'string') return 'registries[] need resourceGroup and name';
    if (!REGISTRY_NAME.test(r.name)) return `registry name '${r.name}' must match ${REGISTRY_NAME.source}`;
  }
  for (const g of (v.resourceGroups as unknown[] | undefined) ?? []) {
    if (!isObject(g) || typeof g.name !== 'string') return 'resourceGroups[] need name';
  }
  for (const f of ((isObject(v.settings) ? v.settings.provisioningFailures : undefined) as unknown[] | undefined) ?? []) {
    if (!isObject(f) || typeof f.resourceIdPattern !== 'string' || typeof f.code !== 'string' || typeof f.message !== 'string') {
      return 'settings.provisioningFailures[] need resourceIdPattern, code and message';
    }
  }
  return v as SeedRequest;
}

export async function applySeed(deps: ControlDeps, seed: SeedRequest): Promise<void> {
  const identityWorld = seed.identity ? deps.identity.seed(seed.identity) : deps.identity.world();
  const tenantId = identityWorld.tenantId;
  const now = Date.now();
  await deps.store.update((state) => {
    for (const s of seed.subscriptions ?? []) ensureSubscription(state, s, tenantId);
    for (const g of seed.resourceGroups ?? []) ensureResourceGroup(state, g, tenantId);
    for (const w of seed.workspaces ?? []) addWorkspace(state, w, tenantId, now);
    for (const r of seed.registries ?? []) addRegistry(state, r, tenantId, now);
    for (const ra of seed.roleAssignments ?? []) addRoleAssignment(state, ra);
    const s = seed.settings;
    if (s) {
      if (s.lroDurationMs !== undefined) state.settings.lroDurationMs = s.lroDurationMs;
      if (s.durations) state.settings.durations = { ...state.settings.durations, ...s.durations };
      if (s.provisioningFailures) state.settings.provisioningFailures = s.provisioningFailures;
      if (s.pageSize !== undefined) state.settings.pageSize = Math.max(1, s.pageSize);
      if (s.publishUnavailable !== undefined) state.settings.publishUnavailable = s.publishUnavailable;
      if (s.pendingUploadSasSeconds !== undefined) state.settings.pendingUploadSasSeconds = s.pendingUploadSasSeconds;
    }
  });
  if (seed.workspaces?.length || seed.registries?.length) await deps.syncStorage();
}

export async function handleControl(deps: ControlDeps, method: string, url: URL, body: Buffer): Promise<Reply> {
  const route = url.pathname.replace(/\/+$/, '');
  const parsed = parseJson(body);
  if (parsed.error) return bad(`invalid JSON: ${parsed.error}`);
  const onlineReply = await handleOnlineControl(deps.store, method, route, parsed.value);
  if (onlineReply) return onlineReply;
  const kubernetesReply = await handleKubernetesControl(deps.store, deps.identity.world().tenantId, method, route, parsed.value);
  if (kubernetesReply) return kubernetesReply;
  switch (`${method} ${route}`) {
    case 'GET /_emulator/journal': {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      return json(200, { entries: deps.journal.list(since) });
    }
    case 'DELETE /_emulator/journal':
      await deps.journal.clear();
      return { status: 204 };
    case 'POST /_emulator/faults': {
      const spec = validateFaultSpec(parsed.value);
      if (typeof spec === 'string') return bad(spec);
      const fault = await deps.store.update((s) => addFault(s, spec));
      return json(201, { id: fault.id });
    }
    case 'GET /_emulator/faults':
      return json(200, { faults: deps.store.read().faults });
    case 'DELETE /_emulator/faults':
      await deps.store.update((s) => {
        s.faults = [];
      });
      return { status: 204 };
    case 'POST /_emulator/seed': {
      const seed = checkSeed(parsed.value ?? {});
      if (typeof seed === 'string') return bad(seed);
      try {
        await applySeed(deps, seed);
      } catch (e) {
        return bad((e as Error).message);
      }
      return json(200, { identity: deps.identity.world(), arm: armWorld(deps.store.read()) });
    }
    case 'GET /_emulator/world':
      return json(200, { identity: deps.identity.world(), arm: armWorld(deps.store.read()) });
    default:
      return json(404, { error: { code: 'NotFound', message: `No control route ${method} ${url.pathname}.` } });
  }
}
