/**
 * configure-monitors' doctor: what would make the monitor fail at its first run, checked before any write. Data
 * collection on the monitored deployment (production data comes from it), the baseline data asset, credential-based
 * access on the datastores the monitor reads (Azure ML monitoring cannot use identity-based access), and a
 * serverless Spark size and runtime the monitor can run on. Each finding names the input and the fix.
 */
import type { AzureMlClient } from '../../azureml/client';
import type { Finding } from '../../online';
import type { WorkspaceScope } from '../../specs/datastore-uri';
import type { MonitorTarget } from './target';

/** Serverless Spark sizes Azure ML offers to jobs and monitors. */
export const SPARK_INSTANCE_TYPES = ['standard_e4s_v3', 'standard_e8s_v3', 'standard_e16s_v3', 'standard_e32s_v3', 'standard_e64s_v3'];
export const SPARK_RUNTIMES = ['3.3', '3.4'];

const CREDENTIAL_TYPES = new Set(['accountkey', 'sas', 'serviceprincipal', 'certificate']);

export function computeFindings(instanceType: string, runtimeVersion: string, input: { instance: string; runtime: string }): Finding[] {
  const f: Finding[] = [];
  if (!SPARK_INSTANCE_TYPES.includes(instanceType.toLowerCase())) {
    f.push({ input: input.instance, problem: `'${instanceType}' is not a serverless Spark instance type.`, fix: `Use one of ${SPARK_INSTANCE_TYPES.join(', ')}.` });
  }
  if (!SPARK_RUNTIMES.includes(runtimeVersion)) {
    f.push({ input: input.runtime, problem: `Spark runtime '${runtimeVersion}' is not one monitors run on.`, fix: `Use ${SPARK_RUNTIMES.join(' or ')}.` });
  }
  return f;
}

/** The collections the monitor's production data needs (model_inputs for data drift/quality, model_outputs for prediction drift). */
export function collectionFindings(target: MonitorTarget, needed: string[]): Finding[] {
  const missing = needed.filter((c) => !target.collections[c]?.enabled);
  if (missing.length === 0) return [];
  return [
    {
      input: 'deployment-name',
      problem: `Deployment ${target.deploymentName} of ${target.endpoint.name} does not collect ${missing.join(' and ')}: the monitor would have no production data.`,
      fix: `Enable data collection in the deployment YAML (data_collector.collections.${missing[0]}.enabled: 'True'${missing.length > 1 ? `, and ${missing.slice(1).join(', ')}` : ''}) and redeploy, or give the signals production data assets in a schedule file.`,
    },
  ];
}

interface DataVersion {
  properties?: { dataUri?: string; dataType?: string };
}

/** The data asset `azureml:name:version` (or a data ARM id): its URI and type, or undefined when it does not exist. */
export async function readDataAsset(client: AzureMlClient, scope: WorkspaceScope, ref: string): Promise<{ name: string; version: string; uri?: string; type?: string } | undefined> {
  // The reference may come from a service reply (a collection's dataId): only names the service allows reach the URL.
  const m = /^azureml:([A-Za-z0-9_][\w.-]{0,254}):([\w.-]{1,64})$/.exec(ref) ?? /\/data\/([A-Za-z0-9_][\w.-]{0,254})\/versions\/([\w.-]{1,64})$/i.exec(ref);
  if (!m) return undefined;
  const path = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}/data/${m[1]}/versions/${m[2]}`;
  const v = await client.core.rawGet<DataVersion>(path, { operation: `get data asset ${m[1]}:${m[2]}`, ref: { kind: 'data asset', name: `${m[1]}:${m[2]}`, scope: `workspace '${scope.workspaceName}'` } });
  if (!v) return undefined;
  return { name: m[1]!, version: m[2]!, ...(v.properties?.dataUri ? { uri: v.properties.dataUri } : {}), ...(v.properties?.dataType ? { type: v.properties.dataType } : {}) };
}

export async function baselineFindings(client: AzureMlClient, scope: WorkspaceScope, baseline: string | undefined, input: string): Promise<{ findings: Finding[]; type?: string; uri?: string }> {
  if (!baseline) {
    return {
      findings: [
        {
          input,
          problem: 'No baseline: the deployed model version records no training data.',
          fix: "Give baseline: azureml:<training-data>:<version> (or register the model with its training data, so later monitors find it).",
        },
      ],
    };
  }
  const asset = /^azureml:[^:/]+:[^:/]+$|\/data\/[^/]+\/versions\/[^/]+$/i.test(baseline) ? await readDataAsset(client, scope, baseline) : undefined;
  if (!asset) {
    return { findings: [{ input, problem: `The baseline data asset ${baseline} does not exist in workspace ${scope.workspaceName}.`, fix: 'Register it (az ml data create) or name an existing version.' }] };
  }
  return { findings: [], ...(asset.type ? { type: asset.type } : {}), ...(asset.uri ? { uri: asset.uri } : {}) };
}

/** Each datastore the monitor reads must use credential-based access (account key, SAS, service principal). */
export async function datastoreFindings(client: AzureMlClient, scope: WorkspaceScope, uses: { datastore: string; why: string; input: string }[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const u of uses) {
    const key = u.datastore.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const ds = await client.findDatastore(scope.resourceGroup, scope.workspaceName, u.datastore);
    if (!ds) {
      findings.push({ input: u.input, problem: `Datastore ${u.datastore} (${u.why}) does not exist.`, fix: 'Create it, or point the data at an existing datastore.' });
      continue;
    }
    const type = String(ds.properties.credentials?.credentialsType ?? 'None');
    if (!CREDENTIAL_TYPES.has(type.toLowerCase())) {
      findings.push({
        input: u.input,
        problem: `Datastore ${u.datastore} (${u.why}) uses identity-based access (credentials: ${type}); Azure ML monitoring reads only datastores with credential-based access.`,
        fix: `Update the datastore to an account key or SAS token (az ml datastore update … --set credentials.account_key=…), or use another datastore.`,
      });
    }
  }
  return findings;
}

/** The datastore an `azureml://datastores/<name>/paths/…` URI names. */
export function datastoreOf(uri: string | undefined): string | undefined {
  return uri ? /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\//.exec(uri)?.[1] : undefined;
}
