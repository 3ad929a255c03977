/**
 * Filling in what the batch deployment loader leaves to the step: the workspace location, the compute's ARM id,
 * and the ids of the model, environment, code or component once the step has resolved labels, uploaded local
 * folders and registered inline specs or component files.
 */
import { computeId } from '../common/compute-ref';
import type { WorkspaceScope } from '../datastore-uri';
import { resolvedAssetId } from '../online/resolve-assets';
import type { BatchDeploymentBody, BatchDeploymentPlan } from './deployment-spec';

export interface ResolvedBatchAssets {
  /** The workspace's location (the SDK always sends it, never a YAML `location`). */
  location: string;
  /** Turns names and `azureml:<name>:<version>` references into ARM ids. */
  scope: WorkspaceScope;
  modelId?: string;
  environmentId?: string;
  codeId?: string;
  /** The component's id: needed for a local component file, a `job_definition` and a `@latest` reference. */
  componentId?: string;
}

/** The deployment body to send. Throws (a bug in the caller) when an asset the plan needs has no id. */
export function withResolvedBatchAssets(plan: BatchDeploymentPlan, ids: ResolvedBatchAssets): BatchDeploymentBody {
  const properties = { ...plan.body.properties };
  const model = resolvedAssetId('model', ids.modelId, plan.model, 'models', ids.scope);
  if (model !== undefined) properties.model = { referenceType: 'Id', assetId: model };
  const env = resolvedAssetId('environment', ids.environmentId, plan.environment, 'environments', ids.scope);
  if (env !== undefined) properties.environmentId = env;
  const code = resolvedAssetId('code', ids.codeId, plan.code, 'codes', ids.scope);
  if (code !== undefined && properties.codeConfiguration) properties.codeConfiguration = { ...properties.codeConfiguration, codeId: code };
  if (plan.compute) properties.compute = computeId(plan.compute, ids.scope);
  const component = resolvedAssetId('component', ids.componentId, plan.component, 'components', ids.scope);
  if (component !== undefined && properties.deploymentConfiguration) {
    properties.deploymentConfiguration = { ...properties.deploymentConfiguration, componentId: { referenceType: 'Id', assetId: component } };
  }
  return { ...plan.body, location: ids.location, properties };
}
