/**
 * Filling in what the loaders leave to the step: the workspace location, and the ids of the model, environment,
 * code and data-collector assets once the step has resolved labels, uploaded local folders and registered
 * inline specs.
 */
import type { WorkspaceScope } from '../datastore-uri';
import { assetRefId, type AssetRef, type AssetType } from './asset-refs';
import type { OnlineDeploymentBody, OnlineDeploymentPlan } from './deployment-spec';

export interface ResolvedAssets {
  /** The workspace's location (the SDK always sends it, never a YAML `location`). */
  location: string;
  /** Turns `azureml:<name>:<version>` references into ARM ids. */
  scope?: WorkspaceScope;
  modelId?: string;
  environmentId?: string;
  codeId?: string;
  /** Data asset version ids by collection name (plan.dataCollections). */
  dataIds?: Record<string, string>;
}

/**
 * The id to send for an asset source: the one the step gives, else the reference's own id. Undefined when there is
 * no source; throws (a bug in the caller) when the source needs the step to resolve, upload or register it first.
 */
export function resolvedAssetId(what: string, given: string | undefined, source: { kind: string; ref?: AssetRef } | undefined, type: AssetType, scope?: WorkspaceScope): string | undefined {
  if (source === undefined) return undefined;
  if (given !== undefined) return given;
  const id = source.kind === 'ref' && scope ? assetRefId(source.ref!, scope, type) : source.kind === 'ref' && source.ref!.form === 'id' ? source.ref!.id : undefined;
  if (id === undefined) throw new Error(`The deployment's ${what} (${source.kind === 'ref' ? source.ref!.form : source.kind}) must be resolved to an id first`);
  return id;
}

/** The deployment body to send. Throws (a bug in the caller) when an asset the plan needs has no id. */
export function withResolvedAssets(plan: OnlineDeploymentPlan, ids: ResolvedAssets): OnlineDeploymentBody {
  const properties = { ...plan.body.properties };
  const model = resolvedAssetId('model', ids.modelId, plan.model, 'models', ids.scope);
  if (model !== undefined) properties.model = model;
  const env = resolvedAssetId('environment', ids.environmentId, plan.environment, 'environments', ids.scope);
  if (env !== undefined) properties.environmentId = env;
  const code = resolvedAssetId('code', ids.codeId, plan.code, 'codes', ids.scope);
  if (code !== undefined && properties.codeConfiguration) properties.codeConfiguration = { ...properties.codeConfiguration, codeId: code };
  if (properties.dataCollector) {
    const collections = { ...properties.dataCollector.collections };
    for (const a of plan.dataCollections) {
      const dataId = ids.dataIds?.[a.collection];
      if (dataId === undefined) throw new Error(`The data collection '${a.collection}' needs the id of its Data asset ${a.name}:${a.version}`);
      collections[a.collection] = { ...collections[a.collection]!, dataId };
    }
    properties.dataCollector = { ...properties.dataCollector, collections };
  }
  return { ...plan.body, location: ids.location, properties };
}
