/** Online endpoint and deployment specs: what the deploy-online (and deploy-arc) steps import. */
export { loadOnlineDeploymentSpec, DEPLOYMENT_INPUT_NAMES } from './deployment-spec';
export type { LoadOnlineDeploymentOptions, OnlineDeploymentBody, OnlineDeploymentInputs, OnlineDeploymentPlan, OnlineDeploymentProperties } from './deployment-spec';
export { loadOnlineEndpointSpec, resolveEndpointBody, ENDPOINT_INPUT_NAMES } from './endpoint-spec';
export { computeId, parseComputeRef, type ComputeRef } from '../common/compute-ref';
export type { AuthMode, EndpointIdentity, LoadOnlineEndpointOptions, OnlineEndpointBody, OnlineEndpointInputs, OnlineEndpointPlan } from './endpoint-spec';
export { withResolvedAssets } from './resolve-assets';
export type { ResolvedAssets } from './resolve-assets';
export { assetRefId, parseAssetRef } from './asset-refs';
export type { AssetRef, AssetType } from './asset-refs';
export { ANONYMOUS_MODEL, type ModelSource } from './model-source';
export { ANONYMOUS_ENVIRONMENT, anonymousImageEnvironmentVersion, type EnvironmentSource, type EnvironmentSpec, type EnvironmentVersionBody } from './environment-source';
export type { CodeSource } from './code-source';
export type { DataCollectionAsset } from './deployment-settings';
export { trafficProblems, type TrafficMap, type TrafficProblem } from './traffic';
export { onlineDeploymentContractProblems, onlineEndpointContractProblems } from './contract';
export { endpointNameProblem } from '../common/names';
export { msToIsoDuration, secondsToIsoDuration } from './iso-duration';
export type { SpecSourceOptions } from './spec-source';
