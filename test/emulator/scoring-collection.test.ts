/**
 * Model data collection: a scoring script that uses the Azure ML data collector (`azureml.ai.monitoring.Collector`)
 * has what it collects written to the collection's blob folder as the service lays it out
 * (`<folder>/YYYY/MM/DD/HH/<id>.jsonl`, one record with the rows per collect()), with the outputs correlated to the
 * inputs; a collection the deployment does not enable collects nothing.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { join } from 'node:path';
import { startTestEmulator, type TestEmulator } from './harness';
import { keysOf, putEndpoint, score, seedDeployment } from './scoring-helpers';

const CODE = join(__dirname, '..', 'e2e', 'fixtures', 'configure-monitors', 'src');
const MODEL = join(__dirname, 'fixtures', 'collection-model');

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ azurite: true, lroDurationMs: 100 });
}, 60_000);
afterAll(() => t.stop());

const blobNames = async (container: ReturnType<BlobServiceClient['getContainerClient']>, prefix: string) => {
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix })) names.push(b.name);
  return names.sort();
};

test('collected inputs and outputs land in their blob folders, hour-partitioned JSON Lines, correlated; a collection not enabled collects nothing', async () => {
  const ds = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const { arm } = await t.world();
  const account = arm.storageAccounts.find((a: { name: string }) => a.name === ds.accountName) as { name: string; key: string };
  const folder = (d: string, c: string) => ({ account: ds.accountName, container: ds.containerName, path: `modelDataCollector/ep-collect/${d}/${c}` });
  await putEndpoint(t, 'ep-collect', 'Key');
  expect((await seedDeployment(t, 'ep-collect', 'blue', { code: CODE, model: MODEL, collections: { model_inputs: folder('blue', 'model_inputs'), model_outputs: folder('blue', 'model_outputs') } })).json.ok).toBe(true);
  // green enables only model_inputs: the script's outputs collector collects nothing there.
  expect((await seedDeployment(t, 'ep-collect', 'green', { code: CODE, model: MODEL, collections: { model_inputs: folder('green', 'model_inputs') } })).json.ok).toBe(true);
  const ep = await putEndpoint(t, 'ep-collect', 'Key', { blue: 100 });
  const key = (await keysOf(t, 'ep-collect')).primaryKey;
  const rows = [
    [52.5, 0.31, 40, 0, 1, 0],
    [18, 0.9, 25, 3, 0, 1],
  ];
  for (const d of ['blue', 'green']) {
    const r = await score(ep.properties.scoringUri, key, { data: rows }, { 'azureml-model-deployment': d });
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(2);
    const flushed = await t.control('POST', `/scoring/collected/flush?deploymentId=${encodeURIComponent(`${t.wsPath}/onlineEndpoints/ep-collect/deployments/${d}`)}`);
    expect(flushed.status).toBe(200);
  }

  const container = new BlobServiceClient(`https://${ds.endpoint}/${account.name}`, new StorageSharedKeyCredential(account.name, account.key)).getContainerClient(ds.containerName);
  const names = await blobNames(container, 'modelDataCollector/ep-collect/blue/');
  expect(names).toHaveLength(2);
  const part = /^modelDataCollector\/ep-collect\/blue\/(model_inputs|model_outputs)\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.jsonl$/;
  for (const n of names) expect(n).toMatch(part);
  const read = async (n: string) => JSON.parse((await container.getBlobClient(n).downloadToBuffer()).toString('utf8').trim());
  const inputs = await read(names.find((n) => n.includes('/model_inputs/'))!);
  const outputs = await read(names.find((n) => n.includes('/model_outputs/'))!);
  expect(inputs).toMatchObject({ specversion: '1.0', type: 'azureml.inference.model_inputs', datacontenttype: 'application/json', source: expect.stringMatching(/\/onlineEndpoints\/ep-collect\/deployments\/blue$/) });
  expect(inputs.data).toEqual([
    { income_k: 52.5, debt_ratio: 0.31, age: 40, late_payments: 0, region_code: 1, sex_code: 0 },
    { income_k: 18, debt_ratio: 0.9, age: 25, late_payments: 3, region_code: 0, sex_code: 1 },
  ]);
  expect(outputs.type).toBe('azureml.inference.model_outputs');
  expect(outputs.data.map((r: { score: number }) => r.score)).toEqual([expect.any(Number), expect.any(Number)]);
  expect(outputs.correlationid).toBe(inputs.correlationid);
  expect((await blobNames(container, 'modelDataCollector/ep-collect/green/')).map((n) => n.split('/')[3])).toEqual(['model_inputs']);
}, 60_000);
