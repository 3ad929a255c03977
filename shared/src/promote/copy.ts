/**
 * The server-side copy of a workspace model version into a registry: ARM `publish` (reference §5.B), and where the
 * service answers that the operation or its api-version is unavailable, the `az ml model share` sequence of
 * registry discovery then import on the registry's management front end (§5.A). Any other failure, including an
 * operation that ends Failed, is raised as it is: it is not a reason to try the other route.
 */
import { isStepError, StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AzureMlClient } from '../azureml/client';
import type { Registry, Workspace } from '../azureml/resources';
import { registryDiscoveryUrl } from './discovery-url';

/** Service codes meaning "this operation or api-version does not exist here", not "this request is wrong". */
const UNAVAILABLE_CODES = [
  'NoRegisteredProviderFound',
  'ApiVersionNotSupported',
  'UnsupportedApiVersion',
  'InvalidApiVersionParameter',
  'InvalidResourceType',
  'InvalidResourceNamespace',
  'OperationNotSupported',
  'NotSupported',
];
const UNAVAILABLE_STATUS = new Set([400, 404, 405, 501]);

export function publishUnavailable(e: unknown): e is StepError {
  if (!isStepError(e) || e.status === undefined || !UNAVAILABLE_STATUS.has(e.status)) return false;
  if (e.status === 405 || e.status === 501) return true;
  return UNAVAILABLE_CODES.some((c) => e.code === c || e.message.includes(`${c}:`) || e.message.includes(`/${c}`));
}

/** azureml://locations/<region>/workspaces/<workspace guid>/models/<name>/versions/<version> */
export function workspaceAssetId(workspace: Workspace, name: string, version: string): string {
  const guid = workspace.properties?.workspaceId;
  if (!workspace.location || !guid) {
    throw new StepError('service', `Workspace '${workspace.name}' did not report its location and workspaceId, which the registry import needs.`);
  }
  return `azureml://locations/${workspace.location}/workspaces/${guid}/models/${name}/versions/${version}`;
}

export interface CopyRequest {
  source: { client: AzureMlClient; resourceGroup: string; workspace: Workspace; name: string; version: string };
  target: { client: AzureMlClient; registry: Registry; name: string; version: string };
  logger: Logger;
  /** Overrides the discovery URL (else registryDiscoveryUrl) */
  discoveryUrl?: string;
}

export interface CopyResult {
  mechanism: 'publish' | 'import';
  /** Why publish was not used, when it was not */
  fallbackReason?: string;
}

export async function copyToRegistry(req: CopyRequest): Promise<CopyResult> {
  const { source, target, logger } = req;
  const registryName = target.registry.name;
  try {
    await source.client.publishModelVersion(source.resourceGroup, source.workspace.name, source.name, source.version, {
      registryName,
      destinationName: target.name,
      destinationVersion: target.version,
    });
    return { mechanism: 'publish' };
  } catch (e) {
    if (!publishUnavailable(e)) throw e;
    logger.info(`Publish is not available here (${e.message}); copying through registry discovery and import instead.`);
    const sourceAssetId = workspaceAssetId(source.workspace, source.name, source.version);
    const url = req.discoveryUrl ?? registryDiscoveryUrl(target.registry, target.client.cloud);
    const discovery = await target.client.registryData.discover(registryName, url);
    await target.client.registryData.importAsset(discovery, registryName, {
      sourceAssetId,
      destinationName: target.name,
      destinationVersion: target.version,
    });
    return { mechanism: 'import', fallbackReason: e.code ?? `HTTP ${e.status}` };
  }
}
