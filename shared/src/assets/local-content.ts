/** Local model content, hashed before any network call; the upload (and the storage SDK) is loaded only when needed. */
import { hashContent, type ContentHash } from '../assets/content-hash';
import { localUploadLayout } from '../assets/local-upload';
import type { Datastore } from '../azureml/resources';
import type { Logger } from '../core/logger';

export interface LocalContent {
  content: ContentHash;
  /** blob name prefix for the upload */
  prefix: string;
  /** path inside the datastore that the model URI points at */
  uploadPath: string;
  datastore?: Datastore;
}

export async function hashLocalContent(path: string, logger: Logger, signal?: AbortSignal): Promise<LocalContent> {
  const content = await hashContent(path, { signal });
  const layout = localUploadLayout(content);
  logger.info(`${content.files.length} files, ${content.totalBytes} bytes, sha256 ${content.hash}`);
  return { content, prefix: layout.prefix, uploadPath: layout.assetPath };
}

