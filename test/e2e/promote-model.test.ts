/**
 * promote-model end to end: the committed action, task and CLI bundles copy a workspace model version into the
 * emulator's registry (which lives in a second subscription), against Azurite, through the real credential, SDK,
 * HTTP and polling code. The test reads the registry back over ARM and its storage with the account key.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { aliasHolders as aliasHoldersIn, arm, during as duringIn, modelVersion, registryFiles as registryFilesOf, versionPuts, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv as cliEnvFor, escapeRegExp as escape, githubEnv as githubEnvFor, registryInputs, serviceConnection, uniqueName } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { packageTask } from '../../shared/cli/task-package';
import { promoteModelStep } from '../../shared/src/steps/promote-model/definition';

const ACTION = join(REPO, 'actions', 'promote-model');
const TASK = packageTask(REPO, promoteModelStep);
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'promote');

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);
const captured = capture.texts;

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 500 });
});
afterAll(async () => {
  await t?.stop();
});

// ---- the emulator as the test sees it ---------------------------------------------------------------------------

const wsPath = () => workspacePath(t);
const registryVersion = (name: string, version: string) => modelVersion(t, 'registry', name, version);
const aliasHolders = (name: string, alias = 'champion') => aliasHoldersIn(t, 'registry', name, alias);
const registryFiles = (modelUri: string) => registryFilesOf(t, modelUri);
const during = <T>(fn: () => Promise<T>) => duringIn(t, fn);

/** A workspace model version with files no other test has; returns the files. */
async function seedSource(
  name: string,
  version: string,
  extra: { properties?: Record<string, string>; tags?: Record<string, string> } = {},
): Promise<Record<string, string>> {
  const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${wsPath()}/datastores/workspaceblobstore`)).json.properties;
  const { key } = (await arm<{ key: string }>(t, 'POST', `${wsPath()}/datastores/workspaceblobstore/listSecrets`)).json;
  const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
  const files = { 'model.pkl': randomBytes(24).toString('hex'), 'conda.yaml': `name: ${name}\n` };
  const folder = `e2e/${name}/${version}`;
  for (const [rel, text] of Object.entries(files)) await container.getBlockBlobClient(`${folder}/${rel}`).upload(text, Buffer.byteLength(text));
  const modelUri = `azureml://subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourcegroups/${t.env.AML_RESOURCE_GROUP}/workspaces/${t.env.AML_WORKSPACE}/datastores/workspaceblobstore/paths/${folder}/`;
  const put = await arm(t, 'PUT', `${wsPath()}/models/${name}/versions/${version}`, {
    properties: { modelUri, modelType: 'custom_model', tags: extra.tags ?? {}, properties: extra.properties ?? {} },
  });
  if (put.status !== 201) throw new Error(`seeding ${name}:${version}: ${put.status} ${JSON.stringify(put.json)}`);
  return files;
}

/** Requests that change something in Azure: ARM writes and the registry data plane's (import). */
const isWrite = (e: JournalEntry) => isArmWrite(e) || (e.path.startsWith('/mferp/') && e.method !== 'GET');

// ---- running the bundles -----------------------------------------------------------------------------------------

const COMMIT = randomBytes(20).toString('hex');

function promoteInputs(model: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'subscription-id': t.env.AZURE_SUBSCRIPTION_ID,
    'resource-group': t.env.AML_RESOURCE_GROUP,
    workspace: t.env.AML_WORKSPACE,
    model,
    ...registryInputs(t),
    ...extra,
  };
}

/** A GitHub job: OIDC, and the run's repository, id and commit. */
const githubEnv = () =>
  githubEnvFor(t, {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'contoso/credit-risk',
    GITHUB_RUN_ID: '7741',
    GITHUB_SHA: COMMIT,
    GITHUB_REF: 'refs/heads/main',
  });
const GITHUB_RUN_URL = 'https://github.com/contoso/credit-risk/actions/runs/7741';

const promote = async (model: string, extra: Record<string, string> = {}) => record(await runGitHubAction(ACTION, promoteInputs(model, extra), githubEnv()));

const cliEnv = (extra: Record<string, string | undefined> = {}) => cliEnvFor(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value, ...extra });


// ---- the three hosts ---------------------------------------------------------------------------------------------

/** The registry copy of name:version: Succeeded, in the registry's own storage, with the source's files and lineage. */
async function expectPromoted(name: string, version: string, files: Record<string, string>, lineage: Record<string, string | RegExp>, startedAt: number) {
  const copy = await registryVersion(name, version);
  expect(copy?.properties.provisioningState).toBe('Succeeded');
  expect(await registryFiles(copy!.properties.modelUri)).toEqual(files);
  const tags = copy!.properties.tags ?? {};
  expect(tags['lineage.source_workspace']?.toLowerCase()).toBe(wsPath().toLowerCase());
  expect(tags['lineage.source_model']).toBe(`${name}:${version}`);
  for (const [k, v] of Object.entries(lineage)) {
    if (typeof v === 'string') expect(tags[k]).toBe(v);
    else expect(tags[k]).toMatch(v);
  }
  const at = Date.parse(tags['lineage.promoted_at'] ?? '');
  expect(at).toBeGreaterThanOrEqual(startedAt - 1000);
  expect(at).toBeLessThanOrEqual(Date.now());
  // The source's marker says where it went; the copy does not carry it.
  expect(Object.keys(tags).filter((k) => k.startsWith('promoted_to.'))).toEqual([]);
  return copy!;
}

describe('the bundles promote end to end', () => {
  test('GitHub action (OIDC): copy, lineage with the run URL, commit and approver, outputs and summary', async () => {
    const name = uniqueName();
    const files = await seedSource(name, '1', { tags: { team: 'risk' } });
    const startedAt = Date.now();
    const { result: r, journal } = await during(() => promote(`azureml:${name}:1`, { approver: 'alice@contoso.com' }));
    expect(r.stdout).not.toMatch(/::error/);
    expect(r.exitCode).toBe(0);
    const assetId = `azureml://registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/1`;
    expect(r.outputs).toMatchObject({ 'asset-id': assetId, 'model-name': name, 'model-version': '1', result: 'promoted', gate: 'none' });
    const copy = await expectPromoted(
      name,
      '1',
      files,
      { 'lineage.run_url': GITHUB_RUN_URL, 'lineage.commit': COMMIT, 'lineage.approver': 'alice@contoso.com', 'lineage.ci': 'github' },
      startedAt,
    );
    expect(copy.properties.tags?.team).toBe('risk');
    // The server-side copy was ARM publish, in the workspace's subscription, naming the registry.
    const publish = journal.filter((e) => e.method === 'POST' && e.path.endsWith(`/models/${name}/versions/1/publish`));
    expect(publish).toHaveLength(1);
    expect(publish[0].requestBody).toMatchObject({ registryName: t.env.AML_REGISTRY_NAME });
    // The lineage is written once, to the registry version in the registry's own subscription.
    const lineageWrites = journal.filter((e) => e.method === 'PUT' && e.path.includes(`/registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/1`));
    expect(lineageWrites.map((e) => e.path.split('/')[2])).toEqual([t.env.AML_REGISTRY_SUBSCRIPTION_ID]);
    expect(r.summary).toContain(assetId);
    expect(r.summary).toContain(GITHUB_RUN_URL);
    expect(r.summary).toContain('alice@contoso.com');
    expect(r.summary).toMatch(/promoted \(publish\)/);
  });

  test('Azure DevOps task (workload identity federation): lineage carries the build URL and source version', async () => {
    const name = uniqueName();
    const files = await seedSource(name, '3');
    const conn = t.world.identity.adoConnections[0];
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const agent = agentEnv(t, {
      SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
      SYSTEM_TEAMPROJECT: 'Credit Risk',
      BUILD_BUILDID: '912',
      BUILD_SOURCEVERSION: COMMIT,
    });
    const inputs = {
      resourceGroup: t.env.AML_RESOURCE_GROUP,
      workspace: t.env.AML_WORKSPACE,
      model: name,
      modelVersion: '3',
      registry: t.env.AML_REGISTRY_NAME,
      registryResourceGroup: t.env.AML_REGISTRY_RESOURCE_GROUP,
      registrySubscriptionId: t.env.AML_REGISTRY_SUBSCRIPTION_ID,
      approver: 'release-board',
    };
    const startedAt = Date.now();
    const r = record(await runAdoTask(TASK, inputs, connection, agent, conn.systemAccessToken));
    expect(r.result).not.toBe('Failed');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({
      assetId: `azureml://registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/3`,
      modelName: name,
      modelVersion: '3',
      result: 'promoted',
    });
    await expectPromoted(
      name,
      '3',
      files,
      {
        'lineage.run_url': 'https://dev.azure.com/contoso/Credit%20Risk/_build/results?buildId=912',
        'lineage.commit': COMMIT,
        'lineage.approver': 'release-board',
        'lineage.ci': 'azure-devops',
      },
      startedAt,
    );
    expect(r.summary).toContain(`${name}:3`);
  });

  test('CLI (service principal): an ARM id as the source, destination name and version, outputs as JSON', async () => {
    const name = uniqueName();
    const dest = uniqueName('prod');
    const files = await seedSource(name, '2');
    const startedAt = Date.now();
    const r = record(
      await runNode(
        CLI,
        [
          'promote-model',
          '--model', `${wsPath()}/models/${name}/versions/2`,
          '--registry', t.env.AML_REGISTRY_NAME,
          '--registry-resource-group', t.env.AML_REGISTRY_RESOURCE_GROUP,
          '--registry-subscription-id', t.env.AML_REGISTRY_SUBSCRIPTION_ID,
          '--destination-name', dest,
          '--destination-version', '10',
          '--approver', 'bob',
        ],
        cliEnv({ GIT_COMMIT: COMMIT, AML_RUN_URL: 'https://ci.example.com/runs/55' }),
      ),
    );
    expect(visibleLog(r.stderr)).not.toMatch(/^error:/m);
    expect(r.exitCode).toBe(0);
    const outputs = JSON.parse(r.stdout) as Record<string, string>;
    expect(outputs).toMatchObject({
      'asset-id': `azureml://registries/${t.env.AML_REGISTRY_NAME}/models/${dest}/versions/10`,
      'model-name': dest,
      'model-version': '10',
      result: 'promoted',
    });
    const copy = await registryVersion(dest, '10');
    expect(copy?.properties.provisioningState).toBe('Succeeded');
    expect(await registryFiles(copy!.properties.modelUri)).toEqual(files);
    expect(copy!.properties.tags).toMatchObject({
      'lineage.source_model': `${name}:2`,
      'lineage.commit': COMMIT,
      'lineage.run_url': 'https://ci.example.com/runs/55',
      'lineage.approver': 'bob',
    });
    expect(Date.parse(copy!.properties.tags!['lineage.promoted_at'])).toBeGreaterThanOrEqual(startedAt - 1000);
  });
});

// ---- the gate and the alias --------------------------------------------------------------------------------------

const GATE = 'accuracy >= champion - 0.01\nauc >= 0.8';
const metricsOf = (accuracy: number, auc = 0.9) => ({ 'metrics.accuracy': String(accuracy), 'metrics.auc': String(auc) });

/** The registry holds `name:1` (accuracy 0.9) with the champion alias; the workspace has the sources to promote. */
async function withChampion(): Promise<string> {
  const name = uniqueName('g');
  await seedSource(name, '1', { properties: metricsOf(0.9) });
  const first = await promote(`azureml:${name}:1`, { gate: GATE, alias: 'champion' });
  expect(first.exitCode).toBe(0);
  expect(first.outputs).toMatchObject({ result: 'promoted', gate: 'passed' });
  expect(await aliasHolders(name)).toEqual(['1']);
  return name;
}

/** Registry version PUTs of `name` in `journal`, by version, with the alias tag they set (or not). */
const aliasWrites = (journal: JournalEntry[], name: string) => versionPuts(journal, name, `/registries/${t.env.AML_REGISTRY_NAME}`);

describe('gate and alias', () => {
  test('a better challenger passes; the alias moves to it exactly once; a rerun leaves one holder and writes nothing', async () => {
    const name = await withChampion();
    await seedSource(name, '2', { properties: metricsOf(0.93) });
    const { result: r, journal } = await during(() => promote(`azureml:${name}:2`, { gate: GATE, alias: 'champion' }));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '2', result: 'promoted', gate: 'passed' });
    expect(r.summary).toMatch(/Gate passed/);
    expect(r.summary).toMatch(new RegExp(`${escape(name)}:1 \\(alias champion\\)`));
    expect(r.summary).toMatch(/moved here from version 1/);
    // Version 2 gains the alias in one write; version 1 loses it in one write.
    const writes = aliasWrites(journal, name);
    expect(writes.filter((w) => w.version === '2' && w.alias)).toHaveLength(1);
    expect(writes.filter((w) => w.version === '1')).toEqual([{ version: '1', alias: false }]);
    expect(await aliasHolders(name)).toEqual(['2']);

    const { result: again, journal: rerun } = await during(() => promote(`azureml:${name}:2`, { gate: GATE, alias: 'champion' }));
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '2', result: 'already-promoted' });
    expect(rerun.filter(isWrite)).toEqual([]);
    expect(await aliasHolders(name)).toEqual(['2']);
  });

  test('a worse challenger fails the gate before anything is written, with the challenger-vs-champion table', async () => {
    const name = await withChampion();
    await seedSource(name, '2', { properties: metricsOf(0.85, 0.7) });
    const { result: r, journal } = await during(() => promote(`azureml:${name}:2`, { gate: GATE, alias: 'champion' }));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::Invalid input: The gate stopped .*accuracy >= champion - 0\.01.*auc >= 0\.8.*Nothing was written/);
    expect(r.outputs.result).toBeUndefined();
    // The table: one row per rule with the challenger's and the champion's values.
    expect(r.summary).toMatch(/Gate failed.*2 of 2 rules/);
    expect(r.summary).toMatch(new RegExp(`\\| Rule \\| Challenger \\| Champion ${escape(name)}:1 \\(alias champion\\) \\| Threshold \\| Result \\|`));
    expect(r.summary).toMatch(/\| `accuracy >= champion - 0\.01` \| 0\.85 \| 0\.9 \| 0\.89 \| ❌/);
    expect(r.summary).toMatch(/\| `auc >= 0\.8` \| 0\.7 \| 0\.9 \| 0\.8 \| ❌/);
    // Reads only: no PUT, POST, PATCH or DELETE reached ARM or the registry.
    expect(journal.filter((e) => e.path.startsWith('/subscriptions/')).length).toBeGreaterThan(0);
    expect(journal.filter(isWrite)).toEqual([]);
    expect(await registryVersion(name, '2')).toBeUndefined();
    expect(await aliasHolders(name)).toEqual(['1']);
  });

  test('force: a failing gate is overridden with a warning; the alias moves; a rerun keeps exactly one holder', async () => {
    const name = await withChampion();
    await seedSource(name, '2', { properties: metricsOf(0.5) });
    const r = await promote(`azureml:${name}:2`, { gate: GATE, alias: 'champion', force: 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '2', result: 'promoted', gate: 'failed-forced' });
    expect(r.stdout).toMatch(/::warning::Gate failed for .*force is set/);
    expect(r.summary).toMatch(/⚠️ \*\*Gate failed\*\*.*skipped because `force` is true/);
    expect(r.summary).toMatch(/\| `accuracy >= champion - 0\.01` \| 0\.5 \| 0\.9 \|/);
    expect((await registryVersion(name, '2'))?.properties.provisioningState).toBe('Succeeded');
    expect(await aliasHolders(name)).toEqual(['2']);

    const { result: again, journal } = await during(() => promote(`azureml:${name}:2`, { gate: GATE, alias: 'champion', force: 'true' }));
    expect(again.exitCode).toBe(0);
    expect(again.outputs.result).toBe('already-promoted');
    expect(journal.filter(isWrite)).toEqual([]);
    expect(await aliasHolders(name)).toEqual(['2']);
  });

  test('candidate metrics from a file override the recorded ones', async () => {
    const name = await withChampion();
    await seedSource(name, '2', { properties: metricsOf(0.5) });
    const r = await promote(`azureml:${name}:2`, { gate: GATE, metrics: join(FIXTURES, 'metrics-good.yml') });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'promoted', gate: 'passed' });
    expect(r.summary).toMatch(/\| `accuracy >= champion - 0\.01` \| 0\.95 \| 0\.9 \|/);
  });
});

// ---- reruns and refusals -----------------------------------------------------------------------------------------

describe('reruns, conflicts and refusals', () => {
  test('an idempotent rerun says already-promoted and writes nothing', async () => {
    const name = uniqueName();
    await seedSource(name, '1');
    await seedSource(name, '2');
    // @latest resolves to version 2; the rerun names it as a bare name plus model-version.
    const first = await promote(`azureml:${name}@latest`);
    expect(first.outputs).toMatchObject({ 'model-version': '2', result: 'promoted' });
    const before = await registryVersion(name, '2');
    const { result: r, journal } = await during(() => promote(name, { 'model-version': '2' }));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'asset-id': `azureml://registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/2`, result: 'already-promoted' });
    expect(r.stdout).toMatch(/already promoted; nothing copied/);
    expect(r.summary).toMatch(/already promoted from this source/);
    expect(journal.filter(isWrite)).toEqual([]);
    expect(await registryVersion(name, '2')).toEqual(before);
    expect(await registryVersion(name, '1')).toBeUndefined();
  });

  test('another source promoted to a taken destination version is a conflict and nothing is overwritten', async () => {
    const first = uniqueName();
    const second = uniqueName();
    const dest = uniqueName('shared');
    await seedSource(first, '1');
    await seedSource(second, '1');
    expect((await promote(`azureml:${first}:1`, { 'destination-name': dest })).exitCode).toBe(0);
    const before = await registryVersion(dest, '1');
    const { result: r, journal } = await during(() => promote(`azureml:${second}:1`, { 'destination-name': dest }));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`::error.*already holds ${escape(dest)}:1, promoted from ${escape(first)}:1.*not from ${escape(second)}:1.*nothing was overwritten`, 's'));
    expect(r.outputs.result).toBeUndefined();
    expect(journal.filter(isWrite)).toEqual([]);
    expect(await registryVersion(dest, '1')).toEqual(before);
  });

  test('a registry that does not exist: a clear error naming it, nothing written', async () => {
    const name = uniqueName();
    await seedSource(name, '1');
    const { result: r, journal } = await during(() => promote(`azureml:${name}:1`, { registry: 'mlr-nowhere' }));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`::error.*Registry 'mlr-nowhere' was not found in resource group '${t.env.AML_REGISTRY_RESOURCE_GROUP}' of subscription ${t.env.AML_REGISTRY_SUBSCRIPTION_ID}`));
    expect(journal.some((e) => e.method === 'GET' && e.path.endsWith('/registries/mlr-nowhere') && e.status === 404)).toBe(true);
    expect(journal.filter(isWrite)).toEqual([]);
  });

  test("a principal without access to the registry's subscription: 403 naming the principal and the scope", async () => {
    const seeded = await t.control.seed({ identity: { apps: [{ displayName: 'workspace-only-promoter' }] } });
    const app = seeded.identity.apps.find((a) => a.displayName === 'workspace-only-promoter')!;
    await t.control.seed({ roleAssignments: [{ principalId: app.objectId, scope: `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}`, role: 'Contributor' }] });
    const name = uniqueName();
    await seedSource(name, '1');
    const args = ['promote-model', '--model', `azureml:${name}:1`, '--registry', t.env.AML_REGISTRY_NAME, '--registry-resource-group', t.env.AML_REGISTRY_RESOURCE_GROUP, '--registry-subscription-id', t.env.AML_REGISTRY_SUBSCRIPTION_ID];
    const { result: r, journal } = await during(async () =>
      record(await runNode(CLI, args, cliEnv({ AZURE_CLIENT_ID: app.appId, AZURE_CLIENT_SECRET: app.secrets[0].value }))),
    );
    expect(r.exitCode).toBe(1);
    const log = visibleLog(r.stderr);
    expect(log).toMatch(/^error:.*(AuthorizationFailed|not authorized|does not have authorization)/m);
    expect(log).toContain(app.appId);
    expect(log).toContain(`/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_REGISTRY_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/registries/${t.env.AML_REGISTRY_NAME}`);
    expect(journal.some((e) => e.status === 403)).toBe(true);
    expect(journal.filter(isWrite)).toEqual([]);
    expect(JSON.parse(r.stdout)).toEqual({});
  });

  test('where publish is unavailable, registry discovery + import copies it and the summary says so', async () => {
    await t.control.seed({ settings: { publishUnavailable: true } });
    try {
      const name = uniqueName();
      const files = await seedSource(name, '1');
      const { result: r, journal } = await during(() => promote(`azureml:${name}:1`));
      expect(r.exitCode).toBe(0);
      expect(r.outputs).toMatchObject({ 'model-version': '1', result: 'promoted' });
      expect(r.summary).toMatch(/registry import; publish unavailable: NoRegisteredProviderFound/);
      expect(journal.filter((e) => e.path.endsWith('/publish')).map((e) => e.status)).toEqual([400]);
      expect(journal.some((e) => e.method === 'GET' && /\/registrymanagement\/v1\.0\/registries\/[^/]+\/discovery$/.test(e.path))).toBe(true);
      const imports = journal.filter((e) => e.method === 'POST' && e.path.startsWith('/mferp/managementfrontend/') && e.path.endsWith('/import'));
      expect(imports).toHaveLength(1);
      expect(imports[0].requestBody).toMatchObject({ properties: { referenceType: 'Id', sourceAssetId: expect.stringMatching(new RegExp(`^azureml://locations/[^/]+/workspaces/[0-9a-f-]{36}/models/${escape(name)}/versions/1$`)) } });
      const copy = await registryVersion(name, '1');
      expect(copy?.properties.provisioningState).toBe('Succeeded');
      expect(await registryFiles(copy!.properties.modelUri)).toEqual(files);
      expect(copy!.properties.tags?.['lineage.source_model']).toBe(`${name}:1`);
    } finally {
      await t.control.seed({ settings: { publishUnavailable: false } });
    }
  });
});

// ---- faults during the long-running copy --------------------------------------------------------------------------

describe('faults during the copy', () => {
  afterEach(async () => {
    await t.control.clearFaults();
    await t.control.seed({ settings: { provisioningFailures: [] } });
  });

  test('503 and a dropped connection on the operation poll are retried and the copy succeeds', async () => {
    const name = uniqueName();
    const files = await seedSource(name, '1');
    const poll = '/mfeOperationResults/rcp:';
    await t.control.addFault({ method: 'GET', path: poll, status: 503, times: 1 });
    await t.control.addFault({ method: 'GET', path: poll, drop: true, times: 1 });
    const { result: r, journal } = await during(() => promote(`azureml:${name}:1`));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'promoted', 'model-version': '1' });
    const polls = journal.filter((e) => e.path.includes(poll));
    // The journal records a dropped connection with status 0.
    expect(polls.slice(0, 2).map((e) => e.status)).toEqual([503, 0]);
    expect([200, 204]).toContain(polls[polls.length - 1].status);
    expect((await t.control.call<{ faults: unknown[] }>('GET', '/_emulator/faults')).faults).toEqual([]);
    const copy = await registryVersion(name, '1');
    expect(copy?.properties.provisioningState).toBe('Succeeded');
    expect(await registryFiles(copy!.properties.modelUri)).toEqual(files);
  });

  test('an operation that ends Failed with an error code is a classified failure and nothing is reported promoted', async () => {
    const name = uniqueName();
    await seedSource(name, '1');
    await t.control.seed({
      settings: {
        provisioningFailures: [{ resourceIdPattern: `/registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/1$`, code: 'AssetCopyQuotaExceeded', message: 'Injected: the copy ran out of storage.' }],
      },
    });
    const r = await promote(`azureml:${name}:1`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*AssetCopyQuotaExceeded/);
    expect(r.stdout).toMatch(/Injected: the copy ran out of storage/);
    expect(r.outputs).toEqual({});
    expect(r.summary).not.toMatch(/✅ promoted/);
    expect((await registryVersion(name, '1'))?.properties.provisioningState).toBe('Failed');

    // The Failed version is not taken for a finished copy on a rerun either.
    await t.control.seed({ settings: { provisioningFailures: [] } });
    const again = await promote(`azureml:${name}:1`);
    expect(again.exitCode).toBe(1);
    expect(again.outputs.result).toBeUndefined();
    expect(again.stdout).toMatch(/::error::.*Failed/);
  });
});

// ---- bad input -----------------------------------------------------------------------------------------------------

describe('bad input is reported before anything is sent', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    ['a malformed gate rule', () => promoteInputs('azureml:m:1', { gate: 'accuracy >= champion - 0.01\nauc => 0.8' }), /::error::Invalid input: Input 'gate': rule 2 'auc => 0\.8': operator '=>' is not supported; did you mean '>='\?/],
    [
      'a metrics file with a YAML error',
      () => promoteInputs('azureml:m:1', { gate: 'auc >= 0.8', metrics: join(FIXTURES, 'metrics-broken.yml') }),
      new RegExp(`::error file=${escape(join(FIXTURES, 'metrics-broken.yml'))},line=4,col=\\d+::Invalid input: .*metrics-broken\\.yml:4:\\d+: invalid YAML`),
    ],
    ['an invalid registry name', () => promoteInputs('azureml:m:1', { registry: 'my registry!' }), /::error::Invalid input: Input 'registry' is not a valid registry name: 'my registry!'/],
    [
      'a model that is already in a registry',
      () => promoteInputs(`azureml://registries/${t.env.AML_REGISTRY_NAME}/models/credit/versions/4`),
      /::error::Invalid input: Input 'model': azureml:\/\/registries\/[^ ]+\/models\/credit\/versions\/4 is already in registry '[^']+'; there is nothing to promote/,
    ],
    ['a model without a version', () => promoteInputs('azureml:credit'), /::error::Invalid input: Input 'model': 'azureml:credit' has no version/],
  ];
  test.each(cases)('%s', async (_label, inputs, message) => {
    const since = await t.control.lastSeq();
    const r = record(await runGitHubAction(ACTION, inputs(), githubEnv()));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(await t.control.journal(since)).toEqual([]);
  });
});

test('no token, key, secret or SAS appears in any captured output', () => {
  const secrets = t.emulator.secretValues();
  expect(secrets.length).toBeGreaterThan(3);
  expect(captured.length).toBeGreaterThan(40);
  for (const text of captured) {
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/[?&]sig=[\w%-]{10,}/);
    for (const s of secrets) expect(text).not.toContain(s);
  }
});
