/** Shared steps for the online endpoint / deployment tests: assets, an endpoint, a deployment, polling. */
import { sleep, type TestEmulator } from './harness';

export const ep = (t: TestEmulator, name: string) => `${t.wsPath}/onlineEndpoints/${name}`;
export const dep = (t: TestEmulator, e: string, d: string) => `${ep(t, e)}/deployments/${d}`;

export async function pollOp(t: TestEmulator, url: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 0; i < 200; i++) {
    const r = await t.arm('GET', url);
    if (r.status !== 200) throw new Error(`poll ${r.status} ${r.text}`);
    if (['Succeeded', 'Failed', 'Canceled'].includes(r.json.status)) return r.json;
    await sleep(50);
  }
  throw new Error('operation did not finish');
}

/** Model, environment and code versions the deployments reference; returns their ARM ids. */
export async function seedAssets(t: TestEmulator): Promise<{ model: string; env: string; code: string; mlflow: string }> {
  const model = `${t.wsPath}/models/clf/versions/1`;
  const mlflow = `${t.wsPath}/models/clf-mlflow/versions/1`;
  const env = `${t.wsPath}/environments/sklearn-env/versions/1`;
  const code = `${t.wsPath}/codes/score-code/versions/1`;
  for (const [url, body] of [
    [model, { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/clf/1', modelType: 'custom_model' } }],
    [mlflow, { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/clf-mlflow/1', modelType: 'mlflow_model' } }],
    [env, { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest', condaFile: 'name: env\ndependencies: [python=3.10]' } }],
    [code, { properties: { codeUri: 'https://stamlw.blob.core.windows.net/azureml-blobstore/code/score' } }],
  ] as const) {
    const r = await t.arm('PUT', url, body);
    if (r.status !== 201 && r.status !== 200) throw new Error(`asset ${url}: ${r.status} ${r.text}`);
  }
  return { model, env, code, mlflow };
}

export async function createEndpoint(t: TestEmulator, name: string, authMode = 'Key', extra: Record<string, unknown> = {}): Promise<void> {
  const put = await t.arm('PUT', ep(t, name), { location: 'eastus', properties: { authMode, ...extra } });
  if (put.status !== 201) throw new Error(`endpoint ${put.status} ${put.text}`);
  const final = await pollOp(t, put.headers.get('azure-asyncoperation')!);
  if (final.status !== 'Succeeded') throw new Error(`endpoint ${JSON.stringify(final)}`);
}

export function deploymentBody(a: { model: string; env: string; code: string }, extra: Record<string, unknown> = {}, capacity = 1) {
  return {
    location: 'eastus',
    sku: { name: 'Default', capacity },
    properties: {
      endpointComputeType: 'Managed',
      model: a.model,
      environmentId: a.env,
      codeConfiguration: { codeId: a.code, scoringScript: 'score.py' },
      instanceType: 'Standard_DS3_v2',
      ...extra,
    },
  };
}

/** PUT a deployment and wait for its operation; returns the PUT response and the final status body. */
export async function deploy(t: TestEmulator, e: string, d: string, body: unknown) {
  const put = await t.arm('PUT', dep(t, e, d), body);
  if (put.status !== 201) return { put, final: undefined };
  const final = await pollOp(t, put.headers.get('azure-asyncoperation')!);
  return { put, final };
}
