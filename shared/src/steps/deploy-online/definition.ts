import { connectionInputs } from '../common-inputs';
import type { StepDefinition } from '../definition';
import { onlineInputs, onlineOutputs } from '../online-inputs';

export const deployOnlineStep: StepDefinition = {
  id: 'deploy-online',
  title: 'Deploy Azure ML model to a managed online endpoint',
  description:
    'Deploy a model to an Azure ML managed online endpoint with a safe rollout (blue/green, canary, mirror): a new deployment at 0%, a smoke probe through the azureml-model-deployment header, traffic steps checked against metric rules, automatic rollback, a pre-flight doctor and triage of failed deployments.',
  task: {
    name: 'DeployOnline',
    id: '3ff31b3b-4b80-4588-8388-ca4acd7cda75',
    category: 'Deploy',
    version: { major: 1, minor: 0, patch: 0 },
  },
  inputs: [
    ...connectionInputs,
    ...onlineInputs('managed'),
  ],
  outputs: onlineOutputs,
  cliExample: 'deploy-online --endpoint-name credit-ep --model azureml:credit:1 --code ./src --scoring-script score.py --environment azureml:sklearn-env:1',
  run: async (ctx) => (await import('./run')).deployOnline(ctx),
};
