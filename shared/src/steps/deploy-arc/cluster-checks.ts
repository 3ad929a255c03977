/**
 * Before attaching: the cluster exists and runs, the Azure ML extension is installed on it, healthy and serving
 * inference, and the caller can read both. Each finding says what is missing and how to fix it.
 */
import type { AzureMlClient } from '../../azureml/client';
import { AZUREML_EXTENSION_TYPE, clusterKind, type ClusterExtension, type ClusterResource } from '../../azureml/computes';
import { isStepError } from '../../core/errors';
import type { Finding } from '../../online';

function parts(id: string) {
  const p = id.split('/');
  return { subscription: p[2] ?? '', resourceGroup: p[4] ?? '', name: p[p.length - 1] ?? id };
}

function installCommand(id: string): string {
  const { resourceGroup, name } = parts(id);
  const type = clusterKind(id) === 'aks' ? 'managedClusters' : 'connectedClusters';
  return `az k8s-extension create --name azureml --extension-type ${AZUREML_EXTENSION_TYPE} --cluster-type ${type} --cluster-name ${name} --resource-group ${resourceGroup} --scope cluster --config enableInference=True inferenceRouterServiceType=LoadBalancer`;
}

/** A 403 on a read: which role is missing on what. */
function denied(e: unknown): boolean {
  return isStepError(e) && (e.status === 403 || e.kind === 'auth');
}

export interface ClusterCheck {
  cluster?: ClusterResource;
  findings: Finding[];
}

export async function checkCluster(client: AzureMlClient, clusterId: string): Promise<ClusterCheck> {
  const kind = clusterKind(clusterId)!;
  const { name, resourceGroup } = parts(clusterId);
  const what = kind === 'aks' ? `AKS cluster '${name}'` : `Arc-enabled cluster '${name}'`;
  let cluster: ClusterResource | undefined;
  try {
    cluster = await client.computes.getCluster(clusterId);
  } catch (e) {
    if (!denied(e)) throw e;
    return { findings: [{ input: 'cluster-id', problem: `The signed-in identity cannot read ${what} in ${resourceGroup} (${(e as Error).message}).`, fix: 'Grant it Reader on the cluster (attaching also needs Kubernetes Extension Contributor and Azure Kubernetes Service Cluster Admin there).' }] };
  }
  if (!cluster) {
    return { findings: [{ input: 'cluster-id', problem: `${what} does not exist in resource group ${resourceGroup}.`, fix: kind === 'aks' ? 'Create it, or correct cluster-id.' : 'Connect the cluster to Azure Arc (az connectedk8s connect), or correct cluster-id.' }] };
  }
  const findings: Finding[] = [];
  const p = cluster.properties ?? {};
  if (p.provisioningState && p.provisioningState !== 'Succeeded') findings.push({ input: 'cluster-id', problem: `${what} is ${p.provisioningState}.`, fix: 'Wait for it to finish provisioning, then rerun.' });
  if (kind === 'arc' && p.connectivityStatus && p.connectivityStatus !== 'Connected') {
    findings.push({ input: 'cluster-id', problem: `${what} is ${p.connectivityStatus} (its Arc agents are not reporting).`, fix: 'Check the Arc agents on the cluster (kubectl get pods -n azure-arc), then rerun.' });
  }
  if (kind === 'aks' && p.powerState?.code && p.powerState.code !== 'Running') {
    findings.push({ input: 'cluster-id', problem: `${what} is ${p.powerState.code}.`, fix: `Start it (az aks start --name ${name} --resource-group ${resourceGroup}), then rerun.` });
  }

  let extensions: ClusterExtension[];
  try {
    extensions = await client.computes.listExtensions(clusterId);
  } catch (e) {
    if (!denied(e)) throw e;
    findings.push({ input: 'cluster-id', problem: `The signed-in identity cannot read the extensions of ${what} (${(e as Error).message}).`, fix: 'Grant it Reader (or Kubernetes Extension Contributor) on the cluster.' });
    return { cluster, findings };
  }
  const ext = extensions.find((x) => x.properties?.extensionType?.toLowerCase() === AZUREML_EXTENSION_TYPE.toLowerCase());
  if (!ext) {
    findings.push({ input: 'cluster-id', problem: `The Azure ML extension (${AZUREML_EXTENSION_TYPE}) is not installed on ${what}.`, fix: `Install it with inference enabled: ${installCommand(clusterId)}` });
    return { cluster, findings };
  }
  const state = ext.properties?.provisioningState;
  if (state && state !== 'Succeeded') {
    const why = (ext.properties?.statuses ?? []).map((s) => s.message).filter(Boolean).join('; ');
    findings.push({
      input: 'cluster-id',
      problem: `The Azure ML extension '${ext.name}' on ${what} is ${state}${why ? `: ${why}` : ''}.`,
      fix: `Fix or reinstall it (az k8s-extension show --name ${ext.name} --cluster-name ${name} --resource-group ${resourceGroup} --cluster-type ${kind === 'aks' ? 'managedClusters' : 'connectedClusters'} shows its status).`,
    });
  }
  const inference = ext.properties?.configurationSettings?.enableInference;
  if (inference !== undefined && !/^true$/i.test(inference)) {
    findings.push({
      input: 'cluster-id',
      problem: `The Azure ML extension '${ext.name}' on ${what} does not serve inference (enableInference is ${inference}).`,
      fix: `Enable it: az k8s-extension update --name ${ext.name} --cluster-name ${name} --resource-group ${resourceGroup} --cluster-type ${kind === 'aks' ? 'managedClusters' : 'connectedClusters'} --config enableInference=True`,
    });
  }
  return { cluster, findings };
}
