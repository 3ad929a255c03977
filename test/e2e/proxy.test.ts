/**
 * Behind a forward proxy (HTTPS_PROXY), as on many self-hosted runners and agents: the bundles sign in and reach
 * ARM through CONNECT tunnels, with the proxy agents loaded only then (shared/build/lazy-packages.ts), and nothing
 * goes around the proxy.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { registerModelStep } from '../../shared/src/steps/register-model/definition';
import { REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy';
import { agentEnv, cliEnv, githubEnv, modelFolder, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const ACTION = join(REPO, 'actions', 'register-model');

let t: TestEmulator;
let proxy: ConnectProxy;
beforeAll(async () => {
  t = await startTestEmulator();
  proxy = await startConnectProxy();
});
afterAll(async () => {
  await proxy?.close();
  await t?.stop();
});
beforeEach(() => {
  proxy.tunnels.length = 0;
});

const emulatorHost = () => new URL(t.emulator.url).host;

test('CLI, service principal: sign-in, ARM and the upload to storage go through the proxy, and the step succeeds', async () => {
  const since = await t.control.lastSeq();
  const r = await runNode(
    CLI,
    ['register-model', '--model-name', uniqueName(), '--model-path', modelFolder()],
    cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value, HTTPS_PROXY: proxy.url, NO_PROXY: '' }),
  );
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.exitCode).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ result: 'created' });
  const requests = await t.control.journal(since);
  expect(requests.length).toBeGreaterThan(3);
  // Sign-in and ARM (the emulator's host) and the upload to storage (Azurite's host) all tunnelled.
  expect(proxy.tunnels).toContain(emulatorHost());
  const storage = /Uploading .* to https:\/\/([^/\s]+)\//.exec(r.stderr)?.[1];
  expect(storage).toBeDefined();
  expect(storage).not.toBe(emulatorHost());
  expect(proxy.tunnels).toContain(storage);
});

test('GitHub action, OIDC: the ID token request and the sign-in go through the proxy too', async () => {
  const r = await runGitHubAction(ACTION, { ...workspaceInputs(t), 'model-name': uniqueName(), 'model-path': modelFolder() }, githubEnv(t, { HTTPS_PROXY: proxy.url, NO_PROXY: '' }));
  expect(r.stdout).not.toMatch(/::error/);
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('created');
  expect(proxy.tunnels).toContain(emulatorHost());
});

test('a proxy that cannot be reached fails the step as a network error naming the proxy and its variable', async () => {
  const r = await runNode(
    CLI,
    ['register-model', '--model-name', uniqueName(), '--model-path', modelFolder(), '--timeout', '20s'],
    cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value, HTTPS_PROXY: 'http://127.0.0.1:1', NO_PROXY: '' }),
  );
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/Could not connect: .*the proxy 127\.0\.0\.1:1 \(HTTPS_PROXY\)/);
  expect(r.stderr).toMatch(/What to do: check HTTPS_PROXY/);
  expect(r.stderr).not.toMatch(/unexpected error|TypeError|at .*\.js:\d+/);
});

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test("Azure DevOps task, agent proxy setting (Agent.ProxyUrl): the service connection's OIDC token and the sign-in go through the proxy", async () => {
  // The OIDC endpoint is given at a port only the proxy routes to the emulator: a request around the proxy fails.
  const hidden = `127.0.0.1:${await freePort()}`;
  const routed = await startConnectProxy({ [hidden]: emulatorHost() });
  try {
    const oidc = new URL(t.env.SYSTEM_OIDCREQUESTURI);
    oidc.host = hidden;
    const conn = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const env = agentEnv(t, {
      SYSTEM_OIDCREQUESTURI: oidc.toString(),
      AGENT_PROXYURL: routed.url,
      AGENT_PROXYBYPASSLIST: JSON.stringify(['build\\.contoso\\.com', '(a|b)\\.example']),
    });
    const task = packageTask(REPO, registerModelStep);
    const r = await runAdoTask(task, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: uniqueName(), modelPath: modelFolder() }, conn, env, t.world.identity.adoConnections[0].systemAccessToken);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'created' });
    expect(routed.tunnels).toContain(hidden);
    expect(routed.tunnels).toContain(emulatorHost());
    // The entry NO_PROXY cannot say is reported; the one it can is not.
    expect(r.stdout).toMatch(/##vso\[task\.logissue type=warning[^\]]*\]The agent's proxy bypass entry '\(a\|b\)\\\.example' does not name a host/);
    expect(r.stdout).not.toMatch(/build\\\.contoso/);
  } finally {
    await routed.close();
  }
});

test('CLI inside a GitHub job (OIDC): its own ID token request goes through the proxy too', async () => {
  const hidden = `127.0.0.1:${await freePort()}`;
  const routed = await startConnectProxy({ [hidden]: emulatorHost() });
  try {
    const env = githubEnv(t, { HTTPS_PROXY: routed.url, NO_PROXY: '' });
    const idTokenUrl = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
    idTokenUrl.host = hidden;
    const r = await runNode(CLI, ['register-model', '--model-name', uniqueName(), '--model-path', modelFolder()], { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: idTokenUrl.toString() });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'created' });
    expect(routed.tunnels).toContain(hidden);
  } finally {
    await routed.close();
  }
});
