/**
 * Issue 6 hardening, end to end through the CLI bundle against the emulator: remote model paths and api-versions
 * are refused in the plan (before any write), and sign-in and connection failures say what happened.
 */
import { join } from 'node:path';
import { runNode, type ProcessResult } from '../../shared/cli/runners';
import { managedIdentityEnv } from '../../shared/emulator/src/identity';
import { isArmWrite, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { cliEnv, modelFolder, uniqueName } from '../support/e2e';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.clearFaults();
});

/** A terminal signed in with the demo app's client secret. */
const spEnv = (extra: Record<string, string | undefined> = {}) => {
  const app = t.world.identity.apps[0];
  return cliEnv(t, { AZURE_CLIENT_ID: app.appId, AZURE_CLIENT_SECRET: app.secrets[0].value, ...extra });
};

async function register(args: string[], env: NodeJS.ProcessEnv): Promise<{ r: ProcessResult; journal: Awaited<ReturnType<TestEmulator['control']['journal']>> }> {
  const since = await t.control.lastSeq();
  const r = await runNode(CLI, ['register-model', '--model-name', uniqueName(), ...args], env);
  return { r, journal: await t.control.journal(since) };
}

const shown = (r: ProcessResult) => `${visibleLog(r.stdout)}\n${visibleLog(r.stderr)}`;

describe('remote model paths are checked in the plan', () => {
  test('a datastore the workspace does not have: refused naming the datastore and the input, nothing written', async () => {
    const { r, journal } = await register(['--model-path', 'azureml://datastores/nosuchstore/paths/models/m/'], spEnv());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      `Invalid input: Input 'model-path': the model path 'azureml://datastores/nosuchstore/paths/models/m/' points into the datastore 'nosuchstore', which does not exist in workspace '${t.env.AML_WORKSPACE}'`,
    );
    // It was looked up (a GET that found nothing), and nothing was written.
    expect(journal.some((e) => e.method === 'GET' && e.path.endsWith('/datastores/nosuchstore') && e.status === 404)).toBe(true);
    expect(journal.filter(isArmWrite)).toHaveLength(0);
  });

  test('the same path into an existing datastore registers', async () => {
    const { r } = await register(['--model-path', 'azureml://datastores/workspaceblobstore/paths/models/m/'], spEnv());
    expect(shown(r)).not.toMatch(/error/i);
    expect(r.exitCode).toBe(0);
  });

  test.each([
    ['azureml://datastores//paths/x', /names no datastore/],
    ['azureml://datastores/bad-name/paths/x', /'bad-name', which cannot exist: a datastore name holds only letters, digits and underscores/],
    ['http://example.com/model.pkl', /is a plain http:\/\/ URL; model files are only read over https:\/\//],
  ])('%j is refused before anything is sent to Azure', async (path, why) => {
    const { r, journal } = await register(['--model-path', path], spEnv());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Invalid input: Input 'model-path': .*${why.source}`));
    expect(journal).toHaveLength(0);
  });
});

test('an unknown api-version is refused before sign-in', async () => {
  const { r, journal } = await register(['--model-path', modelFolder(), '--api-version', '2026-03-01'], spEnv());
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain("Invalid input: Input 'api-version' is not a usable api-version: '2026-03-01' (Azure Machine Learning has no api-version 2026-03-01");
  expect(journal).toHaveLength(0);
});

describe('sign-in failures say what happened', () => {
  test('a token endpoint answering 500 is retried, then reported with host and attempts; never [object Object]', async () => {
    await t.control.addFault({ method: 'POST', path: '/oauth2/v2.0/token$', status: 500 });
    const { r, journal } = await register(['--model-path', modelFolder()], spEnv());
    expect(r.exitCode).toBe(1);
    const tokenPosts = journal.filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token'));
    expect(tokenPosts.length).toBe(4);
    const host = new URL(t.emulator.url).host;
    expect(r.stderr).toContain(`the sign-in service at ${host} did not respond (HTTP 500 after 4 attempts)`);
    expect(shown(r)).not.toContain('[object Object]');
    expect(journal.filter((e) => e.path.startsWith('/subscriptions/'))).toHaveLength(0);
  });

  test('an ARM-shaped error body on the token endpoint still never shows [object Object]', async () => {
    await t.control.addFault({ method: 'POST', path: '/oauth2/v2.0/token$', status: 503, body: { error: { code: 'Unavailable', message: 'nested' } } });
    const { r } = await register(['--model-path', modelFolder()], spEnv());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/did not respond \(HTTP 503 after 4 attempts\)/);
    expect(shown(r)).not.toContain('[object Object]');
  });

  test('a managed identity endpoint answering 500 is reported the same way', async () => {
    await t.control.addFault({ path: '^/msi/token$', status: 500 });
    const env = cliEnv(t, { ...managedIdentityEnv(t.world.identity, t.emulator.url), AZURE_CLIENT_ID: undefined, AZURE_CLIENT_SECRET: undefined });
    const { r, journal } = await register(['--model-path', modelFolder(), '--auth-type', 'managed-identity'], env);
    expect(r.exitCode).toBe(1);
    expect(journal.filter((e) => e.path === '/msi/token').length).toBeGreaterThan(1);
    expect(r.stderr).toMatch(new RegExp(`the sign-in service at ${new URL(t.emulator.url).host} did not respond \\(HTTP 500 after \\d+ attempts\\)`));
    expect(shown(r)).not.toContain('[object Object]');
  });
});

test('an ARM endpoint that does not resolve is named, not "Azure did not respond reliably"', async () => {
  const { r } = await register(['--model-path', modelFolder()], spEnv({ AML_ARM_ENDPOINT: 'https://nonexistent.invalid' }));
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain(`Could not connect: get workspace '${t.env.AML_WORKSPACE}' could not reach Azure: the host 'nonexistent.invalid' could not be resolved (ENOTFOUND`);
  expect(r.stderr).not.toMatch(/did not respond reliably/);
});
