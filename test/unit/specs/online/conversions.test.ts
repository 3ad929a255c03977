import { assetRefId, parseAssetRef } from '../../../../shared/src/specs/online/asset-refs';
import { camelToSnake, snakeToPascal } from '../../../../shared/src/specs/online/casing';
import { msToIsoDuration, secondsToIsoDuration } from '../../../../shared/src/specs/online/iso-duration';
import { endpointNameProblem } from '../../../../shared/src/specs/common/names';
import { trafficProblems } from '../../../../shared/src/specs/online/traffic';

describe('ISO-8601 durations as isodate writes them', () => {
  test.each([
    [5000, 'PT5S'],
    [500, 'PT0.5S'],
    [90000, 'PT1M30S'],
    [3600000, 'PT1H'],
    [86400000, 'P1D'],
    [90061001, 'P1DT1H1M1.001S'],
    [1250, 'PT1.25S'],
  ])('%i ms → %s', (ms, iso) => expect(msToIsoDuration(ms)).toBe(iso));
  test.each([
    [2, 'PT2S'],
    [30, 'PT30S'],
    [60, 'PT1M'],
    [90, 'PT1M30S'],
    [86400, 'P1D'],
  ])('%i s → %s', (s, iso) => expect(secondsToIsoDuration(s)).toBe(iso));
  test('0 gives no value (the SDK drops it)', () => {
    expect(msToIsoDuration(0)).toBeUndefined();
    expect(secondsToIsoDuration(0)).toBeUndefined();
  });
});

describe('names and casing', () => {
  test.each(['abc', 'Blue-2', 'a'.repeat(32)])('%s is a valid online name', (n) => expect(endpointNameProblem(n, 'endpoint')).toBeUndefined());
  test.each([
    ['ab', /at least 3 and at most 32/],
    ['a'.repeat(33), /at least 3 and at most 32/],
    ['1abc', /must start with/],
    ['abc-', /must start with/],
    ['my_dep', /must start with/],
  ])('%s is refused', (n, why) => expect(endpointNameProblem(n, 'deployment')).toMatch(why));
  test('camel_to_snake keeps capital runs together; snake_to_pascal', () => {
    expect(camelToSnake('AMLToken')).toBe('aml_token');
    expect(camelToSnake('AADToken')).toBe('aad_token');
    expect(camelToSnake('TargetUtilization')).toBe('target_utilization');
    expect(snakeToPascal('system_assigned')).toBe('SystemAssigned');
  });
});

describe('asset references', () => {
  const scope = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' };
  test('azureml:name:version → the workspace ARM id', () => {
    const r = parseAssetRef('azureml:churn:3', 'models');
    expect(r).toEqual({ ref: { form: 'version', name: 'churn', version: '3' } });
    expect(assetRefId((r as { ref: never }).ref, scope, 'models')).toBe(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/churn/versions/3',
    );
  });
  test('labels: latest (and for models an alias), never for code', () => {
    expect(parseAssetRef('azureml:churn@champion', 'models')).toEqual({ ref: { form: 'label', name: 'churn', label: 'champion' } });
    expect(parseAssetRef('azureml:churn@bad label', 'models')).toMatchObject({ problem: expect.stringMatching(/only the label 'latest'/) });
    expect(parseAssetRef('azureml:env@latest', 'environments')).toEqual({ ref: { form: 'label', name: 'env', label: 'latest' } });
    expect(parseAssetRef('azureml:env@prod', 'environments')).toMatchObject({ problem: expect.stringMatching(/only the label 'latest'/) });
    expect(parseAssetRef('azureml:code@latest', 'codes')).toMatchObject({ problem: expect.stringMatching(/not resolved for code/) });
  });
  test('registry URIs pass through, except for Kubernetes', () => {
    const uri = 'azureml://registries/azureml/models/phi/versions/4';
    expect(parseAssetRef(uri, 'models')).toEqual({ ref: { form: 'id', id: uri } });
    expect(parseAssetRef(uri, 'models', { kubernetes: true })).toMatchObject({ problem: expect.stringMatching(/not supported for K8SDeployment/) });
    expect(parseAssetRef(uri, 'environments')).toMatchObject({ problem: expect.stringMatching(/not to an environment/) });
  });
  test('ARM ids need azureml:, curated environments are kept verbatim', () => {
    const arm = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/codes/c/versions/1';
    expect(parseAssetRef(`azureml:${arm}`, 'codes')).toEqual({ ref: { form: 'id', id: arm } });
    expect(parseAssetRef(arm, 'codes')).toMatchObject({ problem: expect.stringMatching(/needs the 'azureml:' prefix/) });
    expect(parseAssetRef('azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest', 'environments')).toEqual({
      ref: { form: 'id', id: 'azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest' },
    });
  });
  test('no version, no prefix, or a local path', () => {
    expect(parseAssetRef('azureml:churn', 'models')).toMatchObject({ problem: expect.stringMatching(/Version must be provided/) });
    expect(parseAssetRef('churn:3', 'models')).toMatchObject({ problem: expect.stringMatching(/without the 'azureml:' prefix/) });
    expect(parseAssetRef('./model', 'models')).toEqual({ notRef: true });
  });
});

describe('traffic rules', () => {
  test('sum 0 or 100', () => {
    expect(trafficProblems({})).toEqual([]);
    expect(trafficProblems({ blue: 100 })).toEqual([]);
    expect(trafficProblems({ blue: 60, green: 30 })[0]!.message).toMatch(/sum to 90; they must sum to 100/);
  });
  test('whole percentages in range', () => {
    expect(trafficProblems({ blue: 100.5 }).map((p) => p.message).join()).toMatch(/whole percentage from 0 to 100/);
    expect(trafficProblems({ blue: 100 }, { green: 60 })[0]).toMatchObject({ map: 'mirror_traffic', deployment: 'green', message: expect.stringMatching(/0 to 50/) });
  });
  test('one mirror target, never one with live traffic', () => {
    expect(trafficProblems({ blue: 100 }, { green: 10, red: 10 })[0]!.message).toMatch(/at most one deployment/);
    expect(trafficProblems({ blue: 100 }, { blue: 10 })[0]).toMatchObject({ deployment: 'blue', message: expect.stringMatching(/both live traffic/) });
  });
});
