/**
 * configure-monitors, live state of what is monitored: the endpoint, the deployment (named, or the one holding the
 * most live traffic, so a rerun after a blue/green switch re-points the monitor), its data collector, the model
 * version it serves and the training data recorded on that version (the default baseline).
 */
import type { AzureMlClient } from '../../azureml/client';
import type { ModelVersion, OnlineDeployment, OnlineEndpoint } from '../../azureml/resources';
import { StepError } from '../../core/errors';
import type { WorkspaceScope } from '../../specs/datastore-uri';
import { dataRefOf } from '../../specs/monitor';

export interface Collection {
  enabled: boolean;
  /** The collection's data asset (ARM id, or `azureml:name:version`) */
  dataId?: string;
}

export interface MonitorTarget {
  endpoint: OnlineEndpoint;
  deployment: OnlineDeployment;
  deploymentName: string;
  /** How the deployment was chosen, for the log and summary */
  why: string;
  traffic: Record<string, number>;
  collections: Record<string, Collection>;
  model?: { name: string; version: string; id: string; resource?: ModelVersion };
}

/** The deployment to monitor: the one named, else the one with the most traffic (ties: by name). */
export function chooseDeployment(traffic: Record<string, number>, names: string[], named?: string): { name: string; why: string } | undefined {
  if (named) return names.includes(named) ? { name: named, why: 'named by deployment-name' } : undefined;
  const [top] = Object.entries(traffic)
    .filter(([d, share]) => share > 0 && names.includes(d))
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return top ? { name: top[0], why: `holds ${top[1]}% of live traffic` } : undefined;
}

const MODEL_ID = /\/workspaces\/[^/]+\/models\/([^/]+)\/versions\/([^/]+)$/i;
const REGISTRY_MODEL = /^azureml:\/\/registries\/[^/]+\/models\/([^/]+)\/versions\/([^/]+)$/i;

export async function readTarget(client: AzureMlClient, scope: WorkspaceScope, endpointName: string, deploymentName?: string): Promise<MonitorTarget> {
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  const endpoint = await client.online.getEndpoint(rg, ws, endpointName);
  if (!endpoint) {
    throw new StepError('not-found', `Online endpoint ${endpointName} does not exist in workspace ${ws}.`, { input: 'endpoint-name', hint: 'Deploy it first (deploy-online), then configure its monitors.' });
  }
  const deployments = await client.online.listDeployments(rg, ws, endpointName);
  const names = deployments.map((d) => d.name!).filter(Boolean);
  const traffic = { ...(endpoint.properties.traffic ?? {}) } as Record<string, number>;
  const chosen = chooseDeployment(traffic, names, deploymentName);
  if (!chosen) {
    throw deploymentName
      ? new StepError('not-found', `Endpoint ${endpointName} has no deployment ${deploymentName} (it has: ${names.join(', ') || 'none'}).`, { input: 'deployment-name' })
      : new StepError('input', `Endpoint ${endpointName} sends no live traffic to any deployment, so there is no deployment to follow.`, { input: 'deployment-name', hint: 'Name the deployment with deployment-name, or switch traffic to it first.' });
  }
  const deployment = deployments.find((d) => d.name === chosen.name)!;
  const collections: Record<string, Collection> = {};
  const dc = (deployment.properties as { dataCollector?: { collections?: Record<string, { dataCollectionMode?: string; dataId?: string }> } }).dataCollector;
  for (const [name, c] of Object.entries(dc?.collections ?? {})) {
    collections[name.toLowerCase()] = { enabled: String(c?.dataCollectionMode ?? '').toLowerCase() === 'enabled', ...(c?.dataId ? { dataId: c.dataId } : {}) };
  }
  const modelRef = deployment.properties.model;
  let model: MonitorTarget['model'];
  const m = modelRef ? MODEL_ID.exec(modelRef) ?? REGISTRY_MODEL.exec(modelRef) : null;
  if (m && modelRef) {
    const resource = MODEL_ID.test(modelRef) ? await client.getModelVersion(rg, ws, m[1]!, m[2]!) : undefined;
    model = { name: m[1]!, version: m[2]!, id: modelRef, ...(resource ? { resource } : {}) };
  }
  return { endpoint, deployment, deploymentName: chosen.name, why: chosen.why, traffic, collections, ...(model ? { model } : {}) };
}

/**
 * The training data recorded on the model version: the `lineage.training_data` property (register-model's
 * training-data input), else the version's `datasets` (one whose name says training, else the only one).
 * Returned as `azureml:<name>:<version>` when it names a workspace data version, else as recorded.
 */
export function recordedTrainingData(model: ModelVersion | undefined): string | undefined {
  if (!model) return undefined;
  const prop = model.properties.properties?.['lineage.training_data'] ?? model.properties.tags?.['training_data'];
  if (prop) return asDataRef(prop);
  const sets = (model.properties.datasets ?? []).filter((d) => d?.id);
  const train = sets.find((d) => /train/i.test(d.name ?? '')) ?? (sets.length === 1 ? sets[0] : undefined);
  return train?.id ? asDataRef(train.id) : undefined;
}

/** A data version's ARM id as `azureml:<name>:<version>` (other values as recorded). */
export const asDataRef = dataRefOf;
