/**
 * What a staged deployment (strategy stage) is and what to do with it: where it runs, how to reach it while it has
 * no traffic (the `azureml-model-deployment` header), and the run that promotes it. Shown in the summary and the log.
 */
import { code } from '../report/markdown';
import { formatMap } from '../rollout';
import type { DeployOutcome } from './summary';

export interface StagedAdvice {
  /** Where the traffic is: unchanged, on the live deployments (or nowhere on a new endpoint). */
  state: string;
  test: string;
  promote: string;
  discard: string;
}

export function stagedAdvice(step: string, o: DeployOutcome): StagedAdvice {
  const d = o.deployment;
  const traffic = o.rollout ? o.rollout.current.traffic : o.plan.initial.traffic;
  const state =
    formatMap(traffic) === 'none'
      ? `${code(d)} is deployed and checked at 0%. The endpoint has no traffic yet: nothing reaches ${code(d)} until it is promoted.`
      : `${code(d)} is deployed and checked at 0%; the traffic is unchanged (${code(formatMap(traffic))}).`;
  const uri = o.scoringUri ?? `https://${o.endpoint}.<region>.inference.ml.azure.com/score`;
  const test =
    `Test it directly: send requests to the scoring URI with the header ${code(`azureml-model-deployment: ${d}`)}, ` +
    `e.g. ${code(`az ml online-endpoint invoke --name ${o.endpoint} --deployment-name ${d} --request-file request.json`)} ` +
    `or ${code(`curl -X POST ${uri} -H "azureml-model-deployment: ${d}" -H "Authorization: Bearer <key or token>" -H "Content-Type: application/json" -d @request.json`)}.`;
  const promote =
    `Promote it: run ${step} again with the same model and deployment inputs and ${code('strategy: blue-green')} (or ${code('canary')} with traffic-steps). ` +
    `It finds ${code(d)} already as desired, writes nothing to it${o.plan.rules.length > 0 ? ', and moves the traffic with the analysis rules' : ', and moves the traffic'} ` +
    `(${code('deployment-name: auto')} picks ${code(d)} again).`;
  const discard = `Or discard it: ${code(`az ml online-deployment delete --endpoint-name ${o.endpoint} --name ${d}`)}.`;
  return { state, test, promote, discard };
}

/** The summary's section for a staged deployment. */
export function stagedMarkdown(step: string, o: DeployOutcome): string {
  const a = stagedAdvice(step, o);
  return `#### Next: test, then promote\n\n${a.state}\n\n- ${a.test}\n- ${a.promote}\n- ${a.discard}`;
}

/** The same as log lines (code spans as plain text). */
export function stagedLog(step: string, o: DeployOutcome): string {
  const a = stagedAdvice(step, o);
  return [a.state, a.test, a.promote, a.discard].map((l) => l.replace(/`([^`]*)`/g, '$1')).join('\n');
}
