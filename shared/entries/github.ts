/**
 * The GitHub Actions bundle (shared/dist/github), built once for every step. Each action folder's `index.js` calls
 * `run('<step>')`; the root action (`actions/index.js`) calls `run()` and its `step` input names the step. Step code
 * is loaded lazily, its definition included, so an action evaluates only its own step.
 */
import { runGitHubAction } from '../src/hosts/github';
import { dispatchGitHubAction } from '../src/hosts/github-dispatch';
import { loadStep } from '../src/steps/registry';

export async function run(stepId?: string): Promise<boolean> {
  if (stepId === undefined) return dispatchGitHubAction();
  const step = await loadStep(stepId);
  if (!step) throw new Error(`aml-lifecycle: this action names an unknown step '${stepId}' (a build problem)`);
  return runGitHubAction(step);
}
