/**
 * deploy-online end to end, the paths that succeed or stop before writing: the committed GitHub action bundle (OIDC)
 * deploys the fixture `az ml online-deployment` YAML to the emulator's managed online endpoints: a first deploy, a
 * blue/green canary to a second model version, an idempotent rerun, a dry run, strategy remove, the pre-flight doctor
 * and bad input.
 * No probe-file and no analysis rules: nothing here needs a scoring response or metrics.
 */
import { join } from 'node:path';
import type { GitHubRun } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { arm, during, workspacePath } from '../support/arm-reader';
import { Capture, escapeRegExp, modelFolder, uniqueName } from '../support/e2e';
import { isArmWrite, JWT, startTestEmulator, type TestEmulator } from '../support/emulator';
import { deploy, deploymentNames, errorsOf, FIXTURES, MODEL, readEndpoint, registerModel, trafficSent, expectRefusedBeforeAnyRequest } from '../support/deploy-online';

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);

/** Room for every deployment this file creates (each DS3_v2 instance holds 8 vCPUs with the upgrade reserve). */
const ROOMY = { limits: { standardDSv2Family: 400, total: 1000 } };

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', ROOMY);
  // credit-model:1 is the fixture folder, :2 a folder with other content.
  expect(await registerModel(t, join(FIXTURES, 'model'))).toBe('1');
  expect(await registerModel(t, modelFolder())).toBe('2');
});
afterAll(async () => {
  await t?.stop();
});

const run = async (endpoint: string, extra: Record<string, string> = {}) => during(t, async () => record(await deploy(t, endpoint, extra)));

const puts = (journal: JournalEntry[], fragment: RegExp) => journal.filter((e) => e.method === 'PUT' && fragment.test(e.path));

/** One endpoint with blue serving 100% of credit-model:1, shared by the tests that need a live endpoint. */
let live: string | undefined;
async function liveEndpoint(): Promise<string> {
  if (live) return live;
  const ep = uniqueName('ep');
  const { result } = await run(ep);
  expect(result.exitCode).toBe(0);
  live = ep;
  return ep;
}

describe('deploy-online: the GitHub action rolls out', () => {
  test('first deploy from the YAML file: assets, endpoint, deployment, traffic; outputs and the summary timeline', async () => {
    const ep = uniqueName('ep');
    const { result: r, journal } = await run(ep);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'blue', 'previous-deployment': '', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(r.outputs['scoring-uri']).toMatch(new RegExp(`^https://.+/${escapeRegExp(ep)}/score$`));
    live ??= ep;

    // The writes, in order: environment version, code upload and version, endpoint, deployment, traffic.
    const writes = journal.filter((e) => (isArmWrite(e) || e.area === 'blob') && e.method === 'PUT');
    const kinds = writes.map((e) =>
      e.area === 'blob'
        ? 'blob'
        : /\/environments\/[^/]+\/versions\//.test(e.path)
          ? 'environment'
          : /\/codes\/[^/]+\/versions\//.test(e.path)
            ? 'code'
            : /\/deployments\/blue$/.test(e.path)
              ? 'deployment'
              : /\/onlineEndpoints\/[^/]+$/.test(e.path)
                ? 'endpoint'
                : e.path,
    );
    expect(kinds).toEqual(['environment', 'blob', 'code', 'endpoint', 'deployment', 'endpoint']);
    const blob = writes.find((e) => e.area === 'blob')!;
    expect(blob.path).toMatch(/\/LocalUpload\/[0-9a-f]{64}\/src\/score\.py$/);
    const code = writes.find((e) => /\/codes\//.test(e.path))!;
    expect(code.requestBody).toMatchObject({ properties: { codeUri: expect.stringContaining('/LocalUpload/'), isAnonymous: true } });
    const env = writes.find((e) => /\/environments\//.test(e.path))!;
    expect(env.requestBody).toMatchObject({ properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest', condaFile: expect.stringContaining('azureml-inference-server-http') } });
    const dep = writes.find((e) => /\/deployments\/blue$/.test(e.path))!;
    expect(dep.requestBody).toMatchObject({
      sku: { capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        instanceType: 'Standard_DS3_v2',
        model: expect.stringMatching(new RegExp(`/models/${MODEL}/versions/1$`)),
        environmentId: expect.stringContaining(env.path.replace(/^.*\/workspaces\//, '/workspaces/')),
        codeConfiguration: { codeId: expect.stringContaining(code.path.replace(/^.*\/workspaces\//, '/workspaces/')), scoringScript: 'score.py' },
      },
    });
    expect(trafficSent(journal, ep)).toEqual([{}, { blue: 100 }]);

    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
    expect(r.summary).toMatch(/Deployed — blue on /);
    expect(r.summary).toContain('#### Traffic timeline');
    expect(r.summary).toMatch(/\| deploy blue \| none \| none \| — \| passed \|/);
    expect(r.summary).toMatch(/\| send 100% to blue \| blue=100 \| none \| — \| passed \|/);
  });

  test('blue/green canary to model version 2: green created, traffic 50/50 then green=100, blue kept', async () => {
    const ep = await liveEndpoint();
    const { result: r, journal } = await run(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, 'traffic-steps': '50,100' });
    live = undefined; // green serves it now: the next test that needs blue at 100% takes a new endpoint
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ green: 100 });
    const green = puts(journal, /\/deployments\/green$/);
    expect(green).toHaveLength(1);
    expect(green[0].requestBody).toMatchObject({ properties: { model: expect.stringMatching(new RegExp(`/models/${MODEL}/versions/2$`)) } });
    expect(puts(journal, /\/deployments\/blue$/)).toHaveLength(0);
    // The traffic maps sent, in order (a zero share may be sent or left out).
    const sent = trafficSent(journal, ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)));
    expect(sent).toEqual([{ blue: 50, green: 50 }, { green: 100 }]);
    // The environment and code are the same content as blue's: nothing uploaded or created again.
    expect(journal.filter((e) => e.area === 'blob' && e.method === 'PUT')).toHaveLength(0);
    expect(puts(journal, /\/(environments|codes)\//)).toHaveLength(0);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ green: 100 });
    expect(await deploymentNames(t, ep)).toEqual(['blue', 'green']);
    expect(r.summary).toMatch(/\| shift 50% to green \| blue=50 green=50 \| none \| — \| passed \|/);
    expect(r.summary).toMatch(/\| shift 100% to green \| green=100 \| none \| — \| passed \|/);
  });

  test('the same inputs again: unchanged, no ARM write, nothing to do', async () => {
    const ep = await liveEndpoint();
    const { result: r, journal } = await run(ep);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'blue', result: 'unchanged' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(journal.filter((e) => e.area === 'blob' && e.method !== 'GET')).toEqual([]);
    expect(r.stdout).toMatch(/nothing to do/);
    expect(r.summary).toMatch(/Already deployed: nothing to do/);
  });

  test('dry-run: the plan is printed, nothing is written', async () => {
    const ep = await liveEndpoint();
    const { result: r, journal } = await run(ep, { 'dry-run': 'true', 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2` });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'dry-run' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(r.stdout).toMatch(/Plan \(blue-green\) for green on /);
    expect(r.stdout).toMatch(/\| 1\. deploy green \|/);
    expect(r.stdout).toMatch(/Dry run: nothing was written/);
    expect(r.summary).toMatch(/Dry run: nothing was written/);
    expect(await deploymentNames(t, ep)).toEqual(['blue']);
  });
});

describe('deploy-online: strategy remove deletes a deployment without traffic', () => {
  const deletes = (journal: JournalEntry[]) => journal.filter((e) => e.method === 'DELETE' && /\/deployments\//.test(e.path)).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1));

  test('a staged deployment at 0% is deleted, the traffic untouched; the rerun finds nothing to remove', async () => {
    const ep = await liveEndpoint();
    const staged = await run(ep, { strategy: 'stage', 'deployment-name': 'preview-7', set: `model=azureml:${MODEL}:2` });
    expect(errorsOf(staged.result)).toBe('');
    expect(await deploymentNames(t, ep)).toEqual(['blue', 'preview-7']);

    // Only the names are read: no deployment file, no model.
    const removal = { 'deployment-file': '', strategy: 'remove', 'deployment-name': 'preview-7' };
    const { result: r, journal } = await run(ep, removal);
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'preview-7', result: 'removed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(journal.filter(isArmWrite).map((e) => e.method)).toEqual(['DELETE']);
    expect(deletes(journal)).toEqual(['preview-7']);
    expect(await deploymentNames(t, ep)).toEqual(['blue']);
    expect((await readEndpoint(t, ep))!.properties.traffic).toEqual({ blue: 100 });
    expect(r.summary).toMatch(/Removed: deploy-online/);

    const again = await run(ep, removal);
    expect(again.result.exitCode).toBe(0);
    expect(again.result.outputs.result).toBe('unchanged');
    expect(again.journal.filter(isArmWrite)).toEqual([]);
    expect(again.result.stdout).toMatch(/Deployment preview-7 is not on endpoint .*: nothing to remove/);
  });

  test('the deployment that serves the traffic is refused, nothing written', async () => {
    const ep = await liveEndpoint();
    const { result: r, journal } = await run(ep, { strategy: 'remove', 'deployment-name': 'blue' });
    expect(r.exitCode).not.toBe(0);
    expect(errorsOf(r)).toMatch(/Deployment blue still serves 100% of .* traffic .*: it is not removed/);
    expect(journal.filter(isArmWrite)).toEqual([]);
    expect(await deploymentNames(t, ep)).toEqual(['blue']);
  });

  test.each([
    ['deployment-name auto', { 'deployment-name': 'auto' }, /strategy remove deletes one named deployment/],
    ['a malformed deployment-name', { 'deployment-name': 'x' }, /not a valid deployment name: 'x'/],
  ])('%s is refused before anything is sent', (_what, extra, message) => expectRefusedBeforeAnyRequest(run, { strategy: 'remove', ...extra }, message));
});

describe('deploy-online: the doctor stops before any write', () => {
  afterEach(async () => {
    await t.control.call('PUT', '/_emulator/online/quota', ROOMY);
  });

  /** vCPUs of `name` (a family, or TotalCores) in use in the workspace's region, as ARM reports them. */
  const used = async (name: string) => {
    const r = await arm<{ value: { name: { value: string }; currentValue: number }[] }>(t, 'GET', `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/providers/Microsoft.MachineLearningServices/locations/${location}/usages`);
    return r.json.value.find((u) => u.name.value.toLowerCase() === name.toLowerCase())!.currentValue;
  };
  let location: string;
  beforeAll(async () => {
    location = (await arm<{ location: string }>(t, 'GET', workspacePath(t))).json.location;
  });

  const expectStopped = (r: GitHubRun, journal: JournalEntry[]) => {
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/nothing was written/);
    expect(journal.filter(isArmWrite)).toEqual([]);
  };

  test('vCPU quota short for the DS3 family: names instance-count and the figures', async () => {
    const ep = await liveEndpoint();
    // Green would need 4 vCPUs × ceil(1.2 × 1) = 8 beside blue; leave 4 free.
    const limit = (await used('standardDSv2Family')) + 4;
    await t.control.call('PUT', '/_emulator/online/quota', { limits: { Standard_DS3_v2: limit } });
    const { result: r, journal } = await run(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2` });
    expectStopped(r, journal);
    expect(errorsOf(r)).toMatch(new RegExp(`instance-count: 1 × Standard_DS3_v2 needs 8 more vCPUs of standardDSv2Family in ${location} \\(with the 20% upgrade reserve\\); 4 of ${limit} are free`));
  });

  test('total regional vCPU quota short: names instance-count and the figures', async () => {
    const ep = await liveEndpoint();
    const limit = (await used('TotalCores')) + 4;
    await t.control.call('PUT', '/_emulator/online/quota', { limits: { total: limit } });
    const { result: r, journal } = await run(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2` });
    expectStopped(r, journal);
    expect(errorsOf(r)).toMatch(new RegExp(`instance-count: 1 × Standard_DS3_v2 needs 8 more vCPUs of the regional total in ${location} \\(with the 20% upgrade reserve\\); 4 of ${limit} are free`));
  });

  test('unknown instance type: names instance-type', async () => {
    const { result: r, journal } = await run(uniqueName('ep'), { 'instance-type': 'Standard_NOPE' });
    expectStopped(r, journal);
    expect(errorsOf(r)).toMatch(/instance-type: Instance type 'Standard_NOPE' is not offered in \w+/);
  });

  test('a different auth mode for a live endpoint: names auth-mode; the same one, given explicitly, passes the doctor', async () => {
    const ep = await liveEndpoint();
    const { result: r, journal } = await run(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, 'auth-mode': 'aad_token' });
    expectStopped(r, journal);
    expect(errorsOf(r)).toMatch(/auth-mode: Endpoint '[^']+' uses Key authentication; the inputs ask for AADToken, and this step does not change the auth mode of a live endpoint/);
    const same = await run(ep, { 'auth-mode': 'key', 'dry-run': 'true' });
    expect(errorsOf(same.result)).toBe('');
    expect(same.result.exitCode).toBe(0);
  });

  test('a model that does not exist: names model', async () => {
    const { result: r, journal } = await run(uniqueName('ep'), { model: 'azureml:nope:1' });
    expectStopped(r, journal);
    expect(errorsOf(r)).toMatch(/model: Model \S+\/models\/nope\/versions\/1 does not exist/);
  });
});

describe('deploy-online: bad input is refused before anything is sent', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['traffic-steps that go down', { 'traffic-steps': '50,20' }, /Input 'traffic-steps' must increase.*'50,20'/],
    ['mirror-percent over 50', { 'mirror-percent': '60' }, /Input 'mirror-percent' must be .*0 to 50.*'60'/],
    [
      'an unknown key in the deployment YAML',
      { 'deployment-file': join(FIXTURES, 'deployment-unknown-key.yml') },
      /^::error file=.*deployment-unknown-key\.yml,line=11,.*deployment-unknown-key\.yml:11:1: Unknown field 'instance_cuont'\. Did you mean 'instance_count'\?/,
    ],
    ['an unknown strategy', { strategy: 'sideways' }, /Input 'strategy' must be one of .*'sideways'/],
    ['an unknown on-success', { 'on-success': 'explode' }, /Input 'on-success' must be .*'explode'/],
  ];
  test.each(cases)('%s', (_what, extra, message) => expectRefusedBeforeAnyRequest(run, extra, message));
});

test('no secret in anything the runs showed', async () => {
  expect(capture.texts.length).toBeGreaterThan(0);
  // The code upload read the datastore's account key: it was masked, never shown.
  const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
  for (const text of capture.texts) {
    expect(text).not.toContain(key);
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/[?&]sig=/i);
    expect(text).not.toMatch(/primaryKey|secondaryKey/);
  }
});
