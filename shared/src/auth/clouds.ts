/**
 * Azure clouds: where ARM lives, which authority issues tokens, and the token audiences for ARM and the
 * Azure ML data plane (online/batch scoring with Entra tokens).
 */
import { StepError } from '../core/errors';
import type { AdoServiceConnection } from '../hosts/host';

export interface CloudEndpoints {
  /** AzureCloud | AzureUSGovernment | AzureChinaCloud | Custom (or the ADO connection's environment name) */
  name: string;
  /** ARM base URL, no trailing slash */
  resourceManager: string;
  /** Audience of ARM tokens (scope = `${audience}/.default`) */
  resourceManagerAudience: string;
  /** Entra authority host, no trailing slash */
  authorityHost: string;
  /** Audience of Azure ML data-plane tokens */
  mlAudience: string;
}

export type KnownCloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export const KNOWN_CLOUDS: Readonly<Record<KnownCloudName, CloudEndpoints>> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManager: 'https://management.azure.com',
    resourceManagerAudience: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    mlAudience: 'https://ml.azure.com',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net',
    resourceManagerAudience: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    mlAudience: 'https://ml.azure.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManager: 'https://management.chinacloudapi.cn',
    resourceManagerAudience: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    mlAudience: 'https://ml.azure.cn',
  },
};

export const AZURE_CLOUD = KNOWN_CLOUDS.AzureCloud;

/** Raw values of the cloud inputs (`cloud`, `arm-endpoint`, `authority-host`, `arm-audience`, `ml-audience`). */
export interface CloudInputs {
  cloud?: string;
  armEndpoint?: string;
  authorityHost?: string;
  armAudience?: string;
  mlAudience?: string;
}

const ALIASES: Record<string, KnownCloudName> = {
  azurecloud: 'AzureCloud',
  azurepubliccloud: 'AzureCloud',
  public: 'AzureCloud',
  azureusgovernment: 'AzureUSGovernment',
  azureusgovernmentcloud: 'AzureUSGovernment',
  usgov: 'AzureUSGovernment',
  azurechinacloud: 'AzureChinaCloud',
  china: 'AzureChinaCloud',
};

function knownCloud(name: string): CloudEndpoints | undefined {
  const key = ALIASES[name.trim().toLowerCase()];
  return key ? KNOWN_CLOUDS[key] : undefined;
}

/** Validate an https URL input and return it without a trailing slash. */
export function httpsUrl(value: string, input: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new StepError('input', `${input} must be an absolute https URL, got '${value}'`, { input });
  }
  if (url.protocol !== 'https:') {
    throw new StepError('input', `${input} must use https, got '${value}'`, { input });
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new StepError('input', `${input} must be a plain https URL without query, fragment or credentials`, {
      input,
    });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The cloud named by the inputs. A named cloud takes no URLs; `Custom` (or URLs without a name) needs
 * `arm-endpoint` and `authority-host`; `arm-audience` defaults to the ARM endpoint and `ml-audience` to the
 * public cloud's (the local emulator issues data-plane tokens for it).
 */
export function resolveCloud(inputs: CloudInputs): CloudEndpoints {
  const urlsGiven = (['armEndpoint', 'authorityHost', 'armAudience', 'mlAudience'] as const).filter(
    (k) => inputs[k] !== undefined && inputs[k] !== '',
  );
  const name = inputs.cloud?.trim();
  if (name && name.toLowerCase() !== 'custom') {
    const known = knownCloud(name);
    if (!known) {
      throw new StepError(
        'input',
        `cloud must be one of AzureCloud, AzureUSGovernment, AzureChinaCloud or Custom, got '${name}'`,
        { input: 'cloud' },
      );
    }
    if (urlsGiven.length > 0) {
      const input = INPUT_NAMES[urlsGiven[0]];
      throw new StepError('input', `${input} is only used with cloud: Custom (cloud is '${known.name}')`, {
        input,
      });
    }
    return known;
  }
  if (!name && urlsGiven.length === 0) return AZURE_CLOUD;
  if (!inputs.armEndpoint) {
    throw new StepError('input', 'arm-endpoint is required for a custom cloud', { input: 'arm-endpoint' });
  }
  if (!inputs.authorityHost) {
    throw new StepError('input', 'authority-host is required for a custom cloud', { input: 'authority-host' });
  }
  const resourceManager = httpsUrl(inputs.armEndpoint, 'arm-endpoint');
  return {
    name: 'Custom',
    resourceManager,
    authorityHost: httpsUrl(inputs.authorityHost, 'authority-host'),
    resourceManagerAudience: inputs.armAudience ? httpsUrl(inputs.armAudience, 'arm-audience') : resourceManager,
    mlAudience: inputs.mlAudience ? httpsUrl(inputs.mlAudience, 'ml-audience') : AZURE_CLOUD.mlAudience,
  };
}

const INPUT_NAMES = {
  armEndpoint: 'arm-endpoint',
  authorityHost: 'authority-host',
  armAudience: 'arm-audience',
  mlAudience: 'ml-audience',
} as const;

/**
 * The cloud an Azure DevOps service connection points at, or undefined when it carries nothing beyond the
 * default. Explicit URLs on the connection win over its environment name (Azure Stack has only URLs).
 */
export function cloudFromServiceConnection(conn: AdoServiceConnection): CloudEndpoints | undefined {
  const named = conn.environment ? knownCloud(conn.environment) : undefined;
  if (!conn.resourceManagerUrl && !conn.authorityHost && !conn.resourceManagerAudience) return named;
  const base = named ?? AZURE_CLOUD;
  const resourceManager = conn.resourceManagerUrl
    ? httpsUrl(conn.resourceManagerUrl, 'arm-endpoint')
    : base.resourceManager;
  const cloud: CloudEndpoints = {
    name: conn.environment || 'Custom',
    resourceManager,
    authorityHost: conn.authorityHost ? httpsUrl(conn.authorityHost, 'authority-host') : base.authorityHost,
    resourceManagerAudience: conn.resourceManagerAudience
      ? httpsUrl(conn.resourceManagerAudience, 'arm-audience')
      : named && !conn.resourceManagerUrl
        ? named.resourceManagerAudience
        : resourceManager,
    mlAudience: base.mlAudience,
  };
  if (named && sameEndpoints(cloud, named)) return named;
  return cloud;
}

function sameEndpoints(a: CloudEndpoints, b: CloudEndpoints): boolean {
  return (
    a.resourceManager === b.resourceManager &&
    a.authorityHost === b.authorityHost &&
    a.resourceManagerAudience === b.resourceManagerAudience
  );
}

/** True for the public cloud's own authority (instance discovery only works there). */
export function isPublicAuthority(cloud: CloudEndpoints): boolean {
  return cloud.authorityHost === AZURE_CLOUD.authorityHost;
}

/** The OAuth scope for ARM tokens. */
export function armScope(cloud: CloudEndpoints): string {
  return `${cloud.resourceManagerAudience.replace(/\/+$/, '')}/.default`;
}

/** The OAuth scope for Azure ML data-plane tokens. */
export function mlScope(cloud: CloudEndpoints): string {
  return `${cloud.mlAudience.replace(/\/+$/, '')}/.default`;
}
