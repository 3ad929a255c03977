/**
 * The Azure DevOps bundle (shared/dist/azure-devops), built once for every step. A packaged task folder holds
 * task.json, this bundle in `dist/` and an `index.js` that calls `run('<step>')` (see shared/cli/task-package.ts).
 * Only that step's definition is loaded.
 */
import { runAzureDevOpsTask } from '../src/hosts/azure-devops';
import { loadStep } from '../src/steps/registry';

export async function run(stepId: string): Promise<boolean> {
  const step = await loadStep(stepId);
  if (!step) throw new Error(`aml-lifecycle: this task names an unknown step '${stepId}' (a build problem)`);
  return runAzureDevOpsTask(step);
}
