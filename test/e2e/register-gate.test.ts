/**
 * register-model's registry, metrics, gate, force and alias inputs end to end: the committed action bundle runs as
 * the GitHub runner runs it, against the emulator (whose registry lives in a second subscription) and Azurite.
 * The test reads results back over ARM and from the registry's storage with the account key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGitHubAction, runNode } from '../../shared/cli/runners';
import { aliasHolders as aliasHoldersIn, during as duringIn, modelVersion, registryFiles as registryFilesOf, versionPuts } from '../support/arm-reader';
import { Capture, cliEnv, escapeRegExp as escape, githubEnv as githubEnvFor, registryInputs, textModelFolder, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';

const ACTION = join(REPO, 'actions', 'register-model');
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

const workspaceVersion = (name: string, version: string) => modelVersion(t, 'workspace', name, version);
const registryVersion = (name: string, version: string) => modelVersion(t, 'registry', name, version);
const aliasHolders = (name: string, where: 'workspace' | 'registry', alias = 'champion') => aliasHoldersIn(t, where, name, alias);
const registryFiles = (modelUri: string) => registryFilesOf(t, modelUri);
const during = <T>(fn: () => Promise<T>) => duringIn(t, fn);

// ---- running the bundle ------------------------------------------------------------------------------------------

/** A metrics file for the candidate. */
function metricsFile(metrics: Record<string, number>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'metrics-')), 'metrics.json');
  writeFileSync(file, JSON.stringify({ metrics }));
  return file;
}

const githubEnv = () =>
  githubEnvFor(t, {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'contoso/credit-risk',
    GITHUB_RUN_ID: '31337',
    GITHUB_SHA: 'c0ffee0000000000000000000000000000000001',
  });

const register = async (inputs: Record<string, string>) => record(await runGitHubAction(ACTION, { ...workspaceInputs(t), ...inputs }, githubEnv()));

const GATE = 'accuracy >= champion - 0.01\nauc >= 0.8';

// ---- straight into a registry ------------------------------------------------------------------------------------

describe('register-model with registry', () => {
  test('a local folder goes through startPendingUpload, the upload and the version LRO; a rerun writes nothing', async () => {
    const name = uniqueName();
    const { dir, files } = textModelFolder();
    const inputs = { 'model-name': name, 'model-path': dir, ...registryInputs(t), approver: 'carol' };
    const { result: r, journal } = await during(() => register(inputs));
    expect(r.stdout).not.toMatch(/::error/);
    expect(r.exitCode).toBe(0);
    const assetId = `azureml://registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/1`;
    expect(r.outputs).toMatchObject({ 'model-name': name, 'model-version': '1', 'model-id': assetId, 'model-ref': assetId, result: 'created', gate: 'none' });

    // The sequence on the wire, in order: pending upload (SAS to the registry's storage), then the async version PUT.
    const steps = journal.filter((e) => isArmWrite(e) || e.path.startsWith('/assetstore/'));
    const pending = steps.findIndex((e) => e.method === 'POST' && /\/registries\/[^/]+\/models\/[^/]+\/versions\/1\/startPendingUpload$/i.test(e.path));
    const put = steps.findIndex((e) => e.method === 'PUT' && e.path.endsWith(`/registries/${t.env.AML_REGISTRY_NAME}/models/${name}/versions/1`));
    const poll = steps.findIndex((e) => e.path.startsWith('/assetstore/v1.0/operations/'));
    expect(pending).toBeGreaterThanOrEqual(0);
    expect(put).toBeGreaterThan(pending);
    expect(poll).toBeGreaterThan(put);
    expect(steps[put].status).toBe(202);
    expect(steps[put].path.startsWith(`/subscriptions/${t.env.AML_REGISTRY_SUBSCRIPTION_ID}/`)).toBe(true);
    // Nothing was written to the workspace.
    expect(journal.filter((e) => isArmWrite(e) && e.path.includes('/workspaces/'))).toEqual([]);

    const version = await registryVersion(name, '1');
    expect(version?.properties.provisioningState).toBe('Succeeded');
    expect(version!.properties.modelUri).toBe(r.outputs['model-uri']);
    expect(await registryFiles(version!.properties.modelUri)).toEqual(files);
    expect(version!.properties.tags).toMatchObject({
      'lineage.content_sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      'lineage.approver': 'carol',
      'lineage.run_url': 'https://github.com/contoso/credit-risk/actions/runs/31337',
    });
    expect(r.summary).toContain(assetId);

    const { result: again, journal: rerun } = await during(() => register(inputs));
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', 'model-id': assetId, result: 'unchanged' });
    expect(again.summary).toMatch(/already registered with this content/);
    expect(rerun.filter(isArmWrite)).toEqual([]);
  });

  test('other content takes the next version; the CLI registers into the registry too', async () => {
    const name = uniqueName();
    expect((await register({ 'model-name': name, 'model-path': textModelFolder().dir, ...registryInputs(t) })).outputs['model-version']).toBe('1');
    const { dir, files } = textModelFolder();
    const r = await runNode(
      CLI,
      ['register-model', '--model-name', name, '--model-path', dir, '--registry', t.env.AML_REGISTRY_NAME, '--registry-resource-group', t.env.AML_REGISTRY_RESOURCE_GROUP, '--registry-subscription-id', t.env.AML_REGISTRY_SUBSCRIPTION_ID],
      cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value }),
    );
    captured.push(r.stdout, visibleLog(r.stderr));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ 'model-version': '2', result: 'created' });
    const v2 = await registryVersion(name, '2');
    expect(await registryFiles(v2!.properties.modelUri)).toEqual(files);
    expect((await registryVersion(name, '1'))!.properties.modelUri).not.toBe(v2!.properties.modelUri);
  });

  test('a gate that fails against the registry champion stops before the pending upload', async () => {
    const name = uniqueName();
    const first = await register({ 'model-name': name, 'model-path': textModelFolder().dir, ...registryInputs(t), metrics: metricsFile({ accuracy: 0.9, auc: 0.9 }), alias: 'champion' });
    expect(first.exitCode).toBe(0);
    expect(await aliasHolders(name, 'registry')).toEqual(['1']);
    const { result: r, journal } = await during(() =>
      register({ 'model-name': name, 'model-path': textModelFolder().dir, ...registryInputs(t), metrics: metricsFile({ accuracy: 0.7, auc: 0.9 }), gate: GATE, alias: 'champion' }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::.*The gate stopped .*Nothing was written/);
    expect(r.summary).toMatch(new RegExp(`\\| \`accuracy >= champion - 0\\.01\` \\| 0\\.7 \\| 0\\.9 \\| 0\\.89 \\| ❌`));
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(await registryVersion(name, '2')).toBeUndefined();
    expect(await aliasHolders(name, 'registry')).toEqual(['1']);
  });
});

// ---- metrics, gate, force and alias in a workspace ---------------------------------------------------------------

describe('register-model with metrics, gate and alias in a workspace', () => {
  /** name:1 registered with accuracy 0.9 and holding the champion alias. */
  async function withChampion(): Promise<string> {
    const name = uniqueName('g');
    const r = await register({ 'model-name': name, 'model-path': textModelFolder().dir, metrics: metricsFile({ accuracy: 0.9, auc: 0.85 }), gate: GATE, alias: 'champion' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '1', result: 'created', gate: 'passed' });
    expect(await aliasHolders(name, 'workspace')).toEqual(['1']);
    return name;
  }

  test('metrics are recorded as metrics.<name> properties; a better model passes and takes the alias exactly once', async () => {
    const name = await withChampion();
    const v1 = await workspaceVersion(name, '1');
    expect(v1?.properties.properties).toMatchObject({ 'metrics.accuracy': '0.9', 'metrics.auc': '0.85' });

    const { dir } = textModelFolder();
    const inputs = { 'model-name': name, 'model-path': dir, metrics: metricsFile({ accuracy: 0.92, auc: 0.88 }), gate: GATE, alias: 'champion' };
    const { result: r, journal } = await during(() => register(inputs));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '2', result: 'created', gate: 'passed' });
    expect(r.summary).toMatch(new RegExp(`Gate passed.*against champion ${escape(name)}:1 \\(alias champion\\)`));
    expect(r.summary).toMatch(/\| `accuracy >= champion - 0\.01` \| 0\.92 \| 0\.9 \| 0\.89 \| ✅/);
    const create = journal.find((e) => e.method === 'PUT' && e.path.endsWith(`/models/${name}/versions/2`));
    expect(create?.requestBody).toMatchObject({ properties: { properties: { 'metrics.accuracy': '0.92', 'metrics.auc': '0.88' } } });
    const puts = versionPuts(journal, name);
    expect(puts.filter((p) => p.version === '2' && p.alias)).toHaveLength(1);
    expect(puts.filter((p) => p.version === '1')).toEqual([{ version: '1', alias: false }]);
    expect(await aliasHolders(name, 'workspace')).toEqual(['2']);
    expect((await workspaceVersion(name, '2'))?.properties.properties).toMatchObject({ 'metrics.accuracy': '0.92' });
  });

  // The alias tag a run wrote is not user metadata: a rerun must not see the latest version as changed.
  test('a rerun of a registration that moved the alias is unchanged: no new version, no write, one holder', async () => {
    const name = uniqueName('g');
    const inputs = { 'model-name': name, 'model-path': textModelFolder().dir, metrics: metricsFile({ accuracy: 0.9, auc: 0.85 }), alias: 'champion' };
    expect((await register(inputs)).outputs).toMatchObject({ 'model-version': '1', result: 'created' });
    expect(await aliasHolders(name, 'workspace')).toEqual(['1']);
    const { result: again, journal } = await during(() => register(inputs));
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ 'model-version': '1', result: 'unchanged' });
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(await workspaceVersion(name, '2')).toBeUndefined();
    expect(await aliasHolders(name, 'workspace')).toEqual(['1']);
  });

  test('a failing gate fails the step before anything is written, with the challenger-vs-champion table', async () => {
    const name = await withChampion();
    const { result: r, journal } = await during(() =>
      register({ 'model-name': name, 'model-path': textModelFolder().dir, metrics: metricsFile({ accuracy: 0.8, auc: 0.6 }), gate: GATE, alias: 'champion' }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`::error::.*The gate stopped ${escape(name)}:2: 2 of 2 rules failed.*Nothing was written`));
    expect(r.outputs).toEqual({});
    expect(r.summary).toMatch(/Gate failed.*2 of 2 rules/);
    expect(r.summary).toMatch(new RegExp(`\\| Rule \\| Challenger \\| Champion ${escape(name)}:1 \\(alias champion\\) \\| Threshold \\| Result \\|`));
    expect(r.summary).toMatch(/\| `accuracy >= champion - 0\.01` \| 0\.8 \| 0\.9 \| 0\.89 \| ❌/);
    expect(r.summary).toMatch(/\| `auc >= 0\.8` \| 0\.6 \| 0\.85 \| 0\.8 \| ❌/);
    // Reads only: no PUT/POST/PATCH/DELETE (not even the datastore's listSecrets for the upload).
    expect(journal.some((e) => e.method === 'GET' && e.path.startsWith('/subscriptions/'))).toBe(true);
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(await workspaceVersion(name, '2')).toBeUndefined();
    expect(await aliasHolders(name, 'workspace')).toEqual(['1']);
  });

  test('force registers despite the gate, with a warning, and moves the alias exactly once', async () => {
    const name = await withChampion();
    const inputs = { 'model-name': name, 'model-path': textModelFolder().dir, metrics: metricsFile({ accuracy: 0.5, auc: 0.9 }), gate: GATE, alias: 'champion', force: 'true' };
    const { result: r, journal } = await during(() => register(inputs));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-version': '2', result: 'created', gate: 'failed-forced' });
    expect(r.stdout).toMatch(new RegExp(`::warning::Gate failed for ${escape(name)}:2 but force is set`));
    expect(r.summary).toMatch(/⚠️ \*\*Gate failed\*\*: 1 of 2 rules fails .*skipped because `force` is true/);
    const puts = versionPuts(journal, name);
    expect(puts.filter((p) => p.version === '2' && p.alias)).toHaveLength(1);
    expect(puts.filter((p) => p.version === '1')).toEqual([{ version: '1', alias: false }]);
    expect(await aliasHolders(name, 'workspace')).toEqual(['2']);
    expect((await workspaceVersion(name, '2'))?.properties.properties).toMatchObject({ 'metrics.accuracy': '0.5' });
  });
});

// ---- bad input ---------------------------------------------------------------------------------------------------

describe('bad input is reported before anything is sent', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    ['a malformed gate rule', () => ({ 'model-name': 'm', 'model-path': textModelFolder().dir, gate: 'accuracy >= champion -' }), /::error::.*Input 'gate': rule 'accuracy >= champion -': expected a number after 'champion -'/],
    [
      'a metrics file with a YAML error',
      () => ({ 'model-name': 'm', 'model-path': textModelFolder().dir, gate: 'auc >= 0.8', metrics: join(FIXTURES, 'metrics-broken.yml') }),
      new RegExp(`::error file=${escape(join(FIXTURES, 'metrics-broken.yml'))},line=4,col=\\d+::.*metrics-broken\\.yml:4:\\d+: invalid YAML`),
    ],
    ['a metric that is not a number', () => ({ 'model-name': 'm', 'model-path': textModelFolder().dir, metrics: join(FIXTURES, 'metrics-not-a-number.yml') }), /::error file=[^,]*metrics-not-a-number\.yml,line=3,.*metric 'auc' must be a finite number/],
    ['an invalid registry name', () => ({ 'model-name': 'm', 'model-path': textModelFolder().dir, registry: 'r!' }), /::error::.*Input 'registry' is not a valid registry name: 'r!'/],
    ['a registry with a non-local model path', () => ({ 'model-name': 'm', 'model-path': 'azureml://datastores/workspaceblobstore/paths/x/', ...registryInputs(t) }), /::error::.*Input 'registry' needs a local model path/],
    ['an invalid alias', () => ({ 'model-name': 'm', 'model-path': textModelFolder().dir, alias: 'latest' }), /::error::.*Input 'alias': 'latest' always means the newest version/],
  ];
  test.each(cases)('%s', async (_label, inputs, message) => {
    const since = await t.control.lastSeq();
    const r = await register(inputs());
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
