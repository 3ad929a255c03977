/**
 * Cluster extensions (`{clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/{name}`), an extension
 * resource on connected and managed clusters. Read-only from the ARM side (GET, list): the emulator installs the
 * Azure ML extension when it seeds a cluster, and the control surface (kubernetes-control.ts) makes it missing,
 * failed or inference-less. Attaching a cluster as a Kubernetes compute needs it installed, Succeeded, with
 * inference enabled (extensionProblem).
 */
import { randomUUID } from 'node:crypto';
import type { ArmState, Json, StoredResource } from '../state/model';
import { isObject } from '../http';
import type { ResourceTypeHandler } from './call';
import { armError } from './errors';
import { childrenOf, getResource, page, propertiesOf, putResource } from './resource-helpers';
import { render } from './render';
import { CONNECTED_TYPE, MANAGED_TYPE } from './kubernetes-clusters';

export const EXTENSION_NAMESPACE = 'Microsoft.KubernetesConfiguration';
export const EXTENSION_TYPE = `${EXTENSION_NAMESPACE}/extensions`;
export const EXTENSION_API_VERSIONS = ['2022-11-01', '2023-05-01', '2024-11-01'];
export const AZUREML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';
export const DEFAULT_EXTENSION_NAME = 'azureml';
const EXTENSION_VERSION = '1.1.64';

export type ExtensionState = 'healthy' | 'missing' | 'failed' | 'no-inference';
export const EXTENSION_STATES: ExtensionState[] = ['healthy', 'missing', 'failed', 'no-inference'];

export function extensionId(clusterId: string, name: string): string {
  return `${clusterId}/providers/${EXTENSION_NAMESPACE}/extensions/${name}`;
}

export function extensionsOf(state: Readonly<ArmState>, clusterId: string): StoredResource[] {
  return childrenOf(state as ArmState, `${clusterId}/providers/${EXTENSION_NAMESPACE}`, 'extensions');
}

function isAzureMl(ext: StoredResource): boolean {
  return String(propertiesOf(ext.body).extensionType ?? '').toLowerCase() === AZUREML_EXTENSION_TYPE.toLowerCase();
}

/** The body of an Azure ML extension in the given state (never 'missing'). */
function extensionBody(state: Exclude<ExtensionState, 'missing'>, tenantId: string, principalId: string, systemData: Json, at: string): Json {
  const failed = state === 'failed';
  return {
    identity: { type: 'SystemAssigned', principalId, tenantId },
    systemData,
    properties: {
      extensionType: AZUREML_EXTENSION_TYPE,
      autoUpgradeMinorVersion: true,
      releaseTrain: 'stable',
      version: EXTENSION_VERSION,
      currentVersion: EXTENSION_VERSION,
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: {
        enableInference: state === 'no-inference' ? 'False' : 'True',
        enableTraining: 'False',
        inferenceRouterServiceType: 'LoadBalancer',
        allowInsecureConnections: 'True',
        inferenceRouterHA: 'False',
      },
      configurationProtectedSettings: {},
      provisioningState: failed ? 'Failed' : 'Succeeded',
      statuses: failed
        ? [
            {
              code: 'InstallationFailed',
              displayStatus: 'Failed',
              level: 'Error',
              message: "Helm release 'azureml' failed: pods of deployment 'azureml-fe' did not become ready (CrashLoopBackOff).",
              time: at,
            },
          ]
        : [],
      errorInfo: failed ? { code: 'ExtensionOperationFailed', message: 'The extension operation failed; see statuses for details.' } : null,
      aksAssignedIdentity: null,
      isSystemExtension: false,
    },
  };
}

/** Installs (or re-installs) the Azure ML extension on a cluster, or removes it ('missing'). */
export function setAzureMlExtension(state: ArmState, cluster: StoredResource, want: ExtensionState, tenantId: string, now: number, name = DEFAULT_EXTENSION_NAME): StoredResource | undefined {
  const existing = extensionsOf(state, cluster.id).find(isAzureMl);
  const id = existing?.id ?? extensionId(cluster.id, name);
  if (want === 'missing') {
    if (existing) delete state.resources[existing.id.toLowerCase()];
    return undefined;
  }
  const prevIdentity = existing && isObject(existing.body.identity) ? existing.body.identity : undefined;
  const at = new Date(now).toISOString();
  const systemData = isObject(existing?.body.systemData)
    ? { ...existing.body.systemData, lastModifiedAt: at }
    : { createdAt: at, createdBy: 'aml-lifecycle-emulator', createdByType: 'Application', lastModifiedAt: at, lastModifiedBy: 'aml-lifecycle-emulator', lastModifiedByType: 'Application' };
  return putResource(state, {
    id,
    type: EXTENSION_TYPE,
    createdSeq: existing?.createdSeq,
    body: extensionBody(want, tenantId, String(prevIdentity?.principalId ?? randomUUID()), systemData, at),
  });
}

/** Why the cluster cannot host Azure ML inference (a sentence naming the cluster), or undefined when it can. */
export function extensionProblem(state: Readonly<ArmState>, clusterId: string): string | undefined {
  const ext = extensionsOf(state, clusterId).find(isAzureMl);
  if (!ext) return `the AzureML extension (extensionType '${AZUREML_EXTENSION_TYPE}') is not installed on cluster '${clusterId}'`;
  const p = propertiesOf(ext.body);
  const name = ext.id.slice(ext.id.lastIndexOf('/') + 1);
  if (p.provisioningState !== 'Succeeded') {
    return `the AzureML extension '${name}' on cluster '${clusterId}' is not healthy (provisioningState '${String(p.provisioningState)}')`;
  }
  const settings = isObject(p.configurationSettings) ? p.configurationSettings : {};
  if (String(settings.enableInference ?? '').toLowerCase() !== 'true') {
    return `the AzureML extension '${name}' on cluster '${clusterId}' does not have inference enabled (configurationSettings.enableInference is not 'True')`;
  }
  return undefined;
}

export const extensionHandlers: ResourceTypeHandler = {
  namespace: EXTENSION_NAMESPACE,
  path: ['extensions'],
  parentTypes: [CONNECTED_TYPE, MANAGED_TYPE],
  apiVersions: EXTENSION_API_VERSIONS,
  list: (c) => page(c, extensionsOf(c.state, c.parentId).map((e) => render(e))),
  get: (c) => {
    const ext = getResource(c.state, c.id);
    return ext
      ? { status: 200, body: render(ext) }
      : armError(404, 'ResourceNotFound', `The extension '${c.names[0]}' was not found on cluster '${c.parentId}'.`);
  },
};
