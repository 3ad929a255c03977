/** The command job a run_on check becomes: the real CommandJob fields, the command, names and the default environment. */
import { checkJobBody, checkJobName, defaultEnvironmentVersion, environmentId, JOB_COMMAND } from '../../../../shared/src/steps/staging-checks/job-body';
import { defaultOutputUri, jobLogUri } from '../../../../shared/src/azureml/jobs';
import { checkJobProgramDir } from '../../../../shared/src/steps/staging-checks/job-program';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scope = { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', workspaceName: 'ws' };
const WS = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

test('the body is a CommandJob with the check-job command, ids, uri_file inputs and the default output path', () => {
  const body = checkJobBody(scope, { job: 'staging-drift-0a1b2c3d', check: 'drift', codeId: `${WS}/codes/c/versions/1`, environmentId: `${WS}/environments/e/versions/2`, compute: 'cpu-cluster', baseline: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/x/train.csv', target: 'azureml:staging:3' });
  expect(body.properties).toEqual({
    jobType: 'Command',
    displayName: 'staging check drift',
    description: "Staging check 'drift' run by aml-lifecycle staging-checks",
    experimentName: 'staging-checks',
    command: 'node index.js --spec spec.json --baseline ${{inputs.baseline}} --target ${{inputs.target}} --out ${{outputs.result}}',
    codeId: `${WS}/codes/c/versions/1`,
    environmentId: `${WS}/environments/e/versions/2`,
    computeId: `${WS}/computes/cpu-cluster`,
    inputs: {
      baseline: { jobInputType: 'uri_file', uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/x/train.csv', mode: 'ReadOnlyMount' },
      target: { jobInputType: 'uri_file', uri: 'azureml:staging:3', mode: 'ReadOnlyMount' },
    },
    outputs: { result: { jobOutputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/azureml/staging-drift-0a1b2c3d/result/', mode: 'ReadWriteMount' } },
    tags: { 'aml-lifecycle.check': 'drift' },
  });
  expect(JOB_COMMAND).toContain('${{outputs.result}}');
});

test('job names are unique per run, and check names with dots become valid job names', () => {
  expect(checkJobName('drift.v2', 'abcd1234')).toBe('staging-drift-v2-abcd1234');
  expect(checkJobName('d')).toMatch(/^staging-d-[0-9a-f]{8}$/);
  expect(checkJobName('d')).not.toBe(checkJobName('d'));
  expect(checkJobName('x'.repeat(64), '00000000').length).toBeLessThanOrEqual(65);
});

test('the default environment version follows its definition; ids and URIs are the service layouts', () => {
  expect(defaultEnvironmentVersion()).toMatch(/^[0-9a-f]{12}$/);
  expect(environmentId(scope, { name: 'n', version: '3' })).toBe(`${WS}/environments/n/versions/3`);
  expect(defaultOutputUri('j', 'result')).toBe('azureml://datastores/workspaceblobstore/paths/azureml/j/result/');
  expect(jobLogUri('j')).toBe('azureml://datastores/workspaceartifactstore/paths/ExperimentRun/dcid.j/user_logs/std_log.txt');
});

test('the program is found beside the bundle, else a plain error says to build', () => {
  const here = mkdtempSync(join(tmpdir(), 'bundle-'));
  expect(() => checkJobProgramDir({}, here)).toThrow(/check-job program \(check-job\/index\.js\) is not beside/);
  mkdirSync(join(here, 'check-job'));
  writeFileSync(join(here, 'check-job', 'index.js'), '');
  expect(checkJobProgramDir({}, here)).toBe(join(here, 'check-job'));
});
