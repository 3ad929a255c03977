/**
 * Where a registry's pending upload puts files: `blobReferenceForConsumption.blobUri` is a folder in the registry's
 * storage and `credential.sasUri` the same place with a SAS token. Files go under the folder as `az ml` lays out a
 * local upload: a folder keeps its name, a single file its file name; the model URI points at that folder or file.
 */
import { basename } from 'node:path';
import { isPathStyleHost } from '../assets/blob-service-url';
import type { ContentHash } from '../assets/content-hash';
import type { PendingUploadResponse } from '../azureml/resources';
import { StepError } from '../core/errors';

export interface PendingUploadTarget {
  /** Container URL without a query */
  containerUrl: string;
  /** SAS token (query string, no '?'); a secret */
  sas: string;
  /** Blob name prefix the files are written under */
  prefix: string;
  /** What the registry model version's modelUri is */
  modelUri: string;
}

/** A GUID-shaped pending upload id derived from the content, so a rerun asks for the same upload location. */
export function pendingUploadId(content: ContentHash): string {
  const h = content.hash;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function pendingUploadTarget(response: PendingUploadResponse, content: ContentHash): PendingUploadTarget {
  const ref = response.blobReferenceForConsumption;
  const blobUri = ref?.blobUri;
  const sasUri = ref?.credential?.sasUri;
  if (!blobUri || !sasUri) {
    throw new StepError('service', 'startPendingUpload answered without a blobUri and a SAS credential.');
  }
  let blob: URL;
  let sas: URL;
  try {
    blob = new URL(blobUri);
    sas = new URL(sasUri);
  } catch {
    throw new StepError('service', `startPendingUpload answered with a blobUri that is not a URL: ${blobUri.split('?')[0]}`);
  }
  const segments = blob.pathname.split('/').filter((s) => s !== '');
  // Emulators and Azure Stack put the account in the path: https://127.0.0.1:10000/<account>/<container>/…
  const containerSegments = isPathStyleHost(blob.host) ? 2 : 1;
  if (segments.length < containerSegments) {
    throw new StepError('service', `startPendingUpload answered with a blobUri without a container: ${blob.origin}${blob.pathname}`);
  }
  const containerUrl = `${blob.origin}/${segments.slice(0, containerSegments).join('/')}`;
  const folder = segments.slice(containerSegments).map(decodeURIComponent).join('/');
  const name = content.isFile ? content.files[0]?.relativePath ?? basename(content.root) : basename(content.root);
  const prefix = content.isFile ? folder : [folder, name].filter(Boolean).join('/');
  const base = `${blob.origin}${blob.pathname}`.replace(/\/+$/, '');
  return { containerUrl, sas: sas.search.replace(/^\?/, ''), prefix, modelUri: `${base}/${encodeURIComponent(name)}` };
}
