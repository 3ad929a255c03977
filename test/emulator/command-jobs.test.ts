// Command jobs (workspaces/jobs, jobType Command): bodies refused with the service's shapes, the run (code and
// inputs from the blob store, the command with local paths, outputs uploaded), failures, cancel, immutability.
import { ContainerClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { sleep, startTestEmulator, type TestEmulator } from './harness';
import { computeId } from './batch-helpers';
import { batchWorld, ds, readBlob, upload } from './batch-job-helpers';

let t: TestEmulator;
let container: ContainerClient;
let env: string;
let code: string;

const job = (name: string) => `${t.wsPath}/jobs/${name}`;

// The job's program: copies the input to the output folder with a line count; fails or sleeps on request.
const PROGRAM = `
const fs = require('fs'), path = require('path');
const [,, mode, input, out] = process.argv;
console.log('reading ' + path.basename(input));
if (mode === 'fail') { console.error('something broke'); console.error('column x is missing'); process.exit(3); }
if (mode === 'sleep') setTimeout(() => {}, 60000);
else { fs.mkdirSync(out, { recursive: true }); fs.writeFileSync(path.join(out, 'result.json'), JSON.stringify({ lines: fs.readFileSync(input, 'utf8').trim().split('\\n').length, env: process.env.GREETING })); }
`;

function body(extra: Record<string, unknown> = {}, command = 'node main.js copy ${{inputs.data}} ${{outputs.result}}') {
  return {
    properties: {
      jobType: 'Command',
      command,
      codeId: code,
      environmentId: env,
      computeId: computeId(t),
      experimentName: 'staging-checks',
      environmentVariables: { GREETING: 'hi' },
      inputs: { data: { jobInputType: 'uri_file', uri: ds('jobs/in/data.csv') } },
      outputs: { result: { jobOutputType: 'uri_folder' } },
      ...extra,
    },
  };
}

async function ended(name: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 0; i < 200; i++) {
    const r = await t.arm('GET', job(name));
    if (['Completed', 'Failed', 'Canceled'].includes(r.json.properties.status)) return r.json;
    await sleep(100);
  }
  throw new Error(`job ${name} did not end`);
}

beforeAll(async () => {
  const w = await batchWorld();
  t = w.t;
  container = w.container;
  await upload(container, 'jobs/code', { 'main.js': PROGRAM });
  await upload(container, 'jobs/in', { 'data.csv': 'a\n1\n2\n3\n' });
  env = `${t.wsPath}/environments/node-env/versions/1`;
  code = `${t.wsPath}/codes/job-code/versions/1`;
  expect((await t.arm('PUT', env, { properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04', condaFile: 'dependencies: [nodejs]' } })).status).toBe(201);
  expect((await t.arm('PUT', code, { properties: { codeUri: ds('jobs/code') } })).status).toBe(201);
}, 120_000);

afterAll(() => t?.stop());

describe('command jobs', () => {
  test('a job runs: NotStarted at submit, then Completed with its output under the default output path and its log in the artifact store', async () => {
    const put = await t.arm('PUT', job('copy-1'), body());
    expect(put.status).toBe(201);
    expect(put.json.properties.status).toBe('NotStarted');
    expect(put.json.properties.outputs.result.uri).toBe('azureml://datastores/workspaceblobstore/paths/azureml/copy-1/result/');
    expect(put.json.properties.services.Studio.endpoint).toMatch(/^https:\/\/ml\.azure\.com\/runs\/copy-1\?/);
    const done = await ended('copy-1');
    expect(done.properties.status).toBe('Completed');
    expect(JSON.parse((await readBlob(container, 'azureml/copy-1/result/result.json'))!)).toEqual({ lines: 4, env: 'hi' });
    const list = await t.arm('GET', `${t.wsPath}/jobs`);
    expect(list.json.value.map((j: { name: string }) => j.name)).toContain('copy-1');
    const artifacts = (await t.arm('GET', `${t.wsPath}/datastores/workspaceartifactstore`)).json.properties;
    const store = new ContainerClient(container.url.replace(/[^/]+$/, artifacts.containerName), container.credential as StorageSharedKeyCredential);
    const log = await readBlob(store, 'ExperimentRun/dcid.copy-1/user_logs/std_log.txt');
    expect(log).toMatch(/reading data\.csv/);
    expect(log).toMatch(/Output 'result': uploaded azureml\/copy-1\/result\/result\.json/);
  }, 60_000);

  test('a failing command ends Failed with UserError and the last stderr lines', async () => {
    expect((await t.arm('PUT', job('fail-1'), body({}, 'node main.js fail ${{inputs.data}} ${{outputs.result}}'))).status).toBe(201);
    const done = await ended('fail-1');
    expect(done.properties.status).toBe('Failed');
    expect(done.properties.error.code).toBe('UserError');
    expect(done.properties.error.message).toMatch(/exited with code 3: something broke\ncolumn x is missing$/);
  }, 60_000);

  test('cancel stops a running job', async () => {
    expect((await t.arm('PUT', job('sleep-1'), body({}, 'node main.js sleep ${{inputs.data}} ${{outputs.result}}'))).status).toBe(201);
    for (let i = 0; i < 100 && (await t.arm('GET', job('sleep-1'))).json.properties.status !== 'Running'; i++) await sleep(100);
    expect((await t.arm('GET', job('sleep-1'))).json.properties.status).toBe('Running');
    expect((await t.arm('POST', `${job('sleep-1')}/cancel`)).status).toBe(202);
    expect((await ended('sleep-1')).properties.status).toBe('Canceled');
    expect((await t.arm('POST', `${t.wsPath}/jobs/nope/cancel`)).status).toBe(404);
  }, 60_000);

  test('bad bodies are refused with UserError and a BadArgument / NotFound detail', async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ['no-command', body({ command: '' }), 'BadArgument', /'command' is required/],
      ['no-env', body({ environmentId: undefined }), 'BadArgument', /'environmentId' is required/],
      ['no-compute', body({ computeId: undefined }), 'BadArgument', /'computeId' is required/],
      ['bad-compute', body({ computeId: computeId(t, 'no-such-cluster') }), 'NotFound', /Compute 'no-such-cluster' was not found/],
      ['sweep', body({ jobType: 'Sweep' }), 'BadArgument', /jobType 'Sweep' is not supported/],
      ['bad-ref', body({}, 'node main.js ${{inputs.other}}'), 'BadArgument', /no input named 'other'/],
      ['bad-input', body({ inputs: { data: { jobInputType: 'mltable', uri: ds('x') } } }), 'BadArgument', /jobInputType 'mltable'/],
    ];
    for (const [name, b, detail, message] of cases) {
      const r = await t.arm('PUT', job(name), b);
      expect([name, r.status]).toEqual([name, 400]);
      expect(r.json.error.code).toBe('UserError');
      expect(r.json.error.message).toMatch(message);
      expect(r.json.error.details[0].code).toBe(detail);
      expect((await t.arm('GET', job(name))).status).toBe(404);
    }
  });

  test('a job cannot be changed once submitted; the same definition only replaces its tags', async () => {
    expect((await t.arm('PUT', job('fixed-1'), body({}, 'node main.js sleep ${{inputs.data}} ${{outputs.result}}'))).status).toBe(201);
    const same = await t.arm('PUT', job('fixed-1'), { ...body({}, 'node main.js sleep ${{inputs.data}} ${{outputs.result}}'), tags: { a: 'b' } });
    expect(same.status).toBe(200);
    const changed = await t.arm('PUT', job('fixed-1'), body({}, 'node main.js copy ${{inputs.data}} ${{outputs.result}}'));
    expect(changed.status).toBe(400);
    expect(changed.json.error.message).toMatch(/already exists and its definition cannot be changed \(command differ\)/);
    await t.arm('POST', `${job('fixed-1')}/cancel`);
    expect((await ended('fixed-1')).properties.status).toBe('Canceled');
  }, 60_000);

  test('the state is shared: a job submitted to one emulator instance is seen running, and cancelled, through another on the same state directory', async () => {
    // Both instances live in this one test process: the second uses the first's Azurite (as a second emulator process
    // would), instead of starting one of its own on the same data folder.
    const other = await startTestEmulator({ stateDir: t.stateDir, azurite: false, lroDurationMs: 300 });
    try {
      const at = (e: TestEmulator, name: string) => `${e.wsPath}/jobs/${name}`;
      expect((await t.arm('PUT', at(t, 'shared-1'), body({}, 'node main.js sleep ${{inputs.data}} ${{outputs.result}}'))).status).toBe(201);
      let status = '';
      for (let i = 0; i < 100 && status !== 'Running'; i++, await sleep(100)) status = (await other.arm('GET', at(other, 'shared-1'))).json.properties.status;
      expect(status).toBe('Running');
      expect((await other.arm('POST', `${at(other, 'shared-1')}/cancel`)).status).toBe(202);
      expect((await ended('shared-1')).properties.status).toBe('Canceled');
      expect((await other.arm('GET', `${other.wsPath}/jobs`)).json.value.map((j: { name: string }) => j.name)).toEqual(expect.arrayContaining(['shared-1', 'copy-1']));
    } finally {
      await other.stop();
    }
  }, 60_000);
});
