/**
 * Running a policy's checks, in the order the policy lists them, into outcomes. The runners use the check
 * libraries (data, stats, load) and a DeploymentPort; they know nothing of hosts or Azure.
 */
import type { Policy, PolicyCheck } from '../policy/types';
import type { CheckOutcome } from '../results/types';
import { runDataQuality, runDrift } from './data';
import { runLoadCheck } from './load';
import { runModelCheck } from './model';
import type { RunnerContext } from './ports';
import { runSmoke } from './smoke';

export type { DeploymentPort, LoadServicePort, RunnerContext, ScoreAnswer, ServiceLoadRun } from './ports';
export { preflight } from './preflight';

/** Whether a check sends requests to a deployment (then the step signs in and reads the endpoint). */
export function needsDeployment(check: PolicyCheck): boolean {
  switch (check.type) {
    case 'smoke':
    case 'load':
      return true;
    case 'data_quality':
      return false;
    case 'data_drift':
    case 'prediction_drift':
      return check.targetFromDeployment;
    case 'fairness':
    case 'champion_challenger':
      return [check.challenger.kind, check.champion.kind].some((k) => k === 'deployment' || k === 'live');
  }
}

export function runCheck(check: PolicyCheck, policy: Policy, ctx: RunnerContext): Promise<CheckOutcome> {
  switch (check.type) {
    case 'smoke':
      return runSmoke(check, ctx);
    case 'load':
      return runLoadCheck(check, ctx);
    case 'data_quality':
      return runDataQuality(check, policy, ctx);
    case 'data_drift':
    case 'prediction_drift':
      return runDrift(check, policy, ctx);
    case 'fairness':
    case 'champion_challenger':
      return runModelCheck(check, policy, ctx);
  }
}
