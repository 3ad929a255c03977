import { KNOWN_CLOUDS, type CloudEndpoints } from '../../../shared/src/auth/clouds';
import { registryDiscoveryUrl } from '../../../shared/src/promote/discovery-url';

const custom: CloudEndpoints = { ...KNOWN_CLOUDS.AzureCloud, name: 'Custom', resourceManager: 'https://127.0.0.1:8443' };
const reg = (discoveryUrl?: string) => ({ name: 'mlr-shared', properties: discoveryUrl === undefined ? {} : { discoveryUrl } });

describe('registryDiscoveryUrl', () => {
  test("the registry's own discoveryUrl wins, whole or as a base", () => {
    const full = 'https://westeurope.api.azureml.ms/registrymanagement/v1.0/registries/mlr-shared/discovery';
    expect(registryDiscoveryUrl(reg(full), KNOWN_CLOUDS.AzureCloud, {})).toBe(full);
    expect(registryDiscoveryUrl(reg('https://westeurope.api.azureml.ms/'), KNOWN_CLOUDS.AzureCloud, {})).toBe(full);
  });

  test('then REGISTRY_DISCOVERY_ENDPOINT_URL, then the cloud default, then a custom cloud’s ARM endpoint', () => {
    expect(registryDiscoveryUrl(reg(), KNOWN_CLOUDS.AzureCloud, { REGISTRY_DISCOVERY_ENDPOINT_URL: 'https://northeurope.api.azureml.ms' })).toBe(
      'https://northeurope.api.azureml.ms/registrymanagement/v1.0/registries/mlr-shared/discovery',
    );
    expect(registryDiscoveryUrl(reg(), KNOWN_CLOUDS.AzureCloud, {})).toBe('https://eastus.api.azureml.ms/registrymanagement/v1.0/registries/mlr-shared/discovery');
    expect(registryDiscoveryUrl(reg(), KNOWN_CLOUDS.AzureChinaCloud, {})).toBe('https://chinaeast2.api.ml.azure.cn/registrymanagement/v1.0/registries/mlr-shared/discovery');
    expect(registryDiscoveryUrl(reg(), KNOWN_CLOUDS.AzureUSGovernment, {})).toMatch(/^https:\/\/usgovarizona\.api\.ml\.azure\.us\//);
    expect(registryDiscoveryUrl(reg(), custom, {})).toBe('https://127.0.0.1:8443/registrymanagement/v1.0/registries/mlr-shared/discovery');
  });
});
