/** ARM paths of Azure ML resources and how messages name them. */
import type { ResourceRef } from './errors';

const enc = encodeURIComponent;
const PROVIDER = 'providers/Microsoft.MachineLearningServices';

export function resourceGroupPath(subscriptionId: string, rg: string): string {
  return `/subscriptions/${enc(subscriptionId)}/resourceGroups/${enc(rg)}`;
}

export function workspacePath(subscriptionId: string, rg: string, ws: string): string {
  return `${resourceGroupPath(subscriptionId, rg)}/${PROVIDER}/workspaces/${enc(ws)}`;
}

export function registryPath(subscriptionId: string, rg: string, registry: string): string {
  return `${resourceGroupPath(subscriptionId, rg)}/${PROVIDER}/registries/${enc(registry)}`;
}

export function childPath(parent: string, ...segments: string[]): string {
  return `${parent}/${segments.map((s, i) => (i % 2 === 0 ? s : enc(s))).join('/')}`;
}

export const refs = {
  workspace: (rg: string, ws: string): ResourceRef => ({ kind: 'workspace', name: ws, scope: `resource group '${rg}'` }),
  inWorkspace: (kind: string, name: string, rg: string, ws: string): ResourceRef => ({
    kind,
    name,
    scope: `workspace '${ws}' (resource group '${rg}')`,
  }),
  registry: (rg: string, registry: string): ResourceRef => ({
    kind: 'registry',
    name: registry,
    scope: `resource group '${rg}'`,
  }),
  inRegistry: (kind: string, name: string, rg: string, registry: string): ResourceRef => ({
    kind,
    name,
    scope: `registry '${registry}' (resource group '${rg}')`,
  }),
};
