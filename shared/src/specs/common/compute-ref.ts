/**
 * Compute references in endpoint and deployment specs (reference §0.14, last row): `azureml:<name>` (or, where
 * the field allows it, a bare `<name>`) names a compute of the workspace; an ARM id passes through unchanged.
 */
import { COMPUTE_NAME } from '../../core/names';
import type { WorkspaceScope } from '../datastore-uri';

/** A compute: a name in the workspace, or an ARM id. */
export type ComputeRef = { kind: 'name'; name: string } | { kind: 'id'; id: string };

/** Reads `azureml:<name>`, `azureml:<ARM id>`, a bare name or a bare ARM id. */
export function parseComputeRef(value: string): ComputeRef | { problem: string } {
  const rest = value.replace(/^azureml:/i, '');
  if (rest.startsWith('/')) return { kind: 'id', id: rest };
  if (!COMPUTE_NAME.test(rest)) return { problem: `'${rest}' is not a valid compute name` };
  return { kind: 'name', name: rest };
}

/** A compute reference as the ARM id the body carries. */
export function computeId(ref: ComputeRef, scope: WorkspaceScope): string {
  if (ref.kind === 'id') return ref.id;
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${scope.workspaceName}/computes/${ref.name}`;
}
