import { findStep, steps } from '../steps';
import { GitHubHost } from './github';
import { runStep } from '../steps/runner';

/** The root action: input `step` names the lifecycle step; every other input passes through to it. */
export async function dispatchGitHubAction(): Promise<boolean> {
  const host = new GitHubHost();
  const id = (process.env.INPUT_STEP ?? '').trim();
  const step = findStep(id);
  if (!step) {
    host.setFailed(
      `Invalid input: 'step' must be one of ${steps.map((s) => s.id).join(', ')}${id ? `; got '${id}'` : ' (it is empty)'}.`,
    );
    return false;
  }
  return runStep(step, host);
}
