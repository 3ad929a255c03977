/**
 * The Azure DevOps bundle (shared/dist/azure-devops), built once for every step. A packaged task folder holds
 * task.json, this bundle in `dist/` and an `index.js` that calls `run('<step>')` (see shared/cli/task-package.ts).
 */
import { runAzureDevOpsTask } from '../src/hosts/azure-devops';
import { findStep } from '../src/steps';

export function run(stepId: string): Promise<boolean> {
  const step = findStep(stepId);
  if (!step) throw new Error(`aml-lifecycle: this task names an unknown step '${stepId}' (a build problem)`);
  return runAzureDevOpsTask(step);
}
