/**
 * The policy's datasets as local files: local paths are used where they are (regular files only, checked when
 * opened); `azureml:name:version` data assets and `azureml://datastores/…` files are downloaded once into a
 * temporary folder through the workspace's datastore access; https URLs are fetched.
 */
import { createWriteStream, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { downloadDatastoreFile, isDatastoreUri } from '../../assets/datastore-read';
import { policyError } from '../../checks/policy/errors';
import { StepError } from '../../core/errors';
import { isInsideFolder, statRegularFile } from '../../core/files';
import type { Policy, PolicyDataset, PolicyLocation } from '../../checks/policy/types';
import type { Logger } from '../../core/logger';
import type { WorkspaceConnection } from '../workspace';

const DATA_ASSET = /^azureml:([A-Za-z0-9_][\w.-]{0,254}):([\w.-]{1,64})$/;

export interface LocalDatasets {
  path(name: string, at: PolicyLocation): string;
  cleanup(): void;
}

/** `needed`: the remote datasets to fetch (default all; those only checks run as jobs read stay where they are). */
export async function localDatasets(policy: Policy, conn: WorkspaceConnection | undefined, logger: Logger, signal: AbortSignal, needed?: ReadonlySet<string>): Promise<LocalDatasets> {
  const local = new Map<string, string>();
  let dir: string | undefined;
  for (const ds of policy.data.values()) {
    if (ds.kind === 'remote' && needed && !needed.has(ds.name)) continue;
    if (ds.kind === 'local') {
      local.set(ds.name, checkedLocal(policy, ds));
      continue;
    }
    dir ??= mkdtempSync(join(tmpdir(), 'staging-checks-'));
    // The local copy keeps the remote file's name, so its extension still tells the format.
    const localName = (uri: string) => join(dir!, `${local.size}-${basename(uri.replace(/[?#].*$/, '')).replace(/[^\w.-]/g, '_') || 'data'}`);
    if (/^https:\/\//i.test(ds.path)) {
      const file = localName(new URL(ds.path).pathname);
      logger.info(`Downloading dataset ${ds.name} from ${new URL(ds.path).origin}${new URL(ds.path).pathname}`);
      await fetchTo(ds, file, signal);
      local.set(ds.name, file);
      continue;
    }
    if (!conn) throw policyError(ds.at, `dataset '${ds.name}' is in the workspace: give resource-group and workspace to read it`);
    let uri = ds.path;
    const asset = DATA_ASSET.exec(uri);
    if (asset) {
      const id = `/subscriptions/${conn.scope.subscriptionId}/resourceGroups/${conn.scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${conn.scope.workspaceName}/data/${asset[1]}/versions/${asset[2]}`;
      const version = (await conn.client.core.rawGet(id, { operation: 'get the data asset', ref: { kind: 'data', name: `${asset[1]}:${asset[2]}`, scope: `workspace '${conn.scope.workspaceName}'` } })) as { properties?: { dataUri?: string; dataType?: string } } | undefined;
      if (!version) throw new StepError('not-found', `Dataset '${ds.name}': data asset ${asset[1]}:${asset[2]} does not exist in workspace ${conn.scope.workspaceName}.`);
      if (version.properties?.dataType && version.properties.dataType !== 'uri_file') {
        throw policyError(ds.at, `data asset ${asset[1]}:${asset[2]} is a ${version.properties.dataType}; a check reads one file (a uri_file asset, or a datastore path to the file)`);
      }
      uri = version.properties?.dataUri ?? '';
    }
    if (!isDatastoreUri(uri)) throw policyError(ds.at, `dataset '${ds.name}' (${uri}) is not a datastore file this step can read (azureml://datastores/<name>/paths/<file>)`);
    const file = localName(uri);
    logger.info(`Downloading dataset ${ds.name} from ${uri}`);
    await downloadDatastoreFile(conn.client, conn.scope, uri, file, signal, `dataset '${ds.name}'`);
    local.set(ds.name, file);
  }
  return {
    path(name, at) {
      const p = local.get(name);
      if (!p) throw policyError(at, `no dataset '${name}' under data:`);
      return p;
    },
    cleanup: () => dir && rmSync(dir, { recursive: true, force: true }),
  };
}

/** A local dataset as a regular file; one written in the policy must stay inside the policy's folder after links too. */
function checkedLocal(policy: Policy, ds: PolicyDataset): string {
  try {
    statRegularFile(ds.path, undefined, 'dataset');
    if (ds.at.input === undefined && policy.folder) {
      const real = realpathSync(ds.path);
      const folder = realpathSync(policy.folder);
      if (!isInsideFolder(folder, real)) throw policyError(ds.at, `dataset '${ds.name}' is a link to ${real}, outside the policy's folder ${folder}`, 'Only files inside the policy file\'s folder are read; give other paths with the data input.');
    }
  } catch (e) {
    if (e instanceof StepError && e.kind === 'input' && !e.message.includes(ds.at.file)) throw policyError(ds.at, e.message, e.hint);
    throw e;
  }
  return ds.path;
}

async function fetchTo(ds: PolicyDataset, file: string, signal: AbortSignal): Promise<void> {
  const res = await fetch(ds.path, { signal, redirect: 'follow' });
  if (!res.ok || !res.body) throw new StepError(res.status === 404 ? 'not-found' : 'service', `Dataset '${ds.name}': GET ${new URL(ds.path).origin}${new URL(ds.path).pathname} answered ${res.status}.`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(file, { flags: 'wx' }));
}
