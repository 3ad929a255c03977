/**
 * Batch deployments: create as a long-running operation and the defaults the service fills, every check on the
 * body (compute, model reference, code, environment, the settings, pipeline component deployments), PATCH of
 * description and tags, the endpoint's default deployment (must exist; cannot be deleted), and the data and component
 * asset versions batch resources reference.
 */
import { startTestEmulator, type TestEmulator } from './harness';
import { pollOp } from './online-helpers';
import { attached, attachBody, arcId } from './kubernetes-helpers';
import { batchDeploymentBody, bdep, bep, computeId, createBatchEndpoint, deployBatch, seedBatchAssets, setDefault, type BatchAssets } from './batch-helpers';

let t: TestEmulator;
let a: BatchAssets;
beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  a = await seedBatchAssets(t);
  await createBatchEndpoint(t, 'be-dep');
  await attached(t, 'k8s-arc', attachBody(arcId(t)));
});
afterAll(() => t.stop());

test('create: 201 Creating with Azure-AsyncOperation and Retry-After; once Succeeded the service defaults are filled', async () => {
  const { put, final } = await deployBatch(t, 'be-dep', 'blue', batchDeploymentBody(t, a, { loggingLevel: 'info', outputAction: 'appendrow' }));
  expect(put.status).toBe(201);
  expect(put.headers.get('azure-asyncoperation')).toContain('/mfeOperationsStatus/bd:');
  expect(Number(put.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(put.json).toMatchObject({ name: 'blue', type: 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments', properties: { provisioningState: 'Creating', loggingLevel: 'Info', outputAction: 'AppendRow' } });
  expect(put.json.properties).not.toHaveProperty('miniBatchSize');
  expect(final.status).toBe('Succeeded');
  const got = await t.arm('GET', bdep(t, 'be-dep', 'blue'));
  expect(got.json.properties).toMatchObject({
    provisioningState: 'Succeeded',
    compute: computeId(t),
    model: { referenceType: 'Id', assetId: a.model },
    miniBatchSize: 10,
    maxConcurrencyPerInstance: 1,
    errorThreshold: -1,
    outputAction: 'AppendRow',
    outputFileName: 'predictions.csv',
    loggingLevel: 'Info',
    retrySettings: { maxRetries: 3, timeout: 'PT30S' },
    resources: { instanceCount: 1 },
    environmentVariables: {},
  });
  const list = await t.arm('GET', `${bep(t, 'be-dep')}/deployments`);
  expect(list.json.value.map((d: { name: string }) => d.name)).toEqual(['blue']);
});

test('SummaryOnly gets no outputFileName; given settings are kept; an update is 201 Updating and 409 while it runs', async () => {
  const body = batchDeploymentBody(t, a, { outputAction: 'SummaryOnly', miniBatchSize: 2, errorThreshold: 5, retrySettings: { maxRetries: 1, timeout: 'PT5M' } });
  const { final } = await deployBatch(t, 'be-dep', 'summary', body);
  expect(final.status).toBe('Succeeded');
  const got = (await t.arm('GET', bdep(t, 'be-dep', 'summary'))).json.properties;
  expect(got).toMatchObject({ outputAction: 'SummaryOnly', miniBatchSize: 2, errorThreshold: 5, retrySettings: { maxRetries: 1, timeout: 'PT5M' } });
  expect(got).not.toHaveProperty('outputFileName');
  const upd = await t.arm('PUT', bdep(t, 'be-dep', 'summary'), body);
  expect(upd.status).toBe(201);
  expect(upd.json.properties.provisioningState).toBe('Updating');
  expect((await t.arm('PUT', bdep(t, 'be-dep', 'summary'), body)).status).toBe(409);
  await pollOp(t, upd.headers.get('azure-asyncoperation')!);
});

const p = (extra: Record<string, unknown>) => () => batchDeploymentBody(t, a, extra);
const without = (field: string) => () => {
  const b = batchDeploymentBody(t, a) as { location: string; properties: Record<string, unknown> };
  delete b.properties[field];
  return b;
};

test.each<[string, () => unknown, string, string?]>([
  ['no location', () => ({ properties: batchDeploymentBody(t, a).properties }), 'The location property is required for this definition.'],
  ['no properties', () => ({ location: 'eastus' }), "The 'properties' field is required."],
  ['no compute', without('compute'), "'properties.compute' is required: the ARM id of the AmlCompute cluster"],
  ['a compute name instead of its ARM id', p({ compute: 'cpu-cluster' }), `'properties.compute' must be the ARM id of an AmlCompute cluster in the workspace`],
  ['a missing compute', () => batchDeploymentBody(t, a, { compute: `${t.wsPath}/computes/no-such-cluster` }), "Compute 'no-such-cluster' was not found in workspace 'mlw-demo'.", 'ComputeNotFound'],
  ['a compute of another workspace', () => batchDeploymentBody(t, a, { compute: `${t.wsPath}x/computes/cpu-cluster` }), "is not in workspace 'mlw-demo'"],
  ['a Kubernetes compute', () => batchDeploymentBody(t, a, { compute: computeId(t, 'k8s-arc') }), "Compute 'k8s-arc' has computeType 'Kubernetes'; batch deployments run on AmlCompute clusters."],
  ['a model given as a string', p({ model: 'azureml:batch-model:1' }), "'properties.model' must be an asset reference object"],
  ['a model referenceType that does not exist', p({ model: { referenceType: 'Name', assetId: 'x' } }), "'properties.model.referenceType' must be one of Id, DataPath, OutputPath; got 'Name'."],
  ['a model that does not exist', () => batchDeploymentBody(t, a, { model: { referenceType: 'Id', assetId: `${t.wsPath}/models/batch-model/versions/9` } }), 'was not found. Check that the model version exists', 'ModelNotFound'],
  ['a DataPath model on a missing datastore', () => batchDeploymentBody(t, a, { model: { referenceType: 'DataPath', datastoreId: `${t.wsPath}/datastores/nope`, path: 'm' } }), "named in 'properties.model.datastoreId' was not found."],
  ['an OutputPath model without jobId', p({ model: { referenceType: 'OutputPath', path: 'm' } }), "'properties.model.jobId' is required with referenceType 'OutputPath'."],
  ['an environment that does not exist', () => batchDeploymentBody(t, a, { environmentId: `${t.wsPath}/environments/nope/versions/1` }), 'was not found', 'EnvironmentNotFound'],
  ['code that does not exist', () => batchDeploymentBody(t, a, { codeConfiguration: { codeId: `${t.wsPath}/codes/nope/versions/1`, scoringScript: 'score.py' } }), 'was not found', 'CodeNotFound'],
  ['no codeConfiguration for a custom model', without('codeConfiguration'), "'properties.codeConfiguration' (codeId and scoringScript) is required for a model that is not an MLflow model"],
  ['an empty scoringScript', () => batchDeploymentBody(t, a, { codeConfiguration: { codeId: a.code, scoringScript: '' } }), "'properties.codeConfiguration.scoringScript' is required and must not be empty."],
  ['a scoring script without an environment', without('environmentId'), "'properties.environmentId' is required with a scoring script (codeConfiguration)"],
  ['instanceCount 0', p({ resources: { instanceCount: 0 } }), "'properties.resources.instanceCount' must be an integer of at least 1; got 0."],
  ['miniBatchSize 0', p({ miniBatchSize: 0 }), "'properties.miniBatchSize' must be an integer of at least 1; got 0."],
  ['a fractional miniBatchSize', p({ miniBatchSize: 2.5 }), "'properties.miniBatchSize' must be an integer of at least 1; got 2.5."],
  ['maxConcurrencyPerInstance 0', p({ maxConcurrencyPerInstance: 0 }), "'properties.maxConcurrencyPerInstance' must be an integer of at least 1; got 0."],
  ['errorThreshold -2', p({ errorThreshold: -2 }), "'properties.errorThreshold' must be an integer of at least -1; got -2."],
  ['loggingLevel Verbose', p({ loggingLevel: 'Verbose' }), "'properties.loggingLevel' must be one of Info, Warning, Debug; got 'Verbose'."],
  ['outputAction Append', p({ outputAction: 'Append' }), "'properties.outputAction' must be one of AppendRow, SummaryOnly; got 'Append'."],
  ['outputFileName with a folder', p({ outputFileName: 'out/predictions.csv' }), "'properties.outputFileName' must be a file name (no folders)"],
  ['outputFileName with SummaryOnly', p({ outputAction: 'SummaryOnly', outputFileName: 'p.csv' }), "'properties.outputFileName' cannot be given when outputAction is 'SummaryOnly'"],
  ['maxRetries -1', p({ retrySettings: { maxRetries: -1, timeout: 'PT30S' } }), "'properties.retrySettings.maxRetries' must be an integer of at least 0; got -1."],
  ['a timeout that is not ISO 8601', p({ retrySettings: { maxRetries: 1, timeout: '30s' } }), "'properties.retrySettings.timeout' must be an ISO 8601 duration longer than zero"],
  ['environment variables that are not strings', p({ environmentVariables: { N: 1 } }), "'properties.environmentVariables' must be a map of string to string."],
  ['a deploymentConfigurationType that does not exist', p({ deploymentConfiguration: { deploymentConfigurationType: 'Script' } }), "must be one of Model, PipelineComponent; got 'Script'."],
  ['a PipelineComponent without componentId', p({ deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent' } }), "'properties.deploymentConfiguration.componentId' is required for a PipelineComponent deployment"],
  ['a component that does not exist', () => ({ location: 'eastus', properties: { deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: `${t.wsPath}/components/nope/versions/1` } } } }), 'was not found', 'ComponentNotFound'],
])('PUT with %s is refused', async (_what, body, message, detail = 'BadArgument') => {
  const r = await t.arm('PUT', bdep(t, 'be-dep', 'bad-one'), body());
  expect(r.status).toBe(400);
  if (message.startsWith('The location')) expect(r.json.error).toEqual({ code: 'LocationRequired', message });
  else {
    expect(r.json.error.code).toBe('UserError');
    expect(r.json.error.details[0].code).toBe(detail);
    expect(r.json.error.message).toContain(message);
  }
  expect((await t.arm('GET', bdep(t, 'be-dep', 'bad-one'))).status).toBe(404);
});

test('a deployment name that breaks the rules, and a missing endpoint, are refused', async () => {
  const r = await t.arm('PUT', bdep(t, 'be-dep', '1st'), batchDeploymentBody(t, a));
  expect(r.status).toBe(400);
  expect(r.json.error.message).toContain("Invalid deployment name '1st'");
  const missing = await t.arm('PUT', bdep(t, 'be-nope', 'blue'), batchDeploymentBody(t, a));
  expect(missing.status).toBe(404);
  expect(missing.json.error.message).toBe("Could not find batch endpoint 'be-nope'.");
});

test('a PipelineComponent deployment names an existing pipeline component; a command component is refused', async () => {
  const body = { location: 'eastus', properties: { description: 'pipeline', deploymentConfiguration: { deploymentConfigurationType: 'pipelinecomponent', componentId: { referenceType: 'Id', assetId: a.component }, settings: { default_compute: computeId(t) } } } };
  const { final } = await deployBatch(t, 'be-dep', 'pipe', body);
  expect(final.status).toBe('Succeeded');
  const got = (await t.arm('GET', bdep(t, 'be-dep', 'pipe'))).json.properties;
  expect(got.deploymentConfiguration).toEqual({ deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: a.component }, settings: { default_compute: computeId(t) } });
  expect(got).not.toHaveProperty('miniBatchSize');
  const cmd = `${t.wsPath}/components/train/versions/1`;
  expect((await t.arm('PUT', cmd, { properties: { componentSpec: { type: 'command', command: 'python train.py' } } })).status).toBe(201);
  const r = await t.arm('PUT', bdep(t, 'be-dep', 'pipe2'), { ...body, properties: { deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: cmd } } } });
  expect(r.status).toBe(400);
  expect(r.json.error.message).toContain("is a 'command' component; a PipelineComponent deployment needs a pipeline component");
});

test('PATCH changes description and tags only', async () => {
  const refused = await t.arm('PATCH', bdep(t, 'be-dep', 'blue'), { properties: { miniBatchSize: 3 } });
  expect(refused.status).toBe(400);
  expect(refused.json.error.message).toBe("A batch deployment PATCH can only change 'tags' and 'properties.description'; send a full PUT to change 'properties.miniBatchSize'.");
  const ok = await t.arm('PATCH', bdep(t, 'be-dep', 'blue'), { tags: { stage: 'prod' }, properties: { description: 'the blue one' } });
  expect(ok.status).toBe(202);
  await pollOp(t, ok.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', bdep(t, 'be-dep', 'blue'))).json).toMatchObject({ tags: { stage: 'prod' }, properties: { description: 'the blue one', miniBatchSize: 10, provisioningState: 'Succeeded' } });
});

test('the default deployment: set by a PUT of the endpoint; it cannot be deleted until another is the default', async () => {
  await setDefault(t, 'be-dep', 'blue');
  expect((await t.arm('GET', bep(t, 'be-dep'))).json.properties.defaults).toEqual({ deploymentName: 'blue' });
  const del = await t.arm('DELETE', bdep(t, 'be-dep', 'blue'));
  expect(del.status).toBe(400);
  expect(del.json.error.message).toBe(
    "Deployment 'blue' cannot be deleted because it is the default deployment of batch endpoint 'be-dep'. Update the endpoint's 'defaults.deploymentName' to another deployment (or remove it) with a PUT of the endpoint first.",
  );
  await setDefault(t, 'be-dep', 'summary');
  const ok = await t.arm('DELETE', bdep(t, 'be-dep', 'blue'));
  expect(ok.status).toBe(202);
  expect(ok.headers.get('location')).toContain('/mfeOperationResults/');
  await pollOp(t, ok.headers.get('azure-asyncoperation')!);
  expect((await t.arm('GET', bdep(t, 'be-dep', 'blue'))).status).toBe(404);
  expect((await t.arm('DELETE', bdep(t, 'be-dep', 'blue'))).status).toBe(204);
});

test('data and component versions: synchronous PUT (201, then 200), GET, list; immutable in what they point at; checked', async () => {
  const v = `${t.wsPath}/data/scoring-input/versions/1`;
  const put = await t.arm('PUT', v, { properties: { dataType: 'UriFolder', dataUri: 'azureml://datastores/workspaceblobstore/paths/batch/in' } });
  expect(put.status).toBe(201);
  expect(put.json.properties).toMatchObject({ dataType: 'uri_folder', provisioningState: 'Succeeded' });
  expect((await t.arm('PUT', v, { properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/batch/in', description: 'x' } })).status).toBe(200);
  const changed = await t.arm('PUT', v, { properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/other' } });
  expect(changed.status).toBe(400);
  expect(changed.json.error.details[0].code).toBe('Immutable');
  expect((await t.arm('GET', v)).json.properties.description).toBe('x');
  expect((await t.arm('GET', `${t.wsPath}/data/scoring-input/versions`)).json.value).toHaveLength(1);
  expect((await t.arm('GET', `${t.wsPath}/data/scoring-input`)).json.properties.latestVersion).toBe('1');
  const noType = await t.arm('PUT', `${t.wsPath}/data/x/versions/1`, { properties: { dataUri: 'azureml://datastores/workspaceblobstore/paths/x' } });
  expect(noType.json.error.message).toBe("'dataType' is required for a data version: one of uri_file, uri_folder, mltable.");
  const noUri = await t.arm('PUT', `${t.wsPath}/data/x/versions/1`, { properties: { dataType: 'uri_file' } });
  expect(noUri.json.error.message).toBe("The field 'dataUri' is required for a data version.");
  const noSpec = await t.arm('PUT', `${t.wsPath}/components/x/versions/1`, { properties: {} });
  expect(noSpec.status).toBe(400);
  expect(noSpec.json.error.message).toBe("The field 'componentSpec' is required for a component version (the component's definition).");
  expect((await t.arm('GET', a.component)).json.properties.componentSpec).toMatchObject({ type: 'pipeline' });
  expect((await t.arm('GET', `${t.wsPath}/components`)).json.value.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['score-pipeline', 'train']));
});
