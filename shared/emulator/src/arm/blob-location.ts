/**
 * Where a model's files are: a model version's `modelUri` (datastore URI, long or short, or a blob URL) resolved
 * to an emulated storage account, container and path; and the blob URL of such a location.
 */
import type { ArmState } from '../state/model';
import type { BlobLocation } from '../registry-copy-job';
import { getResource, propertiesOf } from './resource-helpers';
import { storageEndpoint } from './datastores';
import { ML_PROVIDER, rgId } from './target';

const LONG = /^azureml:\/\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/(.*)$/i;
const SHORT = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/i;

function trimPath(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

function fromDatastore(state: ArmState, workspaceId: string, datastore: string, path: string): BlobLocation | string {
  const ds = getResource(state, `${workspaceId}/datastores/${datastore}`);
  if (!ds) return `datastore '${datastore}' does not exist in workspace '${workspaceId.slice(workspaceId.lastIndexOf('/') + 1)}'`;
  const p = propertiesOf(ds.body);
  if (typeof p.accountName !== 'string' || typeof p.containerName !== 'string') return `datastore '${datastore}' is not a blob datastore`;
  return { account: p.accountName, container: p.containerName, path: trimPath(decodeURIComponent(path)) };
}

function fromBlobUrl(state: ArmState, uri: string): BlobLocation | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'it is not a URL';
  }
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const pathStyle = /^(127\.0\.0\.1|localhost|\[::1\])$/i.test(url.hostname);
  const account = pathStyle ? segments.shift() : url.hostname.split('.')[0];
  const container = segments.shift();
  if (!account || !container || !state.storageAccounts[account]) return `no storage account of this emulator is at '${url.origin}${pathStyle && account ? `/${account}` : ''}'`;
  return { account, container, path: trimPath(segments.join('/')) };
}

/**
 * The files a modelUri names. `workspaceId` (ARM id) resolves short datastore URIs. A string result says why the
 * URI cannot be resolved.
 */
export function resolveModelUri(state: ArmState, modelUri: string, workspaceId?: string): BlobLocation | string {
  const long = LONG.exec(modelUri);
  if (long) {
    const [, sub, rg, ws, ds, path] = long;
    return fromDatastore(state, `${rgId(sub, rg)}/providers/${ML_PROVIDER}/workspaces/${ws}`, ds, path);
  }
  const short = SHORT.exec(modelUri);
  if (short) {
    if (!workspaceId) return 'a short datastore URI needs a workspace';
    return fromDatastore(state, workspaceId, short[1], short[2]);
  }
  if (/^https?:\/\//i.test(modelUri)) return fromBlobUrl(state, modelUri);
  return 'only datastore URIs (azureml://.../datastores/<ds>/paths/<p>) and blob URLs can be copied';
}

function encodePath(p: string): string {
  return p.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

/** https URL of a location: path-style on Azurite, `<account>.blob.core.windows.net` without it. */
export function blobUrl(state: ArmState, loc: BlobLocation): string {
  const endpoint = storageEndpoint(state);
  const base = state.azurite ? `https://${endpoint}/${loc.account}` : `https://${loc.account}.blob.${endpoint}`;
  const path = encodePath(loc.path);
  return `${base}/${encodeURIComponent(loc.container)}${path ? `/${path}` : ''}`;
}
