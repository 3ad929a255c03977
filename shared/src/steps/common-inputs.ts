import type { InputDefinition } from './definition';

/** Where the workspace is and how to reach it: the same inputs on every step. */
export const connectionInputs: InputDefinition[] = [
  {
    name: 'azure-subscription',
    type: 'service-connection',
    description: 'Azure Resource Manager service connection (workload identity federation, service principal or managed identity).',
    required: true,
    hosts: ['azure-devops'],
    group: 'connection',
  },
  {
    name: 'subscription-id',
    type: 'string',
    description: 'Azure subscription ID of the workspace. Defaults to AZURE_SUBSCRIPTION_ID, or the service connection\'s subscription.',
    env: ['AZURE_SUBSCRIPTION_ID'],
    group: 'connection',
  },
  { name: 'resource-group', type: 'string', description: 'Resource group of the workspace.', required: true, group: 'connection' },
  { name: 'workspace', type: 'string', description: 'Azure Machine Learning workspace name.', required: true, group: 'connection' },
  {
    name: 'auth-type',
    type: 'choice',
    options: ['auto', 'oidc', 'service-principal', 'managed-identity', 'azure-cli'],
    default: 'auto',
    description:
      'How to sign in. auto: a service principal when a secret or certificate is given, else OIDC when the job can request an ID token, else managed identity when the machine has one, else the Azure CLI login.',
    hosts: ['github', 'cli'],
    group: 'connection',
  },
  { name: 'client-id', type: 'string', description: 'Client ID of the app registration or user-assigned identity. Defaults to AZURE_CLIENT_ID.', env: ['AZURE_CLIENT_ID'], hosts: ['github', 'cli'], group: 'connection' },
  { name: 'tenant-id', type: 'string', description: 'Microsoft Entra tenant ID. Defaults to AZURE_TENANT_ID.', env: ['AZURE_TENANT_ID'], hosts: ['github', 'cli'], group: 'connection' },
  { name: 'client-secret', type: 'string', secret: true, description: 'Client secret of a service principal (prefer OIDC). Defaults to AZURE_CLIENT_SECRET.', env: ['AZURE_CLIENT_SECRET'], hosts: ['github', 'cli'], group: 'connection' },
  { name: 'client-certificate', type: 'multiline', secret: true, description: 'PEM certificate with private key (text or a file path) of a service principal. Defaults to AZURE_CLIENT_CERTIFICATE_PATH.', env: ['AZURE_CLIENT_CERTIFICATE_PATH'], hosts: ['github', 'cli'], group: 'connection' },
  {
    name: 'cloud',
    type: 'choice',
    options: ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'Custom'],
    description: 'Azure cloud. Default AzureCloud (on Azure DevOps: the service connection\'s environment). Custom needs arm-endpoint and authority-host.',
    group: 'advanced',
  },
  { name: 'arm-endpoint', type: 'string', description: 'Resource Manager URL of a Custom cloud.', group: 'advanced' },
  { name: 'authority-host', type: 'string', description: 'Microsoft Entra authority host of a Custom cloud.', group: 'advanced' },
  { name: 'arm-audience', type: 'string', description: 'Token audience for Resource Manager in a Custom cloud (default: arm-endpoint).', group: 'advanced' },
  { name: 'ml-audience', type: 'string', description: 'Token audience of the Azure ML data plane in a Custom cloud (default https://ml.azure.com).', group: 'advanced' },
  { name: 'api-version', type: 'string', description: 'Azure ML REST api-version for operations newer than the SDK\'s (default: a recent stable version).', group: 'advanced' },
  { name: 'timeout', type: 'string', default: '30m', description: 'Give up after this long (e.g. 90s, 30m, 1h).', group: 'advanced' },
  { name: 'dry-run', type: 'boolean', default: 'false', description: 'Validate inputs and print the plan without changing anything in Azure.', group: 'advanced' },
];
