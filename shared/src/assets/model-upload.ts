/** Upload hashed local model content once to the workspace datastore (loaded only when something is uploaded). */
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { blobServiceUrl } from '../assets/blob-service-url';
import { uploadToContainer } from '../assets/upload';
import type { AzureMlClient } from '../azureml/client';
import type { Datastore } from '../azureml/resources';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { WorkspaceScope } from '../specs/datastore-uri';
import type { LocalContent } from './local-content';

export interface UploadReport {
  skipped: boolean;
  files: number;
  bytes: number;
  datastore: string;
}

/** A blob datastore's container URL and a credential for it (its account key or SAS, from listSecrets; masked by the client). */
export async function datastoreContainer(
  client: AzureMlClient,
  scope: WorkspaceScope,
  ds: Datastore,
  why: string,
): Promise<{ containerUrl: string; credential: StorageSharedKeyCredential | string }> {
  const p = ds.properties;
  if (!ds.name || !p || (p.datastoreType ?? 'AzureBlob') !== 'AzureBlob' || !p.accountName || !p.containerName) {
    throw new StepError('input', `Datastore ${ds.name ?? '(default)'} is not an Azure Blob datastore; ${why} to blob datastores only.`, { input: 'datastore' });
  }
  const secrets = await client.getDatastoreSecrets(scope.resourceGroup, scope.workspaceName, ds.name);
  let credential: StorageSharedKeyCredential | string;
  if (secrets.secretsType === 'AccountKey' && secrets.key) credential = new StorageSharedKeyCredential(p.accountName, secrets.key);
  else if (secrets.secretsType === 'Sas' && secrets.sasToken) credential = secrets.sasToken;
  else {
    throw new StepError('auth', `Datastore ${ds.name} has ${secrets.secretsType} credentials; this needs an account key or a SAS token.`, {
      hint: 'Use a datastore with account-key or SAS credentials, or pass an azureml:// URI of content that is already uploaded.',
    });
  }
  return { containerUrl: `${blobServiceUrl({ accountName: p.accountName, endpoint: p.endpoint ?? 'core.windows.net', protocol: p.protocol })}/${p.containerName}`, credential };
}

export async function uploadLocalModel(
  client: AzureMlClient,
  scope: WorkspaceScope,
  local: LocalContent,
  logger: Logger,
  signal?: AbortSignal,
): Promise<UploadReport> {
  const ds = local.datastore;
  if (!ds) throw new StepError('input', 'No datastore to upload to.', { input: 'datastore' });
  const { containerUrl, credential } = await datastoreContainer(client, scope, ds, 'local models are uploaded');
  const result = await uploadToContainer({
    containerUrl,
    credential,
    prefix: local.prefix,
    content: local.content,
    logger,
    signal,
  });
  logger.info(result.skipped ? `Content already in datastore ${ds.name}; upload skipped.` : `Uploaded ${result.uploadedFiles} files to datastore ${ds.name}.`);
  return {
    skipped: result.skipped,
    files: local.content.files.length,
    bytes: result.skipped ? local.content.totalBytes : result.uploadedBytes,
    datastore: ds.name!,
  };
}
