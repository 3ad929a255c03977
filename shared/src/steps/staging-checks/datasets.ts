/**
 * The policy's datasets as local files: local paths are used where they are (regular files only, checked when
 * opened); `azureml:name:version` data assets and `azureml://datastores/…` files are downloaded once into a
 * temporary folder through the workspace's datastore access; https URLs are fetched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { downloadDatastoreFile, isDatastoreUri } from '../../assets/datastore-read';
import { formatLocation, inputError, StepError, type SourceLocation } from '../../core/errors';
import type { Policy } from '../../checks/policy/types';
import type { Logger } from '../../core/logger';
import type { WorkspaceConnection } from '../workspace';

const DATA_ASSET = /^azureml:([A-Za-z0-9_][\w.-]{0,254}):([\w.-]{1,64})$/;

export interface LocalDatasets {
  path(name: string, at: SourceLocation): string;
  cleanup(): void;
}

/** Remote datasets named by the checks (each fetched once). */
export function remoteDatasets(policy: Policy): string[] {
  return [...policy.data.values()].filter((d) => d.kind === 'remote').map((d) => d.name);
}

export async function localDatasets(policy: Policy, conn: WorkspaceConnection | undefined, logger: Logger, signal: AbortSignal): Promise<LocalDatasets> {
  const local = new Map<string, string>();
  let dir: string | undefined;
  for (const ds of policy.data.values()) {
    if (ds.kind === 'local') {
      local.set(ds.name, ds.path);
      continue;
    }
    if (!conn) throw inputError(`${formatLocation(ds.at)}: dataset '${ds.name}' is in the workspace: give resource-group and workspace to read it`, { location: ds.at });
    dir ??= mkdtempSync(join(tmpdir(), 'staging-checks-'));
    let uri = ds.path;
    const asset = DATA_ASSET.exec(uri);
    if (asset) {
      const id = `/subscriptions/${conn.scope.subscriptionId}/resourceGroups/${conn.scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${conn.scope.workspaceName}/data/${asset[1]}/versions/${asset[2]}`;
      const version = (await conn.client.core.rawGet(id, { operation: 'get the data asset', ref: { kind: 'data', name: `${asset[1]}:${asset[2]}`, scope: `workspace '${conn.scope.workspaceName}'` } })) as { properties?: { dataUri?: string; dataType?: string } } | undefined;
      if (!version) throw new StepError('not-found', `${formatLocation(ds.at)}: data asset ${asset[1]}:${asset[2]} does not exist in workspace ${conn.scope.workspaceName}.`, { location: ds.at });
      if (version.properties?.dataType && version.properties.dataType !== 'uri_file') {
        throw inputError(`${formatLocation(ds.at)}: data asset ${asset[1]}:${asset[2]} is a ${version.properties.dataType}; a check reads one file (a uri_file asset, or a datastore path to the file)`, { location: ds.at });
      }
      uri = version.properties?.dataUri ?? '';
    }
    if (!isDatastoreUri(uri)) throw inputError(`${formatLocation(ds.at)}: dataset '${ds.name}' (${uri}) is not a datastore file this step can read (azureml://datastores/<name>/paths/<file>)`, { location: ds.at });
    const file = join(dir, `${local.size}-${basename(uri).replace(/[^\w.-]/g, '_')}`);
    logger.info(`Downloading dataset ${ds.name} from ${uri}`);
    await downloadDatastoreFile(conn.client, conn.scope, uri, file, signal, `dataset '${ds.name}'`);
    local.set(ds.name, file);
  }
  return {
    path(name, at) {
      const p = local.get(name);
      if (!p) throw inputError(`${formatLocation(at)}: no dataset '${name}' under data:`, { location: at });
      return p;
    },
    cleanup: () => dir && rmSync(dir, { recursive: true, force: true }),
  };
}
