/** Shared steps for the Kubernetes tests: the seeded clusters, compute attach bodies, attaching and waiting. */
import type { HttpResult, TestEmulator } from './harness';
import { pollOp } from './online-helpers';

export const rgPath = (t: TestEmulator) => `/subscriptions/${t.sub}/resourceGroups/${t.emu.env.AML_RESOURCE_GROUP}`;
export const arcId = (t: TestEmulator) => `${rgPath(t)}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`;
export const aksId = (t: TestEmulator) => `${rgPath(t)}/providers/Microsoft.ContainerService/managedClusters/aks-demo`;
export const extensionsOf = (clusterId: string) => `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions`;
export const computePath = (t: TestEmulator, name: string) => `${t.wsPath}/computes/${name}`;

export const ARC_API = '2024-01-01';
export const AKS_API = '2024-09-01';
export const EXT_API = '2023-05-01';

export function attachBody(resourceId: string, k8s?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { location: 'eastus', properties: { computeType: 'Kubernetes', resourceId, description: 'attached by a test', ...(k8s ? { properties: k8s } : {}), ...extra } };
}

/** PUT a compute and wait for its operation; the PUT response, the final status body and the compute's GET. */
export async function attach(t: TestEmulator, name: string, body: unknown): Promise<{ put: HttpResult; final?: any; got?: HttpResult }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const put = await t.arm('PUT', computePath(t, name), body);
  if (put.status !== 201) return { put };
  const final = await pollOp(t, put.headers.get('azure-asyncoperation')!);
  return { put, final, got: await t.arm('GET', computePath(t, name)) };
}

/** Attach and expect success. */
export async function attached(t: TestEmulator, name: string, body: unknown): Promise<void> {
  const r = await attach(t, name, body);
  if (r.final?.status !== 'Succeeded') throw new Error(`attach ${name}: ${r.put.status} ${r.put.text} ${JSON.stringify(r.final)}`);
}

/** Detach (DELETE with underlyingResourceAction=Detach) and wait. */
export async function detach(t: TestEmulator, name: string): Promise<HttpResult> {
  const del = await t.arm('DELETE', `${computePath(t, name)}?underlyingResourceAction=Detach`);
  if (del.status === 202) await pollOp(t, del.headers.get('azure-asyncoperation')!);
  return del;
}

export const setExtension = (t: TestEmulator, clusterId: string, state: string) => t.control('PUT', '/kubernetes/extension', { clusterId, state });

/** The body of a Kubernetes online deployment of the assets `seedAssets` made. */
export function k8sDeploymentBody(a: { model: string; env: string; code: string }, extra: Record<string, unknown> = {}, sku: Record<string, unknown> = { name: 'Default', capacity: 1 }) {
  return {
    location: 'eastus',
    sku,
    properties: {
      endpointComputeType: 'Kubernetes',
      model: a.model,
      environmentId: a.env,
      codeConfiguration: { codeId: a.code, scoringScript: 'score.py' },
      ...extra,
    },
  };
}
