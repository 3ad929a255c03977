import { batchDeploymentContractProblems } from '../../../../shared/src/specs/batch/contract';
import { loadBatchDeploymentSpec } from '../../../../shared/src/specs/batch/deployment-spec';
import { withResolvedBatchAssets } from '../../../../shared/src/specs/batch/resolve-assets';
import { caught, problems, scratch } from '../online/helpers';

const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

const FLAT = [
  '$schema: https://azuremlschemas.azureedge.net/latest/batchDeployment.schema.json',
  'name: Batch-DP',
  'endpoint_name: taxi-fare-batch',
  'model: azureml:taxi-model@latest',
  'environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
  'compute: batch-cluster',
  'resources:',
  '  instance_count: 1',
  'max_concurrency_per_instance: 2',
  'mini_batch_size: 10',
  'output_action: append_row',
  'output_file_name: predictions.csv',
  'retry_settings:',
  '  max_retries: 3',
  '  timeout: 30',
  'error_threshold: -1',
  'logging_level: info',
  'provisioning_state: Succeeded',
].join('\n');

describe('a legacy batch deployment (flat keys, no type)', () => {
  const plan = loadBatchDeploymentSpec({ file: scratch(FLAT) });

  test('the flat keys make the same run settings; environment_variables default to {}', () => {
    expect(plan.kind).toBe('legacy');
    expect(plan.name).toBe('batch-dp');
    expect(plan.body).toEqual({
      tags: {},
      properties: {
        properties: {},
        environmentId: 'azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest', // curated: sent verbatim
        resources: { instanceCount: 1, properties: {} },
        miniBatchSize: 10,
        maxConcurrencyPerInstance: 2,
        errorThreshold: -1,
        outputAction: 'AppendRow',
        outputFileName: 'predictions.csv',
        loggingLevel: 'info',
        retrySettings: { maxRetries: 3, timeout: 'PT30S' },
        environmentVariables: {},
      },
    });
    expect(plan.model).toEqual({ kind: 'ref', ref: { form: 'label', name: 'taxi-model', label: 'latest' } });
    expect(plan.compute).toEqual({ kind: 'name', name: 'batch-cluster' });
  });

  test('resolved, it meets the contract; a @latest model needs the id the step looked up', () => {
    expect(() => withResolvedBatchAssets(plan, { location: 'x', scope })).toThrow(/model \(label\) must be resolved/);
    const body = withResolvedBatchAssets(plan, { location: 'westeurope', scope, modelId: `${ws}/models/taxi-model/versions/4` });
    expect(body.properties.model).toEqual({ referenceType: 'Id', assetId: `${ws}/models/taxi-model/versions/4` });
    expect(body.properties.compute).toBe(`${ws}/computes/batch-cluster`);
    expect(batchDeploymentContractProblems(body)).toEqual([]);
  });

  test('compute and model are optional in the legacy form (its newest schema)', () => {
    const p = loadBatchDeploymentSpec({ file: scratch('name: demo\nendpoint_name: ep-one\nmini_batch_size: 2\n') });
    expect(p.compute).toBeUndefined();
    expect(p.body.properties).toEqual({ properties: {}, miniBatchSize: 2, environmentVariables: {} });
  });

  test('the run-setting inputs set the flat keys', () => {
    const f = scratch('name: demo\nendpoint_name: ep-one\ncompute: cpu-cluster\nmini_batch_size: 2\n');
    const p = loadBatchDeploymentSpec({ file: f, inputs: { miniBatchSize: 8, retryTimeout: 120, outputFileName: 'o.csv', instanceCount: 3 } });
    expect(p.body.properties).toMatchObject({ miniBatchSize: 8, retrySettings: { timeout: 'PT2M' }, outputFileName: 'o.csv', resources: { instanceCount: 3, properties: {} } });
  });

  test("'settings' is not a key of the legacy form; component and job_definition are accepted but not sent", () => {
    const f = scratch('name: demo\nendpoint_name: ep-one\nsettings:\n  mini_batch_size: 2\n');
    expect(caught(() => loadBatchDeploymentSpec({ file: f })).message).toMatch(new RegExp(`^${f}:3:1: Unknown field 'settings'\\. Allowed fields:`));
    const g = scratch('name: demo\nendpoint_name: ep-one\ncomponent: azureml:c:1\n');
    const p = loadBatchDeploymentSpec({ file: g });
    expect(p.component).toBeUndefined();
    expect(p.warnings).toEqual([expect.stringMatching(/^'component' is accepted by the legacy loader .* add 'type: pipeline'/)]);
  });

  test('a type other than model or pipeline (in lower case) is an error at its position', () => {
    const cap = scratch('name: demo\nendpoint_name: ep-one\ntype: Model\n');
    expect(caught(() => loadBatchDeploymentSpec({ file: cap })).message).toBe(`${cap}:3:7: type 'Model' is read by the legacy loader: az ml picks the model deployment loader only for 'type: model' in lower case`);
    const other = scratch('name: demo\nendpoint_name: ep-one\ntype: batch\n');
    expect(caught(() => loadBatchDeploymentSpec({ file: other })).message).toBe(`${other}:3:7: 'type' is 'batch'; expected model or pipeline (or no 'type' for the legacy flat form)`);
  });

  test('summary_only with an output file name, and bad values, fail at their lines', () => {
    const f = scratch(['name: demo', 'endpoint_name: ep-one', 'output_action: summary_only', 'output_file_name: x.csv', 'output_action_x: 1', 'mini_batch_size: ten'].join('\n'));
    expect(problems(caught(() => loadBatchDeploymentSpec({ file: f }))).map((p) => p.message.replace(`${f}:`, ''))).toEqual([
      '4:19: When output_action is set to summary_only, the output_file_name need not to be specified.',
      expect.stringMatching(/^5:1: Unknown field 'output_action_x'\. Did you mean 'output_action'\?/),
      "6:18: 'mini_batch_size' must be a whole number, not 'ten'",
    ]);
  });
});
