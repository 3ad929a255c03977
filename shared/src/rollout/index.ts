/** The rollout engine of `deploy-online`: pure, host- and Azure-agnostic; the step injects the ports. */
export * from './traffic';
export * from './metrics';
export * from './analysis-rules';
export * from './analysis';
export * from './inputs';
export * from './deployment-name';
export * from './plan';
export * from './plan-table';
export * from './ports';
export * from './timeline';
export * from './driver';
export * from './probe-file';
export * from './probe-match';
export * from './probe-runner';
export { PhaseFailure } from './outcome';
