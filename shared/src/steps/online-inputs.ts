/**
 * The inputs and outputs of the online-endpoint steps (deploy-online for managed endpoints, deploy-arc for
 * Kubernetes ones): the endpoint, the deployment and the rollout, worded for the endpoint kind.
 */
import type { InputDefinition, OutputDefinition } from './definition';

export type EndpointKind = 'managed' | 'kubernetes';

export function onlineInputs(kind: EndpointKind): InputDefinition[] {
  const k = kind === 'kubernetes';
  return [
    { name: 'endpoint-file', type: 'string', description: k ? 'An `az ml online-endpoint` YAML file for a Kubernetes endpoint (`compute:`), used unchanged.' : 'An `az ml online-endpoint` YAML file, used unchanged.', group: 'endpoint' },
    { name: 'endpoint-name', type: 'string', description: 'Endpoint name (overrides the file; required without one).', group: 'endpoint' },
    {
      name: 'auth-mode',
      type: 'choice',
      options: ['key', 'aml_token', 'aad_token'],
      description: 'How clients authenticate to the endpoint when it is created (default key).',
      group: 'endpoint',
    },
    { name: 'deployment-file', type: 'string', description: k ? 'An `az ml online-deployment` YAML file with `type: kubernetes`, used unchanged.' : 'An `az ml online-deployment` YAML file, used unchanged.', group: 'deployment' },
    {
      name: 'deployment-name',
      type: 'string',
      description: "`auto` takes the name of the pair (deployment-names, default blue/green) that holds no live traffic; or a name. Default: the deployment file's name, else auto.",
      group: 'deployment',
    },
    {
      name: 'model',
      type: 'string',
      description: "`azureml:name:version`, `name@alias`, a registry asset id, register/promote's model-ref, or a local model folder.",
      group: 'deployment',
    },
    { name: 'environment', type: 'string', description: '`azureml:name:version` (or `@latest`), or a registry environment id.', group: 'deployment' },
    { name: 'code', type: 'string', description: 'Local folder with the scoring code (uploaded content-hashed), or `azureml:name:version`.', group: 'deployment' },
    { name: 'scoring-script', type: 'string', description: 'Scoring script inside `code` (e.g. score.py).', group: 'deployment' },
    { name: 'instance-type', type: 'string', description: k ? "An instance type of the Kubernetes compute (default: the compute's default instance type)." : 'VM size, e.g. Standard_DS3_v2.', group: 'deployment' },
    { name: 'instance-count', type: 'string', description: 'Number of instances.', group: 'deployment' },
    {
      name: 'set',
      type: 'multiline',
      description: 'Overrides of the deployment YAML, one `key.path=value` per line, as `az ml --set` applies them.',
      group: 'deployment',
    },
    {
      name: 'strategy',
      type: 'choice',
      options: ['blue-green', 'canary', 'replace', 'stage', 'remove'],
      description:
        'blue-green: the new deployment is checked at 0%, then takes 100%. canary: traffic-steps, each watched for bake-time. replace: update the live deployment in place. stage: create or update the new deployment and check it at 0%, then stop with the traffic unchanged (result staged; test it with the azureml-model-deployment header); a later blue-green or canary run with the same inputs promotes it without writing it again. remove: delete deployment-name from the endpoint when it serves no traffic (a preview, or a staged deployment that failed its checks); only the endpoint and deployment names are read, one with traffic is refused, and one already gone is result unchanged. Default: canary when traffic-steps is given, else blue-green.',
      group: 'rollout',
    },
    { name: 'traffic-steps', type: 'string', description: 'Canary traffic percentages, increasing, ending at 100 (default 10,50,100).', group: 'rollout' },
    { name: 'bake-time', type: 'string', description: 'How long each traffic step is watched before the next (default 5m).', group: 'rollout' },
    { name: 'check-interval', type: 'string', description: 'How often the analysis rules are checked during a bake (default 1m, at most bake-time).', group: 'rollout' },
    { name: 'failure-limit', type: 'string', description: 'Failed checks tolerated during one bake before rolling back (default 1: the second failed check rolls back; 0: the first does).', group: 'rollout' },
    { name: 'deployment-names', type: 'string', description: 'The pair `deployment-name: auto` alternates between (default blue,green).', group: 'rollout' },
    {
      name: 'mirror-percent',
      type: 'string',
      description: k ? 'Not supported: Kubernetes online endpoints cannot mirror traffic (a value is refused before anything is sent).' : 'Mirror this share (1–50) of live traffic to the new deployment first, for one bake.',
      group: 'rollout',
    },
    {
      name: 'analysis',
      type: 'multiline',
      description: 'Rules checked at every step, one per line: `latency.p95 <= 300ms`, `errors.5xx.rate <= 1%`, `cpu <= 80%`. No data fails the step.',
      group: 'rollout',
    },
    { name: 'probe-file', type: 'string', description: 'Requests (YAML/JSON) with expected status and output, sent to the new deployment at 0% and during each bake.', group: 'rollout' },
    { name: 'on-success', type: 'string', default: 'keep', description: 'What happens to the previous deployment: keep, scale-down[:N] or delete.', group: 'rollout' },
    { name: 'on-failure', type: 'choice', options: ['keep', 'delete'], default: 'keep', description: 'After a rollback, keep the new deployment for inspection or delete it.', group: 'rollout' },
  ];
}

export const onlineOutputs: OutputDefinition[] = [
    { name: 'endpoint-name', description: 'The endpoint.' },
    { name: 'scoring-uri', description: "The endpoint's scoring URI." },
    { name: 'deployment-name', description: 'The deployment that was rolled out.' },
    { name: 'previous-deployment', description: 'The deployment that held the traffic before (empty on a first deployment).' },
    { name: 'traffic', description: 'The final traffic map, as JSON.' },
    { name: 'result', description: 'deployed, unchanged, staged (strategy stage: at 0%, traffic unchanged), removed (strategy remove), rolled-back, failed or dry-run.' },
];
