/**
 * After a copy reports success: the registry must hold the version, Succeeded, pointing at content of its own
 * rather than at the source workspace's storage (which would mean nothing was copied).
 */
import { StepError } from '../core/errors';
import type { ModelVersion, Workspace } from '../azureml/resources';
import { sameModelUri } from './compare';

function storageAccountName(workspace: Workspace): string | undefined {
  const id = workspace.properties?.storageAccount;
  return typeof id === 'string' ? /\/storageAccounts\/([^/]+)\/?$/i.exec(id)?.[1]?.toLowerCase() : undefined;
}

/** Why `uri` is still the workspace's content, or undefined when it is not. */
export function workspaceContentReason(uri: string, source: ModelVersion, workspace: Workspace): string | undefined {
  if (sameModelUri(uri, source.properties?.modelUri)) return 'it is the source version’s own URI';
  if (/^azureml:\/\/datastores\//i.test(uri)) return 'it is a workspace datastore path';
  if (/^azureml:\/\/subscriptions\//i.test(uri) && uri.toLowerCase().includes(`/workspaces/${workspace.name.toLowerCase()}/`)) {
    return `it is a path in workspace '${workspace.name}'`;
  }
  const account = storageAccountName(workspace);
  if (account && /^https?:\/\//i.test(uri)) {
    const url = new URL(uri);
    const host = url.hostname.toLowerCase();
    const firstSegment = url.pathname.split('/')[1]?.toLowerCase();
    if (host.startsWith(`${account}.`) || firstSegment === account) return `it is in the workspace's storage account '${account}'`;
  }
  return undefined;
}

export interface CopyCheck {
  registry: string;
  name: string;
  version: string;
  source: ModelVersion;
  workspace: Workspace;
}

/** Throws a StepError('service') unless `copy` is a finished copy with its own content. */
export function verifyCopy(copy: ModelVersion | undefined, c: CopyCheck): ModelVersion {
  const what = `${c.name}:${c.version} in registry '${c.registry}'`;
  if (!copy) {
    throw new StepError('service', `The copy reported success, but ${what} does not exist.`, {
      hint: 'Check the registry in the studio; rerun the step to retry the copy.',
    });
  }
  const state = copy.properties?.provisioningState;
  if (state !== undefined && state.toLowerCase() !== 'succeeded') {
    throw new StepError('service', `${what} is ${state}, not Succeeded, after the copy finished.`, {
      hint: 'Rerun the step once the registry has settled; a Failed version has to be deleted before it can be promoted again.',
    });
  }
  const uri = copy.properties?.modelUri;
  if (!uri) throw new StepError('service', `${what} has no modelUri after the copy.`);
  const reason = workspaceContentReason(uri, c.source, c.workspace);
  if (reason) {
    throw new StepError('service', `${what} points at ${uri}, which is not a copy (${reason}).`, {
      hint: 'The registry must hold its own copy of the content; delete this version from the registry and promote again.',
    });
  }
  return copy;
}
