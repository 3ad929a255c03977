/**
 * A registry's data plane: discovery (where its management front end lives), the import that deep-copies an asset
 * into it (what `az ml model share` does), and pending uploads (SAS-authorised blob locations for new versions).
 */
import { StepError } from '../core/errors';
import type { ArmCore } from './arm-core';
import type { LroResult } from './lro';
import { childPath, refs, registryPath } from './refs';
import type { PendingUploadRequest, PendingUploadResponse } from './resources';

/** Path of the management front end under a discovered primaryRegionResourceProviderUri (azure-ai-ml MFE_PATH_PREFIX) */
const MFE_PATH_PREFIX = 'mferp/managementfrontend';
/** The api-version of the registry import data plane */
export const DATA_PLANE_API_VERSION = '2021-10-01-dataplanepreview';

/** Answer of GET …/registrymanagement/v1.0/registries/{name}/discovery (the fields used; others are kept). */
export interface RegistryDiscovery {
  registryName?: string;
  primaryRegionResourceProviderUri: string;
  subscriptionId: string;
  resourceGroup: string;
  [key: string]: unknown;
}

/** What to import: an `azureml://locations/<loc>/workspaces/<guid>/models/<n>/versions/<v>` asset, and where to. */
export interface RegistryImportRequest {
  sourceAssetId: string;
  destinationName: string;
  destinationVersion: string;
}

function requireHttps(url: string, operation: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StepError('service', `${operation}: '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'https:') throw new StepError('service', `${operation}: refusing to send a token to non-https '${url}'`);
}

export class RegistryDataOperations {
  constructor(private readonly core: ArmCore) {}

  /**
   * Registry discovery (the data-plane step `az ml model share` starts with): where the registry's
   * management front end lives and which subscription/resource group hold it. Sent with the ARM token.
   */
  async discover(registry: string, discoveryUrl: string): Promise<RegistryDiscovery> {
    const ctx = { operation: `discover registry '${registry}'`, ref: { kind: 'registry', name: registry, scope: discoveryUrl } };
    requireHttps(discoveryUrl, ctx.operation);
    const res = await this.core.transport.expect({ method: 'GET', url: discoveryUrl, deadline: this.core.deadline() }, ctx);
    const body = (res.body ?? {}) as RegistryDiscovery;
    for (const field of ['primaryRegionResourceProviderUri', 'subscriptionId', 'resourceGroup'] as const) {
      if (typeof body[field] !== 'string' || !body[field]) {
        throw new StepError('service', `${ctx.operation}: the discovery answer has no ${field}`);
      }
    }
    requireHttps(body.primaryRegionResourceProviderUri, ctx.operation);
    return body;
  }

  /**
   * Deep-copy an asset into a registry through its management front end (data plane, api-version
   * 2021-10-01-dataplanepreview): POST …/registries/{r}/import, an LRO finished through Location.
   */
  async importAsset(discovery: RegistryDiscovery, registry: string, request: RegistryImportRequest): Promise<LroResult<unknown>> {
    const ctx = {
      operation: `import ${request.sourceAssetId} into registry '${registry}'`,
      ref: refs.inRegistry('model version', `${request.destinationName}:${request.destinationVersion}`, discovery.resourceGroup, registry),
    };
    const base = discovery.primaryRegionResourceProviderUri.replace(/\/+$/, '');
    const path = `${registryPath(discovery.subscriptionId, discovery.resourceGroup, registry)}/import`;
    const url = `${base}/${MFE_PATH_PREFIX}${path}?api-version=${DATA_PLANE_API_VERSION}`;
    const body = { properties: { referenceType: 'Id', ...request } };
    return this.core.lroAt('POST', url, body, ctx, 'location');
  }

  /** A SAS-authorised blob location to upload a registry model's files to; the SAS URI goes to onSecret. */
  async startPendingUpload(
    rg: string,
    registry: string,
    name: string,
    version: string,
    request: PendingUploadRequest = { pendingUploadType: 'TemporaryBlobReference' },
  ): Promise<PendingUploadResponse> {
    const ctx = {
      operation: `start pending upload for registry model '${name}:${version}'`,
      ref: refs.inRegistry('model version', `${name}:${version}`, rg, registry),
    };
    const path = childPath(
      registryPath(this.core.subscriptionId, rg, registry),
      'models',
      name,
      'versions',
      version,
      'startPendingUpload',
    );
    const res = await this.core.transport.expect(
      { method: 'POST', url: this.core.transport.url(path, this.core.apiVersion), body: request, deadline: this.core.deadline() },
      ctx,
    );
    const body = (res.body ?? {}) as PendingUploadResponse;
    const sas = body.blobReferenceForConsumption?.credential?.sasUri;
    if (typeof sas === 'string' && sas) this.core.onSecret?.(sas);
    return body;
  }
}
