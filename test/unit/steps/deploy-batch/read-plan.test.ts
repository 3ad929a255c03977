import { join } from 'node:path';
import { startDeadline } from '../../../../shared/src/core/deadline';
import { deployBatchStep } from '../../../../shared/src/steps/deploy-batch/definition';
import { readDeployBatchPlan } from '../../../../shared/src/steps/deploy-batch/read-plan';
import { StepInputs } from '../../../../shared/src/steps/inputs';
import { RecordingHost } from '../recording-host';
import { caught } from '../../specs/online/helpers';

const FIXTURES = join(__dirname, '..', '..', '..', 'e2e', 'fixtures', 'deploy-batch');
const base = { 'resource-group': 'rg', workspace: 'ws', 'endpoint-name': 'credit-batch', 'deployment-file': join(FIXTURES, 'deployment.yml') };

function plan(values: Record<string, string>) {
  const host = new RecordingHost('github', { ...base, ...values });
  return readDeployBatchPlan({ host, inputs: new StepInputs(deployBatchStep, host), deadline: startDeadline(60_000) });
}

test('test-input: a local folder, a data asset, a datastore URI, an https URL', () => {
  expect(plan({ 'test-input': join(FIXTURES, 'sample') }).test).toEqual({ kind: 'local', path: join(FIXTURES, 'sample'), folder: true });
  expect(plan({ 'test-input': join(FIXTURES, 'expected.csv') }).test).toMatchObject({ kind: 'local', folder: false });
  expect(plan({ 'test-input': 'azureml:applicants:3' }).test).toEqual({ kind: 'data', name: 'applicants', version: '3' });
  expect(plan({ 'test-input': 'azureml://datastores/workspaceblobstore/paths/samples/' }).test).toEqual({ kind: 'uri', uri: 'azureml://datastores/workspaceblobstore/paths/samples/', folder: true });
  expect(plan({ 'test-input': 'https://example.org/data/a.csv' }).test).toMatchObject({ kind: 'uri', folder: false });
});

test.each([
  [{ 'test-input': 's3://bucket/x' }, 'test-input', /is not a local path, an azureml:<name>:<version> data asset/],
  [{ 'test-input': '/no/such/folder' }, 'test-input', /does not exist/],
  [{ 'expected-output': join(FIXTURES, 'expected.csv') }, 'test-input', /'expected-output' needs 'test-input'/],
  [{ 'compare-with-default': 'true' }, 'test-input', /'compare-with-default' needs 'test-input'/],
  [{ 'test-input': join(FIXTURES, 'sample'), comparison: 'agreement >= 90%' }, 'comparison', /apply to the challenger run/],
  [{ 'test-input': join(FIXTURES, 'sample'), 'compare-with-default': 'true', comparison: 'more is better' }, 'comparison', /line 1: 'more is better' is not a rule/],
  [{ 'test-input': join(FIXTURES, 'sample'), tolerance: '-1' }, 'tolerance', /must be a number ≥ 0/],
])('%j is refused naming %s', (values, input, message) => {
  const e = caught(() => plan(values));
  expect(e.input).toBe(input);
  expect(e.message).toMatch(message);
});

test('the challenger rules default to full agreement', () => {
  expect(plan({ 'test-input': join(FIXTURES, 'sample'), 'compare-with-default': 'true' }).rules).toEqual([{ text: 'agreement >= 100%', metric: 'agreement', op: '>=', value: 1 }]);
});
