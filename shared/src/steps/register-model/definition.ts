import { connectionInputs } from '../common-inputs';
import { gateInputs } from '../gate-inputs';
import type { StepDefinition } from '../definition';

export const registerModelStep: StepDefinition = {
  id: 'register-model',
  title: 'Register Azure ML model',
  description:
    'Register a model version in an Azure Machine Learning workspace from a local file or folder, a datastore or job-output URI, or an MLflow run; uploads local content once (content-hashed) and is safe to rerun.',
  task: {
    name: 'RegisterModel',
    id: '76e29196-aeac-4471-a3da-409811770699',
    category: 'Deploy',
    version: { major: 1, minor: 0, patch: 0 },
  },
  inputs: [
    ...connectionInputs,
    {
      name: 'model-file',
      type: 'string',
      description:
        'An `az ml model create -f` YAML file. Its values are used unless the inputs below override them; relative paths resolve against the file\'s folder.',
      group: 'model',
    },
    { name: 'model-name', type: 'string', description: 'Model name (required unless the model file has one).', group: 'model' },
    {
      name: 'model-version',
      type: 'string',
      description: 'Version to register. Default: the latest version when it already holds this content and metadata, otherwise the next free version.',
      group: 'model',
    },
    {
      name: 'model-path',
      type: 'string',
      description:
        'Local file or folder (uploaded to the workspace datastore), `azureml://datastores/<ds>/paths/<p>`, `azureml://jobs/<job>/outputs/...`, `runs:/<run-id>/<path>` or an https URL.',
      group: 'model',
    },
    {
      name: 'model-type',
      type: 'choice',
      options: ['custom_model', 'mlflow_model', 'triton_model'],
      description: 'Model type (default custom_model).',
      group: 'model',
    },
    { name: 'description', type: 'string', description: 'Model version description.', group: 'model' },
    { name: 'tags', type: 'multiline', description: 'Tags: a YAML/JSON mapping or `key=value` lines.', group: 'model' },
    { name: 'properties', type: 'multiline', description: 'Properties: a YAML/JSON mapping or `key=value` lines (properties cannot change once set).', group: 'model' },
    { name: 'stage', type: 'string', description: 'Model stage (e.g. Development, Production), as `az ml model create --stage`.', group: 'model' },
    { name: 'datastore', type: 'string', description: 'Datastore for local uploads (default: the workspace\'s default datastore).', group: 'model' },
    {
      name: 'registry',
      type: 'string',
      description: 'Register straight into this Azure ML registry instead of the workspace (local file or folder only; uploaded through the registry\'s pending upload).',
      group: 'model',
    },
    { name: 'registry-resource-group', type: 'string', description: 'Resource group of the registry (default: resource-group).', group: 'model' },
    { name: 'registry-subscription-id', type: 'string', description: 'Subscription of the registry (default: subscription-id).', group: 'model' },
    ...gateInputs,
  ],
  outputs: [
    { name: 'model-name', description: 'Name of the registered model.' },
    { name: 'model-version', description: 'Version registered (or found already registered).' },
    { name: 'model-id', description: 'ARM resource ID of the model version (the azureml://registries/... asset id for a registry).' },
    { name: 'model-ref', description: 'Reference for az ml YAML and later steps: azureml:<name>:<version> (the registry asset id for a registry).' },
    { name: 'model-uri', description: 'Where the model content lives (azureml:// datastore URI or the given URI).' },
    { name: 'result', description: 'created, updated (metadata only), unchanged or dry-run.' },
    { name: 'gate', description: 'passed, failed-forced or none.' },
  ],
  // Loaded when the step runs: hosts, the CLI's help and the manifest generator stay light.
  cliExample: "register-model --model-name credit --model-path ./outputs/model --tags 'team=risk'",
  run: async (ctx) => (await import('./run')).registerModel(ctx),
};
