import { connectionInputs } from '../common-inputs';
import type { StepDefinition } from '../definition';
import { gateInputs } from '../gate-inputs';

export const promoteModelStep: StepDefinition = {
  id: 'promote-model',
  title: 'Promote Azure ML model to a registry',
  description:
    'Copy a workspace model version into an Azure ML registry (server-side), gated on champion-vs-challenger metrics, with lineage recorded and an alias moved; safe to rerun, never overwrites.',
  task: {
    name: 'PromoteModel',
    id: '486bf977-f4ef-45a9-9b96-c9080ea6b811',
    category: 'Deploy',
    version: { major: 1, minor: 0, patch: 0 },
  },
  inputs: [
    ...connectionInputs,
    {
      name: 'model',
      type: 'string',
      required: true,
      description:
        'The workspace model version to promote: `name` (with model-version), `azureml:name:version`, `azureml:name@latest`, an azureml:// asset id or an ARM id (register-model\'s model-ref or model-id output).',
      group: 'model',
    },
    { name: 'model-version', type: 'string', description: 'Version, when model is a bare name.', group: 'model' },
    {
      name: 'registry',
      type: 'string',
      required: true,
      description: "Name of the Azure ML registry to promote into (in local mode, the emulator's registry from AML_REGISTRY_NAME).",
      env: ['AML_REGISTRY_NAME'],
      group: 'model',
    },
    { name: 'registry-resource-group', type: 'string', description: 'Resource group of the registry (default: resource-group).', group: 'model' },
    { name: 'registry-subscription-id', type: 'string', description: 'Subscription of the registry (default: subscription-id).', group: 'model' },
    { name: 'destination-name', type: 'string', description: 'Model name in the registry (default: the source name).', group: 'model' },
    { name: 'destination-version', type: 'string', description: 'Version in the registry (default: the source version).', group: 'model' },
    ...gateInputs,
  ],
  outputs: [
    { name: 'asset-id', description: 'Registry asset id: azureml://registries/<registry>/models/<name>/versions/<version>.' },
    { name: 'model-name', description: 'Model name in the registry.' },
    { name: 'model-version', description: 'Model version in the registry.' },
    { name: 'result', description: 'promoted, already-promoted or dry-run.' },
    { name: 'gate', description: 'passed, failed-forced or none.' },
  ],
  cliExample: "promote-model --model azureml:credit:1 --gate 'accuracy >= champion' --alias champion",
  run: async (ctx) => (await import('./run')).promoteModel(ctx),
};
