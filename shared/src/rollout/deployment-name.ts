/**
 * `deployment-name: auto`: of the pair (blue/green unless `deployment-names` says otherwise), the deployment that
 * holds no live traffic and is not mirrored, so the rollout never touches what serves users:
 * - neither exists (a first deploy) → the first name;
 * - one serves traffic → the other one (created, or updated in place when it exists idle);
 * - both idle → the one already deployed as desired (`ready`: e.g. staged by strategy stage, so the run that promotes
 *   it picks it again instead of alternating), else the first name (a rerun after a rollback picks the same one);
 * - both in use (a split left by an unfinished rollout, or one live and one mirrored) → an error.
 */
import { StepError } from '../core/errors';
import { formatMap, liveIn, type EndpointState } from './traffic';

/** `ready`: lower-case names of existing deployments that already run the desired spec (provisioned). */
export function pickDeploymentName(state: EndpointState, pair: readonly [string, string], ready: readonly string[] = []): string {
  const live = new Set(liveIn(state.traffic));
  const mirrored = new Set(liveIn(state.mirror));
  const idle = pair.filter((n) => !live.has(n) && !mirrored.has(n));
  const asDesired = idle.find((n) => ready.includes(n.toLowerCase()));
  if (asDesired !== undefined) return asDesired;
  if (idle.length > 0) return idle[0]!;
  const [a, b] = pair;
  const traffic = formatMap(state.traffic);
  if (live.has(a) && live.has(b)) {
    throw new StepError('conflict', `Both '${a}' and '${b}' serve live traffic (${traffic}): a previous rollout did not finish, so 'deployment-name: auto' has no free deployment to use.`, {
      input: 'deployment-name',
      code: 'RolloutInProgress',
      hint: `Finish the previous rollout (send all traffic to one of them, e.g. az ml online-endpoint update --traffic "${a}=0 ${b}=100") or roll it back ("${a}=100 ${b}=0"), then run again; or name the deployment to update in 'deployment-name'.`,
    });
  }
  const shadow = mirrored.has(a) ? a : b;
  throw new StepError('conflict', `'${live.has(a) ? a : b}' serves live traffic and '${shadow}' receives mirrored traffic (${formatMap(state.mirror)}): 'deployment-name: auto' has no free deployment to use.`, {
    input: 'deployment-name',
    code: 'RolloutInProgress',
    hint: `Stop mirroring to '${shadow}' (az ml online-endpoint update --mirror-traffic "${shadow}=0") or name the deployment to update in 'deployment-name'.`,
  });
}
