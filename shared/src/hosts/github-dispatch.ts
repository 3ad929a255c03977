import { loadStep, stepIds } from '../steps/registry';
import { GitHubHost } from './github';
import { runStep } from '../steps/runner';

/** The root action: input `step` names the lifecycle step (only its definition is loaded); every other input passes through to it. */
export async function dispatchGitHubAction(): Promise<boolean> {
  const host = new GitHubHost();
  const id = (process.env.INPUT_STEP ?? '').trim();
  const step = id ? await loadStep(id) : undefined;
  if (!step) {
    host.setFailed(`Invalid input: 'step' must be one of ${stepIds.join(', ')}${id ? `; got '${id}'` : ' (it is empty)'}.`);
    return false;
  }
  return runStep(step, host);
}
