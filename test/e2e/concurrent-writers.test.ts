/**
 * Concurrent writers (issue 6 §5): several CLI processes, started at the same time against one emulator, register
 * or promote the same model. Every run must end well: a lost race for an automatically chosen version moves on to
 * the next free one, identical content ends as one version (one run created it, the other found it), and a second
 * promotion of the same version waits for the first one's lineage and reports it as already promoted.
 */
import { join } from 'node:path';
import { runNode, type ProcessResult } from '../../shared/cli/runners';
import { arm, during, modelVersion, versionPuts, workspacePath, type ModelVersionJson } from '../support/arm-reader';
import { Capture, cliEnv as cliEnvFor, modelFolder, registryInputs, uniqueName } from '../support/e2e';
import { REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 500 });
});
afterAll(async () => {
  await t?.stop();
});

const cliEnv = () => cliEnvFor(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value });

interface CliRun extends ProcessResult {
  outputs: Record<string, string>;
}

/** The CLI prints its outputs as JSON on stdout; a failed run prints none. */
async function cli(args: string[]): Promise<CliRun> {
  const r = await runNode(CLI, args, cliEnv());
  let outputs: Record<string, string> = {};
  try {
    outputs = JSON.parse(r.stdout) as Record<string, string>;
  } catch {
    outputs = {};
  }
  return record({ ...r, outputs });
}

/** Several runs started together (real processes, not awaited one after another). */
const together = (runs: Array<() => Promise<CliRun>>): Promise<CliRun[]> => Promise.all(runs.map((run) => run()));

const failures = (runs: CliRun[]) => runs.filter((r) => r.exitCode !== 0).map((r) => visibleLog(r.stderr));

async function workspaceVersions(name: string): Promise<ModelVersionJson[]> {
  const r = await arm<{ value: Array<ModelVersionJson & { name: string }> }>(t, 'GET', `${workspacePath(t)}/models/${name}/versions`);
  if (r.status === 404) return [];
  expect(r.status).toBe(200);
  return r.json.value;
}

const register = (name: string, folder: string, extra: string[] = []) => () => cli(['register-model', '--model-name', name, '--model-path', folder, ...extra]);

describe('register-model', () => {
  test.each([3, 5])('%i parallel registers of different content all succeed with distinct versions', async (n) => {
    const name = uniqueName();
    const folders = Array.from({ length: n }, () => modelFolder());
    const runs = await together(folders.map((f) => register(name, f)));
    expect(failures(runs)).toEqual([]);
    expect(runs.map((r) => r.outputs.result)).toEqual(Array(n).fill('created'));
    const versions = runs.map((r) => r.outputs['model-version']);
    expect([...versions].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
    // Each run's output names the version that holds its own content.
    const live = await workspaceVersions(name);
    expect(live).toHaveLength(n);
    for (const r of runs) {
      const v = await modelVersion(t, 'workspace', name, r.outputs['model-version']);
      expect(v?.properties.modelUri).toBe(r.outputs['model-uri']);
    }
    expect(new Set(runs.map((r) => r.outputs['model-uri'])).size).toBe(n);
    // The runs did race (they planned the same version), and the losers said where they moved on to.
    expect(runs.filter((r) => /trying version \d+/.test(r.stderr)).length).toBeGreaterThan(0);
  });

  test('2 parallel registers of identical content end as one version: one created, one unchanged', async () => {
    const name = uniqueName();
    const folder = modelFolder();
    const runs = await together([register(name, folder, ['--tags', 'team=risk']), register(name, folder, ['--tags', 'team=risk'])]);
    expect(failures(runs)).toEqual([]);
    // Result and version together, so that a failure shows which run did what.
    expect(runs.map((r) => `${r.outputs.result} ${r.outputs['model-version']}`).sort()).toEqual(['created 1', 'unchanged 1']);
    const live = await workspaceVersions(name);
    expect(live).toHaveLength(1);
    expect(live[0].properties.tags).toMatchObject({ team: 'risk' });
    expect(live[0].properties.modelUri).toBe(runs[0].outputs['model-uri']);
  });

  test('an explicit model-version is not moved on: a lost race with other content is still refused', async () => {
    const name = uniqueName();
    const runs = await together([register(name, modelFolder(), ['--model-version', '7']), register(name, modelFolder(), ['--model-version', '7'])]);
    expect(runs.map((r) => r.exitCode).sort()).toEqual([0, 1]);
    const lost = runs.find((r) => r.exitCode !== 0)!;
    expect(visibleLog(lost.stderr)).toMatch(/Conflict.*7/s);
    const live = await workspaceVersions(name);
    expect(live.map((v) => (v as { name?: string }).name)).toEqual(['7']);
  });
});

describe('promote-model', () => {
  test('2 parallel promotes of the same version both succeed: one promoted, one already promoted', async () => {
    const name = uniqueName();
    const reg = await cli(['register-model', '--model-name', name, '--model-path', modelFolder()]);
    expect(reg.exitCode).toBe(0);
    const inputs = registryInputs(t);
    const promote = () =>
      cli([
        'promote-model',
        '--model', `azureml:${name}:1`,
        '--registry', inputs.registry,
        '--registry-resource-group', inputs['registry-resource-group'],
        '--registry-subscription-id', inputs['registry-subscription-id'],
      ]);
    const { result: runs, journal } = await during(t, () => together([promote, promote]));
    expect(failures(runs)).toEqual([]);
    expect(runs.map((r) => r.outputs.result).sort()).toEqual(['already-promoted', 'promoted']);
    // The second run recognised the first one's promotion instead of copying over it or re-labelling it.
    const second = runs.find((r) => r.outputs.result === 'already-promoted')!;
    expect(visibleLog(second.stderr)).toMatch(/waiting for it to settle|Another run promoting .* recorded .* first/);
    const copy = await modelVersion(t, 'registry', name, '1');
    expect(copy?.properties.provisioningState).toBe('Succeeded');
    expect(copy?.properties.tags?.['lineage.source_model']).toBe(`${name}:1`);
    // One lineage write: the winner's record is not overwritten by the second run.
    expect(versionPuts(journal, name, `/registries/${inputs.registry}`)).toHaveLength(1);
  });
});
