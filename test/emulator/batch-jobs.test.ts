/**
 * Batch jobs really run: a folder of CSV files scored by the fixture script with python3 (init() once, run() per
 * mini-batch of local file paths, the model under AZUREML_MODEL_DIR), predictions.csv written back to the datastore
 * and read from Azurite; SummaryOnly; a failing run() and a failing init() end Failed with the traceback in the
 * logs; the error threshold; the retry timeout; cancel.
 */
import { http } from './harness';
import { batchWorld, ds, folderJob, invoke, logsOf, readBlob, scoringUri, waitJob, type BatchWorld } from './batch-job-helpers';

jest.setTimeout(120_000);

let w: BatchWorld;
beforeAll(async () => {
  w = await batchWorld();
}, 180_000);
afterAll(() => w?.t.stop());

const ORDER = ['NotStarted', 'Queued', 'Running', 'Completed'];

test('a folder of 3 CSV files: 201 NotStarted with a Location; NotStarted -> Queued -> Running -> Completed; predictions.csv in the datastore', async () => {
  const r = await invoke(w, folderJob('batch/in', 'batch/out/run1/predictions.csv'));
  expect(r.status).toBe(201);
  expect(r.headers.get('azureml-model-deployment')).toBe('main');
  expect(r.json).toMatchObject({ name: expect.stringMatching(/^batchjob-[0-9a-f-]{36}$/), properties: { status: 'NotStarted' } });
  expect(r.json.id).toBe(`${w.t.wsPath}/jobs/${r.json.name}`);
  const jobUrl = r.headers.get('location')!;
  // The REST sample's poll: GET {scoringUri}/{last segment of the job id}.
  expect(jobUrl).toBe(`${await scoringUri(w.t)}/${r.json.id.split('/').pop()}`);
  expect(r.json.properties).toMatchObject({
    inputData: { heart_dataset: { jobInputType: 'UriFolder', uri: ds('batch/in') } },
    outputData: { score: { jobOutputType: 'UriFile', uri: ds('batch/out/run1/predictions.csv') } },
    miniBatchSize: 2,
    errorThreshold: -1,
    outputFileName: 'predictions.csv',
    properties: { 'azureml.batchDeployment': 'main' },
    interactionEndpoints: { logs: { endpoint: `${jobUrl}/logs` } },
  });
  const { statuses, job } = await waitJob(w, jobUrl);
  expect(ORDER.filter((s) => statuses.includes(s))).toEqual(statuses);
  expect(job.properties).toMatchObject({ status: 'Completed', error: null, startTime: expect.any(String), endTime: expect.any(String) });
  const csv = await readBlob(w.container, 'batch/out/run1/predictions.csv');
  // a.csv: 1 + 2 (× factor 2 = 6); b.csv: 10 (20); c.csv: 0.5 + 0.5 + 1 (4).
  expect(csv!.trim().split('\n').sort()).toEqual(['a.csv,2,6', 'b.csv,1,20', 'c.csv,3,4']);
  const logs = await logsOf(w, jobUrl);
  expect(logs).toContain('model loaded: factor 2');
  expect(logs).toContain('3 files in 2 mini-batches of up to 2, 2 scoring process(es)');
  const list = await http(jobUrl.slice(0, jobUrl.lastIndexOf('/')), { headers: { authorization: `Bearer ${w.mlToken}` } });
  expect(list.json.value.map((j: { name: string }) => j.name)).toContain(r.json.name);
});

test('the SDK shape (camelCase) with a UriFile data asset input and no output: predictions.csv goes to azureml/<job>/score/', async () => {
  const r = await invoke(w, { properties: { inputData: { input_data: { jobInputType: 'uri_file', uri: 'azureml:one-file:1' } } } }, { deployment: 'main' });
  expect(r.status).toBe(201);
  const { job } = await waitJob(w, r.headers.get('location')!);
  expect(job.properties.status).toBe('Completed');
  expect(job.properties.outputData.score.uri).toBe(ds(`azureml/${r.json.name}/score/predictions.csv`));
  expect(await readBlob(w.container, `azureml/${r.json.name}/score/predictions.csv`)).toBe('x.csv,1,8\n');
});

test('inputs named by the long datastore form and by an https URL of the emulator\'s blob storage', async () => {
  const long = `azureml://subscriptions/${w.t.sub}/resourcegroups/${w.t.emu.env.AML_RESOURCE_GROUP}/workspaces/${w.t.emu.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/batch/in`;
  const a = await invoke(w, { properties: { InputData: { d: { JobInputType: 'UriFolder', Uri: long } }, OutputData: { o: { JobOutputType: 'UriFile', Uri: ds('batch/out/long/p.csv') } } } });
  expect((await waitJob(w, a.headers.get('location')!)).job.properties).toMatchObject({ status: 'Completed', outputFileName: 'p.csv' });
  expect((await readBlob(w.container, 'batch/out/long/p.csv'))!.trim().split('\n')).toHaveLength(3);
  const b = await invoke(w, { properties: { InputData: { d: { JobInputType: 'UriFile', Uri: `${w.container.url}/batch/one/x.csv` } }, OutputData: { o: { JobOutputType: 'UriFile', Uri: ds('batch/out/url/p.csv') } } } });
  expect((await waitJob(w, b.headers.get('location')!)).job.properties.status).toBe('Completed');
  expect(await readBlob(w.container, 'batch/out/url/p.csv')).toBe('x.csv,1,8\n');
});

test('SummaryOnly: no output file; what the script writes to AZUREML_BI_OUTPUT_PATH lands in the output folder', async () => {
  const r = await invoke(w, folderJob('batch/in', 'batch/out/summary/predictions.csv'), { deployment: 'summary' });
  expect(r.status).toBe(201);
  const { job } = await waitJob(w, r.headers.get('location')!);
  expect(job.properties.status).toBe('Completed');
  expect(await readBlob(w.container, 'batch/out/summary/predictions.csv')).toBeUndefined();
  expect(await readBlob(w.container, 'batch/out/summary/summary-a.csv.txt')).toBe('3 files\n');
});

test('a run() that raises: every mini-batch fails after its retries, the job ends Failed, the logs hold the traceback', async () => {
  const r = await invoke(w, folderJob('batch/in', 'batch/out/crash/predictions.csv'), { deployment: 'crash' });
  const jobUrl = r.headers.get('location')!;
  const { job } = await waitJob(w, jobUrl);
  expect(job.properties.status).toBe('Failed');
  expect(job.properties.error).toEqual({
    code: 'UserError',
    message: "Every mini-batch failed (1 of 1); nothing was scored. Last error: RuntimeError: this deployment always fails. See the job's logs for the tracebacks.",
  });
  const logs = await logsOf(w, jobUrl);
  expect(logs).toContain('Traceback (most recent call last)');
  expect(logs).toContain('RuntimeError: this deployment always fails');
  expect(logs).toContain('mini-batch 0 (3 files), attempt 2 of 2: run() raised RuntimeError');
  expect(await readBlob(w.container, 'batch/out/crash/predictions.csv')).toBeUndefined();
  const tail = await http(`${jobUrl}/logs?tail=1`, { headers: { authorization: `Bearer ${w.mlToken}` } });
  expect(tail.json.content.trim().split('\n')).toHaveLength(1);
});

test('an init() that raises: Failed at once with the init error; the traceback is in the logs', async () => {
  const r = await invoke(w, folderJob('batch/in', 'batch/out/initfail/predictions.csv'), { deployment: 'initfail' });
  const jobUrl = r.headers.get('location')!;
  const { job } = await waitJob(w, jobUrl);
  expect(job.properties.error).toEqual({ code: 'UserError', message: "The scoring script's init() raised: KeyError: 'threshold'. See the job's logs for the traceback." });
  expect(await logsOf(w, jobUrl)).toMatch(/Traceback \(most recent call last\)[\s\S]*settings\["threshold"\][\s\S]*KeyError: 'threshold'/);
});

test('the error threshold: 1 failed file is more than 0 (Failed) but not more than 1 (Completed, the other rows written)', async () => {
  const strict = await invoke(w, folderJob('batch/bad', 'batch/out/strict/predictions.csv', { miniBatchSize: 1, errorThreshold: 0 }));
  expect(strict.json.properties).toMatchObject({ miniBatchSize: 1, errorThreshold: 0 });
  const s = await waitJob(w, strict.headers.get('location')!);
  expect(s.job.properties.status).toBe('Failed');
  expect(s.job.properties.error.message).toBe(
    "1 input file(s) failed, more than the deployment's error threshold (0). Last error: ValueError: cannot score b.csv. See the job's logs for the tracebacks.",
  );
  const lenient = await invoke(w, folderJob('batch/bad', 'batch/out/lenient/predictions.csv', { miniBatchSize: 1, errorThreshold: 1 }));
  const l = await waitJob(w, lenient.headers.get('location')!);
  expect(l.job.properties.status).toBe('Completed');
  expect((await readBlob(w.container, 'batch/out/lenient/predictions.csv'))!.trim().split('\n').sort()).toEqual(['a.csv,2,6', 'c.csv,3,4']);
});

test('a run() longer than retrySettings.timeout is killed and counted failed; cancel ends a running job Canceled', async () => {
  const timeout = await invoke(w, folderJob('batch/one', 'batch/out/timeout/predictions.csv', { retrySettings: { maxRetries: 0, timeout: 'PT1S' } }), { deployment: 'slow' });
  const t1 = await waitJob(w, timeout.headers.get('location')!);
  expect(t1.job.properties.status).toBe('Failed');
  expect(t1.job.properties.error.message).toContain('Last error: mini-batch 0 timed out after 1000 ms (retrySettings.timeout)');

  const r = await invoke(w, folderJob('batch/in', 'batch/out/cancel/predictions.csv'), { deployment: 'slow' });
  const jobUrl = r.headers.get('location')!;
  for (let i = 0; i < 200 && (await http(jobUrl, { headers: { authorization: `Bearer ${w.mlToken}` } })).json.properties.status !== 'Running'; i++) await new Promise((x) => setTimeout(x, 50));
  const c = await w.t.control('POST', `/batch/jobs/${r.json.name}/cancel`);
  expect(c.status).toBe(200);
  const { job } = await waitJob(w, jobUrl);
  expect(job.properties).toMatchObject({ status: 'Canceled', error: null });
  expect(await readBlob(w.container, 'batch/out/cancel/predictions.csv')).toBeUndefined();
  expect((await w.t.control('POST', `/batch/jobs/${r.json.name}/cancel`)).status).toBe(409);
});
