/**
 * Registries: Registries_Get, Registries_List (resource group) and Registries_ListBySubscription. Registries are
 * created through the control surface; each has its own storage account with one container for its assets.
 */
import type { ArmState, StoredResource } from '../state/model';
import { key } from '../state/model';
import type { Reply } from '../http';
import { isObject } from '../http';
import type { BlobLocation } from '../registry-copy-job';
import type { ArmCall, ResourceTypeHandler } from './call';
import { getResource, page, propertiesOf } from './resource-helpers';
import { lastName, render } from './render';
import { gatewayError } from './errors';
import { ML_PROVIDER, rgId } from './target';

export const REGISTRY_TYPE = `${ML_PROVIDER}/registries`;

export function registryId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${rgId(subscriptionId, resourceGroup)}/providers/${ML_PROVIDER}/registries/${name}`;
}

/** Where a registry id lives: `/subscriptions/{s}/resourceGroups/{rg}/...`. */
export function registryScope(reg: StoredResource): { subscriptionId: string; resourceGroup: string; name: string } {
  const parts = reg.id.split('/');
  return { subscriptionId: parts[2], resourceGroup: parts[4], name: lastName(reg.id) };
}

/** The registry a registry-scoped call addresses (`names[0]`), if it exists. */
export function registryOf(c: ArmCall): StoredResource | undefined {
  return getResource(c.state, registryId(c.subscriptionId, c.resourceGroup, c.names[0]));
}

export function registryNotFound(name: string, resourceGroup: string): Reply {
  return gatewayError(
    404,
    'ResourceNotFound',
    `The Resource '${REGISTRY_TYPE}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** Every registry with this name (names are unique, so at most one; compared case-insensitively). */
export function registriesNamed(state: ArmState, name: string): StoredResource[] {
  return Object.values(state.resources).filter((r) => r.type === REGISTRY_TYPE && lastName(r.id).toLowerCase() === name.toLowerCase());
}

/** The registry's storage account name and its asset container. */
export function registryStorage(state: ArmState, reg: StoredResource): Omit<BlobLocation, 'path'> | undefined {
  const region = (propertiesOf(reg.body).regionDetails as unknown[] | undefined)?.[0];
  const details = isObject(region) ? (region.storageAccountDetails as unknown[] | undefined)?.[0] : undefined;
  const sys = isObject(details) && isObject(details.systemCreatedStorageAccount) ? details.systemCreatedStorageAccount : undefined;
  const account = sys ? state.storageAccounts[String(sys.storageAccountName)] : undefined;
  return account?.containers[0] ? { account: account.name, container: account.containers[0] } : undefined;
}

export function storageAccountArmId(state: ArmState, account: string): string {
  const a = state.storageAccounts[account];
  return `${rgId(a.subscriptionId, a.resourceGroup)}/providers/Microsoft.Storage/storageAccounts/${a.name}`;
}

export function registryDiscoveryUrl(baseUrl: string, name: string): string {
  return `${baseUrl}/registrymanagement/v1.0/registries/${encodeURIComponent(name)}/discovery`;
}

function renderRegistry(reg: StoredResource, baseUrl: string) {
  const host = new URL(baseUrl).host;
  return render(reg, {
    properties: {
      discoveryUrl: registryDiscoveryUrl(baseUrl, lastName(reg.id)),
      mlFlowRegistryUri: `azureml://${host}/mlflow/v1.0${reg.id}`,
    },
  });
}

function inSubscription(state: ArmState, subscriptionId: string, resourceGroup?: string): StoredResource[] {
  const prefix = key(resourceGroup ? `${rgId(subscriptionId, resourceGroup)}/` : `/subscriptions/${subscriptionId}/`);
  return Object.values(state.resources)
    .filter((r) => r.type === REGISTRY_TYPE && key(r.id).startsWith(prefix))
    .sort((a, b) => a.createdSeq - b.createdSeq);
}

export const registryHandlers: ResourceTypeHandler = {
  path: ['registries'],
  list: (c) => page(c, inSubscription(c.state, c.subscriptionId, c.resourceGroup).map((r) => renderRegistry(r, c.baseUrl))),
  listBySubscription: (c) => page(c, inSubscription(c.state, c.subscriptionId).map((r) => renderRegistry(r, c.baseUrl))),
  get: (c) => {
    const reg = registryOf(c);
    return reg ? { status: 200, body: renderRegistry(reg, c.baseUrl) } : registryNotFound(c.names[0], c.resourceGroup);
  },
};
