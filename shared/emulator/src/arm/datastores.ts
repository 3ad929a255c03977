/** Datastores: list (paged, `isDefault` filter), get, and listSecrets (the storage account key). */
import type { ArmState, StoredResource } from '../state/model';
import type { ArmCall, ResourceTypeHandler } from './call';
import { childrenOf, getResource, page, propertiesOf, top } from './resource-helpers';
import { render } from './render';
import { mfeNotFound } from './errors';

/**
 * host:port of the blob front serving the accounts (Azurite itself for a state written before the front existed);
 * clients build path-style URLs for an IP endpoint.
 */
export function storageEndpoint(state: Pick<ArmState, 'azurite'>): string {
  return state.azurite ? `127.0.0.1:${state.azurite.frontPort ?? state.azurite.port}` : 'core.windows.net';
}

function renderDatastore(ds: StoredResource, c: ArmCall) {
  return render(ds, { properties: { endpoint: storageEndpoint(c.state), protocol: 'https' } });
}

function find(c: ArmCall): StoredResource | undefined {
  return getResource(c.state, c.id);
}

export const datastoreHandlers: ResourceTypeHandler = {
  path: ['workspaces', 'datastores'],
  list: (c) => {
    let items = childrenOf(c.state, c.workspace!.id, 'datastores');
    const isDefault = c.url.searchParams.get('isDefault');
    if (isDefault !== null) items = items.filter((d) => String(propertiesOf(d.body).isDefault === true) === isDefault.toLowerCase());
    return page(c, items.map((d) => renderDatastore(d, c)), { top: top(c) });
  },
  get: (c) => {
    const ds = find(c);
    return ds ? { status: 200, body: renderDatastore(ds, c) } : mfeNotFound('datastore', c.names[1]);
  },
  actions: {
    listsecrets: (c) => {
      const ds = find(c);
      if (!ds) return mfeNotFound('datastore', c.names[1]);
      const account = c.state.storageAccounts[String(propertiesOf(ds.body).accountName)];
      if (!account) return mfeNotFound('storage account for datastore', c.names[1]);
      return { status: 200, body: { secretsType: 'AccountKey', key: account.key } };
    },
  },
};
