/** The scoring side of online deployments: runtime (python harness processes), data plane, control routes, metrics. */
export { DeploymentRuntime, findPython, type StartResult, type RuntimeOptions } from './runtime';
export type { DeploymentSpec, FileSource, BlobSource, RuntimeRecord, InstanceRecord } from './records';
export { deploymentDir, deploymentNames, readRecord } from './records';
export { scoringDataPlane } from './data-plane';
export { handleScoringControl, DEPLOYMENT_TYPE } from './control';
export { endpointKeys, regenerateKey, issueAmlToken, verifyAmlToken, checkScoringAuth, SCORE_ACTION } from './credentials';
export { MetricsStore } from './metrics-store';
export type { ContainerType } from './logs';
