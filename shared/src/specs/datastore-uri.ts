/**
 * `azureml://` datastore URIs. The short form `azureml://datastores/<ds>/paths/<p>` is what users write; the
 * service stores the long form `azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/datastores/<ds>/paths/<p>`,
 * which `az ml` sends as a model's `modelUri`.
 */

export interface WorkspaceScope {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

const SHORT = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/;
const LONG = /^azureml:\/\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/(.*)$/i;

export interface DatastorePath {
  datastore: string;
  path: string;
}

export function parseShortDatastoreUri(uri: string): DatastorePath | undefined {
  const m = SHORT.exec(uri);
  return m ? { datastore: m[1]!, path: m[2]! } : undefined;
}

export function parseLongDatastoreUri(uri: string): (DatastorePath & WorkspaceScope) | undefined {
  const m = LONG.exec(uri);
  if (!m) return undefined;
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, workspaceName: m[3]!, datastore: m[4]!, path: m[5]! };
}

/** The long-form URI of a path in a workspace datastore. */
export function datastoreUri(scope: WorkspaceScope, datastore: string, path: string): string {
  const p = path.replace(/^\/+/, '');
  return `azureml://subscriptions/${scope.subscriptionId}/resourcegroups/${scope.resourceGroup}/workspaces/${scope.workspaceName}/datastores/${datastore}/paths/${p}`;
}

/** Expands a short datastore URI to the long form; any other string is returned unchanged. */
export function expandShortDatastoreUri(uri: string, scope: WorkspaceScope): string {
  const short = parseShortDatastoreUri(uri);
  return short ? datastoreUri(scope, short.datastore, short.path) : uri;
}
