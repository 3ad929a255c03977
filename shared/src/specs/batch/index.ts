/** Batch endpoint and deployment specs: what the deploy-batch step imports. */
export { loadBatchEndpointSpec, batchEndpointBody, BATCH_ENDPOINT_INPUT_NAMES } from './endpoint-spec';
export type { BatchAuthMode, BatchEndpointBody, BatchEndpointInputs, BatchEndpointPlan, LoadBatchEndpointOptions } from './endpoint-spec';
export { loadBatchDeploymentSpec, BATCH_DEPLOYMENT_INPUT_NAMES } from './deployment-spec';
export type {
  AssetIdReference,
  BatchDeploymentBody,
  BatchDeploymentInputs,
  BatchDeploymentKind,
  BatchDeploymentPlan,
  BatchDeploymentProperties,
  LoadBatchDeploymentOptions,
  PipelineComponentConfiguration,
} from './deployment-spec';
export type { ComponentSource } from './pipeline-source';
export type { BatchResources, BatchRetrySettings } from './run-settings';
export { withResolvedBatchAssets, type ResolvedBatchAssets } from './resolve-assets';
export { batchDeploymentContractProblems, batchEndpointContractProblems } from './contract';
export { computeId, parseComputeRef, type ComputeRef } from '../common/compute-ref';
