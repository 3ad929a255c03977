/**
 * Model versions in a workspace or in a registry behind one interface, so champion lookup and alias moves work the
 * same in both. Writes carry the version's own body back with only what the caller changed (tags, description):
 * asset versions are immutable in everything else.
 */
import type { AzureMlClient, ModelVersionBody } from '../azureml/client';
import type { ModelVersion } from '../azureml/resources';

export interface ModelStore {
  readonly kind: 'workspace' | 'registry';
  /** For messages: "workspace 'ws' (resource group 'rg')" */
  readonly label: string;
  /** Active versions of a model; [] when the model does not exist */
  listVersions(name: string): Promise<ModelVersion[]>;
  getVersion(name: string, version: string): Promise<ModelVersion | undefined>;
  /** PUT a version (synchronous in a workspace, long-running in a registry); the version as the service then holds it */
  putVersion(name: string, version: string, body: ModelVersionBody): Promise<ModelVersion | undefined>;
}

export function workspaceModels(client: AzureMlClient, resourceGroup: string, workspace: string): ModelStore {
  return {
    kind: 'workspace',
    label: `workspace '${workspace}' (resource group '${resourceGroup}')`,
    listVersions: (name) => client.listModelVersions(resourceGroup, workspace, name, { listViewType: 'ActiveOnly' }),
    getVersion: (name, version) => client.getModelVersion(resourceGroup, workspace, name, version),
    putVersion: async (name, version, body) => (await client.createOrUpdateModelVersion(resourceGroup, workspace, name, version, body)).resource,
  };
}

export function registryModels(client: AzureMlClient, resourceGroup: string, registry: string): ModelStore {
  return {
    kind: 'registry',
    label: `registry '${registry}' (resource group '${resourceGroup}', subscription ${client.subscriptionId})`,
    listVersions: (name) => client.listRegistryModelVersions(resourceGroup, registry, name, { listViewType: 'ActiveOnly' }),
    getVersion: (name, version) => client.getRegistryModelVersion(resourceGroup, registry, name, version),
    putVersion: async (name, version, body) => {
      const result = await client.createOrUpdateRegistryModelVersion(resourceGroup, registry, name, version, body);
      return result.resource ?? (await client.getRegistryModelVersion(resourceGroup, registry, name, version));
    },
  };
}

/** The body that re-PUTs `live` with new tags: everything it holds, minus read-only state. */
export function withTags(live: ModelVersion, tags: Record<string, string>): ModelVersionBody {
  const { provisioningState: _state, ...properties } = live.properties ?? {};
  return { properties: { ...properties, tags } };
}

/** Newest first: by creation time, then by version number or text. */
export function newestFirst(a: ModelVersion, b: ModelVersion): number {
  const ta = Date.parse(a.systemData?.createdAt ?? '') || 0;
  const tb = Date.parse(b.systemData?.createdAt ?? '') || 0;
  if (ta !== tb) return tb - ta;
  const na = Number(a.name);
  const nb = Number(b.name);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return nb - na;
  return String(b.name).localeCompare(String(a.name));
}
