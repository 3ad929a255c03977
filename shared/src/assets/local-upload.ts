/**
 * Where `az ml` puts a local file or folder in a workspace datastore: under the origin prefix `LocalUpload`, then
 * the content hash, then the file or folder name. The asset path (what the model URI points at) is the folder
 * itself, or the single file.
 */
import { basename } from 'node:path';
import type { ContentHash } from './content-hash';

export const LOCAL_UPLOAD_ORIGIN = 'LocalUpload';

export interface UploadLayout {
  /** blobs are written as `<prefix>/<relativePath>` */
  prefix: string;
  /** path inside the container the model URI refers to */
  assetPath: string;
}

export function localUploadLayout(content: ContentHash): UploadLayout {
  const base = `${LOCAL_UPLOAD_ORIGIN}/${content.hash}`;
  if (content.isFile) return { prefix: base, assetPath: `${base}/${content.files[0]?.relativePath ?? basename(content.root)}` };
  const folder = `${base}/${basename(content.root)}`;
  return { prefix: folder, assetPath: folder };
}
