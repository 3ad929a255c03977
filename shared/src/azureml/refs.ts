/** ARM paths of Azure ML resources and how messages name them. */
import type { ResourceRef } from './errors';

/**
 * One ARM path segment, percent-encoded. Empty, '.' and '..' segments are refused, never normalised: URL
 * resolution would turn `…/versions/..` into the model container, so such a path would address another resource.
 * Inputs are checked long before this (core/names); reaching this throw is a bug.
 */
export function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new Error(`Refusing to build an Azure Resource Manager path with the segment '${value}' (it would address another resource)`);
  }
  return encodeURIComponent(value);
}

const enc = segment;
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
  return `${parent}/${segments.map((s) => enc(s)).join('/')}`;
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
