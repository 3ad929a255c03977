/**
 * register-model end to end: the committed bundles run as the GitHub runner, the Azure DevOps agent and a terminal
 * run them, against the local emulator and Azurite, through the real credential, SDK, HTTP and polling code.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { githubIdTokenRequestUrl } from '../../shared/emulator/src/identity/github-oidc';
import { isArmWrite, JWT, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { agentEnv as agentEnvFor, Capture, cliEnv as cliEnvFor, githubEnv as githubEnvFor, modelFolder, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { packageTask } from '../../shared/cli/task-package';
import { registerModelStep } from '../../shared/src/steps/register-model/definition';

const ACTION = join(REPO, 'actions', 'register-model');
const TASK = packageTask(REPO, registerModelStep);
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);
const captured = capture.texts;

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.stop();
});

const workspace = () => workspaceInputs(t);
const githubEnv = () => githubEnvFor(t);

async function armWritesDuring(fn: () => Promise<unknown>): Promise<number> {
  const since = await t.control.lastSeq();
  await fn();
  return (await t.control.journal(since)).filter(isArmWrite).length;
}

describe('GitHub action (OIDC)', () => {
  test('registers a local folder, then a rerun with the same content writes nothing', async () => {
    const name = uniqueName();
    const inputs = { ...workspace(), 'model-name': name, 'model-path': modelFolder(), tags: 'team=risk' };
    const since = await t.control.lastSeq();
    const first = record(await runGitHubAction(ACTION, inputs, githubEnv()));
    expect(first.stderr + first.stdout).not.toMatch(/::error/);
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({ 'model-name': name, 'model-version': '1', 'model-ref': `azureml:${name}:1`, result: 'created' });
    expect(first.outputs['model-uri']).toMatch(
      new RegExp(`^azureml://subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${t.env.AML_RESOURCE_GROUP}/workspaces/${t.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/LocalUpload/[0-9a-f]+/`),
    );
    expect(first.summary).toContain(`${name}:1`);
    const puts = (await t.control.journal(since)).filter((e) => e.method === 'PUT' && e.path.endsWith(`/models/${name}/versions/1`));
    expect(puts).toHaveLength(1);
    expect(puts[0].requestBody).toMatchObject({ properties: { modelUri: first.outputs['model-uri'], tags: { team: 'risk' } } });

    let second!: Awaited<ReturnType<typeof runGitHubAction>>;
    const writes = await armWritesDuring(async () => {
      second = record(await runGitHubAction(ACTION, inputs, githubEnv()));
    });
    expect(second.exitCode).toBe(0);
    expect(second.outputs).toMatchObject({ 'model-version': '1', result: 'unchanged' });
    expect(second.stdout).toMatch(/already registered/);
    expect(writes).toBe(0);
  });

  test("the folder's .amlignore leaves its files out of the upload", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ignored-'));
    writeFileSync(join(folder, 'model.pkl'), randomBytes(64));
    writeFileSync(join(folder, 'scratch.tmp'), 'not part of the model');
    writeFileSync(join(folder, '.amlignore'), '*.tmp\n');
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': uniqueName(), 'model-path': folder }, githubEnv()));
    expect(r.exitCode).toBe(0);
    const uploaded = (await t.control.journal(since)).filter((e) => e.area === 'blob' && e.method === 'PUT').map((e) => decodeURIComponent(e.path.slice(e.path.lastIndexOf('/') + 1).split('?')[0]!));
    expect(uploaded).toContain('model.pkl');
    expect(uploaded.some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(r.stdout).toMatch(/\.amlignore/);
  });

  test('a changed model takes the next version; an explicit existing version with other content is refused', async () => {
    const name = uniqueName();
    const inputs = { ...workspace(), 'model-name': name };
    expect(record(await runGitHubAction(ACTION, { ...inputs, 'model-path': modelFolder() }, githubEnv())).exitCode).toBe(0);
    const next = record(await runGitHubAction(ACTION, { ...inputs, 'model-path': modelFolder() }, githubEnv()));
    expect(next.outputs).toMatchObject({ 'model-version': '2', result: 'created' });
    let refused!: Awaited<ReturnType<typeof runGitHubAction>>;
    const writes = await armWritesDuring(async () => {
      refused = record(await runGitHubAction(ACTION, { ...inputs, 'model-version': '1', 'model-path': modelFolder() }, githubEnv()));
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/::error.*version 1 already exists.*immutable/s);
    expect(writes).toBe(0);
  });

  test('a subject the federated credential does not trust is rejected with the AADSTS reason and nothing is sent to ARM', async () => {
    const world = await t.control.seed({ identity: { githubJobs: [{ id: 'fork', repository: 'someone/fork', ref: 'refs/heads/main' }] } });
    const job = world.identity.githubJobs.find((j) => j.id === 'fork')!;
    const requestUrl = githubIdTokenRequestUrl(t.emulator.url, job);
    const since = await t.control.lastSeq();
    const r = record(
      await runGitHubAction(ACTION, { ...workspace(), 'model-name': uniqueName(), 'model-path': modelFolder() }, baseEnv({
        ...githubEnv(),
        ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: job.requestToken,
      })),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/Authentication failed.*AADSTS70021/s);
    expect(r.stdout).toContain('repo:someone/fork:ref:refs/heads/main');
    expect((await t.control.journal(since)).filter((e) => e.path.startsWith('/subscriptions/'))).toHaveLength(0);
  });
});

describe('GitHub OIDC token lifetimes', () => {
  afterEach(async () => {
    await t.control.clearFaults();
    await t.control.seed({ identity: { lifetimes: { accessToken: 3600, githubIdToken: 300 } } });
  });

  test('a wait longer than the ID token lifetime is survived: each new assertion is a fresh ID token', async () => {
    await t.control.seed({ identity: { lifetimes: { accessToken: 2, githubIdToken: 2 } } });
    const name = uniqueName();
    // Throttled listing: while the step waits out Retry-After, the access token and the first ID token expire.
    await t.control.addFault({ method: 'GET', path: `/models/${name}/versions$`, status: 429, retryAfter: 3, times: 1 });
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': modelFolder() }, githubEnv()));
    expect(r.stdout).not.toMatch(/AADSTS700024/);
    expect(r.exitCode).toBe(0);
    const idTokens = (await t.control.journal(since)).filter((e) => e.path.startsWith('/github-oidc/') && e.path.endsWith('/idtoken'));
    expect(idTokens.length).toBeGreaterThanOrEqual(2);
  });

  test('an assertion that expires before Entra sees it is rejected with AADSTS700024 and a hint', async () => {
    await t.control.seed({ identity: { lifetimes: { githubIdToken: 1 } } });
    await t.control.addFault({ method: 'POST', path: '/oauth2/v2.0/token$', delayMs: 2500, times: 1 });
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': uniqueName(), 'model-path': modelFolder() }, githubEnv()));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/Authentication failed.*AADSTS700024/s);
    expect((await t.control.journal(since)).filter((e) => e.path.startsWith('/subscriptions/'))).toHaveLength(0);
  });
});

describe('other model sources and dry run', () => {
  test('a short datastore URI is expanded to the long form and nothing is uploaded', async () => {
    const name = uniqueName();
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': 'azureml://datastores/workspaceblobstore/paths/trained/credit/' }, githubEnv()));
    expect(r.exitCode).toBe(0);
    expect(r.outputs['model-uri']).toBe(
      `azureml://subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${t.env.AML_RESOURCE_GROUP}/workspaces/${t.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/trained/credit/`,
    );
    expect((await t.control.journal(since)).some((e) => e.path.endsWith('/listSecrets'))).toBe(false);
  });

  test('an MLflow runs:/ URI is sent verbatim as an mlflow_model', async () => {
    const name = uniqueName();
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': 'runs:/0f3c9a7e/model', 'model-type': 'mlflow_model' }, githubEnv()));
    expect(r.exitCode).toBe(0);
    const put = (await t.control.journal(since)).find((e) => e.method === 'PUT' && e.path.endsWith(`/models/${name}/versions/1`));
    expect(put?.requestBody).toMatchObject({ properties: { modelUri: 'runs:/0f3c9a7e/model', modelType: 'mlflow_model' } });
  });

  test('dry-run prints the plan, sets outputs and writes nothing', async () => {
    const name = uniqueName();
    let r!: Awaited<ReturnType<typeof runGitHubAction>>;
    const writes = await armWritesDuring(async () => {
      r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': modelFolder(), 'dry-run': 'true' }, githubEnv()));
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '1', result: 'dry-run' });
    expect(r.stdout).toMatch(/Plan: create model/);
    expect(r.summary).toMatch(/dry run/);
    expect(writes).toBe(0);
  });
});

describe('Azure DevOps task (service connection)', () => {
  const connection = (scheme: 'WorkloadIdentityFederation' | 'ServicePrincipal', parameters: Record<string, string>) =>
    serviceConnection(t, scheme, parameters);
  const agentEnv = () => agentEnvFor(t);
  const app = () => t.world.identity.apps[0];

  test('workload identity federation: registers and reports through ##vso commands', async () => {
    const name = uniqueName();
    const conn = connection('WorkloadIdentityFederation', { serviceprincipalid: app().appId, tenantid: t.world.identity.tenantId });
    const r = record(
      await runAdoTask(TASK, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: name, modelPath: modelFolder() }, conn, agentEnv(), t.world.identity.adoConnections[0].systemAccessToken),
    );
    expect(r.result).not.toBe('Failed');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ modelName: name, modelVersion: '1', modelRef: `azureml:${name}:1`, result: 'created' });
    expect(r.commands.find((c) => c.area === 'task.setvariable' && c.properties.variable === 'modelVersion')?.properties.isOutput).toBe('true');
    expect(r.summary).toContain(`${name}:1`);
  });

  test('service principal secret in the connection; a wrong secret fails with AADSTS7000215 and no ARM call', async () => {
    const good = connection('ServicePrincipal', {
      serviceprincipalid: app().appId,
      tenantid: t.world.identity.tenantId,
      serviceprincipalkey: app().secrets[0].value,
      authenticationType: 'spnKey',
    });
    const ok = record(await runAdoTask(TASK, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: uniqueName(), modelPath: modelFolder() }, good, agentEnv()));
    expect(ok.exitCode).toBe(0);
    const bad = { ...good, parameters: { ...good.parameters, serviceprincipalkey: 'not-the-secret-' + randomBytes(8).toString('hex') } };
    const since = await t.control.lastSeq();
    const r = record(await runAdoTask(TASK, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: uniqueName(), modelPath: modelFolder() }, bad, agentEnv()));
    expect(r.result).toBe('Failed');
    expect(r.exitCode).not.toBe(0);
    expect(r.commands.find((c) => c.area === 'task.complete')?.message).toMatch(/AADSTS7000215/);
    expect((await t.control.journal(since)).filter((e) => e.path.startsWith('/subscriptions/'))).toHaveLength(0);
  });
});

describe('CLI', () => {
  const cliEnv = (extra: Record<string, string | undefined> = {}) => cliEnvFor(t, extra);

  test('service principal: registers with a stage, a field newer than the SDK api-version, and it reaches the wire', async () => {
    const name = uniqueName();
    const since = await t.control.lastSeq();
    const r = record(
      await runNode(CLI, ['register-model', '--model-name', name, '--model-path', modelFolder(), '--stage', 'Production'], cliEnv({ AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value })),
    );
    expect(r.exitCode).toBe(0);
    const outputs = JSON.parse(r.stdout) as Record<string, string>;
    expect(outputs).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
    const put = (await t.control.journal(since)).find((e) => e.method === 'PUT' && e.path.includes(`/models/${name}/versions/1`));
    expect(put?.requestBody).toMatchObject({ properties: { stage: 'Production' } });
  });

  test('a wrong client secret fails with the AADSTS code and a hint', async () => {
    const r = record(await runNode(CLI, ['register-model', '--model-name', uniqueName(), '--model-path', modelFolder()], cliEnv({ AZURE_CLIENT_SECRET: 'wrong-' + randomBytes(8).toString('hex') })));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Authentication failed.*AADSTS7000215/s);
  });

  test('the planning reads go out together; a missing workspace is reported as such, not as the datastore it also breaks', async () => {
    const secret = { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value };
    const name = uniqueName();
    const since = await t.control.lastSeq();
    const missing = record(await runNode(CLI, ['register-model', '--model-name', name, '--model-path', modelFolder()], cliEnv({ ...secret, AML_WORKSPACE: 'no-such-workspace' })));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/workspace.*no-such-workspace/i);
    expect(missing.stderr).not.toMatch(/datastore/i);
    const reads = (await t.control.journal(since)).filter((e) => e.method === 'GET' && e.path.includes('/workspaces/no-such-workspace'));
    // The workspace, its default datastore and the model's latest version: each read once, all sent.
    expect(reads.map((e) => e.path.replace(/^.*\/workspaces\/no-such-workspace/, '').split('?')[0]).sort()).toEqual(['', '/datastores/workspaceblobstore', `/models/${name}/versions`]);

    const inExisting = record(
      await runNode(CLI, ['register-model', '--model-name', uniqueName(), '--model-path', 'azureml://datastores/nosuchstore/paths/m/'], cliEnv(secret)),
    );
    expect(inExisting.exitCode).toBe(1);
    expect(inExisting.stderr).toMatch(/datastore 'nosuchstore', which does not exist/);
  });
});

test('a model folder that fails its check is reported at once: signing in, begun meanwhile (and slow here), stops', async () => {
  const folder = modelFolder();
  symlinkSync(join(tmpdir()), join(folder, 'escape'));
  await t.control.addFault({ method: 'POST', path: '/oauth2/v2.0/token$', delayMs: 20_000, times: 1 });
  try {
    const started = Date.now();
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': uniqueName(), 'model-path': folder }, githubEnv()));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error.*the symbolic link 'escape' points outside the folder/);
    // Well before the token endpoint would have answered: the step neither waited for it nor stayed alive for it.
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    await t.control.clearFaults();
  }
});

describe('bad input is reported before anything is sent', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    ['missing workspace', () => ({ 'resource-group': 'rg', 'model-name': 'x', 'model-path': modelFolder() }), /Missing required input.*workspace/],
    ['invalid model name', () => ({ ...workspace(), 'model-name': 'bad name!', 'model-path': modelFolder() }), /model-name/],
    ['missing path', () => ({ ...workspace(), 'model-name': 'x', 'model-path': '/nonexistent/model/dir' }), /\/nonexistent\/model\/dir/],
  ];
  test.each(cases)('%s', async (_label, inputs, message) => {
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, inputs(), baseEnv({ ...githubEnv(), AML_WORKSPACE: undefined })));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error/);
    expect(r.stdout).toMatch(message);
    expect(await t.control.journal(since)).toHaveLength(0);
  });

  test('malformed model YAML and an unknown key are located at file:line', async () => {
    const dir = modelFolder();
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'name: x\npath: .\ntags:\n  a: 1\n   b: 2\n');
    const unknown = join(dir, 'unknown.yml');
    writeFileSync(unknown, 'name: x\npath: .\nflavours: {}\n');
    const since = await t.control.lastSeq();
    const r1 = record(await runGitHubAction(ACTION, { ...workspace(), 'model-file': bad }, githubEnv()));
    expect(r1.exitCode).toBe(1);
    expect(r1.stdout).toMatch(new RegExp(`::error file=${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=\\d+`));
    const r2 = record(await runGitHubAction(ACTION, { ...workspace(), 'model-file': unknown }, githubEnv()));
    expect(r2.exitCode).toBe(1);
    expect(r2.stdout).toMatch(/::error file=[^,]*unknown\.yml,line=3/);
    expect(r2.stdout).toMatch(/flavours/);
    expect(await t.control.journal(since)).toHaveLength(0);
  });
});

describe('faults', () => {
  afterEach(() => t.control.clearFaults());

  test('429 with Retry-After, two 503s and a dropped connection are retried and the step succeeds', async () => {
    const name = uniqueName();
    await t.control.addFault({ method: 'GET', path: `/workspaces/${t.env.AML_WORKSPACE}$`, status: 429, retryAfter: 1, times: 1 });
    await t.control.addFault({ method: 'PUT', path: `/models/${name}/versions/1$`, status: 503, times: 2 });
    await t.control.addFault({ method: 'GET', path: `/models/${name}/versions/1$`, drop: true, times: 1 });
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': modelFolder() }, githubEnv()));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '1', result: 'created' });
    const puts = (await t.control.journal(0)).filter((e) => e.method === 'PUT' && e.path.endsWith(`/models/${name}/versions/1`));
    expect(puts.map((e) => e.status)).toEqual([503, 503, 201]);
  });

  test('a persistent 500 is a classified failure, not a success', async () => {
    const name = uniqueName();
    await t.control.addFault({ method: 'PUT', path: `/models/${name}/versions/1$`, status: 500, times: 1000 });
    const r = record(await runGitHubAction(ACTION, { ...workspace(), 'model-name': name, 'model-path': modelFolder(), timeout: '20s' }, githubEnv()));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::(Azure did not respond reliably|Azure Machine Learning reported a failure)/);
    expect(r.outputs['model-version']).toBeUndefined();
  });
});

test('no issued token, key, secret or SAS appears in any captured output', () => {
  // Client secrets, OIDC request tokens, the ADO access token and the storage account keys.
  const secrets = t.emulator.secretValues();
  expect(secrets.length).toBeGreaterThan(3);
  expect(captured.length).toBeGreaterThan(10);
  for (const text of captured) {
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/[?&]sig=[\w%]{10,}/);
    for (const s of secrets) expect(text).not.toContain(s);
  }
});
