/**
 * A model path that names a datastore of this workspace must name one that exists: the service stores a
 * modelUri pointing nowhere without complaint, and the model then fails only when someone deploys it.
 * Checked while planning, before anything is written; the lookup is passed in so this stays free of a client.
 */
import type { ModelPath } from './model-path';
import { sameWorkspace, type WorkspaceScope } from './datastore-uri';
import { valueError, type ValueSource } from './value-source';

/** The datastore of `scope` a model path points into, or undefined (local path, other workspace, not a datastore). */
export function datastoreOfPath(path: ModelPath, scope: WorkspaceScope): string | undefined {
  if (path.kind === 'datastore') return path.datastore;
  if (path.kind === 'uri' && path.datastoreRef && sameWorkspace(path.datastoreRef.scope, scope)) return path.datastoreRef.datastore;
  return undefined;
}

/** Refuse (as an input error naming where the path came from) a path into a datastore `exists` says is not there. */
export async function checkPathDatastoreExists(
  path: ModelPath,
  source: ValueSource,
  scope: WorkspaceScope,
  exists: (datastore: string) => Promise<boolean>,
): Promise<void> {
  const datastore = datastoreOfPath(path, scope);
  if (datastore === undefined || (await exists(datastore))) return;
  throw valueError(
    source,
    `the model path '${path.raw.trim()}' points into the datastore '${datastore}', which does not exist in workspace '${scope.workspaceName}' (resource group '${scope.resourceGroup}')`,
    "Use a datastore of the workspace (see 'az ml datastore list'; every workspace has 'workspaceblobstore'), or create the datastore first.",
  );
}
