/**
 * Reading a file back from a workspace datastore (`azureml://datastores/<name>/paths/<path>`) with the datastore's
 * own access (identity or its stored credential, as for uploads): into memory, or streamed to a local file; a
 * folder's files listed; a small text file written (the monitor's review queue).
 */
import type { AzureMlClient } from '../azureml/client';
import { StepError } from '../core/errors';
import type { WorkspaceScope } from '../specs/datastore-uri';

/** A datastore name as Azure ML allows it (letters, digits, underscores), then a path without `..`, `?` or `#`. */
const DATASTORE_URI = /^azureml:\/\/datastores\/([A-Za-z0-9_]{1,255})\/paths\/([^?#\x00-\x1f]+)$/i;

export const isDatastoreUri = (uri: string): boolean => {
  const m = DATASTORE_URI.exec(uri);
  return !!m && !m[2]!.split('/').some((seg) => seg === '..' || seg === '.');
};

/** The datastore's container (with its own credential) and the path the URI names in it. */
async function containerFor(client: AzureMlClient, scope: WorkspaceScope, uri: string, purpose: string) {
  const m = DATASTORE_URI.exec(uri);
  if (!m || !isDatastoreUri(uri)) throw new StepError('input', `Not a datastore URI (azureml://datastores/<name>/paths/<path>): ${uri}`);
  const ds = await client.findDatastore(scope.resourceGroup, scope.workspaceName, m[1]!);
  if (!ds) throw new StepError('not-found', `Datastore ${m[1]} does not exist in workspace ${scope.workspaceName}.`);
  const { datastoreContainer } = await import('./model-upload');
  const { ContainerClient } = await import('@azure/storage-blob');
  const { containerUrl, credential } = await datastoreContainer(client, scope, ds, purpose);
  const container = typeof credential === 'string' ? new ContainerClient(`${containerUrl}?${credential.replace(/^\?/, '')}`) : new ContainerClient(containerUrl, credential);
  return { container, path: m[2]!, datastore: m[1]! };
}

async function blobFor(client: AzureMlClient, scope: WorkspaceScope, uri: string, purpose: string) {
  const { container, path } = await containerFor(client, scope, uri, purpose);
  return container.getBlobClient(path);
}

/** The files under a datastore folder, as datastore URIs (at most `limit`, in name order). */
export async function listDatastoreFolder(client: AzureMlClient, scope: WorkspaceScope, folderUri: string, signal?: AbortSignal, limit = 10_000): Promise<string[]> {
  const { container, path, datastore } = await containerFor(client, scope, folderUri.replace(/\/+$/, ''), 'data is read');
  const prefix = `${path.replace(/\/+$/, '')}/`;
  const out: string[] = [];
  try {
    for await (const b of container.listBlobsFlat({ prefix, abortSignal: signal })) {
      out.push(`azureml://datastores/${datastore}/paths/${b.name}`);
      if (out.length >= limit) break;
    }
  } catch (e) {
    throw readFailed(folderUri, 'the folder', e);
  }
  return out.sort();
}

/** Writes `text` to the datastore file (replacing it). */
export async function writeDatastoreFile(client: AzureMlClient, scope: WorkspaceScope, uri: string, text: string, contentType: string, signal?: AbortSignal): Promise<void> {
  const { container, path } = await containerFor(client, scope, uri, 'data is written');
  const body = Buffer.from(text, 'utf8');
  try {
    await container.getBlockBlobClient(path).upload(body, body.length, { blobHTTPHeaders: { blobContentType: contentType }, abortSignal: signal });
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    throw new StepError('service', `Writing ${uri} failed: ${status ? `HTTP ${status}` : (e as Error).message}.`);
  }
}

function readFailed(uri: string, what: string, e: unknown): StepError {
  const status = (e as { statusCode?: number }).statusCode;
  return new StepError(status === 404 ? 'not-found' : 'service', `Reading ${what} ${uri} failed: ${status ? `HTTP ${status}` : (e as Error).message}.`);
}

/** The file's text. `what` names it in errors ("the job's output"). */
export async function readDatastoreFile(client: AzureMlClient, scope: WorkspaceScope, uri: string, signal?: AbortSignal, what = "the job's output"): Promise<string> {
  const blob = await blobFor(client, scope, uri, 'outputs are read');
  try {
    return (await blob.downloadToBuffer(undefined, undefined, { abortSignal: signal })).toString('utf8');
  } catch (e) {
    throw readFailed(uri, what, e);
  }
}

/** The file streamed to `path` (large datasets never held in memory). */
export async function downloadDatastoreFile(client: AzureMlClient, scope: WorkspaceScope, uri: string, path: string, signal?: AbortSignal, what = 'the dataset'): Promise<void> {
  const blob = await blobFor(client, scope, uri, 'data is read');
  try {
    await blob.downloadToFile(path, undefined, undefined, { abortSignal: signal });
  } catch (e) {
    throw readFailed(uri, what, e);
  }
}
