import { batchDeploymentContractProblems } from '../../../../shared/src/specs/batch/contract';

const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const model = {
  location: 'westeurope',
  tags: {},
  properties: {
    compute: `${ws}/computes/c`,
    model: { referenceType: 'Id', assetId: `${ws}/models/m/versions/1` },
    codeConfiguration: { codeId: `${ws}/codes/c/versions/1`, scoringScript: 'score.py' },
    environmentId: `${ws}/environments/e/versions/1`,
    environmentVariables: { A: 'b' },
    properties: {},
    resources: { instanceCount: 2, instanceType: 'Standard_DS3_v2', properties: { any: { nested: true } } },
    miniBatchSize: 10,
    maxConcurrencyPerInstance: 1,
    errorThreshold: -1,
    loggingLevel: 'Info',
    outputAction: 'AppendRow',
    outputFileName: 'predictions.csv',
    retrySettings: { maxRetries: 3, timeout: 'PT30S' },
  },
};
const withProps = (p: Record<string, unknown>) => ({ ...model, properties: { ...model.properties, ...p } });

describe('the batch deployment contract', () => {
  test('a model deployment body conforms; the SDK spellings (info, append row) compare case-insensitively', () => {
    expect(batchDeploymentContractProblems(model)).toEqual([]);
    expect(batchDeploymentContractProblems(withProps({ loggingLevel: 'info', outputAction: 'appendrow' }))).toEqual([]);
  });

  test('enums, integer ranges, durations and the output file rule', () => {
    expect(
      batchDeploymentContractProblems(
        withProps({ loggingLevel: 'verbose', outputAction: 'SummaryOnly', miniBatchSize: 0, maxConcurrencyPerInstance: 1.5, errorThreshold: -2, retrySettings: { maxRetries: -1, timeout: '30s' }, resources: { instanceCount: 0 } }),
      ),
    ).toEqual([
      'properties.resources.instanceCount: must be an int32 from 1 to 2147483647',
      `properties.miniBatchSize: must be an int64 from 1 to ${Number.MAX_SAFE_INTEGER}`,
      'properties.maxConcurrencyPerInstance: must be an int32 from 1 to 2147483647',
      'properties.errorThreshold: must be an int32 from -1 to 2147483647',
      'properties.loggingLevel: must be one of Info, Warning, Debug',
      'properties.outputFileName: is only for the AppendRow output action',
      'properties.retrySettings.maxRetries: must be an int32 from 0 to 2147483647',
      'properties.retrySettings.timeout: must be an ISO-8601 duration',
    ]);
  });

  test('asset references: a referenceType, and the fields of that type', () => {
    expect(batchDeploymentContractProblems(withProps({ model: `${ws}/models/m/versions/1` }))).toEqual(['properties.model: must be an object']);
    expect(batchDeploymentContractProblems(withProps({ model: { assetId: 'x' } }))).toEqual(['properties.model.assetId: is not a property of the contract', 'properties.model.referenceType: is required']);
    expect(batchDeploymentContractProblems(withProps({ model: { referenceType: 'Id' } }))).toEqual(['properties.model.assetId: is required']);
    expect(batchDeploymentContractProblems(withProps({ model: { referenceType: 'DataPath', datastoreId: 'd', path: 'p' } }))).toEqual([]);
  });

  test('a pipeline deployment needs its component id; the configuration type is checked', () => {
    const pipeline = (config: unknown) => ({ location: 'x', tags: {}, properties: { deploymentConfiguration: config } });
    expect(batchDeploymentContractProblems(pipeline({ deploymentConfigurationType: 'PipelineComponent', componentId: { referenceType: 'Id', assetId: `${ws}/components/p/versions/1` }, settings: { a: 'b' } }))).toEqual([]);
    expect(batchDeploymentContractProblems(pipeline({ deploymentConfigurationType: 'PipelineComponent', settings: { retries: 2 } }))).toEqual([
      'properties.deploymentConfiguration.componentId: is required',
      'properties.deploymentConfiguration.settings.retries: must be a string',
    ]);
    expect(batchDeploymentContractProblems(pipeline({ deploymentConfigurationType: 'Job' }))).toEqual(['properties.deploymentConfiguration.deploymentConfigurationType: must be one of Model, PipelineComponent']);
    expect(batchDeploymentContractProblems(pipeline({ deploymentConfigurationType: 'Model', settings: {} }))).toEqual(['properties.deploymentConfiguration.settings: is not a property of the contract']);
  });

  test('the envelope: location required, unknown properties refused, scoring script not empty', () => {
    expect(batchDeploymentContractProblems({ tags: {}, properties: { instanceType: 'x', codeConfiguration: { scoringScript: '' } } })).toEqual([
      'location: is required',
      'properties.instanceType: is not a property of the contract',
      'properties.codeConfiguration.scoringScript: must be a string of at least 1 characters',
    ]);
    expect(batchDeploymentContractProblems({ location: 'x' })).toEqual(['properties: is required']);
  });
});
