/**
 * Turn a parsed model reference into the workspace model version to promote: labels (`@latest`, `@<alias>`) are
 * looked up, an ARM id may name another workspace (or subscription), and an `azureml://locations/…` id must be the
 * step's own workspace (ARM cannot find a workspace by its GUID). A registry reference is not a promotion source.
 */
import { StepError } from '../core/errors';
import type { AzureMlClient } from '../azureml/client';
import { aliasHolders } from './aliases';
import { describeModelReference, type ModelReference } from './model-reference';
import { newestFirst, workspaceModels } from './model-store';

export interface WorkspaceSource {
  client: AzureMlClient;
  resourceGroup: string;
  workspace: string;
  name: string;
  version: string;
}

/** A reference that needs no request to refuse as a promotion source (checked before signing in). */
export function refuseRegistrySource(ref: ModelReference, input = 'model'): void {
  if (ref.kind === 'registry') throw registrySourceError(ref, input);
}

function registrySourceError(ref: Extract<ModelReference, { kind: 'registry' }>, input: string): StepError {
  return new StepError('input', `Input '${input}': ${describeModelReference(ref)} is already in registry '${ref.registry}'; there is nothing to promote.`, {
    input,
    hint: 'Deploy it from the registry directly, or name the workspace model version to promote.',
  });
}

export async function resolveWorkspaceSource(
  ref: ModelReference,
  step: { client: AzureMlClient; resourceGroup: string; workspace: string },
  input = 'model',
): Promise<WorkspaceSource> {
  switch (ref.kind) {
    case 'registry':
      throw registrySourceError(ref, input);
    case 'workspace-arm':
      return { client: step.client.forSubscription(ref.subscriptionId), resourceGroup: ref.resourceGroup, workspace: ref.workspace, name: ref.name, version: ref.version };
    case 'workspace-asset': {
      const ws = await step.client.getWorkspace(step.resourceGroup, step.workspace);
      if (ws.properties?.workspaceId?.toLowerCase() !== ref.workspaceId.toLowerCase()) {
        throw new StepError('input', `Input '${input}': ${describeModelReference(ref)} is in workspace ${ref.workspaceId}, not in workspace '${step.workspace}' (${ws.properties?.workspaceId ?? 'no id'}).`, {
          input,
          hint: "Run the step against the model's workspace, or name the model by its ARM id.",
        });
      }
      return { ...step, name: ref.name, version: ref.version };
    }
    case 'workspace': {
      if (ref.version !== undefined) return { ...step, name: ref.name, version: ref.version };
      const store = workspaceModels(step.client, step.resourceGroup, step.workspace);
      const label = ref.label!;
      const found = label === 'latest' ? (await store.listVersions(ref.name)).sort(newestFirst)[0] : (await aliasHolders(store, ref.name, label))[0];
      if (!found) {
        throw new StepError('not-found', `Input '${input}': ${describeModelReference(ref)} matches no version in ${store.label}.`, {
          input,
          hint: label === 'latest' ? 'Register the model first.' : `No version carries the tag 'alias.${label}'.`,
        });
      }
      return { ...step, name: ref.name, version: String(found.name) };
    }
  }
}
