import { StepError } from '../../../shared/src/core/errors';
import {
  armScope,
  cloudFromServiceConnection,
  isPublicAuthority,
  KNOWN_CLOUDS,
  mlScope,
  resolveCloud,
} from '../../../shared/src/auth/clouds';

function inputOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).kind).toBe('input');
    return (e as StepError).input;
  }
  throw new Error('expected an input error');
}

describe('clouds', () => {
  test('named clouds', () => {
    expect(resolveCloud({})).toBe(KNOWN_CLOUDS.AzureCloud);
    expect(resolveCloud({ cloud: 'azureusgovernment' })).toEqual({
      name: 'AzureUSGovernment',
      resourceManager: 'https://management.usgovcloudapi.net',
      resourceManagerAudience: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
      mlAudience: 'https://ml.azure.us',
    });
    const china = resolveCloud({ cloud: 'AzureChinaCloud' });
    expect([china.resourceManager, china.authorityHost, china.mlAudience]).toEqual([
      'https://management.chinacloudapi.cn',
      'https://login.chinacloudapi.cn',
      'https://ml.azure.cn',
    ]);
    expect(armScope(KNOWN_CLOUDS.AzureCloud)).toBe('https://management.azure.com/.default');
    expect(mlScope(china)).toBe('https://ml.azure.cn/.default');
    expect(isPublicAuthority(KNOWN_CLOUDS.AzureCloud)).toBe(true);
    expect(isPublicAuthority(china)).toBe(false);
  });

  test('custom cloud from URLs; arm-audience defaults to the ARM endpoint', () => {
    const c = resolveCloud({ cloud: 'Custom', armEndpoint: 'https://127.0.0.1:8443/', authorityHost: 'https://127.0.0.1:8443/entra' });
    expect(c).toEqual({
      name: 'Custom',
      resourceManager: 'https://127.0.0.1:8443',
      resourceManagerAudience: 'https://127.0.0.1:8443',
      authorityHost: 'https://127.0.0.1:8443/entra',
      mlAudience: 'https://ml.azure.com',
    });
    const withAud = resolveCloud({ armEndpoint: 'https://arm.local', authorityHost: 'https://login.local', armAudience: 'https://management.core.windows.net/', mlAudience: 'https://ml.local' });
    expect(withAud.resourceManagerAudience).toBe('https://management.core.windows.net');
    expect(armScope(withAud)).toBe('https://management.core.windows.net/.default');
    expect(withAud.mlAudience).toBe('https://ml.local');
  });

  test('bad cloud inputs name the input', () => {
    expect(inputOf(() => resolveCloud({ cloud: 'Mars' }))).toBe('cloud');
    expect(inputOf(() => resolveCloud({ cloud: 'Custom', authorityHost: 'https://l' }))).toBe('arm-endpoint');
    expect(inputOf(() => resolveCloud({ cloud: 'Custom', armEndpoint: 'https://a' }))).toBe('authority-host');
    expect(inputOf(() => resolveCloud({ armEndpoint: 'http://arm.local', authorityHost: 'https://l' }))).toBe('arm-endpoint');
    expect(inputOf(() => resolveCloud({ armEndpoint: 'https://a', authorityHost: 'login.local' }))).toBe('authority-host');
    expect(inputOf(() => resolveCloud({ armEndpoint: 'https://a', authorityHost: 'https://l', mlAudience: 'ftp://x' }))).toBe('ml-audience');
    expect(inputOf(() => resolveCloud({ armEndpoint: 'https://a', authorityHost: 'https://l', armAudience: 'https://a?x=1' }))).toBe('arm-audience');
    expect(inputOf(() => resolveCloud({ cloud: 'AzureCloud', armEndpoint: 'https://a' }))).toBe('arm-endpoint');
  });

  test('ADO service connection environments', () => {
    expect(cloudFromServiceConnection({ id: 'c', scheme: 'ServicePrincipal' })).toBeUndefined();
    expect(cloudFromServiceConnection({ id: 'c', scheme: 'ServicePrincipal', environment: 'AzureUSGovernment' })).toBe(KNOWN_CLOUDS.AzureUSGovernment);
    // The agent's URLs for a known cloud (with trailing slashes) are that cloud.
    expect(
      cloudFromServiceConnection({
        id: 'c',
        scheme: 'WorkloadIdentityFederation',
        environment: 'AzureCloud',
        resourceManagerUrl: 'https://management.azure.com/',
        authorityHost: 'https://login.microsoftonline.com/',
      }),
    ).toBe(KNOWN_CLOUDS.AzureCloud);
    const stack = cloudFromServiceConnection({
      id: 'c',
      scheme: 'ServicePrincipal',
      environment: 'AzureStack',
      resourceManagerUrl: 'https://management.local.azurestack.external/',
      authorityHost: 'https://adfs.local.azurestack.external/adfs',
      resourceManagerAudience: 'https://management.adfs.azurestack.local/abc',
    })!;
    expect(stack).toMatchObject({
      name: 'AzureStack',
      resourceManager: 'https://management.local.azurestack.external',
      authorityHost: 'https://adfs.local.azurestack.external/adfs',
      resourceManagerAudience: 'https://management.adfs.azurestack.local/abc',
    });
  });
});
