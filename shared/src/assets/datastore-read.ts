/**
 * Reading a file back from a workspace datastore (`azureml://datastores/<name>/paths/<path>`) with the datastore's
 * own access (identity or its stored credential, as for uploads): into memory, or streamed to a local file.
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

async function blobFor(client: AzureMlClient, scope: WorkspaceScope, uri: string, purpose: string) {
  const m = DATASTORE_URI.exec(uri);
  if (!m || !isDatastoreUri(uri)) throw new StepError('input', `Not a datastore file URI (azureml://datastores/<name>/paths/<file>): ${uri}`);
  const ds = await client.findDatastore(scope.resourceGroup, scope.workspaceName, m[1]!);
  if (!ds) throw new StepError('not-found', `Datastore ${m[1]} does not exist in workspace ${scope.workspaceName}.`);
  const { datastoreContainer } = await import('./model-upload');
  const { ContainerClient } = await import('@azure/storage-blob');
  const { containerUrl, credential } = await datastoreContainer(client, scope, ds, purpose);
  const container = typeof credential === 'string' ? new ContainerClient(`${containerUrl}?${credential.replace(/^\?/, '')}`) : new ContainerClient(containerUrl, credential);
  return container.getBlobClient(m[2]!);
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
