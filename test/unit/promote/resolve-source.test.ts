import { StepError } from '../../../shared/src/core/errors';
import { parseModelReference } from '../../../shared/src/promote/model-reference';
import { resolveWorkspaceSource } from '../../../shared/src/promote/resolve-source';
import { testClient } from '../azureml/helpers';
import { REG_SUB, WS_GUID } from './fake-azureml';
import { useFakeAzureMl } from './fixtures';

const ml = useFakeAzureMl((fake) => {
  fake.addWorkspaceVersion('credit', '1', { tags: { 'alias.prod': 'x' } });
  fake.addWorkspaceVersion('credit', '2');
});

const resolve = (text: string) => {
  const client = testClient(ml.server);
  return resolveWorkspaceSource(parseModelReference(text), { client, resourceGroup: 'rg', workspace: 'ws' });
};

test('name:version, @latest and @<alias> in the step workspace', async () => {
  expect(await resolve('credit:7')).toMatchObject({ resourceGroup: 'rg', workspace: 'ws', name: 'credit', version: '7' });
  expect((await resolve('azureml:credit@latest')).version).toBe('2');
  expect((await resolve('credit@prod')).version).toBe('1');
  const e = (await resolve('credit@staging').catch((x: unknown) => x)) as StepError;
  expect(e.kind).toBe('not-found');
  expect(e.message).toBe("Input 'model': azureml:credit@staging matches no version in workspace 'ws' (resource group 'rg').");
  expect(e.hint).toBe("No version carries the tag 'alias.staging'.");
});

test('an ARM id in another subscription gets a client for it', async () => {
  const src = await resolve(`/subscriptions/${REG_SUB}/resourceGroups/rg2/providers/Microsoft.MachineLearningServices/workspaces/ws2/models/credit/versions/3`);
  expect(src).toMatchObject({ resourceGroup: 'rg2', workspace: 'ws2', name: 'credit', version: '3' });
  expect(src.client.subscriptionId).toBe(REG_SUB);
});

test('an azureml://locations id must be the step workspace', async () => {
  expect(await resolve(`azureml://locations/westeurope/workspaces/${WS_GUID.toUpperCase()}/models/credit/versions/2`)).toMatchObject({ workspace: 'ws', version: '2' });
  const other = '99999999-1111-4c2d-9e0f-123456789abc';
  const e = (await resolve(`azureml://locations/westeurope/workspaces/${other}/models/credit/versions/2`).catch((x: unknown) => x)) as StepError;
  expect(e.kind).toBe('input');
  expect(e.message).toMatch(new RegExp(`is in workspace ${other}, not in workspace 'ws' \\(${WS_GUID}\\)`));
});

test('a registry reference says it is already in a registry', async () => {
  const e = (await resolve('azureml://registries/mlr-shared/models/credit/versions/2').catch((x: unknown) => x)) as StepError;
  expect(e.kind).toBe('input');
  expect(e.message).toBe("Input 'model': azureml://registries/mlr-shared/models/credit/versions/2 is already in registry 'mlr-shared'; there is nothing to promote.");
});
