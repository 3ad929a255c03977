/**
 * The world of the batch job tests: an emulator with Azurite, the fixture scoring script and a model uploaded to the
 * workspace's blob store, input folders of CSV files, a batch endpoint with deployments, and helpers to invoke the
 * endpoint and wait for a job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { http, sleep, startTestEmulator, type HttpResult, type TestEmulator } from './harness';
import { batchDeploymentBody, bep, createBatchEndpoint, deployBatch, seedBatchAssets, setDefault, type BatchAssets } from './batch-helpers';

export const BATCH_FIXTURES = join(__dirname, 'fixtures', 'batch');
export const ds = (path: string) => `azureml://datastores/workspaceblobstore/paths/${path}`;

export interface BatchWorld {
  t: TestEmulator;
  container: ContainerClient;
  assets: BatchAssets;
  /** A Microsoft Entra token for https://ml.azure.com of the demo app. */
  mlToken: string;
}

/** CSV files `name → contents` under `folder/` in the workspace blob store. */
export async function upload(container: ContainerClient, folder: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await container.getBlockBlobClient(`${folder}/${name}`).upload(text, Buffer.byteLength(text));
}

export async function readBlob(container: ContainerClient, name: string): Promise<string | undefined> {
  const b = container.getBlockBlobClient(name);
  if (!(await b.exists())) return undefined;
  return (await b.downloadToBuffer()).toString('utf8');
}

export const CSV = {
  'a.csv': 'value\n1\n2\n',
  'b.csv': 'value\n10\n',
  'c.csv': 'value\n0.5\n0.5\n1\n',
};

/**
 * Endpoint `be-jobs` (default deployment `main`: miniBatchSize 2, two processes) with deployments `summary`
 * (SummaryOnly, writes summary files), `crash` (run() always raises, 1 retry), `initfail` (init() raises) and
 * `slow` (each run() sleeps 2 s, miniBatchSize 1). Inputs: batch/in (a, b, c), batch/bad (b contains "boom"),
 * batch/one/x.csv and the data asset `one-file:1` (uri_file) naming it.
 */
export async function batchWorld(): Promise<BatchWorld> {
  const t = await startTestEmulator({ azurite: true, lroDurationMs: 300 });
  const d = (await t.arm('GET', `${t.wsPath}/datastores/workspaceblobstore`)).json.properties;
  const { key } = (await t.arm('POST', `${t.wsPath}/datastores/workspaceblobstore/listSecrets`)).json;
  const container = new BlobServiceClient(`https://${d.endpoint}/${d.accountName}`, new StorageSharedKeyCredential(d.accountName, key)).getContainerClient(d.containerName);
  await upload(container, 'batch/code', { 'score.py': readFileSync(join(BATCH_FIXTURES, 'code', 'score.py'), 'utf8') });
  await upload(container, 'batch/model', { 'model.json': JSON.stringify({ factor: 2 }) });
  await upload(container, 'batch/in', CSV);
  await upload(container, 'batch/bad', { ...CSV, 'b.csv': 'value\nboom\n' });
  await upload(container, 'batch/one', { 'x.csv': 'value\n4\n' });
  const assets = await seedBatchAssets(t);
  const data = await t.arm('PUT', `${t.wsPath}/data/one-file/versions/1`, { properties: { dataType: 'uri_file', dataUri: ds('batch/one/x.csv') } });
  if (data.status !== 201) throw new Error(`data asset: ${data.status} ${data.text}`);
  await createBatchEndpoint(t, 'be-jobs');
  const deployments: Record<string, Record<string, unknown>> = {
    main: { miniBatchSize: 2, maxConcurrencyPerInstance: 2 },
    summary: { outputAction: 'SummaryOnly', environmentVariables: { SUMMARY: '1' } },
    crash: { environmentVariables: { FAIL_ALWAYS: '1' }, retrySettings: { maxRetries: 1, timeout: 'PT30S' } },
    initfail: { environmentVariables: { INIT_FAIL: '1' } },
    slow: { miniBatchSize: 1, environmentVariables: { SLEEP_SECONDS: '2' } },
  };
  for (const [name, extra] of Object.entries(deployments)) {
    const { put, final } = await deployBatch(t, 'be-jobs', name, batchDeploymentBody(t, assets, extra));
    if (final?.status !== 'Succeeded') throw new Error(`deployment ${name}: ${put.status} ${put.text}`);
  }
  await setDefault(t, 'be-jobs', 'main');
  return { t, container, assets, mlToken: await t.token(undefined, 'https://ml.azure.com/.default') };
}

export async function scoringUri(t: TestEmulator, endpoint = 'be-jobs'): Promise<string> {
  return (await t.arm('GET', bep(t, endpoint))).json.properties.scoringUri;
}

export async function invoke(w: BatchWorld, body: unknown, opts: { deployment?: string; token?: string | null; endpoint?: string } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? w.mlToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.deployment) headers['azureml-model-deployment'] = opts.deployment;
  return http(await scoringUri(w.t, opts.endpoint), { method: 'POST', headers, body: JSON.stringify(body) });
}

/** The docs' PascalCase body: one UriFolder input, optionally a UriFile output. */
export function folderJob(inputPath: string, outputPath?: string, extra: Record<string, unknown> = {}) {
  return {
    properties: {
      InputData: { heart_dataset: { JobInputType: 'UriFolder', Uri: ds(inputPath) } },
      ...(outputPath ? { OutputData: { score: { JobOutputType: 'UriFile', Uri: ds(outputPath) } } } : {}),
      ...extra,
    },
  };
}

/** Polls a job until it ends; the statuses seen, in order (repeats dropped), and the final job. */
export async function waitJob(w: BatchWorld, jobUrl: string, timeoutMs = 60_000): Promise<{ statuses: string[]; job: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const statuses: string[] = [];
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await http(jobUrl, { headers: { authorization: `Bearer ${w.mlToken}` } });
    if (r.status !== 200) throw new Error(`job ${r.status} ${r.text}`);
    const s = r.json.properties.status;
    if (statuses[statuses.length - 1] !== s) statuses.push(s);
    if (['Completed', 'Failed', 'Canceled'].includes(s)) return { statuses, job: r.json };
    await sleep(50);
  }
  throw new Error(`job ${jobUrl} did not end; statuses ${statuses.join(' ')}`);
}

export async function logsOf(w: BatchWorld, jobUrl: string): Promise<string> {
  return (await http(`${jobUrl}/logs`, { headers: { authorization: `Bearer ${w.mlToken}` } })).json.content;
}
