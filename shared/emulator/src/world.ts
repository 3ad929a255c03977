/**
 * Building the ARM world: subscriptions, resource groups, workspaces with their storage account and
 * datastores, and role assignments. Used on first start and by the control surface's seed endpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ArmState, Json, RoleAssignment, StorageAccount, StoredResource, Subscription } from './state/model';
import { key, nextCounter } from './state/model';
import { ML_PROVIDER, rgId } from './arm/target';
import { kubernetesSeeded, seedDefaultClusters } from './arm/kubernetes-state';
import { seedDefaultAmlComputes } from './arm/aml-computes';
import { batch, peekBatch } from './batch/state';
import { addLoadTest, DEFAULT_LOAD_TEST } from './loadtesting/arm';

export const DEFAULT_RESOURCE_GROUP = 'rg-demo';
export const DEFAULT_WORKSPACE = 'mlw-demo';
export const DEFAULT_LOCATION = 'eastus';
export const DEFAULT_REGISTRY = 'mlr-shared';
export const DEFAULT_REGISTRY_RESOURCE_GROUP = 'rg-registry';
export const REGISTRY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/;
const SEEDED_BY = 'aml-lifecycle-emulator';

export interface SubscriptionSeed {
  subscriptionId?: string;
  displayName?: string;
}
export interface ResourceGroupSeed {
  subscriptionId?: string;
  name: string;
  location?: string;
}
export interface WorkspaceSeed {
  subscriptionId?: string;
  resourceGroup: string;
  name: string;
  location?: string;
}
export interface RegistrySeed {
  subscriptionId?: string;
  resourceGroup: string;
  name: string;
  location?: string;
}
export interface RoleAssignmentSeed {
  principalId: string;
  scope: string;
  role: string;
}

function seededSystemData(now: number): Json {
  const at = new Date(now).toISOString();
  return { createdAt: at, createdBy: SEEDED_BY, createdByType: 'Application', lastModifiedAt: at, lastModifiedBy: SEEDED_BY, lastModifiedByType: 'Application' };
}

function randomAccountName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'st';
  for (const b of randomBytes(12)) s += alphabet[b % alphabet.length];
  return s;
}

function defaultSubscriptionId(state: ArmState): string {
  const id = state.defaults?.subscriptionId ?? Object.values(state.subscriptions)[0]?.subscriptionId;
  if (!id) throw new Error('no subscription exists yet');
  return id;
}

export function ensureSubscription(state: ArmState, seed: SubscriptionSeed, tenantId: string): Subscription {
  const subscriptionId = seed.subscriptionId ?? randomUUID();
  const existing = state.subscriptions[key(subscriptionId)];
  if (existing) {
    if (seed.displayName) existing.displayName = seed.displayName;
    return existing;
  }
  const sub: Subscription = { subscriptionId, displayName: seed.displayName ?? 'Emulated subscription', tenantId };
  state.subscriptions[key(subscriptionId)] = sub;
  return sub;
}

export function ensureResourceGroup(state: ArmState, seed: ResourceGroupSeed, tenantId: string): void {
  const subscriptionId = seed.subscriptionId ?? defaultSubscriptionId(state);
  ensureSubscription(state, { subscriptionId }, tenantId);
  const id = rgId(subscriptionId, seed.name);
  if (!state.resourceGroups[key(id)]) {
    state.resourceGroups[key(id)] = { id, name: seed.name, location: seed.location ?? DEFAULT_LOCATION, subscriptionId };
  }
}

function datastore(wsId: string, name: string, account: StorageAccount, container: string, isDefault: boolean, now: number): StoredResource {
  return {
    id: `${wsId}/datastores/${name}`,
    type: `${ML_PROVIDER}/workspaces/datastores`,
    createdSeq: 0,
    body: {
      properties: {
        datastoreType: 'AzureBlob',
        accountName: account.name,
        containerName: container,
        credentials: { credentialsType: 'AccountKey' },
        description: null,
        isDefault,
        properties: {},
        tags: {},
        serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
        subscriptionId: account.subscriptionId,
        resourceGroup: account.resourceGroup,
      },
      systemData: seededSystemData(now),
    },
  };
}

/** Adds a workspace (with its resource group, storage account and datastores) unless it exists. */
export function addWorkspace(state: ArmState, seed: WorkspaceSeed, tenantId: string, now: number): StoredResource {
  const subscriptionId = seed.subscriptionId ?? defaultSubscriptionId(state);
  const location = seed.location ?? DEFAULT_LOCATION;
  ensureResourceGroup(state, { subscriptionId, name: seed.resourceGroup, location }, tenantId);
  const rg = rgId(subscriptionId, seed.resourceGroup);
  const id = `${rg}/providers/${ML_PROVIDER}/workspaces/${seed.name}`;
  const existing = state.resources[key(id)];
  if (existing) return existing;

  const workspaceId = randomUUID();
  const account = newStorageAccount(state, subscriptionId, seed.resourceGroup, [`azureml-blobstore-${workspaceId}`, 'azureml']);
  const suffix = randomBytes(4).toString('hex');
  const ws: StoredResource = {
    id,
    type: `${ML_PROVIDER}/workspaces`,
    createdSeq: nextCounter(state, 'resource'),
    body: {
      location,
      tags: {},
      kind: 'Default',
      sku: { name: 'Basic', tier: 'Basic' },
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId },
      properties: {
        workspaceId,
        friendlyName: seed.name,
        description: '',
        storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/${account.name}`,
        keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/kv${suffix}`,
        applicationInsights: `${rg}/providers/Microsoft.Insights/components/appi${suffix}`,
        containerRegistry: null,
        hbiWorkspace: false,
        publicNetworkAccess: 'Enabled',
        allowPublicAccessWhenBehindVnet: false,
        v1LegacyMode: false,
        storageHnsEnabled: false,
        enableDataIsolation: false,
        privateLinkCount: 0,
        tenantId,
        creationTime: new Date(now).toISOString(),
        provisioningState: 'Succeeded',
      },
      systemData: seededSystemData(now),
    },
  };
  state.resources[key(id)] = ws;
  for (const ds of [
    datastore(id, 'workspaceblobstore', account, account.containers[0], true, now),
    datastore(id, 'workspaceartifactstore', account, account.containers[1], false, now),
  ]) {
    ds.createdSeq = nextCounter(state, 'resource');
    state.resources[key(ds.id)] = ds;
  }
  return ws;
}

function newStorageAccount(state: ArmState, subscriptionId: string, resourceGroup: string, containers: string[]): StorageAccount {
  const account: StorageAccount = { name: randomAccountName(), key: randomBytes(64).toString('base64'), subscriptionId, resourceGroup, containers };
  state.storageAccounts[account.name] = account;
  return account;
}

/**
 * Adds a registry (with its resource group and its own storage account holding one container) unless it exists.
 * Registry names are unique across subscriptions: discovery and publish find a registry by name alone.
 */
export function addRegistry(state: ArmState, seed: RegistrySeed, tenantId: string, now: number): StoredResource {
  if (!REGISTRY_NAME.test(seed.name)) throw new Error(`registry name '${seed.name}' must match ${REGISTRY_NAME.source}`);
  const subscriptionId = seed.subscriptionId ?? defaultSubscriptionId(state);
  const location = seed.location ?? DEFAULT_LOCATION;
  const rg = rgId(subscriptionId, seed.resourceGroup);
  const id = `${rg}/providers/${ML_PROVIDER}/registries/${seed.name}`;
  const existing = state.resources[key(id)];
  if (existing) return existing;
  const clash = Object.values(state.resources).find((r) => r.type === `${ML_PROVIDER}/registries` && r.id.slice(r.id.lastIndexOf('/') + 1).toLowerCase() === seed.name.toLowerCase());
  if (clash) throw new Error(`a registry named '${seed.name}' already exists (${clash.id})`);
  ensureResourceGroup(state, { subscriptionId, name: seed.resourceGroup, location }, tenantId);

  const account = newStorageAccount(state, subscriptionId, seed.resourceGroup, [`registry-${randomBytes(8).toString('hex')}`]);
  const acr = `acr${randomBytes(6).toString('hex')}`;
  const reg: StoredResource = {
    id,
    type: `${ML_PROVIDER}/registries`,
    createdSeq: nextCounter(state, 'resource'),
    body: {
      location,
      tags: {},
      kind: '',
      sku: { name: 'P3', tier: 'Standard' },
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId },
      properties: {
        intellectualPropertyPublisher: null,
        publicNetworkAccess: 'Enabled',
        regionDetails: [
          {
            location,
            storageAccountDetails: [
              {
                systemCreatedStorageAccount: {
                  storageAccountName: account.name,
                  storageAccountType: 'Standard_LRS',
                  storageAccountHnsEnabled: false,
                  allowBlobPublicAccess: false,
                  armResourceId: { resourceId: `${rg}/providers/Microsoft.Storage/storageAccounts/${account.name}` },
                },
              },
            ],
            acrDetails: [
              {
                systemCreatedAcrAccount: {
                  acrAccountName: acr,
                  acrAccountSku: 'Premium',
                  armResourceId: { resourceId: `${rg}/providers/Microsoft.ContainerRegistry/registries/${acr}` },
                },
              },
            ],
          },
        ],
        registryPrivateEndpointConnections: [],
      },
      systemData: seededSystemData(now),
    },
  };
  state.resources[key(id)] = reg;
  return reg;
}

export function addRoleAssignment(state: ArmState, seed: RoleAssignmentSeed): RoleAssignment {
  const scope = seed.scope.replace(/\/+$/, '');
  const same = state.roleAssignments.find(
    (a) => a.principalId.toLowerCase() === seed.principalId.toLowerCase() && a.scope.toLowerCase() === scope.toLowerCase() && a.role.toLowerCase() === seed.role.toLowerCase(),
  );
  if (same) return same;
  const ra: RoleAssignment = { id: randomUUID(), principalId: seed.principalId, scope, role: seed.role };
  state.roleAssignments.push(ra);
  return ra;
}

/**
 * First start: one subscription with rg-demo / mlw-demo in eastus (with the AmlCompute clusters cpu-cluster and
 * gpu-cluster) and, in rg-demo, the Kubernetes clusters
 * arc-demo (Arc) and aks-demo (AKS), each with the Azure ML extension, and the load testing resource lt-demo; a second subscription with rg-registry /
 * mlr-shared (the registry models are promoted to); Contributor for the demo app on both subscriptions.
 */
export function seedDefaultWorld(state: ArmState, tenantId: string, demoPrincipalId: string | undefined, now: number): void {
  const sub = ensureSubscription(state, { displayName: 'Emulated subscription' }, tenantId);
  const ws = addWorkspace(state, { subscriptionId: sub.subscriptionId, resourceGroup: DEFAULT_RESOURCE_GROUP, name: DEFAULT_WORKSPACE, location: DEFAULT_LOCATION }, tenantId, now);
  seedDefaultAmlComputes(state, ws, now);
  batch(state).computesSeeded = true;
  seedDefaultClusters(state, { subscriptionId: sub.subscriptionId, resourceGroup: DEFAULT_RESOURCE_GROUP, location: DEFAULT_LOCATION, tenantId, now });
  addLoadTest(state, { subscriptionId: sub.subscriptionId, resourceGroup: DEFAULT_RESOURCE_GROUP, name: DEFAULT_LOAD_TEST, location: DEFAULT_LOCATION, tenantId, now });
  const regSub = ensureSubscription(state, { displayName: 'Emulated registry subscription' }, tenantId);
  addRegistry(state, { subscriptionId: regSub.subscriptionId, resourceGroup: DEFAULT_REGISTRY_RESOURCE_GROUP, name: DEFAULT_REGISTRY, location: DEFAULT_LOCATION }, tenantId, now);
  if (demoPrincipalId) {
    for (const s of [sub, regSub]) addRoleAssignment(state, { principalId: demoPrincipalId, scope: `/subscriptions/${s.subscriptionId}`, role: 'Contributor' });
  }
  state.defaults = {
    subscriptionId: sub.subscriptionId,
    resourceGroup: DEFAULT_RESOURCE_GROUP,
    workspace: DEFAULT_WORKSPACE,
    registry: { subscriptionId: regSub.subscriptionId, resourceGroup: DEFAULT_REGISTRY_RESOURCE_GROUP, name: DEFAULT_REGISTRY },
  };
  state.seeded = true;
}

/** A state seeded before the emulator knew Kubernetes clusters gets the default ones (in the default resource group) once. */
export function seedClustersOnce(state: ArmState, tenantId: string, now: number): void {
  const d = state.defaults;
  if (!d || kubernetesSeeded(state)) return;
  const location = state.resourceGroups[key(rgId(d.subscriptionId, d.resourceGroup))]?.location ?? DEFAULT_LOCATION;
  seedDefaultClusters(state, { subscriptionId: d.subscriptionId, resourceGroup: d.resourceGroup, location, tenantId, now });
}

/** A state seeded before the emulator knew AmlCompute clusters gets the default ones (in the default workspace) once. */
export function seedAmlComputesOnce(state: ArmState, now: number): void {
  const d = state.defaults;
  if (!d || peekBatch(state)?.computesSeeded) return;
  const ws = state.resources[key(`${rgId(d.subscriptionId, d.resourceGroup)}/providers/${ML_PROVIDER}/workspaces/${d.workspace}`)];
  if (ws) seedDefaultAmlComputes(state, ws, now);
  batch(state).computesSeeded = true;
}
