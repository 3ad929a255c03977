/**
 * Invoking a batch endpoint: the Entra token for https://ml.azure.com it needs (401 without, with an ARM token or a
 * key; 403 without a role), which deployment takes the job (the header, else the default; 400 / 404 otherwise), the
 * checks on the BatchJobResource body, an output file that already exists (the job fails), and a PipelineComponent
 * deployment, which the emulator cannot run.
 */
import { http } from './harness';
import { bdep, bep, computeId, createBatchEndpoint, deployBatch, batchDeploymentBody } from './batch-helpers';
import { batchWorld, ds, folderJob, invoke, readBlob, scoringUri, upload, waitJob, type BatchWorld } from './batch-job-helpers';

jest.setTimeout(120_000);

let w: BatchWorld;
beforeAll(async () => {
  w = await batchWorld();
}, 180_000);
afterAll(() => w?.t.stop());

test('without a token, with an ARM token or with an endpoint key: 401 with WWW-Authenticate; a principal without a role: 403', async () => {
  const none = await invoke(w, folderJob('batch/in'), { token: null });
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/entra\//);
  expect(none.json.error.message).toContain('Batch endpoints take a Microsoft Entra token for https://ml.azure.com.');
  const arm = await invoke(w, folderJob('batch/in'), { token: await w.t.token() });
  expect(arm.status).toBe(401);
  expect(arm.json.error.code).toBeTruthy();
  await createBatchEndpoint(w.t, 'be-keyed', { authMode: 'Key' });
  const { primaryKey } = (await w.t.arm('POST', `${bep(w.t, 'be-keyed')}/listkeys`)).json;
  expect((await invoke(w, folderJob('batch/in'), { token: primaryKey, endpoint: 'be-keyed' })).status).toBe(401);

  const seeded = await w.t.control('POST', '/seed', { identity: { apps: [{ displayName: 'batch-outsider' }] } });
  const app = seeded.json.identity.apps.find((a: { displayName: string }) => a.displayName === 'batch-outsider');
  const outsider = await w.t.token(app, 'https://ml.azure.com/.default');
  const denied = await invoke(w, folderJob('batch/in'), { token: outsider });
  expect(denied.status).toBe(403);
  expect(denied.json.error.code).toBe('AuthorizationFailed');
  expect(denied.json.error.message).toContain("perform action 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs/write'");
  const read = await http(`${await scoringUri(w.t)}/batchjob-x`, { headers: { authorization: `Bearer ${outsider}` } });
  expect(read.status).toBe(403);
  expect((await http(`${await scoringUri(w.t)}/batchjob-x`)).status).toBe(401);
  await w.t.control('POST', '/seed', { roleAssignments: [{ principalId: app.objectId, scope: w.t.wsPath, role: 'AzureML Data Scientist' }] });
  expect((await invoke(w, folderJob('batch/in', 'batch/out/outsider/predictions.csv'), { token: outsider })).status).toBe(201);
});

test('the header picks the deployment (404 for one that does not exist); without it the default; no default: 400', async () => {
  const missing = await invoke(w, folderJob('batch/in'), { deployment: 'nope' });
  expect(missing.status).toBe(404);
  expect(missing.json.error).toMatchObject({ code: 'UserError', message: "Could not find batch deployment 'nope'.", details: [{ code: 'DeploymentNotFound' }] });
  await createBatchEndpoint(w.t, 'be-nodefault');
  const { final } = await deployBatch(w.t, 'be-nodefault', 'only', batchDeploymentBody(w.t, w.assets));
  expect(final.status).toBe('Succeeded');
  const none = await invoke(w, folderJob('batch/in'), { endpoint: 'be-nodefault' });
  expect(none.status).toBe(400);
  expect(none.json.error.message).toBe(
    "No deployment was named (header 'azureml-model-deployment') and batch endpoint 'be-nodefault' has no default deployment. Set 'properties.defaults.deploymentName' with a PUT of the endpoint, or name a deployment.",
  );
  const pinned = await invoke(w, folderJob('batch/in', 'batch/out/pinned/predictions.csv'), { endpoint: 'be-nodefault', deployment: 'only' });
  expect(pinned.status).toBe(201);
  expect(pinned.headers.get('azureml-model-deployment')).toBe('only');
  const busy = await w.t.arm('PUT', bdep(w.t, 'be-nodefault', 'only'), batchDeploymentBody(w.t, w.assets));
  expect(busy.status).toBe(201);
  const updating = await invoke(w, folderJob('batch/in'), { endpoint: 'be-nodefault', deployment: 'only' });
  expect(updating.status).toBe(400);
  expect(updating.json.error.message).toBe("Batch deployment 'only' of endpoint 'be-nodefault' cannot take jobs: its provisioningState is Updating.");
  const gone = await http(`${(await scoringUri(w.t)).replace('/be-jobs/', '/be-unknown/')}`, { method: 'POST', headers: { authorization: `Bearer ${w.mlToken}` }, body: '{}' });
  expect(gone.status).toBe(404);
  expect(gone.json.error.message).toBe("Could not find batch endpoint 'be-unknown'.");
});

test.each<[string, unknown, string, string?]>([
  ['an empty body', undefined, 'The request body must be a BatchJobResource'],
  ['no InputData', { properties: {} }, "'properties.InputData' is required"],
  ['an MLTable input', { properties: { InputData: { d: { JobInputType: 'MLTable', Uri: ds('batch/in') } } } }, "Input 'd': 'JobInputType' must be UriFolder or UriFile; got 'MLTable'."],
  ['an input without Uri', { properties: { InputData: { d: { JobInputType: 'UriFolder' } } } }, "Input 'd': 'Uri' is required."],
  ['two inputs', { properties: { InputData: { a: { JobInputType: 'UriFolder', Uri: ds('batch/in') }, b: { JobInputType: 'UriFolder', Uri: ds('batch/bad') } } } }, "A model deployment takes exactly one input; got 2 ('a', 'b')."],
  ['a datastore that does not exist', { properties: { InputData: { d: { JobInputType: 'UriFolder', Uri: 'azureml://datastores/nope/paths/x' } } } }, "Input 'd': 'azureml://datastores/nope/paths/x' cannot be read: datastore 'nope' does not exist in workspace 'mlw-demo'."],
  ['an outside URL', { properties: { InputData: { d: { JobInputType: 'UriFolder', Uri: 'https://example.com/data/' } } } }, "Input 'd': 'https://example.com/data/' cannot be read: the emulator reads only its own blob storage"],
  ['a data asset that does not exist', { properties: { InputData: { d: { JobInputType: 'UriFile', Uri: 'azureml:nope:1' } } } }, 'was not found', 'DataNotFound'],
  ['a data asset without a version', { properties: { InputData: { d: { JobInputType: 'UriFile', Uri: 'azureml:one-file' } } } }, "Input 'd': the data asset 'azureml:one-file' needs a version"],
  ['a UriFolder output', folderJob('batch/in', undefined, { OutputData: { o: { JobOutputType: 'UriFolder', Uri: ds('batch/out/x') } } }), "Output 'o': 'UriFile' is the only supported value for JobOutputType; got 'UriFolder'."],
  ['a folder as the output file', folderJob('batch/in', 'batch/out/folder/'), "Output 'score': 'Uri' must name a file (UriFile), not a folder"],
  ['two outputs', folderJob('batch/in', undefined, { OutputData: { a: { JobOutputType: 'UriFile', Uri: ds('x/a.csv') }, b: { JobOutputType: 'UriFile', Uri: ds('x/b.csv') } } }), 'takes at most one output; got 2'],
  ['miniBatchSize 0', folderJob('batch/in', undefined, { miniBatchSize: 0 }), "'properties.miniBatchSize' must be an integer of at least 1; got 0."],
  ['loggingLevel Loud', folderJob('batch/in', undefined, { loggingLevel: 'Loud' }), "'properties.loggingLevel' must be one of Info, Warning, Debug; got 'Loud'."],
])('an invocation with %s is refused (400)', async (_what, body, message, detail = 'BadArgument') => {
  const r = body === undefined ? await http(await scoringUri(w.t), { method: 'POST', headers: { authorization: `Bearer ${w.mlToken}` } }) : await invoke(w, body);
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('UserError');
  expect(r.json.error.details[0].code).toBe(detail);
  expect(r.json.error.message).toContain(message);
});

test('an output file that already exists: the job fails and the file is left as it was', async () => {
  await upload(w.container, 'batch/out/exists', { 'predictions.csv': 'keep me\n' });
  const r = await invoke(w, folderJob('batch/in', 'batch/out/exists/predictions.csv'));
  expect(r.status).toBe(201);
  const { job } = await waitJob(w, r.headers.get('location')!);
  expect(job.properties.status).toBe('Failed');
  expect(job.properties.error).toEqual({
    code: 'UserError',
    message: `The output file '${ds('batch/out/exists/predictions.csv')}' already exists: a batch scoring job does not overwrite its output. Choose an output location that does not exist yet.`,
  });
  expect(await readBlob(w.container, 'batch/out/exists/predictions.csv')).toBe('keep me\n');
});

test('an input folder with no files, and a UriFile input naming a folder: the job fails saying so', async () => {
  const empty = await invoke(w, folderJob('batch/nothing-here', 'batch/out/empty/predictions.csv'));
  const e = await waitJob(w, empty.headers.get('location')!);
  expect(e.job.properties.error.message).toBe(`The input 'heart_dataset' (UriFolder '${ds('batch/nothing-here')}') has no files.`);
  const file = await invoke(w, { properties: { InputData: { d: { JobInputType: 'UriFile', Uri: ds('batch/in') } } } });
  const f = await waitJob(w, file.headers.get('location')!);
  expect(f.job.properties.error.message).toBe(`The input 'd' (UriFile '${ds('batch/in')}') is a folder: use JobInputType UriFolder.`);
});

test('a PipelineComponent deployment takes the job, which ends Failed: the emulator runs model deployments only', async () => {
  const body = { location: 'eastus', properties: { deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: w.assets.component }, settings: { default_compute: computeId(w.t) } } } };
  const { final } = await deployBatch(w.t, 'be-jobs', 'pipe', body);
  expect(final.status).toBe('Succeeded');
  const r = await invoke(w, folderJob('batch/in'), { deployment: 'pipe' });
  expect(r.status).toBe(201);
  const { job } = await waitJob(w, r.headers.get('location')!);
  expect(job.properties.error).toEqual({
    code: 'NotSupported',
    message: "The emulator runs batch jobs of model deployments only: deployment 'pipe' is a PipelineComponent deployment, which the service runs as a pipeline job.",
  });
});
