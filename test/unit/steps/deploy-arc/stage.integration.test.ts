// deploy-arc's strategy stage, run in-process against an emulator started by the test (its Arc cluster attached
// as a Kubernetes compute): green staged at 0% beside blue with the traffic unchanged, a rerun that writes nothing,
// then blue-green with the same inputs moves the traffic to green without writing green again.
import { join } from 'node:path';
import type { JournalEntry } from '../../../../shared/cli/emulator-control';
import { deployArcStep } from '../../../../shared/src/steps/deploy-arc/definition';
import { registerModelStep } from '../../../../shared/src/steps/register-model/definition';
import { FIXTURES as ONLINE_FIXTURES, MODEL, readEndpoint, trafficSent } from '../../../support/deploy-online';
import { modelFolder, uniqueName } from '../../../support/e2e';
import { isArmWrite, REPO, startTestEmulator, type TestEmulator } from '../../../support/emulator';
import { runInProcess } from '../../../support/in-process';

const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'deploy-arc');
const PROBE = join(ONLINE_FIXTURES, 'probe.yml');
const INSTANCE_TYPES = 'cpu-small:\n  requests: {cpu: 500m, memory: 1Gi}\n  limits: {cpu: "1", memory: 2Gi}\n';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 200 });
  for (const folder of [join(ONLINE_FIXTURES, 'model'), modelFolder()]) {
    const r = await runInProcess(t, registerModelStep, { 'model-name': MODEL, 'model-path': folder });
    expect(r.failed).toBe('');
  }
}, 120_000);
afterAll(() => t?.stop());

const deploy = (endpoint: string, extra: Record<string, string> = {}) =>
  runInProcess(t, deployArcStep, {
    'endpoint-file': join(FIXTURES, 'endpoint.yml'),
    'deployment-file': join(FIXTURES, 'deployment.yml'),
    'endpoint-name': endpoint,
    'bake-time': '1s',
    'compute-name': 'arc-compute',
    'instance-types': INSTANCE_TYPES,
    namespace: 'azureml',
    'cluster-id': `/subscriptions/${t.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${t.env.AML_RESOURCE_GROUP}/providers/Microsoft.Kubernetes/connectedClusters/arc-demo`,
    ...extra,
  });

const GREEN = { 'deployment-name': 'auto', set: `model=azureml:${MODEL}:2`, 'probe-file': PROBE };
const greenWrites = (journal: JournalEntry[]) => journal.filter((e) => isArmWrite(e) && /\/deployments\/green$/i.test(e.path));

test('deploy-arc: stage green at 0% (traffic unchanged), a rerun writes nothing, blue-green promotes it without writing it', async () => {
  const ep = uniqueName('k8s');
  const first = await deploy(ep);
  expect(first.failed).toBe('');
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });

  const staged = await deploy(ep, { ...GREEN, strategy: 'stage' });
  expect(staged.failed).toBe('');
  expect(staged.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'staged' });
  expect(staged.outputs['compute-id']).toMatch(/\/computes\/arc-compute$/i);
  expect(greenWrites(staged.journal).map((e) => e.method)).toEqual(['PUT']);
  expect(trafficSent(staged.journal, ep)).toEqual([]);
  expect(staged.journal.some((e) => e.area === 'scoring' && e.status === 200)).toBe(true);
  expect(staged.summary).toMatch(/deploy-arc: 🟡 Staged at 0%: ready to test, traffic unchanged — green on /);
  expect(staged.summary).toMatch(/run deploy-arc again with the same model and deployment inputs/);
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });

  const again = await deploy(ep, { ...GREEN, strategy: 'stage' });
  expect(again.failed).toBe('');
  expect(again.outputs).toMatchObject({ 'deployment-name': 'green', result: 'staged' });
  expect(again.journal.filter(isArmWrite)).toEqual([]);
  expect(again.info).toMatch(/Deployment green is already staged at 0% on .* nothing to do/);

  const promoted = await deploy(ep, { ...GREEN, strategy: 'blue-green' });
  expect(promoted.failed).toBe('');
  expect(promoted.outputs).toMatchObject({ 'deployment-name': 'green', 'previous-deployment': 'blue', result: 'deployed' });
  expect(greenWrites(promoted.journal)).toEqual([]);
  expect(trafficSent(promoted.journal, ep).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0)))).toEqual([{ green: 100 }]);
  expect((await readEndpoint(t, ep))?.properties.traffic).toMatchObject({ green: 100 });
}, 120_000);
