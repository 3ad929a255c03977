/**
 * Where to ask for a registry's discovery document (reference §5.A step 3). In order: the registry's own
 * `properties.discoveryUrl`; the `REGISTRY_DISCOVERY_ENDPOINT_URL` environment variable azure-ai-ml also reads;
 * the public cloud's default host (azure-ai-ml `_azure_environments.py`); for a custom cloud, its ARM endpoint.
 */
import type { CloudEndpoints } from '../auth/clouds';
import type { Registry } from '../azureml/resources';

const CLOUD_DEFAULTS: Record<string, string> = {
  AzureCloud: 'https://eastus.api.azureml.ms/',
  AzureChinaCloud: 'https://chinaeast2.api.ml.azure.cn/',
  AzureUSGovernment: 'https://usgovarizona.api.ml.azure.us/',
};

function fromBase(base: string, registry: string): string {
  return `${base.replace(/\/+$/, '')}/registrymanagement/v1.0/registries/${encodeURIComponent(registry)}/discovery`;
}

export function registryDiscoveryUrl(
  registry: Pick<Registry, 'name' | 'properties'>,
  cloud: CloudEndpoints,
  env: Record<string, string | undefined> = process.env,
): string {
  const own = registry.properties?.discoveryUrl?.trim();
  if (own) return /\/discovery\/?$/i.test(own) ? own : fromBase(own, registry.name);
  const configured = env.REGISTRY_DISCOVERY_ENDPOINT_URL?.trim();
  if (configured) return fromBase(configured, registry.name);
  return fromBase(CLOUD_DEFAULTS[cloud.name] ?? cloud.resourceManager, registry.name);
}
