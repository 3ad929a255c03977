import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { baseEnv, runAdoTask, type AdoRun, type AdoServiceConnectionSpec } from '../../../shared/cli/runners';
import { FIXTURES, tsChildNodeOptions } from './fixtures/ts-child';

// AzureDevOpsHost on the real azure-pipelines-task-lib, in a child process launched the way the agent launches a
// task (task-lib moves INPUT_* and ENDPOINT_AUTH_* variables into its vault when it is first imported).

const PROBE = join(FIXTURES, 'ado-probe.ts');
const SP_KEY = 'spKey~8Qx-not-a-real-secret-3d9c1b';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1Qi.not-a-real-system-token.x9';

function servicePrincipal(id = 'c0a5d3e2-1111-4c4c-9d9d-aa00bb11cc22'): AdoServiceConnectionSpec {
  return {
    id,
    scheme: 'ServicePrincipal',
    parameters: { tenantid: 'tenant-1', serviceprincipalid: 'app-1', serviceprincipalkey: SP_KEY, authenticationType: 'spnKey' },
    data: {
      subscriptionId: 'sub-1',
      environment: 'AzureCloud',
      environmentAuthorityUrl: 'https://login.example.test/',
      activeDirectoryServiceEndpointResourceId: 'https://management.example.test/',
    },
    url: 'https://management.example.test/',
  };
}

type Probe = AdoRun & { seen: Record<string, any> };

async function run(
  inputs: Record<string, string>,
  connection: AdoServiceConnectionSpec | undefined,
  env: Record<string, string> = {},
  accessToken?: string,
): Promise<Probe> {
  const result = join(mkdtempSync(join(tmpdir(), 'ado-probe-')), 'seen.json');
  const r = await runAdoTask(PROBE, inputs, connection, baseEnv({ NODE_OPTIONS: tsChildNodeOptions(), PROBE_RESULT: result, ...env }), accessToken);
  let seen: Record<string, any> = {};
  try {
    seen = JSON.parse(readFileSync(result, 'utf8')) as Record<string, any>;
  } catch {
    // the step failed before it recorded anything
  }
  return { ...r, seen };
}

/** Every line of the task's output that contains the value, other than the command that registers it. */
function leaks(r: AdoRun, value: string): string[] {
  return [...r.stdout.split('\n'), ...r.stderr.split('\n')].filter((l) => l.includes(value) && !l.startsWith('##vso[task.setsecret]'));
}

describe('AzureDevOpsHost under the real azure-pipelines-task-lib', () => {
  let ok: Probe;
  beforeAll(async () => {
    ok = await run({ modelName: 'churn', notes: 'first\nsecond' }, servicePrincipal(), {
      SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
      SYSTEM_TEAMPROJECT: 'ML Ops',
      BUILD_BUILDID: '77',
      BUILD_SOURCEVERSION: 'abc123',
      BUILD_REPOSITORY_NAME: 'models',
      BUILD_SOURCEBRANCH: 'refs/heads/main',
      BUILD_REQUESTEDFOR: 'Ada',
    }, ACCESS_TOKEN);
  });

  test('reads camelCase INPUT_* inputs and succeeds', () => {
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(ok.result).toBeUndefined();
    expect(ok.seen.name).toBe('churn');
    expect(ok.seen.notes).toBe('first\nsecond');
  });

  test('records the run context with the build results URL and the project work items go to', () => {
    expect(ok.seen.run).toEqual({
      system: 'azure-devops',
      repository: 'models',
      commit: 'abc123',
      ref: 'refs/heads/main',
      actor: 'Ada',
      runUrl: 'https://dev.azure.com/contoso/ML%20Ops/_build/results?buildId=77',
      project: { collectionUri: 'https://dev.azure.com/contoso/', name: 'ML Ops' },
    });
  });

  test('reads the azureSubscription service connection from the ENDPOINT_* variables', () => {
    expect(ok.seen.connection).toEqual({
      id: 'c0a5d3e2-1111-4c4c-9d9d-aa00bb11cc22',
      scheme: 'ServicePrincipal',
      tenantId: 'tenant-1',
      servicePrincipalId: 'app-1',
      servicePrincipalKey: SP_KEY,
      authenticationType: 'spnKey',
      subscriptionId: 'sub-1',
      environment: 'AzureCloud',
      resourceManagerUrl: 'https://management.example.test/',
      authorityHost: 'https://login.example.test/',
      resourceManagerAudience: 'https://management.example.test/',
      systemAccessToken: ACCESS_TOKEN,
    });
  });

  test('the connection key and the job access token are registered with task.setsecret and printed nowhere else', () => {
    const setsecret = ok.commands.filter((c) => c.area === 'task.setsecret').map((c) => c.message);
    expect(setsecret).toEqual(expect.arrayContaining([SP_KEY, ACCESS_TOKEN]));
    expect(leaks(ok, SP_KEY)).toEqual([]);
    expect(leaks(ok, ACCESS_TOKEN)).toEqual([]);
    // the step printed the whole connection: the host masked it
    const line = ok.stdout.split('\n').find((l) => l.startsWith('connection: '));
    expect(line).toContain('"servicePrincipalKey":"***"');
    expect(line).toContain('"systemAccessToken":"***"');
    expect(ok.summary).not.toContain(SP_KEY);
  });

  test('outputs are task.setvariable commands with isOutput=true and camelCase names', () => {
    const set = ok.commands.filter((c) => c.area === 'task.setvariable');
    expect(set).toContainEqual({ area: 'task.setvariable', properties: { variable: 'modelName', isOutput: 'true', issecret: 'false' }, message: 'churn' });
    expect(ok.outputs).toEqual({ modelName: 'churn', notes: 'first\nsecond' });
  });

  test('the summary is a Markdown file in the agent temp directory, uploaded with task.uploadsummary', () => {
    const uploads = ok.commands.filter((c) => c.area === 'task.uploadsummary').map((c) => c.message);
    expect(uploads).toHaveLength(2);
    expect(new Set(uploads).size).toBe(2);
    const dirs = new Set(uploads.map((f) => dirname(f)));
    expect(dirs.size).toBe(1);
    expect([...dirs][0]).toMatch(/ado-agent-/);
    expect(readFileSync(uploads[0], 'utf8')).toBe('## Probe summary\n\nname **churn**\n');
    expect(readFileSync(uploads[1], 'utf8')).toBe('second part\n');
  });

  test('warnings with a location become task.logissue with sourcepath, linenumber and columnnumber', () => {
    expect(ok.commands).toContainEqual({
      area: 'task.logissue',
      properties: { type: 'warning', sourcepath: 'models/model.yml', linenumber: '3', columnnumber: '7' },
      message: 'careful',
    });
    expect(ok.commands).toContainEqual({ area: 'task.logissue', properties: { type: 'error' }, message: 'plain error without a location' });
  });

  test('groups use ##[group] / ##[endgroup]', () => {
    const lines = ok.stdout.split('\n');
    const start = lines.indexOf('##[group]a group');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start + 1).find((l) => !l.startsWith('##vso[task.debug]'))).toBe('inside the group');
    expect(lines).toContain('##[endgroup]');
  });

  test('output values survive the agent escaping of %, ;, ], CR and LF', async () => {
    const tricky = '100% sure; [x]=y] %0A literal %25 %AZP25\r\nnext line';
    const r = await run({ modelName: tricky, notes: tricky }, servicePrincipal());
    expect(r.exitCode).toBe(0);
    expect(r.outputs.modelName).toBe(tricky.replace(/^\s+|\s+$/g, ''));
    expect(r.outputs.notes).toBe(tricky);
  });

  test('missing required inputs are listed together with their ADO names; the task fails', async () => {
    const r = await run({}, undefined);
    expect(r.exitCode).not.toBe(0);
    expect(r.result).toBe('Failed');
    const complete = r.commands.find((c) => c.area === 'task.complete');
    expect(complete?.message).toMatch(/^Invalid input: Missing required inputs: azureSubscription, modelName\.\nWhat to do: /);
  });

  test('an input error names the camelCase input, is annotated at its file position, and completes as Failed', async () => {
    const r = await run({ modelName: 'churn', fail: 'input' }, servicePrincipal());
    expect(r.exitCode).not.toBe(0);
    expect(r.result).toBe('Failed');
    const message = "Invalid input: Input 'modelName' is not acceptable: churn\nWhat to do: Change 'modelName' in the file.";
    expect(r.commands).toContainEqual({
      area: 'task.logissue',
      properties: { type: 'error', sourcepath: 'models/model.yml', linenumber: '4', columnnumber: '2' },
      message,
    });
    expect(r.commands.filter((c) => c.area === 'task.complete')).toEqual([
      { area: 'task.complete', properties: { result: 'Failed' }, message },
    ]);
    // Exactly one error issue: the located one.
    expect(r.commands.filter((c) => (c.area === 'task.logissue' || c.area === 'task.issue') && c.message === message)).toHaveLength(1);
    expect(r.summary).toContain('### ❌ Probe failed');
  });

  test('an unexpected exception completes as Failed, reported as a bug with the stack only in task.debug', async () => {
    const r = await run({ modelName: 'churn', fail: 'bug' }, servicePrincipal());
    expect(r.result).toBe('Failed');
    const complete = r.commands.find((c) => c.area === 'task.complete');
    expect(complete?.message).toMatch(/^Unexpected error in aml-lifecycle probe \(this is a bug.*\): probe exploded$/);
    expect(r.commands.some((c) => c.area === 'task.debug' && c.message.startsWith('TypeError: probe exploded\n    at '))).toBe(true);
  });

  test('inputs fall back to AML_<NAME> environment variables', async () => {
    const r = await run({}, servicePrincipal(), { AML_MODEL_NAME: 'from-env' });
    expect(r.exitCode).toBe(0);
    expect(r.seen.name).toBe('from-env');
  });

  test('a certificate connection: the PEM is read whole, each of its lines is masked, nothing leaks', async () => {
    const body = randomBytes(144).toString('base64').match(/.{1,64}/g) ?? [];
    const pem = ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----', ''].join('\n');
    const conn = servicePrincipal();
    conn.parameters = { tenantid: 'tenant-1', serviceprincipalid: 'app-1', servicePrincipalCertificate: pem, authenticationType: 'spnCertificate' };
    const r = await run({ modelName: 'churn' }, conn, {}, ACCESS_TOKEN);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.seen.connection.servicePrincipalCertificate).toBe(pem);
    expect(r.seen.connection.authenticationType).toBe('spnCertificate');
    const setsecret = r.commands.filter((c) => c.area === 'task.setsecret').map((c) => c.message);
    for (const line of body) {
      expect(setsecret).toContain(line);
      expect(leaks(r, line)).toEqual([]);
    }
  });

  test('workload identity federation: the OIDC request URI and the job token come from the agent', async () => {
    const conn: AdoServiceConnectionSpec = {
      id: 'wif-1',
      scheme: 'WorkloadIdentityFederation',
      parameters: { tenantid: 'tenant-1', serviceprincipalid: 'app-1', workloadIdentityFederationSubject: 'sc://contoso/ML/wif-1' },
      data: { subscriptionId: 'sub-1', environment: 'AzureCloud' },
    };
    const r = await run({ modelName: 'churn' }, conn, { SYSTEM_OIDCREQUESTURI: 'https://oidc.example.test/request' }, ACCESS_TOKEN);
    expect(r.exitCode).toBe(0);
    expect(r.seen.connection).toMatchObject({
      id: 'wif-1',
      scheme: 'WorkloadIdentityFederation',
      tenantId: 'tenant-1',
      servicePrincipalId: 'app-1',
      systemAccessToken: ACCESS_TOKEN,
      oidcRequestUri: 'https://oidc.example.test/request',
    });
    expect(r.seen.connection.servicePrincipalKey).toBeUndefined();
    expect(leaks(r, ACCESS_TOKEN)).toEqual([]);
  });
});
