/**
 * `azureml://` datastore URIs. The short form `azureml://datastores/<ds>/paths/<p>` is what users write; the
 * service stores the long form `azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/datastores/<ds>/paths/<p>`,
 * which `az ml` sends as a model's `modelUri`.
 */
import { datastoreNameProblem } from '../core/names';

export interface WorkspaceScope {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

const SHORT = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/i;
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

/** Any `azureml://` URI that names a datastore: short form, or the long form under a workspace. */
const NAMES_DATASTORE = /^azureml:\/\/(?:datastores(?:\/|$)|subscriptions\/[^/]*\/resourcegroups\/[^/]*\/workspaces\/[^/]*\/datastores(?:\/|$))/i;
/** The same, loosely: the datastore segment may be empty, the rest anything. */
const LOOSE = /^azureml:\/\/(?:subscriptions\/([^/]*)\/resourcegroups\/([^/]*)\/workspaces\/([^/]*)\/)?datastores\/([^/]*)(?:\/paths\/(.*))?$/i;

export type DatastoreUriCheck =
  | { ok: true; form: 'short'; datastore: string; path: string }
  | { ok: true; form: 'long'; datastore: string; path: string; scope: WorkspaceScope }
  | { ok: false; problem: string };

/**
 * Check a URI that names a datastore (`azureml://datastores/...` or the long form): the datastore name must follow
 * the service's rule and a path must follow `/paths/`. Undefined for any other string (a job output, https, …).
 */
export function checkDatastoreUri(uri: string): DatastoreUriCheck | undefined {
  if (!NAMES_DATASTORE.test(uri)) return undefined;
  const shape = "use 'azureml://datastores/<datastore>/paths/<path>'";
  const m = LOOSE.exec(uri);
  if (!m) return { ok: false, problem: `the datastore URI '${uri}' is not of the form ${shape.slice(4)}` };
  const [, sub, rg, ws, datastore = '', path] = m;
  if (datastore === '') return { ok: false, problem: `the datastore URI '${uri}' names no datastore (nothing between 'datastores/' and '/paths/')` };
  const nameProblem = datastoreNameProblem(datastore);
  if (nameProblem) return { ok: false, problem: `the datastore URI '${uri}' names the datastore '${datastore}', which cannot exist: ${nameProblem}` };
  if (path === undefined) return { ok: false, problem: `the datastore URI '${uri}' has no '/paths/<path>' after the datastore name; ${shape}` };
  if (path.replace(/\/+$/, '') === '') return { ok: false, problem: `the datastore URI '${uri}' has no path after /paths/` };
  if (sub === undefined) return { ok: true, form: 'short', datastore, path };
  if (!sub || !rg || !ws) return { ok: false, problem: `the datastore URI '${uri}' has an empty subscription, resource group or workspace` };
  return { ok: true, form: 'long', datastore, path, scope: { subscriptionId: sub, resourceGroup: rg!, workspaceName: ws! } };
}

/** True when `scope` is the same workspace as `other` (ARM names are case-insensitive). */
export function sameWorkspace(scope: WorkspaceScope, other: WorkspaceScope): boolean {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return eq(scope.subscriptionId, other.subscriptionId) && eq(scope.resourceGroup, other.resourceGroup) && eq(scope.workspaceName, other.workspaceName);
}
