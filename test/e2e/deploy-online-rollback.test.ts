/**
 * deploy-online end to end, the paths that go wrong after writing: a new deployment that crash-loops (triage in the
 * summary, traffic left with blue, a clean rerun), SIGTERM during a bake (the pre-rollout traffic restored), the
 * analysis gate with no metrics (inconclusive fails), and the Azure DevOps task (workload identity federation).
 * The bundles run as the runner and agent run them, against the emulator.
 */
import { join } from 'node:path';
import { runAdoTask } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { deployOnlineStep } from '../../shared/src/steps/deploy-online/definition';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, modelFolder, serviceConnection, uniqueName } from '../support/e2e';
import { JWT, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { deploy, DEPLOYMENT_FILE, endpointPath, errorsOf, FIXTURES, MODEL, readEndpoint, registerModel, startDeploy, trafficSent, blueEndpoint } from '../support/deploy-online';

const TASK = packageTask(REPO, deployOnlineStep);

let t: TestEmulator;
const capture = new Capture();
const record = capture.record.bind(capture);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  expect(await registerModel(t, join(FIXTURES, 'model'))).toBe('1');
  expect(await registerModel(t, modelFolder())).toBe('2');
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.call('DELETE', '/_emulator/online/failures');
});

const run = async (endpoint: string, extra: Record<string, string> = {}) => during(t, async () => record(await deploy(t, endpoint, extra)));


/** Green with credit-model:2, beside blue. */
const GREEN = { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2` };

describe('deploy-online: a rollout that fails leaves the traffic where it was', () => {
  test('green crash-loops: exit 1, blue keeps 100%, the summary has the triage; a rerun once fixed succeeds', async () => {
    const ep = await blueEndpoint(t, run);
    await t.control.call('POST', '/_emulator/online/failures', { kind: 'CrashLoop', deployment: 'green' });
    const { result: r, journal } = await run(ep, GREEN);
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(/deploy green/);
    expect(errorsOf(r)).toMatch(/ResourceNotReady|crashed/);
    // No traffic moved: the only endpoint write of the run would have been the shift to green.
    expect(trafficSent(journal, ep)).toEqual([]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
    expect(r.outputs.result).toBe('failed'); // nothing to roll back: no traffic had moved
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(r.summary).toMatch(/### Why the deployment failed: crash loop/);
    expect(r.summary).toMatch(/\*\*What to do:\*\* The scoring container keeps exiting/);
    expect(r.summary).toMatch(/InferenceServer log \(tail\)/);
    expect(r.summary).toMatch(/FileNotFoundError: \[Errno 2\] No such file or directory/);
    expect(r.summary).toMatch(/Worker failed to boot/);

    // Fixed (the failure cleared): the same inputs again bring green in over its failed attempt.
    await t.control.call('DELETE', '/_emulator/online/failures');
    const { result: again, journal: j2 } = await run(ep, GREEN);
    expect(errorsOf(again)).toBe('');
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
    expect(JSON.parse(again.outputs.traffic)).toEqual({ green: 100 });
    expect(j2.filter((e) => e.method === 'PUT' && /\/deployments\/green$/.test(e.path))).toHaveLength(1);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ green: 100 });
  });

  test('SIGTERM during a bake: the pre-rollout traffic is restored and the step fails', async () => {
    const ep = await blueEndpoint(t, run);
    const since = await t.control.lastSeq();
    const { child, done } = startDeploy(t, ep, { ...GREEN, 'traffic-steps': '50,100', 'bake-time': '30s' });
    // Wait for the 50/50 PUT, then for its operation to settle (the bake has begun).
    const deadline = Date.now() + 30_000;
    let shifted = false;
    while (!shifted && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      shifted = (await readEndpoint(t, ep))?.properties.traffic?.green === 50;
    }
    expect(shifted).toBe(true);
    expect(trafficSent(await t.control.journal(since), ep).at(-1)).toEqual({ blue: 50, green: 50 });
    await new Promise((res) => setTimeout(res, 1000));
    child.kill('SIGTERM');
    const r = record(await done);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toMatch(/Received SIGTERM/);
    expect(r.stdout).toMatch(/Restored traffic blue=100/);
    const sent = trafficSent(await t.control.journal(since), ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)));
    expect(sent).toEqual([{ blue: 50, green: 50 }, { blue: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
    expect((await readEndpoint(t, ep))?.properties.traffic?.green ?? 0).toBe(0);
    expect(r.summary).toMatch(/restore the previous maps \| blue=100 \| none \| — \| restored/);
  });

  // The emulator serves Azure Monitor metrics from the traffic it scored; without a probe-file nothing scores green
  // during the bake, so its RequestsPerMinute has no data points: "no data" must fail the check, not pass it.
  test('analysis with no data (no request reached the new deployment) is inconclusive: the rollout fails and the traffic goes back', async () => {
    const ep = await blueEndpoint(t, run);
    const { result: r, journal } = await run(ep, { ...GREEN, analysis: 'errors.5xx.rate <= 1%', 'bake-time': '2s', 'check-interval': '1s' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.result).toBe('rolled-back');
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    const sent = trafficSent(journal, ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)));
    expect(sent).toEqual([{ green: 100 }, { blue: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
    expect(r.summary).toMatch(/Rolled back/);
    // Every check was inconclusive (no data), and with the default failure-limit 1 the second one rolled back.
    expect(r.summary).toMatch(/❔ errors\.5xx\.rate <= 1%: no data for errors\.5xx\.rate \(counts as a failure\)/);
    expect(r.summary).not.toMatch(/✅ errors\.5xx\.rate/);
    expect(r.summary).toMatch(/the analysis failed: 2 failed checks \(failure-limit 1\)/);
    expect(errorsOf(r)).toMatch(/The endpoint is back to its previous maps \(traffic blue=100, mirror none\)/);
    expect(r.summary).toMatch(/restore the previous maps \| blue=100 \| none \| — \| restored/);
  });
});

describe('deploy-online: the Azure DevOps task', () => {
  test('workload identity federation: a first deploy to another endpoint, outputs as task variables', async () => {
    const ep = uniqueName('ado-ep');
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const agent = agentEnv(t, { SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/', SYSTEM_TEAMPROJECT: 'Credit Risk', BUILD_BUILDID: '913' });
    const inputs = { resourceGroup: t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, deploymentFile: DEPLOYMENT_FILE, endpointName: ep, bakeTime: '1s' };
    const r = record(await runAdoTask(TASK, inputs, connection, agent, t.world.identity.adoConnections[0].systemAccessToken));
    expect(r.stdout).not.toMatch(/##vso\[task\.logissue type=error/);
    expect(r.result).not.toBe('Failed');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ endpointName: ep, deploymentName: 'blue', previousDeployment: '', result: 'deployed' });
    expect(JSON.parse(r.outputs.traffic)).toEqual({ blue: 100 });
    expect(r.outputs.scoringUri).toMatch(new RegExp(`/${ep}/score$`));
    const outputs = r.commands.filter((c) => c.area === 'task.setvariable' && c.properties.isOutput === 'true').map((c) => c.properties.variable);
    expect(outputs).toEqual(expect.arrayContaining(['endpointName', 'scoringUri', 'deploymentName', 'previousDeployment', 'traffic', 'result']));
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
    expect(r.summary).toMatch(/Deployed — blue on /);
  });
});

test('no secret in anything the runs showed', async () => {
  expect(capture.texts.length).toBeGreaterThan(0);
  const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
  const eps = (await arm<{ value: { name: string }[] }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints`)).json.value.map((e) => e.name);
  const endpointKeys: string[] = [];
  for (const ep of eps) {
    const k = (await arm<{ primaryKey?: string; secondaryKey?: string }>(t, 'POST', `${endpointPath(t, ep)}/listKeys`)).json;
    endpointKeys.push(...[k.primaryKey, k.secondaryKey].filter((x): x is string => !!x));
  }
  for (const text of capture.texts) {
    expect(text).not.toMatch(JWT);
    expect(text).not.toMatch(/[?&]sig=/i);
    expect(text).not.toContain(key);
    for (const k of endpointKeys) expect(text).not.toContain(k);
  }
});
