// deploy-online's strategy stage, run in-process (runStep with a recording host, the step's own source, no bundle)
// against an emulator started by the test: stage green beside a live blue (0%, traffic unchanged, result staged),
// a rerun that does nothing, the blue-green run that promotes green without writing it again, a stage on a new
// endpoint, and a stage whose probe fails (traffic unchanged, the probe's cause, on-failure delete).
import { join } from 'node:path';
import type { JournalEntry } from '../../../../shared/cli/emulator-control';
import { deployOnlineStep } from '../../../../shared/src/steps/deploy-online/definition';
import { registerModelStep } from '../../../../shared/src/steps/register-model/definition';
import { deploymentNames, DEPLOYMENT_FILE, FIXTURES, MODEL, readEndpoint, trafficSent } from '../../../support/deploy-online';
import { modelFolder, uniqueName } from '../../../support/e2e';
import { isArmWrite, startTestEmulator, type TestEmulator } from '../../../support/emulator';
import { runInProcess } from '../../../support/in-process';

const PROBE = join(FIXTURES, 'probe.yml');
const PROBE_WRONG = join(FIXTURES, 'probe-wrong-output.yml');

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 200 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  for (const [folder, version] of [[join(FIXTURES, 'model'), '1'], [modelFolder(), '2']] as const) {
    const r = await runInProcess(t, registerModelStep, { 'model-name': MODEL, 'model-path': folder });
    expect(r.failed).toBe('');
    expect(r.outputs['model-version']).toBe(version);
  }
}, 120_000);
afterAll(() => t?.stop());

const deploy = (endpoint: string, extra: Record<string, string> = {}) =>
  runInProcess(t, deployOnlineStep, { 'deployment-file': DEPLOYMENT_FILE, 'endpoint-name': endpoint, 'bake-time': '1s', ...extra });

/** Green with credit-model:2, as `deployment-name: auto` picks it beside blue. */
const GREEN = { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, 'probe-file': PROBE };

const deploymentWrites = (journal: JournalEntry[], name: string) => journal.filter((e) => isArmWrite(e) && new RegExp(`/deployments/${name}$`, 'i').test(e.path));
/** Requests the scoring data plane answered (the probe's: the test sends none). */
const scored = (journal: JournalEntry[]) => journal.filter((e) => e.area === 'scoring');

async function blueEndpoint(): Promise<string> {
  const ep = uniqueName('ep');
  const r = await deploy(ep);
  expect(r.failed).toBe('');
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
  return ep;
}

describe('deploy-online strategy stage, then blue-green', () => {
  let ep: string;

  test('stage beside a live blue: green at 0% and probed, traffic unchanged, result staged, the summary says how to test and promote', async () => {
    ep = await blueEndpoint();
    const r = await deploy(ep, { ...GREEN, strategy: 'stage' });
    expect(r.failed).toBe('');
    expect(r.ok).toBe(true);
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'staged' });
    expect(JSON.parse(r.outputs.traffic!)).toEqual({ blue: 100 });
    // Green was written once; the endpoint was never PUT (no traffic write); the probe reached green by its header.
    expect(deploymentWrites(r.journal, 'green').filter((e) => e.method === 'PUT')).toHaveLength(1);
    expect(trafficSent(r.journal, ep)).toEqual([]);
    expect(scored(r.journal).length).toBeGreaterThan(0);
    expect(scored(r.journal).every((e) => e.status === 200)).toBe(true);
    expect(r.summary).toMatch(/smoke test green \| blue=100 \| none \| — \| passed: 1 of 1 requests as expected/);
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
    expect(await deploymentNames(t, ep)).toEqual(['blue', 'green']);
    expect(r.summary).toMatch(/deploy-online: 🟡 Staged at 0%: ready to test, traffic unchanged — green on /);
    expect(r.summary).toMatch(/\| Strategy \| stage \|/);
    expect(r.summary).toMatch(/`green` is deployed and checked at 0%; the traffic is unchanged \(`blue=100`\)/);
    expect(r.summary).toMatch(/the header `azureml-model-deployment: green`/);
    expect(r.summary).toMatch(/run deploy-online again with the same model and deployment inputs and `strategy: blue-green`/);
    expect(r.info).toMatch(/Test it directly: send requests to the scoring URI with the header azureml-model-deployment: green/);
  });

  test('stage again with the same inputs: nothing is written and it says so', async () => {
    const r = await deploy(ep, { ...GREEN, strategy: 'stage' });
    expect(r.failed).toBe('');
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', result: 'staged' });
    expect(JSON.parse(r.outputs.traffic!)).toEqual({ blue: 100 });
    expect(r.journal.filter(isArmWrite)).toEqual([]);
    expect(r.info).toMatch(new RegExp(`Deployment green is already staged at 0% on ${ep} with this model, environment, code and settings; nothing to do \\(traffic blue=100\\)`));
    expect(r.summary).toMatch(/🟡 Already staged at 0%: nothing to do — green/);
    expect(r.summary).not.toMatch(/#### Plan/);
  });

  test('blue-green with the same inputs promotes the staged green: no write to green, smoke at 0%, then green takes 100%', async () => {
    const r = await deploy(ep, { ...GREEN, strategy: 'blue-green' });
    expect(r.failed).toBe('');
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic!)).toEqual({ green: 100 });
    expect(deploymentWrites(r.journal, 'green')).toEqual([]);
    expect(r.summary).toMatch(/smoke test green \| blue=100 \| none \| — \| passed: 1 of 1 requests as expected/);
    expect(trafficSent(r.journal, ep)).toEqual([{ green: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ green: 100 });
    expect(r.info).toMatch(/Deployment green already runs this model, environment, code and settings at 0%: it is not written again/);
    expect(r.summary).toMatch(/use green \(already deployed as desired\)/);
  });
});

test('stage on a new endpoint: blue at 0%, the endpoint has no traffic; blue-green then gives blue 100% without writing it', async () => {
  const ep = uniqueName('ep');
  const staged = await deploy(ep, { 'deployment-name': 'auto', strategy: 'stage' });
  expect(staged.failed).toBe('');
  expect(staged.outputs).toMatchObject({ 'deployment-name': 'blue', 'previous-deployment': '', result: 'staged' });
  expect(JSON.parse(staged.outputs.traffic!)).toEqual({});
  // The endpoint was created (with no traffic) and not PUT again.
  expect(trafficSent(staged.journal, ep)).toEqual([{}]);
  const created = await readEndpoint(t, ep);
  expect(Object.values(created?.properties.traffic ?? {}).filter((v) => v > 0)).toEqual([]);
  expect(staged.summary).toMatch(/The endpoint has no traffic yet: nothing reaches `blue` until it is promoted/);
  expect(staged.summary).toMatch(/No deployment serves traffic yet: 'blue' is staged at 0%/);

  const promoted = await deploy(ep, { 'deployment-name': 'auto', strategy: 'blue-green' });
  expect(promoted.failed).toBe('');
  expect(promoted.outputs).toMatchObject({ 'deployment-name': 'blue', result: 'deployed' });
  expect(deploymentWrites(promoted.journal, 'blue')).toEqual([]);
  expect(trafficSent(promoted.journal, ep)).toEqual([{ blue: 100 }]);
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
});

test('stage with a probe that fails: traffic unchanged, the step fails with the probe cause; on-failure delete removes green', async () => {
  const ep = await blueEndpoint();
  const r = await deploy(ep, { ...GREEN, 'probe-file': PROBE_WRONG, strategy: 'stage', 'on-failure': 'delete' });
  expect(r.ok).toBe(false);
  expect(r.outputs).toMatchObject({ 'deployment-name': 'green', result: 'failed' });
  expect(JSON.parse(r.outputs.traffic!)).toEqual({ blue: 100 });
  expect(r.failed).toMatch(/The rollout of 'green' stopped at 'smoke test green': the smoke test failed: .*three-columns/);
  expect(r.failed).toMatch(/No traffic had moved\. 'green' was deleted \(on-failure: delete\)/);
  expect(trafficSent(r.journal, ep)).toEqual([]);
  expect(deploymentWrites(r.journal, 'green').map((e) => e.method)).toEqual(['PUT', 'DELETE']);
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
  expect(await deploymentNames(t, ep)).toEqual(['blue']);
});
