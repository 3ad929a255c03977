import { StepError } from '../../../shared/src/core/errors';
import { describeModelReference, parseModelReference, type ParseReferenceOptions } from '../../../shared/src/promote/model-reference';

const SUB = '00000000-0000-0000-0000-000000000001';
const GUID = '5b1c3e8a-1111-4c2d-9e0f-123456789abc';

function rejected(text: string, opts: ParseReferenceOptions = {}): StepError {
  try {
    parseModelReference(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).kind).toBe('input');
    return e as StepError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe('parseModelReference', () => {
  test.each([
    ['credit:3', { kind: 'workspace', name: 'credit', version: '3' }],
    ['azureml:credit:3', { kind: 'workspace', name: 'credit', version: '3' }],
    ['AzureML:credit_model-v2:2026.07.1', { kind: 'workspace', name: 'credit_model-v2', version: '2026.07.1' }],
    ['azureml:credit@latest', { kind: 'workspace', name: 'credit', label: 'latest' }],
    ['credit@champion', { kind: 'workspace', name: 'credit', label: 'champion' }],
    [
      `azureml://locations/westeurope/workspaces/${GUID}/models/credit/versions/3`,
      { kind: 'workspace-asset', location: 'westeurope', workspaceId: GUID, name: 'credit', version: '3' },
    ],
    [
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/credit/versions/3`,
      { kind: 'workspace-arm', subscriptionId: SUB, resourceGroup: 'rg', workspace: 'ws', name: 'credit', version: '3' },
    ],
    [
      `azureml:/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/models/credit/versions/3/`,
      { kind: 'workspace-arm', subscriptionId: SUB, resourceGroup: 'rg', workspace: 'ws', name: 'credit', version: '3' },
    ],
    [
      `azureml://subscriptions/${SUB}/resourcegroups/rg/workspaces/ws/models/credit/versions/3`,
      { kind: 'workspace-arm', subscriptionId: SUB, resourceGroup: 'rg', workspace: 'ws', name: 'credit', version: '3' },
    ],
    ['azureml://registries/mlr-shared/models/credit/versions/3', { kind: 'registry', registry: 'mlr-shared', name: 'credit', version: '3' }],
    ['azureml://registries/mlr-shared/models/credit/labels/latest', { kind: 'registry', registry: 'mlr-shared', name: 'credit', label: 'latest' }],
    [
      `/subscriptions/${SUB}/resourceGroups/rg-reg/providers/Microsoft.MachineLearningServices/registries/mlr-shared/models/credit/versions/3`,
      { kind: 'registry', registry: 'mlr-shared', name: 'credit', version: '3', subscriptionId: SUB, resourceGroup: 'rg-reg' },
    ],
    ['  azureml:credit:3\n', { kind: 'workspace', name: 'credit', version: '3' }],
  ])('%s', (text, expected) => {
    expect(parseModelReference(text)).toEqual(expected);
  });

  test('a bare name takes the separate version input', () => {
    expect(parseModelReference('credit', { version: '7' })).toEqual({ kind: 'workspace', name: 'credit', version: '7' });
    expect(parseModelReference('azureml:credit:7', { version: '7' })).toEqual({ kind: 'workspace', name: 'credit', version: '7' });
    expect(parseModelReference(`azureml://registries/r01/models/credit/versions/7`, { version: '7' })).toMatchObject({ kind: 'registry', version: '7' });
  });

  test('a bare name without a version says how to give one', () => {
    const e = rejected('credit', { input: 'model', versionInput: 'model-version' });
    expect(e.message).toBe("Input 'model': 'credit' has no version");
    expect(e.input).toBe('model');
    expect(e.hint).toBe("Give input 'model-version', or write 'azureml:credit:<version>' or 'azureml:credit@latest'.");
  });

  test('a version in the reference and a different separate version conflict, naming both inputs', () => {
    const e = rejected('azureml:credit:3', { input: 'source-model', version: '4', versionInput: 'source-version' });
    expect(e.message).toBe("Input 'source-model' names version 3 but input 'source-version' says 4");
    expect(e.input).toBe('source-version');
    expect(rejected(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/credit/versions/3`, { version: '4' }).message).toMatch(/names version 3 but input 'model-version' says 4/);
    expect(rejected('credit@latest', { version: '4' }).message).toMatch(/asks for @latest but input 'model-version' gives version 4/);
  });

  test.each([
    ['', /is empty/],
    ['azureml:', /has no model name|is empty|has no version/],
    ['credit:', /has nothing after ':'/],
    ['credit@', /has nothing after '@'/],
    [':3', /has no model name/],
    ['cred it:3', /'cred it' is not a valid model name/],
    ['-credit:3', /'-credit' is not a valid model name/],
    ['credit:3:4', /expected at most one ':'/],
    ['credit@latest:3', /has both a label and a version/],
    ['credit@9lives', /'@9lives' is not a valid label/],
    ['credit:v 1', /'v 1' is not a valid model version/],
    ['azureml://registries/r/models/credit/versions/3', /'r' is not a valid registry name/],
    ['azureml://locations/westeurope/workspaces/ws/models/credit/versions/3', /'ws' is not a workspace GUID/],
    ['azureml://jobs/abc/outputs/model', /cannot read 'azureml:\/\/jobs\/abc\/outputs\/model' as a model version id/],
    ['/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/credit', /cannot read/],
  ])('%s is rejected', (text, reason) => {
    const e = rejected(text, { input: 'model' });
    expect(e.message).toMatch(/^Input 'model'/);
    expect(e.message).toMatch(reason);
  });

  test('errors name the input given', () => {
    expect(rejected('a b', { input: 'source' }).input).toBe('source');
    expect(rejected('a b').message).toMatch(/^Input 'model': /);
  });

  test('describeModelReference', () => {
    expect(describeModelReference(parseModelReference('credit:3'))).toBe('azureml:credit:3');
    expect(describeModelReference(parseModelReference('credit@champion'))).toBe('azureml:credit@champion');
    expect(describeModelReference(parseModelReference('azureml://registries/mlr-shared/models/credit/labels/latest'))).toBe('azureml://registries/mlr-shared/models/credit/labels/latest');
    expect(describeModelReference(parseModelReference(`azureml://subscriptions/${SUB}/resourcegroups/rg/workspaces/ws/models/credit/versions/3`))).toBe("credit:3 in workspace 'ws' (resource group 'rg')");
  });
});
