import { join } from 'node:path';
import { batchDeploymentContractProblems } from '../../../../shared/src/specs/batch/contract';
import { loadBatchDeploymentSpec } from '../../../../shared/src/specs/batch/deployment-spec';
import { withResolvedBatchAssets } from '../../../../shared/src/specs/batch/resolve-assets';
import { caught, problems, scratch } from '../online/helpers';

const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const HEAD = ['name: UCI-Prepros', 'endpoint_name: uci-batch', 'type: pipeline'];
const load = (lines: string[], files: Record<string, string> = {}) => loadBatchDeploymentSpec({ file: scratch([...HEAD, ...lines].join('\n'), files) });

describe('a pipeline component deployment (type: pipeline)', () => {
  const file = scratch([...HEAD, 'description: Scoring with preprocessing', 'component: pipeline.yml', 'tags:', '  team: uci', 'settings:', '  continue_on_step_failure: false', '  default_compute: batch-cluster', '  retries: 2'].join('\n'), {
    'pipeline.yml': 'type: pipeline\nname: p\njobs: {}\n',
  });
  const plan = loadBatchDeploymentSpec({ file });

  test('the body: deploymentConfiguration with the settings map as strings; the name is not lower-cased', () => {
    expect(plan.kind).toBe('pipeline');
    expect(plan.name).toBe('UCI-Prepros');
    expect(plan.body).toEqual({
      tags: { team: 'uci' },
      properties: {
        description: 'Scoring with preprocessing',
        deploymentConfiguration: {
          deploymentConfigurationType: 'PipelineComponent',
          // Python's str() of the values; default_compute is not turned into an ARM id.
          settings: { continue_on_step_failure: 'False', default_compute: 'batch-cluster', retries: '2' },
        },
      },
    });
    expect(plan.component).toEqual({ kind: 'local', path: join(file, '..', 'pipeline.yml') });
    expect(plan.compute).toBeUndefined();
  });

  test('the registered component id goes into componentId; the result meets the contract', () => {
    expect(() => withResolvedBatchAssets(plan, { location: 'x', scope })).toThrow(/component \(local\) must be resolved/);
    const body = withResolvedBatchAssets(plan, { location: 'westeurope', scope, componentId: `${ws}/components/p/versions/1` });
    expect(body.properties.deploymentConfiguration?.componentId).toEqual({ referenceType: 'Id', assetId: `${ws}/components/p/versions/1` });
    expect(batchDeploymentContractProblems(body)).toEqual([]);
  });
});

describe('component references', () => {
  test.each([
    ['azureml:scoring:2', { form: 'version', name: 'scoring', version: '2' }, `${ws}/components/scoring/versions/2`],
    ['azureml:scoring@default', { form: 'label', name: 'scoring', label: 'default' }, `${ws}/components/scoring/labels/default`],
    [`azureml:${ws}/components/scoring/versions/3`, { form: 'id', id: `${ws}/components/scoring/versions/3` }, `${ws}/components/scoring/versions/3`],
  ])('%s', (value, ref, id) => {
    const plan = load([`component: ${value}`]);
    expect(plan.component).toEqual({ kind: 'ref', ref });
    const body = withResolvedBatchAssets(plan, { location: 'x', scope });
    expect(body.properties.deploymentConfiguration?.componentId).toEqual({ referenceType: 'Id', assetId: id });
    expect(batchDeploymentContractProblems(body)).toEqual([]);
  });

  test('a registry component is final at load time; @latest needs a look-up', () => {
    const reg = 'azureml://registries/shared/components/scoring/versions/1';
    expect(load([`component: ${reg}`]).body.properties.deploymentConfiguration?.componentId).toEqual({ referenceType: 'Id', assetId: reg });
    const latest = load(['component: azureml:scoring@latest']);
    expect(() => withResolvedBatchAssets(latest, { location: 'x', scope })).toThrow(/component \(label\) must be resolved/);
  });

  test('bad references fail at their position', () => {
    const cases: Array<[string, RegExp]> = [
      ['azureml:scoring', /4:12: Failed to extract version when parsing asset 'azureml:scoring'\. Version must be provided\.$/],
      ['azureml:scoring@prod', /4:12: 'azureml:scoring@prod': only the labels 'latest' and 'default' are resolved for components$/],
      ['scoring:1', /4:12: 'scoring:1' looks like an asset reference without the 'azureml:' prefix$/],
      ['missing.yml', /4:12: the pipeline component file 'missing.yml' does not exist/],
      ['azureml://registries/r/models/m/versions/1', /4:12: '.*' is a registry reference to models, not to a component$/],
    ];
    for (const [value, re] of cases) expect(caught(() => load([`component: ${value}`])).message).toMatch(re);
    expect(caught(() => load(['component:', '  type: pipeline'])).message).toMatch(/:5:3: 'component' must be a pipeline component file or an azureml: reference$/);
  });
});

describe('job_definition', () => {
  test('azureml:<pipeline job> becomes a job source for the step to turn into a component', () => {
    expect(load(['job_definition: azureml:hello-job_1']).component).toEqual({ kind: 'job', job: 'hello-job_1' });
    expect(load([`job_definition: azureml:${ws}/jobs/j1`]).component).toEqual({ kind: 'job', job: `${ws}/jobs/j1` });
    // The sample scripts give it as --set job_definition=azureml:$JOB_NAME.
    const f = scratch([...HEAD, 'job_definition: azureml:placeholder'].join('\n'));
    expect(loadBatchDeploymentSpec({ file: f, set: 'job_definition=azureml:run-42' }).component).toEqual({ kind: 'job', job: 'run-42' });
  });

  test('without azureml: it fails; with component too, component wins with a warning', () => {
    expect(caught(() => load(['job_definition: run-42'])).message).toMatch(/:4:17: 'job_definition' is 'run-42': write the pipeline job as azureml:<job-name>$/);
    const both = load(['component: azureml:c:1', 'job_definition: azureml:run-42']);
    expect(both.component).toEqual({ kind: 'ref', ref: { form: 'version', name: 'c', version: '1' } });
    expect(both.warnings).toEqual([expect.stringMatching(/^'job_definition' is ignored/)]);
  });

  test('neither component nor job_definition is an error', () => {
    const f = scratch(HEAD.join('\n'));
    expect(caught(() => loadBatchDeploymentSpec({ file: f })).message).toMatch(new RegExp(`^${f}:1:1: a pipeline deployment \\(type: pipeline\\) needs 'component'`));
  });
});

describe('what a pipeline deployment does not take', () => {
  test('compute is an unknown key; model-deployment inputs are refused by name', () => {
    const f = scratch([...HEAD, 'component: azureml:c:1', 'compute: cpu-cluster'].join('\n'));
    expect(caught(() => loadBatchDeploymentSpec({ file: f })).message).toMatch(/:5:1: Unknown field 'compute'\./);
    const g = scratch([...HEAD, 'component: azureml:c:1'].join('\n'));
    const e = caught(() => loadBatchDeploymentSpec({ file: g, inputs: { compute: 'cpu-cluster', miniBatchSize: 3, deploymentName: 'Other', endpointName: 'EP-Two' } }));
    expect(problems(e).map((p) => p.message)).toEqual([
      "Input 'compute' does not apply to a pipeline deployment (type: pipeline)",
      "Input 'mini-batch-size' does not apply to a pipeline deployment (type: pipeline)",
    ]);
    const named = loadBatchDeploymentSpec({ file: g, inputs: { deploymentName: 'Other', endpointName: 'EP-Two' } });
    expect([named.name, named.endpointName]).toEqual(['Other', 'ep-two']);
  });

  test('deployment keys a pipeline ignores are accepted with a warning and not sent', () => {
    const plan = load(['component: azureml:c:1', 'model: azureml:m:1', 'environment_variables:', '  A: b']);
    expect(plan.model).toBeUndefined();
    expect(plan.body.properties).toEqual({ deploymentConfiguration: { deploymentConfigurationType: 'PipelineComponent' } });
    expect(plan.warnings).toEqual([expect.stringMatching(/^'model' is accepted in a pipeline deployment but not sent/), expect.stringMatching(/^'environment_variables' is accepted/)]);
  });
});
