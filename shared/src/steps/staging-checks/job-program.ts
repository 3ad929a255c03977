/**
 * Where the check-job program is: `check-job/index.js` beside the host's bundle (shared/build/bundle.ts copies it
 * into every host bundle, so the action, each packaged task folder and the CLI have it), or shared/dist/check-job
 * when running from the sources after a build. AML_LIFECYCLE_CHECK_JOB names another folder (tests).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StepError } from '../../core/errors';

export function checkJobProgramDir(env: NodeJS.ProcessEnv = process.env, here: string = __dirname): string {
  const candidates = [env.AML_LIFECYCLE_CHECK_JOB, join(here, 'check-job'), resolve(here, '..', '..', '..', 'dist', 'check-job')].filter((d): d is string => !!d);
  const found = candidates.find((d) => existsSync(join(d, 'index.js')));
  if (!found) {
    throw new StepError('not-found', `The check-job program (check-job/index.js) is not beside this step's code (looked in ${candidates.join(', ')}): a check with run_on cannot be sent to a compute cluster.`, {
      hint: 'Build the bundles (npm run build): every host bundle ships it.',
    });
  }
  return found;
}
