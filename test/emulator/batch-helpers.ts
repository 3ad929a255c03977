/** Shared steps for the batch endpoint / deployment / job tests: paths, bodies, creating and waiting. */
import type { HttpResult, TestEmulator } from './harness';
import { pollOp } from './online-helpers';

export const bep = (t: TestEmulator, name: string) => `${t.wsPath}/batchEndpoints/${name}`;
export const bdep = (t: TestEmulator, e: string, d: string) => `${bep(t, e)}/deployments/${d}`;
export const computeId = (t: TestEmulator, name = 'cpu-cluster') => `${t.wsPath}/computes/${name}`;

/** PUT a batch endpoint and wait for its operation; throws unless it succeeds. */
export async function createBatchEndpoint(t: TestEmulator, name: string, properties: Record<string, unknown> = { authMode: 'AADToken' }): Promise<HttpResult> {
  const put = await t.arm('PUT', bep(t, name), { location: 'eastus', properties });
  if (put.status !== 201) throw new Error(`batch endpoint ${name}: ${put.status} ${put.text}`);
  const final = await pollOp(t, put.headers.get('azure-asyncoperation')!);
  if (final.status !== 'Succeeded') throw new Error(`batch endpoint ${name}: ${JSON.stringify(final)}`);
  return put;
}

export async function setDefault(t: TestEmulator, endpoint: string, deploymentName: string | null): Promise<void> {
  await createBatchEndpoint(t, endpoint, { authMode: 'AADToken', defaults: { deploymentName } });
}

export interface BatchAssets {
  model: string;
  env: string;
  code: string;
  component: string;
}

/** Model, environment, code and (pipeline) component versions; the code and model URIs are given or dummies. */
export async function seedBatchAssets(t: TestEmulator, uris: { code?: string; model?: string } = {}): Promise<BatchAssets> {
  const a: BatchAssets = {
    model: `${t.wsPath}/models/batch-model/versions/1`,
    env: `${t.wsPath}/environments/batch-env/versions/1`,
    code: `${t.wsPath}/codes/batch-code/versions/1`,
    component: `${t.wsPath}/components/score-pipeline/versions/1`,
  };
  for (const [url, body] of [
    [a.model, { properties: { modelUri: uris.model ?? 'azureml://datastores/workspaceblobstore/paths/batch/model', modelType: 'custom_model' } }],
    [a.env, { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' } }],
    [a.code, { properties: { codeUri: uris.code ?? 'azureml://datastores/workspaceblobstore/paths/batch/code' } }],
    [a.component, { properties: { componentSpec: { name: 'score-pipeline', type: 'pipeline', jobs: {} } } }],
  ] as const) {
    const r = await t.arm('PUT', url, body);
    if (r.status !== 201 && r.status !== 200) throw new Error(`asset ${url}: ${r.status} ${r.text}`);
  }
  return a;
}

export function batchDeploymentBody(t: TestEmulator, a: BatchAssets, extra: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    properties: {
      compute: computeId(t),
      model: { referenceType: 'Id', assetId: a.model },
      environmentId: a.env,
      codeConfiguration: { codeId: a.code, scoringScript: 'score.py' },
      resources: { instanceCount: 1 },
      ...extra,
    },
  };
}

/** PUT a batch deployment and wait for its operation; returns the PUT response and the final status body. */
export async function deployBatch(t: TestEmulator, e: string, d: string, body: unknown): Promise<{ put: HttpResult; final?: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const put = await t.arm('PUT', bdep(t, e, d), body);
  if (put.status !== 201) return { put };
  return { put, final: await pollOp(t, put.headers.get('azure-asyncoperation')!) };
}
