/**
 * The sign-in methods beyond OIDC and a client secret, end to end: the committed bundles run as a terminal, the
 * GitHub runner and the Azure DevOps agent run them, against the emulator's managed identity endpoint, its Entra
 * token endpoint (certificate assertions) and ARM's role check.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { baseEnv, runAdoTask, runGitHubAction, runNode, type ProcessResult } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { managedIdentityEnv, type AppRegistration } from '../../shared/emulator/src/identity';
import { freePort } from '../../shared/emulator/src/ports';
import { JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { agentEnv, serviceConnection } from '../support/e2e';
import { installFakeAz } from './fake-az';
import { packageTask } from '../../shared/cli/task-package';
import { registerModelStep } from '../../shared/src/steps/register-model/definition';

const ACTION = join(REPO, 'actions', 'register-model');
const TASK = packageTask(REPO, registerModelStep);
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

let t: TestEmulator;
const captured: string[] = [];
/** Secrets made by the tests themselves (private keys), checked against every captured output at the end. */
const localSecrets: string[] = [];

beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.stop();
});

function record<T extends ProcessResult & { outputs?: Record<string, string>; summary?: string }>(r: T): T {
  captured.push(visibleLog(r.stdout), visibleLog(r.stderr), JSON.stringify(r.outputs ?? {}), r.summary ?? '');
  return r;
}

function modelFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-'));
  mkdirSync(join(dir, 'weights'));
  writeFileSync(join(dir, 'weights', 'w.bin'), randomBytes(2048));
  writeFileSync(join(dir, 'MLmodel'), 'flavors: {}\n');
  return dir;
}

const uniqueName = () => `m-${randomBytes(4).toString('hex')}`;
const subscriptionScope = () => `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}`;

/** The emulator's client environment without any sign-in material: each test adds the one it exercises. */
function bareEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return baseEnv({
    ...t.env,
    ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    SYSTEM_OIDCREQUESTURI: undefined,
    SYSTEM_ACCESSTOKEN: undefined,
    AZURE_CLIENT_ID: undefined,
    AZURE_CLIENT_SECRET: undefined,
    ...extra,
  });
}

async function journalDuring(fn: () => Promise<unknown>): Promise<JournalEntry[]> {
  const since = await t.control.lastSeq();
  await fn();
  return t.control.journal(since);
}

const armCalls = (entries: JournalEntry[]) => entries.filter((e) => e.path.startsWith('/subscriptions/'));
const modelPut = (entries: JournalEntry[], name: string) => entries.find((e) => e.method === 'PUT' && e.path.endsWith(`/models/${name}/versions/1`));
const registerArgs = (name: string) => ['register-model', '--model-name', name, '--model-path', modelFolder()];

describe('CLI inside a GitHub job (id-token: write)', () => {
  test("signs in with the job's OIDC token; stdout is exactly one JSON object; no workflow command, no token", async () => {
    const name = uniqueName();
    const env = baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined, AZURE_CLIENT_SECRET: undefined, GITHUB_ACTIONS: 'true' });
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeTruthy();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(name), '--verbose'], env));
    });
    expect(r.exitCode).toBe(0);
    // The ID token was requested and exchanged (federated credential), not a secret.
    expect(entries.some((e) => e.method === 'GET' && /idtoken|id-token|oidc/i.test(e.path))).toBe(true);
    expect(modelPut(entries, name)).toBeDefined();
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) expect(line).not.toMatch(/^\s*(::|##\[|##vso\[)/);
    expect(r.stdout + r.stderr).not.toMatch(JWT);
    expect(r.stdout + r.stderr).not.toContain(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!);
  });

  test("a refused ID token request is an auth error naming GitHub's token service, with the permission hint", async () => {
    const env = baseEnv({
      ...t.env,
      SYSTEM_OIDCREQUESTURI: undefined,
      AZURE_CLIENT_SECRET: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-job-token',
    });
    const r = record(await runNode(CLI, registerArgs(uniqueName()), env));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/ID token service at \S+ answered HTTP 40[13]/);
    expect(r.stderr).toMatch(/id-token: write/);
    expect(JSON.parse(r.stdout)).toEqual({});
  });
});

describe('managed identity (App Service style IDENTITY_ENDPOINT)', () => {
  const host = () => t.world.identity.managedIdentity;
  const miEnv = () => managedIdentityEnv(t.world.identity, t.emulator.url);

  test('the world exposes the endpoint and header, but the default client environment does not', () => {
    expect(host().endpoint).toBe(`${t.emulator.url}/msi/token`);
    expect(host().identityHeader).toBeTruthy();
    expect(t.env.IDENTITY_ENDPOINT).toBeUndefined();
    expect(t.env.IDENTITY_HEADER).toBeUndefined();
  });

  test('CLI --auth-type managed-identity: the system-assigned identity registers the model', async () => {
    const name = uniqueName();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(name), '--auth-type', 'managed-identity'], bareEnv(miEnv())));
    });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
    const tokenCalls = entries.filter((e) => e.path === '/msi/token');
    expect(tokenCalls.length).toBeGreaterThanOrEqual(1);
    expect(tokenCalls[0]).toMatchObject({ method: 'GET', status: 200, query: { 'api-version': '2019-08-01' } });
    expect(tokenCalls[0].query?.resource).toMatch(/^https:\/\/management\.azure\.com\/?$/);
    expect(tokenCalls[0].query?.client_id).toBeUndefined();
    expect(entries.some((e) => e.path.startsWith('/entra/'))).toBe(false);
    expect(modelPut(entries, name)?.principal).toBe(host().systemAssigned!.principalId);
  });

  test('auto: with only IDENTITY_ENDPOINT/IDENTITY_HEADER on the machine, the managed identity is chosen', async () => {
    const name = uniqueName();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, registerArgs(name), bareEnv(miEnv())));
    });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-version': '1', result: 'created' });
    expect(entries.some((e) => e.path === '/msi/token')).toBe(true);
    expect(modelPut(entries, name)?.principal).toBe(host().systemAssigned!.principalId);
  });

  test('a user-assigned identity is picked by AZURE_CLIENT_ID', async () => {
    const ua = host().userAssigned[0];
    const name = uniqueName();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(name), '--auth-type', 'managed-identity'], bareEnv({ ...miEnv(), AZURE_CLIENT_ID: ua.clientId })));
    });
    expect(r.exitCode).toBe(0);
    expect(entries.find((e) => e.path === '/msi/token')?.query?.client_id).toBe(ua.clientId);
    expect(modelPut(entries, name)?.principal).toBe(ua.principalId);
  });

  test('a client id the host has no identity for fails clearly, before ARM', async () => {
    const stranger = t.world.identity.apps[0].appId;
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(uniqueName()), '--auth-type', 'managed-identity'], bareEnv({ ...miEnv(), AZURE_CLIENT_ID: stranger })));
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`managed identity ${stranger} was refused by the managed identity endpoint: No managed identity with client_id '${stranger}' is assigned to this host.`);
    expect(r.stderr).toMatch(/What to do: .*client-id \(AZURE_CLIENT_ID\) must be the client id of a user-assigned identity attached to this machine/);
    expect(r.stderr).not.toMatch(/no managed identity endpoint answered/);
    expect(armCalls(entries)).toHaveLength(0);
  });

  test('a wrong IDENTITY_HEADER fails with a clear message and nothing is sent to ARM', async () => {
    const wrong = randomBytes(16).toString('hex');
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(uniqueName()), '--auth-type', 'managed-identity'], bareEnv({ ...miEnv(), IDENTITY_HEADER: wrong })));
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      "system-assigned managed identity was refused by the managed identity endpoint: The 'X-IDENTITY-HEADER' header does not match this host's IDENTITY_HEADER.",
    );
    expect(r.stderr).toMatch(/What to do: .*IDENTITY_HEADER must be the value the host set/);
    expect(entries.filter((e) => e.path === '/msi/token').map((e) => e.status)).toEqual([401]);
    expect(armCalls(entries)).toHaveLength(0);
  });

  test('an IDENTITY_ENDPOINT nobody listens on is reported as no endpoint answering', async () => {
    const closed = await freePort();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(uniqueName()), '--auth-type', 'managed-identity'], bareEnv({ ...miEnv(), IDENTITY_ENDPOINT: `https://127.0.0.1:${closed}/msi/token` })));
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/system-assigned managed identity is not available here: .*Network unreachable/);
    expect(r.stderr).toMatch(/What to do: no managed identity endpoint answered/);
    expect(armCalls(entries)).toHaveLength(0);
  });

  test('Azure DevOps task with a ManagedServiceIdentity service connection uses the agent machine identity', async () => {
    const name = uniqueName();
    const conn = {
      id: randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      scheme: 'ManagedServiceIdentity' as const,
      parameters: { tenantid: t.world.identity.tenantId },
      data: {
        subscriptionId: t.env.AZURE_SUBSCRIPTION_ID,
        environment: 'AzureStack',
        environmentAuthorityUrl: t.env.AML_AUTHORITY_HOST,
        activeDirectoryServiceEndpointResourceId: t.env.AML_ARM_AUDIENCE,
      },
      url: t.env.AML_ARM_ENDPOINT,
    };
    const agentEnv = baseEnv({ NODE_EXTRA_CA_CERTS: t.env.NODE_EXTRA_CA_CERTS, ...miEnv() });
    let r!: Awaited<ReturnType<typeof runAdoTask>>;
    const entries = await journalDuring(async () => {
      r = record(await runAdoTask(TASK, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: name, modelPath: modelFolder() }, conn, agentEnv));
    });
    expect(r.result).not.toBe('Failed');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ modelName: name, modelVersion: '1', result: 'created' });
    expect(entries.some((e) => e.path === '/msi/token')).toBe(true);
    expect(modelPut(entries, name)?.principal).toBe(host().systemAssigned!.principalId);
  });
});

describe('Azure DevOps task with a workload identity federation connection', () => {
  test("a System.AccessToken the OIDC endpoint refuses fails with Azure DevOps' answer and what to check, before Entra and ARM", async () => {
    const conn = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const wrong = `not-the-job-token-${randomBytes(8).toString('hex')}`;
    let r!: Awaited<ReturnType<typeof runAdoTask>>;
    const entries = await journalDuring(async () => {
      r = record(await runAdoTask(TASK, { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, modelName: uniqueName(), modelPath: modelFolder() }, conn, agentEnv(t), wrong));
    });
    expect(r.result).toBe('Failed');
    const message = r.commands.find((c) => c.area === 'task.complete')?.message ?? '';
    expect(message).toMatch(/Azure DevOps' OIDC token service at \S+ answered HTTP 401, not the service connection's OIDC token: TF400813/);
    expect(message).toMatch(/x-vss-e2eid: /);
    expect(r.stdout + r.stderr).toMatch(/System\.AccessToken\) was not accepted/);
    expect(visibleLog(r.stdout) + visibleLog(r.stderr)).not.toContain(wrong);
    expect(entries.filter((e) => e.path.endsWith('/oidctoken')).map((e) => e.status)).toEqual([401]);
    expect(entries.some((e) => e.path.startsWith('/entra/') && e.path.endsWith('/token'))).toBe(false);
    expect(armCalls(entries)).toHaveLength(0);
  });
});

/** A self-signed certificate and its key in one PEM, as az and the portal hand them out. */
function certificateWithKey(): { pem: string; keyPem: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: 'aml-lifecycle-cert-sp' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  return { pem: forge.pki.certificateToPem(cert) + keyPem, keyPem };
}

/** The base64 lines of a PEM private key: any one of them in an output would be a leak. */
const keyBody = (keyPem: string) => keyPem.split(/\r?\n/).filter((l) => l && !l.startsWith('-----'));

describe('service principal with a certificate', () => {
  let app: AppRegistration;
  let pem: string;
  let keyPem: string;

  beforeAll(async () => {
    ({ pem, keyPem } = certificateWithKey());
    localSecrets.push(...keyBody(keyPem));
    const world = await t.control.seed({ identity: { apps: [{ displayName: 'aml-cert-sp', certificates: [pem] }] } });
    app = world.identity.apps.find((a) => a.displayName === 'aml-cert-sp')!;
    expect(app.certificates).toHaveLength(1);
    await t.control.seed({ roleAssignments: [{ principalId: app.objectId, scope: subscriptionScope(), role: 'Contributor' }] });
  });

  test('CLI with AZURE_CLIENT_CERTIFICATE_PATH registers, signing in with a certificate assertion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    const certPath = join(dir, 'sp.pem');
    writeFileSync(certPath, pem, { mode: 0o600 });
    const name = uniqueName();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, registerArgs(name), bareEnv({ AZURE_CLIENT_ID: app.appId, AZURE_CLIENT_CERTIFICATE_PATH: certPath })));
    });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
    expect(entries.filter((e) => e.path.startsWith('/entra/') && e.path.endsWith('/token')).map((e) => e.status)).toContain(200);
    expect(modelPut(entries, name)?.principal).toBe(app.objectId);
  });

  test('GitHub action with the client-certificate input (PEM text) registers and never shows the key', async () => {
    const name = uniqueName();
    const inputs = {
      'subscription-id': t.env.AZURE_SUBSCRIPTION_ID,
      'resource-group': t.env.AML_RESOURCE_GROUP,
      workspace: t.env.AML_WORKSPACE,
      'model-name': name,
      'model-path': modelFolder(),
      'client-id': app.appId,
      'tenant-id': t.world.identity.tenantId,
      'client-certificate': pem,
    };
    let r!: Awaited<ReturnType<typeof runGitHubAction>>;
    const entries = await journalDuring(async () => {
      r = record(await runGitHubAction(ACTION, inputs, bareEnv({ AZURE_TENANT_ID: undefined })));
    });
    expect(r.stdout).not.toMatch(/::error/);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
    expect(modelPut(entries, name)?.principal).toBe(app.objectId);
    // The runner is told to mask the certificate input before anything else is printed.
    const maskedLines = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::')).join('\n');
    expect(maskedLines).toContain(keyBody(keyPem)[1]);
    const shown = [visibleLog(r.stdout), visibleLog(r.stderr), JSON.stringify(r.outputs), r.summary].join('\n');
    expect(shown).not.toContain('PRIVATE KEY');
    for (const line of keyBody(keyPem)) expect(shown).not.toContain(line);
  });
});

describe('authorization', () => {
  test('an app without a role assignment gets a 403 AuthorizationFailed naming the principal and the scope', async () => {
    const secret = `nr~${randomBytes(18).toString('base64url')}`;
    const world = await t.control.seed({ identity: { apps: [{ displayName: 'aml-no-role', secret }] } });
    const app = world.identity.apps.find((a) => a.displayName === 'aml-no-role')!;
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, registerArgs(uniqueName()), bareEnv({ AZURE_CLIENT_ID: app.appId, AZURE_CLIENT_SECRET: secret })));
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/AuthorizationFailed/);
    expect(r.stderr).toContain(app.objectId);
    expect(r.stderr).toContain(`${subscriptionScope()}/resourceGroups/${t.env.AML_RESOURCE_GROUP}`);
    const denied = armCalls(entries).filter((e) => e.status === 403);
    expect(denied.length).toBeGreaterThanOrEqual(1);
    expect(armCalls(entries).filter((e) => e.method !== 'GET' && e.method !== 'POST')).toHaveLength(0);
    expect(r.stderr).not.toContain(secret);
  });
});

describe('Azure CLI login (az stand-in on PATH)', () => {
  const demo = () => t.world.identity.apps[0];

  test('auto falls back to the Azure CLI: az account get-access-token is run for the ARM resource and its token is used', async () => {
    const { binDir, configDir } = installFakeAz(mkdtempSync(join(tmpdir(), 'az-')), {
      authority: t.env.AML_AUTHORITY_HOST,
      tenantId: t.world.identity.tenantId,
      clientId: demo().appId,
      secret: demo().secrets[0].value,
      subscriptionId: t.env.AZURE_SUBSCRIPTION_ID,
    });
    const name = uniqueName();
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, registerArgs(name), bareEnv({ PATH: `${binDir}:${process.env.PATH}`, AZURE_CONFIG_DIR: configDir })));
    });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-version': '1', result: 'created' });
    const calls = readFileSync(join(configDir, 'calls.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls[0].slice(0, 4)).toEqual(['account', 'get-access-token', '--output', 'json']);
    expect(calls[0][calls[0].indexOf('--resource') + 1]).toMatch(/^https:\/\/management\.azure\.com\/?$/);
    expect(calls[0][calls[0].indexOf('--tenant') + 1]).toBe(t.world.identity.tenantId);
    expect(modelPut(entries, name)?.principal).toBe(demo().objectId);
  });

  test('without az login the step fails as an auth error with the az login hint, before ARM', async () => {
    const { binDir, configDir } = installFakeAz(mkdtempSync(join(tmpdir(), 'az-')));
    let r!: ProcessResult;
    const entries = await journalDuring(async () => {
      r = record(await runNode(CLI, [...registerArgs(uniqueName()), '--auth-type', 'azure-cli'], bareEnv({ PATH: `${binDir}:${process.env.PATH}`, AZURE_CONFIG_DIR: configDir })));
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Azure CLI/);
    expect(r.stderr).toMatch(/az login/);
    expect(existsSync(join(configDir, 'calls.log'))).toBe(true);
    expect(armCalls(entries)).toHaveLength(0);
  });
});

test('no token, secret, identity header or private key appears in any captured output', async () => {
  const world = await t.control.world();
  const secrets = [
    ...world.identity.apps.flatMap((a) => a.secrets.map((s) => s.value)),
    world.identity.managedIdentity.identityHeader,
    ...localSecrets,
  ];
  expect(captured.length).toBeGreaterThan(20);
  for (const text of captured) {
    expect(text).not.toMatch(JWT);
    expect(text).not.toContain('PRIVATE KEY');
    for (const s of secrets) expect(text).not.toContain(s);
  }
});
