/**
 * Bringing a deployment's files (model, code) into a per-deployment folder under the state directory: a local
 * folder or file is copied; a blob folder is downloaded from Azurite through the blob front (blob-admin).
 */
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import type { JsonStore } from '../state/json-store';
import type { ArmState } from '../state/model';
import { getBlob, listBlobNames } from '../blob-admin';
import { storageEndpoint } from '../arm/datastores';
import type { FileSource } from './records';

export interface MaterializeDeps {
  store: JsonStore<ArmState>;
  /** The CA the blob front's certificate chains to. */
  ca: string;
}

/**
 * Copies or downloads `source` into `dest` (emptied first); returns the file names written, relative to `dest`.
 * `nestFolder`: a blob folder's files go under `dest/<folder name>/` (how the service lays out a folder model).
 */
export async function materialize(deps: MaterializeDeps, source: FileSource, dest: string, log: (line: string) => void, nestFolder = false): Promise<string[]> {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const local = typeof source === 'string' ? source : 'local' in source ? source.local : undefined;
  if (local !== undefined) {
    const from = resolve(local);
    const st = statSync(from, { throwIfNoEntry: false });
    if (!st) throw new Error(`The local path '${from}' does not exist.`);
    if (st.isDirectory()) cpSync(from, dest, { recursive: true });
    else cpSync(from, join(dest, from.slice(from.lastIndexOf(sep) + 1)));
    log(`Copied ${from} to ${dest}`);
    return [];
  }
  if (typeof source === 'string' || !('blob' in source)) throw new Error('A file source is a local path or { blob: { account, container, path } }.');
  const loc = source.blob;
  const state = deps.store.read();
  const account = state.storageAccounts[loc.account];
  if (!account) throw new Error(`Storage account '${loc.account}' does not exist.`);
  if (!state.azurite) throw new Error('Blob storage is not running (the emulator was started without Azurite).');
  const ep = { hostPort: storageEndpoint(state), ca: deps.ca };
  const path = loc.path.replace(/^\/+|\/+$/g, '');
  const names = await listBlobNames(ep, account, loc.container, path);
  const single = path !== '' && names.includes(path);
  const prefix = path ? `${path}/` : '';
  const nest = nestFolder && !single && path ? `${path.slice(path.lastIndexOf('/') + 1)}/` : '';
  const files = single ? [path] : names.filter((n) => n.startsWith(prefix));
  if (!files.length) throw new Error(`No blobs found under ${loc.account}/${loc.container}/${path}.`);
  const written: string[] = [];
  for (const name of files) {
    const rel = single ? name.slice(name.lastIndexOf('/') + 1) : nest + name.slice(prefix.length);
    const target = normalize(join(dest, rel));
    if (!target.startsWith(dest + sep)) throw new Error(`Blob name '${name}' escapes the destination folder.`);
    mkdirSync(dirname(target), { recursive: true });
    const blob = await getBlob(ep, account, loc.container, name);
    writeFileSync(target, blob.data);
    log(`Downloaded ${loc.account}/${loc.container}/${name} (${blob.data.length} bytes)`);
    written.push(rel);
  }
  return written;
}
