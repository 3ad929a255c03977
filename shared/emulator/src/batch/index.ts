/** Batch endpoints' jobs: the data plane, the runner that carries jobs out, the control routes. */
export { batchDataPlane, renderJob, INVOKE_ACTION, READ_ACTION } from './data-plane';
export { BatchJobRunner, type BatchRunnerOptions } from './runner';
export { handleBatchControl } from './control';
export { findJob, jobDir, type BatchJob, type BatchJobStatus } from './state';
