import { join } from 'node:path';
import { batchDeploymentContractProblems } from '../../../../shared/src/specs/batch/contract';
import { loadBatchDeploymentSpec } from '../../../../shared/src/specs/batch/deployment-spec';
import { withResolvedBatchAssets } from '../../../../shared/src/specs/batch/resolve-assets';
import { caught, problems, scratch } from '../online/helpers';

const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const at = (file: string, messages: string[]): string[] => messages.map((m) => m.replace(`${file}:`, ''));

const FULL = [
  '$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json', // 1
  'name: Classifier-Blue', // 2
  'endpoint_name: Heart-Batch', // 3
  'description: Scores heart data', // 4
  'type: model', // 5
  'model: azureml:heart-classifier:3', // 6
  'environment:', // 7
  '  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest', // 8
  '  conda_file: env/conda.yml', // 9
  'code_configuration:', // 10
  '  code: src', // 11
  '  scoring_script: batch_driver.py', // 12
  'compute: azureml:batch-cluster', // 13
  'resources:', // 14
  '  instance_count: 2', // 15
  'tags:', // 16
  '  stage: test', // 17
  'settings:', // 18
  '  max_concurrency_per_instance: 2', // 19
  '  mini_batch_size: 5', // 20
  '  output_action: append_row', // 21
  '  output_file_name: scores.csv', // 22
  '  retry_settings:', // 23
  '    max_retries: 4', // 24
  '    timeout: 90', // 25
  '  error_threshold: -1', // 26
  '  logging_level: info', // 27
  '  environment_variables:', // 28
  '    MODE: fast', // 29
].join('\n');
const FILES = { 'env/conda.yml': 'name: s\ndependencies:\n- python=3.10\n', 'src/batch_driver.py': 'def init(): pass\n' };

describe('a model deployment (type: model, settings block)', () => {
  const file = scratch(FULL, FILES);
  const plan = loadBatchDeploymentSpec({ file });

  test('the body as the SDK builds it: run settings from settings, retry timeout as ISO, logging level verbatim', () => {
    expect(plan.kind).toBe('model');
    expect(plan.name).toBe('classifier-blue'); // lower-cased, as the Deployment entity does
    expect(plan.endpointName).toBe('Heart-Batch'); // the file's value is verbatim
    expect(plan.body).toEqual({
      tags: { stage: 'test' },
      properties: {
        description: 'Scores heart data',
        properties: {},
        codeConfiguration: { scoringScript: 'batch_driver.py' },
        resources: { instanceCount: 2, properties: {} },
        miniBatchSize: 5,
        maxConcurrencyPerInstance: 2,
        errorThreshold: -1,
        outputAction: 'AppendRow',
        outputFileName: 'scores.csv',
        loggingLevel: 'info',
        retrySettings: { maxRetries: 4, timeout: 'PT1M30S' },
        environmentVariables: { MODE: 'fast' },
      },
    });
    expect(plan.warnings).toEqual([]);
  });

  test('assets are returned as the online plan returns them; compute as a reference', () => {
    expect(plan.model).toEqual({ kind: 'ref', ref: { form: 'version', name: 'heart-classifier', version: '3' } });
    expect(plan.environment).toMatchObject({ kind: 'inline', spec: { anonymous: true, condaFilePath: join(file, '..', 'env', 'conda.yml') } });
    expect(plan.code).toEqual({ kind: 'local', path: join(file, '..', 'src') });
    expect(plan.compute).toEqual({ kind: 'name', name: 'batch-cluster' });
  });

  test('withResolvedBatchAssets: model as an Id asset reference, compute as an ARM id; the result meets the contract', () => {
    const body = withResolvedBatchAssets(plan, { location: 'westeurope', scope, environmentId: `${ws}/environments/e/versions/1`, codeId: `${ws}/codes/c/versions/1` });
    expect(body.location).toBe('westeurope');
    expect(body.properties).toMatchObject({
      model: { referenceType: 'Id', assetId: `${ws}/models/heart-classifier/versions/3` },
      environmentId: `${ws}/environments/e/versions/1`,
      codeConfiguration: { codeId: `${ws}/codes/c/versions/1`, scoringScript: 'batch_driver.py' },
      compute: `${ws}/computes/batch-cluster`,
    });
    expect(batchDeploymentContractProblems(body)).toEqual([]);
    expect(() => withResolvedBatchAssets(plan, { location: 'x', scope })).toThrow(/environment \(inline\) must be resolved/);
    expect(plan.body.properties.compute).toBeUndefined(); // the plan is not changed
  });
});

describe('model deployment rules', () => {
  const base = ['name: blue', 'endpoint_name: ep-one', 'type: model', 'model: azureml://registries/azureml/models/m/versions/1', 'compute: cpu-cluster'];
  const load = (...lines: string[]) => loadBatchDeploymentSpec({ file: scratch([...base, ...lines].join('\n')) });

  test('a registry model and an ARM-id compute are final at load time', () => {
    const plan = loadBatchDeploymentSpec({ file: scratch([...base.slice(0, 4), `compute: azureml:${ws}/computes/gpu`, 'settings:', '  mini_batch_size: 1'].join('\n')) });
    expect(plan.body.properties.model).toEqual({ referenceType: 'Id', assetId: 'azureml://registries/azureml/models/m/versions/1' });
    expect(plan.compute).toEqual({ kind: 'id', id: `${ws}/computes/gpu` });
  });

  test('settings.instance_count fills resources.instance_count only when that is unset', () => {
    expect(load('settings:', '  mini_batch_size: 1', '  instance_count: 3').body.properties.resources).toEqual({ instanceCount: 3, properties: {} });
    expect(load('resources:', '  instance_count: 2', '  instance_type: x', 'settings:', '  mini_batch_size: 1', '  instance_count: 3').body.properties.resources).toEqual({ instanceCount: 2, instanceType: 'x', properties: {} });
    expect(load('settings:', '  mini_batch_size: 1').body.properties.resources).toBeUndefined();
  });

  test('a retry timeout of 0 is dropped; output actions are case-insensitive and mapped', () => {
    const p = load('settings:', '  mini_batch_size: 1', '  output_action: SUMMARY_ONLY', '  retry_settings:', '    timeout: 0', '    max_retries: 0').body.properties;
    expect(p.outputAction).toBe('SummaryOnly');
    expect(p.retrySettings).toEqual({ maxRetries: 0 });
    expect(load('settings:', '  mini_batch_size: 1', '  logging_level: WARNING').body.properties.loggingLevel).toBe('WARNING');
  });

  test('top-level error_threshold and environment_variables are accepted but ignored, with a warning', () => {
    const plan = load('error_threshold: 5', 'environment_variables:', '  A: b', 'settings:', '  mini_batch_size: 1');
    expect(plan.body.properties.errorThreshold).toBeUndefined();
    expect(plan.body.properties.environmentVariables).toBeUndefined();
    expect(plan.warnings).toEqual([expect.stringMatching(/^'error_threshold' at the top level .* ignored/), expect.stringMatching(/^'environment_variables' at the top level .* ignored/)]);
  });

  test('resources keys the contract has no place for are accepted with a warning', () => {
    const plan = load('resources:', '  instance_count: 1', '  shm_size: 2g', 'settings:', '  mini_batch_size: 1');
    expect(plan.body.properties.resources).toEqual({ instanceCount: 1, properties: {} });
    expect(plan.warnings).toEqual([expect.stringMatching(/^'resources.shm_size' is accepted but not sent/)]);
  });

  test('errors, each at its line: settings without mini_batch_size, summary_only with a file name, bad values, flat keys', () => {
    const f = scratch(
      [
        ...base, // 1-5
        'mini_batch_size: 3', // 6: a flat key is unknown in a model deployment
        'settings:', // 7
        '  output_action: summary_only', // 8
        '  output_file_name: out.csv', // 9
        '  logging_level: verbose', // 10
        '  max_concurrency_per_instance: 0', // 11
        '  error_threshold: -2', // 12
        '  retry_settings:', // 13
        '    timeout: 1.5', // 14
        '  mini_batch_sise: 2', // 15
      ].join('\n'),
    );
    expect(at(f, problems(caught(() => loadBatchDeploymentSpec({ file: f }))).map((p) => p.message))).toEqual([
      expect.stringMatching(/^6:1: Unknown field 'mini_batch_size'\. Allowed fields: name, endpoint_name/),
      "8:3: 'settings.mini_batch_size' is required in a model deployment's settings",
      '9:21: When output_action is set to summary_only, the output_file_name need not to be specified.',
      "10:18: 'settings.logging_level' is 'verbose'; expected one of info, warning, debug",
      "11:33: 'settings.max_concurrency_per_instance' must be at least 1, not 0",
      "12:20: 'settings.error_threshold' must be at least -1, not -2",
      "14:14: 'settings.retry_settings.timeout' must be a whole number, not '1.5'",
      expect.stringMatching(/^15:3: Unknown field 'mini_batch_sise' in 'settings'\. Did you mean 'mini_batch_size'\?/),
    ]);
  });

  test('a model deployment needs settings, compute and a model', () => {
    const f = scratch('name: blue\nendpoint_name: ep-one\ntype: model\n');
    expect(at(f, problems(caught(() => loadBatchDeploymentSpec({ file: f }))).map((p) => p.message))).toEqual([
      "1:1: the deployment has no compute: set 'compute' in the YAML, or give the 'compute' input (a model deployment runs on a compute cluster, e.g. azureml:batch-cluster)",
      "1:1: the deployment has no model: set 'model' in the YAML, or give the 'model' input (e.g. azureml:<model-name>@latest)",
      "1:1: a model deployment (type: model) needs a 'settings' block with at least 'mini_batch_size'",
    ]);
  });

  test('compute forms: azureml:<name>, a bare name, an ARM id; a bad name fails at its line', () => {
    const withCompute = (c: string) => loadBatchDeploymentSpec({ file: scratch([...base.slice(0, 4), `compute: ${c}`, 'settings:', '  mini_batch_size: 1'].join('\n')) });
    expect(withCompute('azureml:gpu-cluster').compute).toEqual({ kind: 'name', name: 'gpu-cluster' });
    expect(withCompute('gpu-cluster').compute).toEqual({ kind: 'name', name: 'gpu-cluster' });
    expect(withCompute(`${ws}/computes/c1`).compute).toEqual({ kind: 'id', id: `${ws}/computes/c1` });
    expect(caught(() => withCompute('a_b')).message).toMatch(/:5:10: 'a_b' is not a valid compute name$/);
  });

  test('template placeholders are refused where they stand', () => {
    const f = scratch([...base.slice(0, 3), 'model: azureml:<MODEL_NAME>:1', 'compute: cpu-cluster', 'settings:', '  mini_batch_size: 1'].join('\n'));
    const e = caught(() => loadBatchDeploymentSpec({ file: f }));
    expect(e.message).toBe(`${f}:4:8: unfilled template placeholder '<MODEL_NAME>' in 'model'`);
    expect(e.hint).toMatch(/'model' input/);
    const g = scratch([...base, 'settings:', '  mini_batch_size: {{ BATCH }}'].join('\n'));
    expect(caught(() => loadBatchDeploymentSpec({ file: g })).message).toMatch(new RegExp(`^${g}:7:20: unfilled template placeholder '\\{\\{ BATCH \\}\\}'`));
  });

  test('type cannot be changed by a set line (the file picks the loader)', () => {
    const f = scratch([...base, 'settings:', '  mini_batch_size: 1'].join('\n'));
    expect(caught(() => loadBatchDeploymentSpec({ file: f, set: 'type=pipeline' })).message).toMatch(/^Input 'set' line 1: 'type' cannot be changed by a set line or input/);
  });
});

describe('inputs', () => {
  test('without a file the inputs make a model deployment; the service mini-batch size when none is given', () => {
    const plan = loadBatchDeploymentSpec({ inputs: { endpointName: 'Heart-Batch', deploymentName: 'Blue', model: 'azureml:m@latest', compute: 'cpu-cluster', instanceCount: 2 } });
    expect(plan.kind).toBe('model');
    expect(plan.endpointName).toBe('heart-batch'); // lower-cased, as --endpoint-name
    expect(plan.name).toBe('blue');
    expect(plan.body.properties).toEqual({ properties: {}, miniBatchSize: 10, resources: { instanceCount: 2, properties: {} } });
    expect(plan.model).toEqual({ kind: 'ref', ref: { form: 'label', name: 'm', label: 'latest' } });
    const body = withResolvedBatchAssets(plan, { location: 'x', scope, modelId: `${ws}/models/m/versions/7` });
    expect(batchDeploymentContractProblems(body)).toEqual([]);
  });

  test('every run-setting input lands under settings for a model deployment', () => {
    const plan = loadBatchDeploymentSpec({
      inputs: { endpointName: 'ep-one', deploymentName: 'blue', model: 'azureml:m:1', compute: 'c-1x', miniBatchSize: '4', outputAction: 'SummaryOnly', maxRetries: 2, retryTimeout: 60, errorThreshold: '7', maxConcurrencyPerInstance: 3 },
    });
    expect(plan.body.properties).toMatchObject({ miniBatchSize: 4, outputAction: 'SummaryOnly', retrySettings: { maxRetries: 2, timeout: 'PT1M' }, errorThreshold: 7, maxConcurrencyPerInstance: 3 });
    const e = caught(() => loadBatchDeploymentSpec({ inputs: { endpointName: 'ep-one', deploymentName: 'blue', model: 'azureml:m:1', compute: 'c-1x', outputAction: 'summary_only', outputFileName: 'a.csv' } }));
    expect(e.message).toBe("Input 'output-file-name': When output_action is set to summary_only, the output_file_name need not to be specified.");
  });

  test('inputs beat set lines, which beat the file; endpoint_name from a set line is lower-cased', () => {
    const f = scratch('name: blue\nendpoint_name: File-EP\ntype: model\nmodel: azureml:m:1\ncompute: c-one\nsettings:\n  mini_batch_size: 1\n');
    expect(loadBatchDeploymentSpec({ file: f, set: 'endpoint_name=Set-EP' }).endpointName).toBe('set-ep');
    const plan = loadBatchDeploymentSpec({ file: f, set: 'settings.mini_batch_size=2\ncompute=c-two', inputs: { miniBatchSize: 3, endpointName: 'Input-EP' } });
    expect(plan.body.properties.miniBatchSize).toBe(3);
    expect(plan.compute).toEqual({ kind: 'name', name: 'c-two' });
    expect(plan.endpointName).toBe('input-ep');
  });

  test('missing names: input errors without a file, located at the file with one', () => {
    const e = caught(() => loadBatchDeploymentSpec({ inputs: { model: 'azureml:m:1', compute: 'c-one' } }));
    expect(problems(e).map((p) => p.input)).toEqual(['deployment-name', 'endpoint-name']);
    const f = scratch('type: model\nmodel: azureml:m:1\ncompute: c-one\nsettings:\n  mini_batch_size: 1\n');
    expect(problems(caught(() => loadBatchDeploymentSpec({ file: f }))).map((p) => p.message)).toEqual([
      `${f}:1:1: the deployment has no name: set 'name' in the YAML, or give the 'deployment-name' input (az ml takes it from --name)`,
      `${f}:1:1: the deployment has no endpoint name: set 'endpoint_name' in the YAML, or give the 'endpoint-name' input (az ml takes it from --endpoint-name)`,
    ]);
  });

  test('a local model folder from the model input becomes an anonymous model to register', () => {
    const dir = join(scratch('x: 1', { 'model/model.pkl': 'bytes' }), '..');
    const plan = loadBatchDeploymentSpec({ cwd: dir, inputs: { endpointName: 'ep-one', deploymentName: 'blue', model: 'model', compute: 'c-one' } });
    expect(plan.model).toMatchObject({ kind: 'inline', anonymous: true, plan: { path: { kind: 'local', absolutePath: join(dir, 'model') } } });
  });
});
