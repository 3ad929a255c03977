/**
 * deploy-arc end to end: the committed bundles (GitHub action with OIDC, Azure DevOps task with workload identity,
 * the CLI with a client secret) attach the emulator's Arc cluster as a Kubernetes compute and roll models out to a
 * Kubernetes online endpoint served by real scoring processes: attach then deploy, blue/green, an idempotent rerun,
 * a canary that rolls back on its analysis, the checks that stop before any write, and a 409 waited out.
 */
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { packageTask } from '../../shared/cli/task-package';
import { deployArcStep } from '../../shared/src/steps/deploy-arc/definition';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv, githubEnv, modelFolder, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { errorsOf, FIXTURES as ONLINE_FIXTURES, MODEL, notControl, readEndpoint, registerModel, trafficSent } from '../support/deploy-online';

const ACTION = join(REPO, 'actions', 'deploy-arc');
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const TASK = packageTask(REPO, deployArcStep);
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'deploy-arc');
const PROBE = join(ONLINE_FIXTURES, 'probe.yml');
const COMPUTE = 'arc-compute';
const INSTANCE_TYPES = 'cpu-small:\n  requests: {cpu: 500m, memory: 1Gi}\n  limits: {cpu: "1", memory: 2Gi}\n';

let t: TestEmulator;
let arcId: string;
const capture = new Capture();
const record = capture.record.bind(capture);

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  arcId = `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${workspaceInputs(t)['resource-group']}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`;
  expect(await registerModel(t, join(ONLINE_FIXTURES, 'model'))).toBe('1');
  expect(await registerModel(t, modelFolder())).toBe('2');
});
afterAll(async () => {
  await t?.stop();
});
afterEach(async () => {
  await t.control.call('DELETE', '/_emulator/scoring/behaviour');
});

const inputs = (endpoint: string, extra: Record<string, string> = {}) => ({
  ...workspaceInputs(t),
  'endpoint-file': join(FIXTURES, 'endpoint.yml'),
  'deployment-file': join(FIXTURES, 'deployment.yml'),
  'endpoint-name': endpoint,
  'bake-time': '1s',
  ...extra,
});
const attachInputs = { 'compute-name': COMPUTE, 'instance-types': INSTANCE_TYPES, namespace: 'azureml' };
const runAction = async (endpoint: string, extra: Record<string, string> = {}) =>
  during(t, async () => record(await runGitHubAction(ACTION, inputs(endpoint, { ...attachInputs, 'cluster-id': arcId, ...extra }), githubEnv(t))));
const computePath = () => `${workspacePath(t)}/computes/${COMPUTE}`;
const writesTo = (journal: JournalEntry[], fragment: RegExp) => journal.filter((e) => isArmWrite(e) && fragment.test(e.path));

/** An endpoint where blue serves 100% of credit-model:1 on the attached compute (attaching it the first time). */
let shared: string | undefined;
async function blueOnArc(): Promise<string> {
  if (shared) return shared;
  const ep = uniqueName('k8s');
  const { result: r } = await runAction(ep);
  expect(errorsOf(r)).toBe('');
  expect(r.exitCode).toBe(0);
  shared = ep;
  return ep;
}

describe('deploy-arc: attach, deploy, rerun', () => {
  test('GitHub action: attaches arc-demo as a Kubernetes compute, then deploys blue to a Kubernetes endpoint on it', async () => {
    const ep = uniqueName('k8s');
    const { result: r, journal } = await runAction(ep, { 'probe-file': PROBE });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    shared = ep;
    // The attach comes first, then the endpoint, the deployment and the traffic.
    const order = journal.filter(isArmWrite).map((e) => (/\/computes\//.test(e.path) ? 'compute' : /\/deployments\/blue$/.test(e.path) ? 'deployment' : /\/onlineEndpoints\/[^/]+$/.test(e.path) ? 'endpoint' : 'asset'));
    expect(order.filter((o) => o !== 'asset')).toEqual(['compute', 'endpoint', 'deployment', 'endpoint']);
    const attach = writesTo(journal, /\/computes\//)[0]!;
    expect(attach.requestBody).toMatchObject({
      properties: { computeType: 'Kubernetes', resourceId: arcId, properties: { namespace: 'azureml', instanceTypes: { 'cpu-small': { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } } } } },
    });
    const compute = (await arm<{ id: string; properties: { provisioningState: string; isAttachedCompute: boolean } }>(t, 'GET', computePath())).json;
    expect(compute.properties).toMatchObject({ provisioningState: 'Succeeded', isAttachedCompute: true });
    expect(r.outputs['compute-id'].toLowerCase()).toBe(compute.id.toLowerCase());
    const endpoint = await readEndpoint(t, ep);
    expect((endpoint?.properties as { compute?: string }).compute?.toLowerCase()).toBe(compute.id.toLowerCase());
    expect(endpoint?.properties.traffic).toEqual({ blue: 100 });
    const dep = writesTo(journal, /\/deployments\/blue$/)[0]!;
    expect(dep.requestBody).toMatchObject({ properties: { endpointComputeType: 'Kubernetes', instanceType: 'cpu-small' } });
    expect(r.outputs).toMatchObject({ 'endpoint-name': ep, 'deployment-name': 'blue', result: 'deployed' });
    // The probe scored the Kubernetes deployment at 0% through the data plane, with the real score.py.
    expect(journal.some((e) => e.area === 'scoring' && e.status === 200)).toBe(true);
    expect(r.summary).toMatch(/\| smoke test blue \| none \| none \| — \| passed: 1 of 1 requests as expected \|/);
    expect(r.summary).toMatch(/deploy-arc: ✅ Deployed — blue on/);
    expect(r.summary).toMatch(/Compute \| arc-compute \(azureml\)/);
  }, 90_000);

  test('Azure DevOps task: the same inputs again write nothing (no attach, no deployment) and say so', async () => {
    const ep = await blueOnArc();
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const { result: r, journal } = await during(t, async () =>
      record(await runAdoTask(TASK, inputs(ep, { ...attachInputs, 'cluster-id': arcId }), connection, agentEnv(t), t.world.identity.adoConnections[0].systemAccessToken)),
    );
    expect(r.stdout).not.toMatch(/##vso\[task\.logissue type=error/);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'unchanged', deploymentName: 'blue' });
    expect(r.outputs.computeId).toMatch(/\/computes\/arc-compute$/i);
    expect(r.stdout).toMatch(/already serves 100% .* nothing to do/);
    expect(journal.filter(isArmWrite)).toEqual([]);
  }, 60_000);

  test('blue/green to credit-model:2 (GitHub action): green created on the same compute, then 100%; no second attach', async () => {
    const ep = await blueOnArc();
    const { result: r, journal } = await runAction(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, strategy: 'blue-green' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(writesTo(journal, /\/computes\//)).toEqual([]);
    expect(trafficSent(journal, ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)))).toEqual([{ green: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ green: 100 });
    expect(r.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
  }, 90_000);

  test('strategy remove (names only, no compute inputs): blue, left at 0%, is deleted; green keeps all traffic; green itself is refused', async () => {
    const ep = await blueOnArc();
    const names = { ...workspaceInputs(t), 'endpoint-name': ep, strategy: 'remove' };
    const { result: r, journal } = await during(t, async () => record(await runGitHubAction(ACTION, { ...names, 'deployment-name': 'blue' }, githubEnv(t))));
    expect(errorsOf(r)).toBe('');
    expect(r.outputs).toMatchObject({ 'deployment-name': 'blue', result: 'removed' });
    expect(journal.filter(isArmWrite).map((e) => `${e.method} ${e.path.slice(e.path.lastIndexOf('/') + 1)}`)).toEqual(['DELETE blue']);
    expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ green: 100 });
    const refused = await during(t, async () => record(await runGitHubAction(ACTION, { ...names, 'deployment-name': 'green' }, githubEnv(t))));
    expect(refused.result.exitCode).not.toBe(0);
    expect(errorsOf(refused.result)).toMatch(/Deployment green still serves 100%/);
    expect(refused.journal.filter(isArmWrite)).toEqual([]);
  }, 90_000);
});

describe('deploy-arc: a canary that fails its analysis rolls back (CLI)', () => {
  test('green answers 503 half the time: traffic goes back to blue, exit non-zero, the summary names the rule', async () => {
    const ep = uniqueName('k8s');
    const first = await runAction(ep);
    expect(first.result.exitCode).toBe(0);
    const summaryFile = join(t.stateDir, `arc-${ep}.md`);
    const args = Object.entries(
      inputs(ep, {
        'compute-name': COMPUTE,
        'deployment-name': 'auto',
        set: `model=azureml:${MODEL}:2`,
        'traffic-steps': '50,100',
        'bake-time': '6s',
        'check-interval': '1s',
        'probe-file': PROBE,
        analysis: 'probe.failure.rate <= 1%',
      }),
    ).flatMap(([k, v]) => [`--${k}`, v]);
    const done = during(t, async () => record(await runNode(CLI, ['deploy-arc', ...args], cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0]?.value, AML_SUMMARY_FILE: summaryFile }))));
    // Once green takes traffic, it starts failing.
    const deadline = Date.now() + 60_000;
    while (((await readEndpoint(t, ep))?.properties.traffic?.green ?? 0) === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 150));
    await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: 'green', errorRate: 0.5, errorStatus: 503 });
    const { result: r, journal } = await done;
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/The endpoint is back to its previous maps \(traffic blue=100, mirror none\)/);
    expect(trafficSent(journal, ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)))).toEqual([{ blue: 50, green: 50 }, { blue: 100 }]);
    expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ blue: 100 });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/❌ probe\.failure\.rate <= 1%: [^<|]*\d/);
    expect(JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n{') + 1)).result).toBe('rolled-back');
  }, 120_000);
});

describe('deploy-arc: a Kubernetes deployment that fails is triaged, and the traffic stays', () => {
  test.each([
    ['ImagePullLoopBackOff', 'image pull failure', /AcrPull/],
    ['PodUnschedulable', 'pod unschedulable \\(insufficient resources\\)', /node selector/],
  ])('green fails with %s: exit 1, blue keeps 100%%, the summary names the class and the remedy', async (kind, title, remedy) => {
    const ep = uniqueName('k8s');
    expect((await runAction(ep)).result.exitCode).toBe(0);
    await t.control.call('POST', '/_emulator/online/failures', { kind, deployment: 'green' });
    try {
      const { result: r, journal } = await runAction(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2` });
      expect(r.exitCode).toBe(1);
      expect(trafficSent(journal, ep)).toEqual([]);
      expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
      expect(r.summary).toMatch(new RegExp(`### Why the deployment failed: ${title}`));
      expect(r.summary).toMatch(remedy);
      expect(errorsOf(r)).toMatch(new RegExp(kind));
    } finally {
      await t.control.call('DELETE', '/_emulator/online/failures');
    }
  }, 90_000);
});

describe('deploy-arc: stops before any write', () => {
  const expectNoWrites = (r: { exitCode: number; stdout: string }, journal: JournalEntry[]) => {
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/nothing was written/);
    expect(journal.filter(isArmWrite)).toEqual([]);
  };

  test('the Azure ML extension missing on the cluster: the attach is refused with the install command', async () => {
    const name = uniqueName('arc');
    await t.control.call('POST', '/_emulator/kubernetes/clusters', { kind: 'connected', name, extension: 'missing' });
    const clusterId = arcId.replace(/arc-demo$/, name);
    const { result: r, journal } = await runAction(uniqueName('k8s'), { 'compute-name': 'arc-noext', 'cluster-id': clusterId });
    expectNoWrites(r, journal);
    expect(errorsOf(r)).toMatch(new RegExp(`cluster-id: The Azure ML extension \\(Microsoft\\.AzureML\\.Kubernetes\\) is not installed on Arc-enabled cluster '${name}'\\. Install it with inference enabled: az k8s-extension create .*--cluster-type connectedClusters --cluster-name ${name}`));
    expect((await arm(t, 'GET', `${workspacePath(t)}/computes/arc-noext`)).status).toBe(404);
  });

  test('an unknown instance type: the error lists the compute\'s instance types', async () => {
    await blueOnArc();
    const { result: r, journal } = await runAction(uniqueName('k8s'), { 'instance-type': 'gpu-huge' });
    expectNoWrites(r, journal);
    expect(errorsOf(r)).toMatch(/instance-type: Instance type 'gpu-huge' is not offered by compute 'arc-compute'; it offers cpu-small\./);
  });

  test('more CPU than the cluster has: names instance-count with the figures', async () => {
    await blueOnArc();
    const { result: r, journal } = await runAction(uniqueName('k8s'), { 'instance-count': '30' });
    expectNoWrites(r, journal);
    expect(errorsOf(r)).toMatch(/instance-count: The deployment requests 15 cores of CPU beside 0 cores for the endpoint's other deployments, and the cluster has 12 cores in all\./);
  });

  test.each([
    ['mirror-percent', { 'mirror-percent': '20' }, /Kubernetes online endpoints cannot mirror traffic/],
    ['mirror_traffic in the endpoint file', { 'endpoint-file': join(FIXTURES, 'endpoint-mirror.yml') }, /Kubernetes online endpoints cannot mirror traffic/],
    ['a managed deployment file', { 'deployment-file': join(ONLINE_FIXTURES, 'deployment.yml') }, /The deployment is a managed deployment; a Kubernetes endpoint's deployments need 'type: kubernetes'/],
    ['instance types where a request exceeds its limit', { 'instance-types': 'big:\n  requests: {cpu: 2}\n  limits: {cpu: 1}\n' }, /Input 'instance-types': big requests cpu 2, more than its limit 1/],
    ['a cluster id of another resource type', { 'cluster-id': '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm' }, /Input 'cluster-id': .* is not the ARM id of an Arc-enabled cluster/],
  ])('bad input refused before any request: %s', async (_what, extra, message) => {
    const { result: r, journal } = await runAction(uniqueName('k8s'), extra);
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(message);
    expect(journal.filter(notControl)).toEqual([]);
  });
});

test('a 409 while another operation runs on the Kubernetes endpoint is waited out', async () => {
  const ep = await blueOnArc();
  const path = `${workspacePath(t)}/onlineEndpoints/${ep}`;
  await t.control.call('POST', '/_emulator/seed', { settings: { durations: { onlineEndpoints: 4000 } } });
  try {
    // Someone else updates the endpoint's tags (a 4 s operation); the step's first write meets a 409 meanwhile.
    const live = (await arm<Record<string, unknown> & { properties: Record<string, unknown> }>(t, 'GET', path)).json;
    const other = await arm(t, 'PUT', path, { location: live.location, identity: { type: 'SystemAssigned' }, tags: { owner: 'someone-else' }, properties: { authMode: live.properties.authMode, compute: live.properties.compute, traffic: live.properties.traffic } });
    expect(other.status).toBe(201);
    const { result: r, journal } = await runAction(ep, { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:1`, 'instance-count': '2', timeout: '2m' });
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    const conflicts = journal.filter((e) => isArmWrite(e) && e.status === 409);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/409, another operation is in progress/);
  } finally {
    await t.control.call('POST', '/_emulator/seed', { settings: { durations: { onlineEndpoints: 300 } } });
  }
}, 120_000);

test('no secret in anything the runs showed', () => {
  expect(capture.texts.length).toBeGreaterThan(0);
  for (const text of capture.texts) expect(text).not.toMatch(JWT);
});
