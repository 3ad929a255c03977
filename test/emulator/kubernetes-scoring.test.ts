/**
 * A Kubernetes online deployment is served like a managed one: its operation succeeds once a real scoring process
 * is ready (TargetUtilization scaling starts minInstances processes), the endpoint's scoring URI answers with the
 * endpoint key, getLogs shows the process's logs, Azure Monitor metrics count the requests, and deleting the
 * deployment stops the processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { pidAlive } from '../../shared/emulator/src/pid';
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { createEndpoint, dep, ep, pollOp } from './online-helpers';
import { FIXTURES, INPUT, PREDICTIONS, score } from './scoring-helpers';
import { aksId, attachBody, attached, computePath } from './kubernetes-helpers';

jest.setTimeout(120_000);

let t: TestEmulator;
const code = () => `${t.wsPath}/codes/k8s-score/versions/1`;
const model = () => `${t.wsPath}/models/k8s-lin/versions/1`;
const env = () => `${t.wsPath}/environments/k8s-py/versions/1`;

async function put(path: string, body: unknown): Promise<void> {
  const r = await t.arm('PUT', path, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  t = await startTestEmulator({ azurite: true, lroDurationMs: 300 });
  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const { key } = (await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`)).json;
  const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
  const upload = (name: string, text: string) => container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  await upload('k8s/code/score.py', readFileSync(join(FIXTURES, 'arm', 'score.py'), 'utf8'));
  await upload('k8s/model/model.json', JSON.stringify({ weights: [2, 3], bias: 1 }));
  await put(code(), { properties: { codeUri: 'azureml://datastores/workspaceblobstore/paths/k8s/code' } });
  await put(model(), { properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/k8s/model', modelType: 'custom_model' } });
  await put(env(), { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' } });
  await attached(t, 'k8s-aks', attachBody(aksId(t)));
  await createEndpoint(t, 'k8s-live', 'Key', { compute: computePath(t, 'k8s-aks') });
}, 180_000);
afterAll(() => t?.stop());

test('a Kubernetes deployment is scored through the data plane by a real process, with logs and metrics; delete stops it', async () => {
  const started = new Date(Date.now() - 60000).toISOString();
  const id = dep(t, 'k8s-live', 'blue');
  const r = await t.arm('PUT', id, {
    location: 'eastus',
    properties: {
      endpointComputeType: 'Kubernetes',
      model: model(),
      environmentId: env(),
      codeConfiguration: { codeId: code(), scoringScript: 'score.py' },
      environmentVariables: { DEPLOYMENT_COLOR: 'k8s' },
      scaleSettings: { scaleType: 'TargetUtilization', minInstances: 2, maxInstances: 3 },
    },
  });
  expect(r.status).toBe(201);
  expect((await pollOp(t, r.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  expect(t.emu.scoring.status(id)!.instances).toHaveLength(2);

  const traffic = await t.arm('PUT', ep(t, 'k8s-live'), { location: 'eastus', properties: { authMode: 'Key', compute: computePath(t, 'k8s-aks'), traffic: { blue: 100 } } });
  expect((await pollOp(t, traffic.headers.get('azure-asyncoperation')!)).status).toBe('Succeeded');
  const uri = (await t.arm('GET', ep(t, 'k8s-live'))).json.properties.scoringUri;
  const { primaryKey } = (await t.arm('POST', `${ep(t, 'k8s-live')}/listKeys`)).json;
  const s = await score(uri, primaryKey, INPUT);
  expect(s.status).toBe(200);
  expect(s.json).toEqual({ predictions: PREDICTIONS, color: 'k8s' });
  expect((await score(uri, primaryKey, INPUT, { 'azureml-model-deployment': 'blue' })).status).toBe(200);
  expect((await score(uri, 'wrong', INPUT)).status).toBe(401);

  const logs = await t.arm('POST', `${id}/getLogs`, { containerType: 'InferenceServer' });
  expect(logs.json.content).toContain('model loaded: 2 weights');
  const params = new URLSearchParams({ metricnames: 'RequestsPerMinute', aggregation: 'Total', timespan: `${started}/${new Date(Date.now() + 60000).toISOString()}`, interval: 'PT1H' });
  const m = await t.arm('GET', `${ep(t, 'k8s-live')}/providers/Microsoft.Insights/metrics?${params.toString()}`, undefined, { apiVersion: '2024-02-01' });
  expect(m.status).toBe(200);
  const total = m.json.value[0].timeseries.flatMap((ts: { data: { total?: number }[] }) => ts.data).reduce((n: number, p: { total?: number }) => n + (p.total ?? 0), 0);
  expect(total).toBeGreaterThanOrEqual(2);

  const pids = t.emu.scoring.status(id)!.instances.map((i) => i.pid);
  const off = await t.arm('PUT', ep(t, 'k8s-live'), { location: 'eastus', properties: { authMode: 'Key', compute: computePath(t, 'k8s-aks'), traffic: {} } });
  await pollOp(t, off.headers.get('azure-asyncoperation')!);
  const del = await t.arm('DELETE', id);
  expect(del.status).toBe(202);
  await pollOp(t, del.headers.get('azure-asyncoperation')!);
  for (let i = 0; i < 40 && pids.some((p) => pidAlive(p)); i++) await sleep(100);
  expect(pids.some((p) => pidAlive(p))).toBe(false);
});
