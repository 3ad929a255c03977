import { connectionInputs } from '../common-inputs';
import type { InputDefinition, StepDefinition } from '../definition';

/** The workspace is needed only when a check scores through a deployment or reads a workspace dataset. */
const connection: InputDefinition[] = connectionInputs.map((i) =>
  i.name === 'resource-group' || i.name === 'workspace' || i.name === 'azure-subscription'
    ? { ...i, required: false, description: `${i.description} Needed when a check sends requests to a deployment or reads an azureml: dataset.` }
    : i,
);

export const stagingChecksStep: StepDefinition = {
  id: 'staging-checks',
  title: 'Run Azure ML staging checks',
  description:
    'Run the checks of a versioned policy file against a deployment at 0% traffic and the data you give: smoke requests, a load test with latency SLOs, data quality and drift with Azure ML monitoring’s definitions, fairness, and champion versus challenger with confidence intervals. Writes a summary, a JSON result and JUnit XML; fails when a gate check fails.',
  task: {
    name: 'StagingChecks',
    id: 'b7c3e0a2-6f41-4d8e-9a35-2c1f7e5d9b64',
    category: 'Test',
    version: { major: 1, minor: 0, patch: 0 },
  },
  inputs: [
    ...connection,
    { name: 'policy-file', type: 'string', required: true, description: 'The staging policy (YAML, `version: 1`; its JSON Schema is shared/schemas/staging-policy.schema.json).', group: 'checks' },
    { name: 'endpoint-name', type: 'string', description: "The online endpoint (overrides the policy's target.endpoint).", group: 'endpoint' },
    { name: 'deployment-name', type: 'string', description: 'The deployment under test, usually at 0% traffic (overrides target.deployment).', group: 'endpoint' },
    { name: 'champion-deployment', type: 'string', description: 'The deployment the challenger is compared with (default: the one holding the most live traffic).', group: 'endpoint' },
    { name: 'data', type: 'multiline', description: "Datasets to use instead of the policy's, one `name=path` per line (a local file, `azureml:name:version` or `azureml://datastores/…`).", group: 'checks' },
    { name: 'set', type: 'multiline', description: 'Overrides of single policy values, one `checks.<name>.<key>=<value>` per line (`checks.latency.duration=10s`).', group: 'checks' },
    { name: 'result-file', type: 'string', default: 'staging-checks/result.json', description: 'Where the JSON result is written.', group: 'checks' },
    { name: 'junit-file', type: 'string', default: 'staging-checks/junit.xml', description: 'Where the JUnit XML is written (for test reporters and Publish Test Results).', group: 'checks' },
  ],
  outputs: [
    { name: 'verdict', description: 'passed, warned (only warn checks failed), failed, or dry-run (everything checked, no check run).' },
    { name: 'result-file', description: 'The JSON result file.' },
    { name: 'junit-file', description: 'The JUnit XML file.' },
    { name: 'failed-checks', description: 'The names of the checks that failed, comma-separated.' },
  ],
  cliExample: 'staging-checks --policy-file staging/policy.yml --endpoint-name credit-endpoint --deployment-name green',
  run: async (ctx) => (await import('./run')).stagingChecks(ctx),
};
