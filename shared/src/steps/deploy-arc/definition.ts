import { connectionInputs } from '../common-inputs';
import type { StepDefinition } from '../definition';
import { onlineInputs, onlineOutputs } from '../online-inputs';

export const deployArcStep: StepDefinition = {
  id: 'deploy-arc',
  title: 'Deploy Azure ML model to a Kubernetes (Azure Arc or AKS) online endpoint',
  description:
    'Attach an Arc-enabled or AKS cluster as a Kubernetes compute (after checking the cluster and its Azure ML extension) and deploy a model to a Kubernetes online endpoint with the same safe rollout as deploy-online: a new deployment at 0%, a smoke probe, traffic steps checked against metric rules, automatic rollback, a pre-flight doctor and triage.',
  task: {
    name: 'DeployArc',
    id: 'bce83bf3-96f8-4af9-856e-e9b8b6f0fcd3',
    category: 'Deploy',
    version: { major: 1, minor: 0, patch: 0 },
  },
  inputs: [
    ...connectionInputs,
    { name: 'compute-name', type: 'string', description: "The workspace's Kubernetes compute (default: the endpoint file's compute).", group: 'compute' },
    {
      name: 'cluster-id',
      type: 'string',
      description: 'ARM id of the Arc-enabled (Microsoft.Kubernetes/connectedClusters) or AKS (Microsoft.ContainerService/managedClusters) cluster to attach when the compute does not exist (or with attach: true).',
      group: 'compute',
    },
    { name: 'attach', type: 'boolean', default: 'false', description: 'Re-attach an existing compute when its settings differ from these (a missing compute is attached whenever cluster-id is given).', group: 'compute' },
    { name: 'namespace', type: 'string', description: 'Kubernetes namespace the endpoints run in (default default; it must exist on the cluster).', group: 'compute' },
    {
      name: 'instance-types',
      type: 'multiline',
      description: 'Instance types to offer, as YAML: `name: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: 1, memory: 2Gi}, node_selector: {…}}`.',
      group: 'compute',
    },
    { name: 'default-instance-type', type: 'string', description: 'The instance type deployments get when they name none.', group: 'compute' },
    { name: 'compute-identity', type: 'string', description: 'Identity of the attached compute: system_assigned (default), none, or a user-assigned identity ARM id.', group: 'compute' },
    ...onlineInputs('kubernetes'),
  ],
  outputs: [...onlineOutputs, { name: 'compute-id', description: 'ARM id of the Kubernetes compute.' }],
  cliExample:
    'deploy-arc --compute-name arc-compute --cluster-id /subscriptions/…/providers/Microsoft.Kubernetes/connectedClusters/arc-demo --endpoint-name credit-k8s --model azureml:credit:1 --code ./src --scoring-script score.py --environment azureml:sklearn-env:1',
  run: async (ctx) => (await import('./run')).deployArc(ctx),
};
