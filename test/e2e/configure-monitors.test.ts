/**
 * configure-monitors end to end: the committed bundles (GitHub action with OIDC, Azure DevOps task with workload
 * identity, the CLI with a client secret) against an endpoint whose blue deployment collects its inputs and outputs:
 * a monitor from inputs that follows the live deployment (and is re-pointed by a rerun after a blue/green switch),
 * an unchanged rerun with zero writes, a monitor from an `az ml schedule` file, doctor findings with zero writes,
 * bad input refused before any request, and check mode reading a monitor run the emulator computed on a drifted
 * sample: Event Grid delivers the breach through the relay template to repository_dispatch, and the check fails with
 * the breach in its summary and sends a repository_dispatch; an injected latency fires the alert rule the step made.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { runAdoTask, runGitHubAction, runNode } from '../../shared/cli/runners';
import { packageTask } from '../../shared/cli/task-package';
import { configureMonitorsStep } from '../../shared/src/steps/configure-monitors/definition';
import { arm, during, workspacePath } from '../support/arm-reader';
import { agentEnv, Capture, cliEnv, githubEnv, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { isArmWrite, JWT, REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { deploy, errorsOf, registerModel } from '../support/deploy-online';
import { CHAMPION, CHALLENGER, writeModel, writeStagingData } from '../support/staging-data';
import { serveRelay } from '../../shared/cli/relay-server';
import { startRecorder } from '../support/http-recorder';

const ACTION = join(REPO, 'actions', 'configure-monitors');
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const TASK = packageTask(REPO, configureMonitorsStep);
const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'configure-monitors');
const MODEL = 'credit-scorer';

let t: TestEmulator;
let ep: string;
const capture = new Capture();
const record = capture.record.bind(capture);
const dir = mkdtempSync(join(tmpdir(), 'monitors-e2e-'));

interface ScheduleJson {
  properties: {
    provisioningState?: string;
    trigger: Record<string, unknown>;
    action: { monitorDefinition: { monitoringTarget?: { deploymentId?: string }; signals: Record<string, { signalType: string; referenceData?: { uri?: string }; productionData?: unknown }> } };
  };
}
const schedulePath = (name: string) => `${workspacePath(t)}/schedules/${name}`;
const readSchedule = async (name: string) => {
  const r = await arm<ScheduleJson>(t, 'GET', schedulePath(name));
  return r.status === 200 ? r.json : undefined;
};
const inputs = (extra: Record<string, string> = {}) => ({ ...workspaceInputs(t), 'endpoint-name': ep, baseline: 'azureml:credit-training:1', ...extra });
const runAction = (i: Record<string, string>, env: Record<string, string> = {}) => during(t, async () => record(await runGitHubAction(ACTION, i, githubEnv(t, env))));
const armWrites = (journal: { method: string; path: string }[]) => journal.filter(isArmWrite as never);

/** Uploads `file` to the workspace blob store and registers it as the uri_file data asset `name:1`. */
async function dataAsset(name: string, file: string): Promise<void> {
  const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${workspacePath(t)}/datastores/workspaceblobstore`)).json.properties;
  const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
  const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
  const text = readFileSync(file);
  await container.getBlockBlobClient(`e2e-monitors/${name}.csv`).upload(text, text.length);
  const put = await arm(t, 'PUT', `${workspacePath(t)}/data/${name}/versions/1`, { properties: { dataType: 'uri_file', dataUri: `azureml://datastores/workspaceblobstore/paths/e2e-monitors/${name}.csv` } });
  expect(put.status).toBeLessThan(300);
}

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  writeStagingData(dir);
  await registerModel(t, writeModel(dir, 'champion', CHAMPION), MODEL);
  await registerModel(t, writeModel(dir, 'challenger', CHALLENGER), MODEL);
  await dataAsset('credit-training', join(dir, 'train.csv'));
  await dataAsset('credit-traffic', join(dir, 'staging.csv'));
  await dataAsset('credit-shifted', join(dir, 'shifted.csv'));
  ep = uniqueName('ep');
  const r = await deploy(t, ep, { 'deployment-file': join(FIXTURES, 'deployment.yml'), 'deployment-name': 'blue', model: `azureml:${MODEL}:1`, strategy: 'blue-green', 'bake-time': '1s' });
  if (r.exitCode !== 0) throw new Error(`deploy blue failed:\n${errorsOf(r)}\n${r.stdout.slice(-2000)}`);
}, 240_000);
afterAll(async () => {
  await t?.stop();
});

describe('configure-monitors', () => {
  test('GitHub action: a monitor from inputs on the deployment holding the traffic; a rerun writes nothing', async () => {
    const { result: r, journal } = await runAction(inputs({ 'alert-emails': 'mlops@contoso.com', thresholds: 'data-drift.numerical.normalized_wasserstein_distance=0.2' }));
    expect(errorsOf(r)).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'schedule-name': `${ep}-monitor`, 'monitored-deployment': 'blue', result: 'configured' });
    const puts = armWrites(journal);
    const rgPath = workspacePath(t).replace(/\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+$/, '').toLowerCase();
    expect(puts.map((e) => `${e.method} ${e.path.replace(workspacePath(t), '').replace(new RegExp(`^${rgPath}`, 'i'), '')}`)).toEqual([
      `PUT /schedules/${ep}-monitor`,
      `PUT /providers/Microsoft.Insights/actionGroups/${ep}-monitor-alerts`,
      ...['latency-p95', 'errors-5xx', 'cpu', 'memory'].map((x) => `PUT /providers/Microsoft.Insights/metricAlerts/${ep}-monitor-${x}`),
    ]);
    expect(r.outputs['alert-rule-ids']!.split(',')).toHaveLength(4);
    expect(r.outputs['action-group-id']).toMatch(new RegExp(`/actionGroups/${ep}-monitor-alerts$`));
    expect(r.summary).toMatch(/#### Infrastructure alerts/);
    const s = await readSchedule(`${ep}-monitor`);
    expect(s?.properties.provisioningState).toBe('Succeeded');
    const def = s!.properties.action.monitorDefinition;
    expect(def.monitoringTarget?.deploymentId).toMatch(new RegExp(`/onlineEndpoints/${ep}/deployments/blue$`));
    expect(Object.values(def.signals).map((x) => x.signalType).sort()).toEqual(['DataDrift', 'DataQuality', 'PredictionDrift']);
    expect(JSON.stringify(def.signals)).toContain('azureml:credit-training:1');
    expect(r.summary.split('\n')[0]).toBe(`### configure-monitors: ✅ Monitor configured — ${ep}-monitor`);
    expect(r.summary).toMatch(/mlops@contoso\.com/);
    expect(r.summary).toMatch(/NormalizedWassersteinDistance > 0\.2/);

    const again = await runAction(inputs({ 'alert-emails': 'mlops@contoso.com', thresholds: 'data-drift.numerical.normalized_wasserstein_distance=0.2' }));
    expect(again.result.exitCode).toBe(0);
    expect(again.result.outputs.result).toBe('unchanged');
    expect(armWrites(again.journal)).toEqual([]);
    expect(again.result.stdout).toMatch(/already configured as desired; nothing to do/);
  }, 120_000);

  test('after a blue/green switch a rerun re-points the monitor at the new live deployment (Azure DevOps task)', async () => {
    const d = await deploy(t, ep, { 'deployment-file': join(FIXTURES, 'deployment.yml'), 'deployment-name': 'green', model: `azureml:${MODEL}:2`, strategy: 'blue-green', 'bake-time': '1s' });
    expect(errorsOf(d)).toBe('');
    const name = `${ep}-ado`;
    const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
    const { result: a, journal } = await during(t, async () => record(await runAdoTask(TASK, inputs({ 'monitor-name': name }), connection, agentEnv(t), t.world.identity.adoConnections[0].systemAccessToken)));
    expect(a.stdout).not.toMatch(/##vso\[task\.logissue type=error/);
    expect(a.exitCode).toBe(0);
    expect(a.outputs).toMatchObject({ monitoredDeployment: 'green', result: 'configured' });
    // The schedule, and four rules of its own with no action group (no alert-emails, alert-webhook or action-group).
    expect(armWrites(journal).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1))).toEqual([name, ...['latency-p95', 'errors-5xx', 'cpu', 'memory'].map((x) => `${name}-${x}`)]);
    expect(a.summary).toMatch(/No action group: fired alerts show in Azure Monitor only/);
    expect((await readSchedule(name))!.properties.action.monitorDefinition.monitoringTarget?.deploymentId).toMatch(/\/deployments\/green$/);
    // The GitHub-made monitor still watches blue until its rerun re-points it.
    const { result: r } = await runAction(inputs({ 'alert-emails': 'mlops@contoso.com', thresholds: 'data-drift.numerical.normalized_wasserstein_distance=0.2' }));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'monitored-deployment': 'green', result: 'configured' });
    expect(r.summary).toMatch(/deploymentId: .*blue → .*green/);
    // The alert rules follow the live deployment too.
    expect(r.summary).toMatch(new RegExp(`update alert rule \`${ep}-monitor-latency-p95\`: .*scopes: .*deployments/blue.* → .*deployments/green`));
  }, 240_000);

  test('CLI: a monitor from an az ml schedule file, unchanged but for --set', async () => {
    const args = Object.entries({
      ...workspaceInputs(t),
      'schedule-file': join(FIXTURES, 'monitor.yml'),
      set: `create_monitor.monitoring_target.endpoint_deployment_id=azureml:${ep}:green`,
    }).flatMap(([k, v]) => [`--${k}`, v]);
    const c = record(await runNode(CLI, ['configure-monitors', ...args], cliEnv(t, { AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0]?.value })));
    expect(errorsOf(c)).toBe('');
    expect(c.exitCode).toBe(0);
    const s = await readSchedule('credit-drift-monitor');
    expect(s!.properties.trigger).toMatchObject({ triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [15] } });
    const sig = s!.properties.action.monitorDefinition.signals['applicant-drift']!;
    expect(sig.signalType).toBe('DataDrift');
    expect(sig.referenceData?.uri).toBe('azureml:credit-training:1');
  }, 120_000);

  test('a drifted sample breaches the monitor: Event Grid delivers the breach through the relay to repository_dispatch, and check mode fails with it', async () => {
    const github = await startRecorder(() => ({ status: 204 }));
    const dispatched = github.requests;
    const api = github.url;
    // The relay the templates ship, served as the Functions host would: the request in, its answer out.
    const relayEnv = { RELAY_TARGET: 'github', GITHUB_API_URL: api, GITHUB_REPOSITORY: 'contoso/credit', GITHUB_TOKEN: 'ghs_relaytoken', RELAY_KEY: 'relay-key-1' };
    const relayLog: string[] = [];
    const relay = await serveRelay(relayEnv, (l) => relayLog.push(l));
    const relayUrl = `${relay.url}/api/monitor-breach?key=relay-key-1`;
    try {
      const file = join(dir, 'drifted.yml');
      writeFileSync(file, readFileSync(join(FIXTURES, 'monitor.yml'), 'utf8').replace('name: credit-drift-monitor', 'name: credit-drifted').replace('azureml:credit-traffic:1', 'azureml:credit-shifted:1'));
      const made = await runAction({ ...workspaceInputs(t), 'schedule-file': file, set: `create_monitor.monitoring_target.endpoint_deployment_id=azureml:${ep}:green`, 'event-webhook': relayUrl });
      expect(errorsOf(made.result)).toBe('');
      expect(made.result.outputs['event-subscription-id']).toMatch(/\/workspaces\/[^/]+\/providers\/Microsoft\.EventGrid\/eventSubscriptions\/credit-drifted-breach$/);
      expect(made.result.summary).toMatch(/Event Grid subscription `credit-drifted-breach` delivers monitor runs that breached a threshold to `http:\/\/127\.0\.0\.1:\d+\/api\/monitor-breach` \(created\)/);
      expect(`${visibleLog(made.result.stdout)}${made.result.summary}`).not.toContain('relay-key-1');
      // Rerun: the subscription, like the monitor, is as desired.
      const again = await runAction({ ...workspaceInputs(t), 'schedule-file': file, set: `create_monitor.monitoring_target.endpoint_deployment_id=azureml:${ep}:green`, 'event-webhook': relayUrl });
      expect(again.result.outputs.result).toBe('unchanged');
      expect(armWrites(again.journal)).toEqual([]);

      const w = workspaceInputs(t);
      const run = await t.control.call<{ jobName: string; status: string; signals: Record<string, { breached: boolean }>; events: { status?: number }[] }>('POST', `/_emulator/monitors/${w['subscription-id']}/${w['resource-group']}/${w.workspace}/credit-drifted/run`, {});
      expect(run.status).toBe('Failed');
      expect(run.signals['applicant-drift']?.breached).toBe(true);
      expect(run.events).toEqual([expect.objectContaining({ status: 200 })]);
      expect(dispatched).toHaveLength(1);
      expect(dispatched[0]!.headers.authorization).toBe('Bearer ghs_relaytoken');
      expect(JSON.parse(dispatched[0]!.body)).toMatchObject({ event_type: 'monitor-breached', client_payload: { monitor: 'credit-drifted', run: run.jobName, workspace: w.workspace, signals: ['applicant-drift'] } });
      expect(relayLog).toEqual([expect.stringMatching(/^forwarded breach of credit-drifted \(run .*, applicant-drift\) to repository_dispatch to contoso\/credit$/)]);

      const { result: r, journal } = await runAction(
        { ...workspaceInputs(t), mode: 'check', 'monitor-name': 'credit-drifted', 'dispatch-event-type': 'aml-monitor-breached', 'github-token': 'ghs_dispatchtoken' },
        { GITHUB_API_URL: api, GITHUB_REPOSITORY: 'contoso/credit' },
      );
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ result: 'breached', 'breached-signals': 'applicant-drift' });
      expect(errorsOf(r)).toMatch(/Monitor credit-drifted: applicant-drift breached in run /);
      expect(r.summary.split('\n')[0]).toBe('### configure-monitors (check): ❌ A signal breached its threshold — credit-drifted');
      expect(r.summary).toMatch(/\| income_k \| NormalizedWassersteinDistance \| /);
      expect(armWrites(journal)).toEqual([]);
      expect(dispatched).toHaveLength(2);
      expect(dispatched[1]!.url).toBe('/repos/contoso/credit/dispatches');
      expect(dispatched[1]!.headers.authorization).toBe('Bearer ghs_dispatchtoken');
      expect(JSON.parse(dispatched[1]!.body)).toMatchObject({ event_type: 'aml-monitor-breached', client_payload: { monitor: 'credit-drifted', signals: ['applicant-drift'] } });
      expect(`${visibleLog(r.stdout)}${r.summary}`).not.toContain('ghs_dispatchtoken');
    } finally {
      await github.close();
      await relay.close();
    }
    // The undrifted monitor's run completes: no event passes the filter, and check mode passes.
    const w = workspaceInputs(t);
    const calm = await t.control.call<{ status: string; events: unknown[] }>('POST', `/_emulator/monitors/${w['subscription-id']}/${w['resource-group']}/${w.workspace}/credit-drift-monitor/run`, {});
    expect(calm).toMatchObject({ status: 'Completed', events: [] });
    const { result: ok } = await runAction({ ...workspaceInputs(t), mode: 'check', 'monitor-name': 'credit-drift-monitor' });
    expect(errorsOf(ok)).toBe('');
    expect(ok.outputs).toMatchObject({ result: 'healthy', 'breached-signals': '' });
  }, 180_000);

  test('an injected latency on the live deployment fires the alert the step configured, and its webhook gets the common alert schema', async () => {
    const hook = await startRecorder();
    const received = () => hook.requests.map((x) => JSON.parse(x.body) as { data: { essentials: { alertRule: string; monitorCondition: string } } });
    try {
      const name = `${ep}-latency`;
      const { result: r } = await runAction(inputs({ 'monitor-name': name, alerts: 'latency-p95 > 300ms', 'alert-webhook': `${hook.url}/alerts?token=hook-secret` }));
      expect(errorsOf(r)).toBe('');
      const live = r.outputs['monitored-deployment']!;
      await t.control.call('POST', '/_emulator/scoring/behaviour', { endpoint: ep, deployment: live, latencyMs: 400 });
      const epJson = (await arm<{ properties: { scoringUri: string } }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints/${ep}`)).json;
      const { primaryKey } = (await arm<{ primaryKey: string }>(t, 'POST', `${workspacePath(t)}/onlineEndpoints/${ep}/listKeys`)).json;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(epJson.properties.scoringUri, { method: 'POST', headers: { authorization: `Bearer ${primaryKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ data: [[40, 0.3, 35, 0, 1, 0]] }) });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      const rules = await t.control.call<{ rules: { id: string; condition: string }[] }>('POST', '/_emulator/alerts/evaluate', {});
      expect(rules.rules.find((x) => x.id.endsWith(`/${name}-latency-p95`))).toMatchObject({ condition: 'Fired' });
      expect(received().map((x) => `${x.data.essentials.alertRule} ${x.data.essentials.monitorCondition}`)).toContain(`${name}-latency-p95 Fired`);
      expect(`${visibleLog(r.stdout)}${r.summary}`).not.toContain('hook-secret');
    } finally {
      await t.control.call('DELETE', '/_emulator/scoring/behaviour');
      await hook.close();
    }
  }, 120_000);

  test('on-breach review (Azure DevOps task): the lowest-scored collected samples become a labeling data asset and a work item; a rerun queues nothing twice', async () => {
    const w = workspaceInputs(t);
    const live = 'green';
    const depId = `${workspacePath(t)}/onlineEndpoints/${ep}/deployments/${live}`;
    // Traffic the deployment collects: one applicant it is unsure of (score ≈ 0.10), one it is confident about (≈ 0.90).
    const epJson = (await arm<{ properties: { scoringUri: string } }>(t, 'GET', `${workspacePath(t)}/onlineEndpoints/${ep}`)).json;
    const { primaryKey } = (await arm<{ primaryKey: string }>(t, 'POST', `${workspacePath(t)}/onlineEndpoints/${ep}/listKeys`)).json;
    const scored = await fetch(epJson.properties.scoringUri, { method: 'POST', headers: { authorization: `Bearer ${primaryKey}`, 'content-type': 'application/json', 'azureml-model-deployment': live }, body: JSON.stringify({ data: [[40, 0.3, 35, 0, 1, 0], [10, 0.9, 25, 3, 1, 0]] }) });
    expect(scored.status).toBe(200);
    await scored.arrayBuffer();
    await t.control.call('POST', `/_emulator/scoring/collected/flush?deploymentId=${encodeURIComponent(depId)}`, {});
    const run = await t.control.call<{ jobName: string; status: string }>('POST', `/_emulator/monitors/${w['subscription-id']}/${w['resource-group']}/${w.workspace}/credit-drifted/run`, {});
    expect(run.status).toBe('Failed');

    const ado = await startRecorder(() => ({ status: 200, body: { id: 42, _links: { html: { href: 'https://dev.azure.com/contoso/Credit/_workitems/edit/42' } } } }));
    const items = ado.requests;
    try {
      const collection = `${ado.url}/contoso/`;
      const connection = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0].appId, tenantid: t.world.identity.tenantId });
      const token = t.world.identity.adoConnections[0].systemAccessToken;
      const check = () =>
        during(t, async () =>
          record(await runAdoTask(TASK, { ...workspaceInputs(t), mode: 'check', 'monitor-name': 'credit-drifted', 'on-breach': 'review', 'review-score': 'score < 0.5' }, connection, agentEnv(t, { SYSTEM_COLLECTIONURI: collection, SYSTEM_TEAMPROJECT: 'Credit' }), token)),
        );
      const { result: r } = await check();
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ result: 'breached', reviewData: `azureml:credit-drifted-review:${run.jobName}`, reviewItem: 'https://dev.azure.com/contoso/Credit/_workitems/edit/42' });
      expect(items).toHaveLength(1);
      expect(items[0]!.url).toBe('/contoso/Credit/_apis/wit/workitems/$Task?api-version=7.1');
      expect(items[0]!.headers.authorization).toBe(`Bearer ${token}`);
      const patch = JSON.parse(items[0]!.body) as { path: string; value: string }[];
      expect(patch.find((p) => p.path === '/fields/System.Title')?.value).toMatch(/^Review \d+ low-confidence samples from monitor credit-drifted$/);
      expect(patch.find((p) => p.path === '/fields/System.Tags')?.value).toBe('model-review');
      expect(r.summary).toMatch(/Review queue.*samples in `azureml:credit-drifted-review:/);

      // The samples: only outputs below 0.5, lowest first, each with the inputs it was scored on.
      const asset = (await arm<{ properties: { dataType: string; dataUri: string; tags: Record<string, string> } }>(t, 'GET', `${workspacePath(t)}/data/credit-drifted-review/versions/${run.jobName}`)).json.properties;
      expect(asset).toMatchObject({ dataType: 'uri_folder', tags: { monitor: 'credit-drifted', run: run.jobName, 'review-item': 'https://dev.azure.com/contoso/Credit/_workitems/edit/42' } });
      const ds = (await arm<{ properties: { accountName: string; containerName: string; endpoint: string } }>(t, 'GET', `${workspacePath(t)}/datastores/workspaceblobstore`)).json.properties;
      const { key } = (await arm<{ key: string }>(t, 'POST', `${workspacePath(t)}/datastores/workspaceblobstore/listSecrets`)).json;
      const container = new BlobServiceClient(`https://${ds.endpoint}/${ds.accountName}`, new StorageSharedKeyCredential(ds.accountName, key)).getContainerClient(ds.containerName);
      const path = asset.dataUri.replace(/^azureml:\/\/datastores\/workspaceblobstore\/paths\//, '');
      const samples = (await container.getBlobClient(`${path}samples.jsonl`).downloadToBuffer()).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(samples.length).toBe(Number(asset.tags.samples));
      expect(samples.every((x: { score: number }) => x.score < 0.5)).toBe(true);
      expect(samples.map((x: { score: number }) => x.score)).toEqual([...samples.map((x: { score: number }) => x.score)].sort((a, b) => a - b));
      expect(samples.some((x: { inputs?: { income_k?: number } }) => x.inputs?.income_k === 40)).toBe(true);

      // Rerun on the same run: nothing written, no second work item.
      const again = await check();
      expect(again.result.exitCode).toBe(1);
      expect(again.result.stdout).toMatch(/already queued for review/);
      expect(armWrites(again.journal)).toEqual([]);
      expect(items).toHaveLength(1);
    } finally {
      await ado.close();
    }
  }, 180_000);

  test('doctor: a deployment that collects nothing, a baseline that does not exist, a Spark size that is not one; nothing written', async () => {
    const { result: r, journal } = await runAction(inputs({ 'deployment-name': 'green', baseline: 'azureml:no-such-data:1', 'instance-type': 'standard_d2_v2', 'monitor-name': `${ep}-doctor` }));
    expect(r.exitCode).toBe(1);
    const errors = errorsOf(r);
    expect(errors).toMatch(/baseline data asset azureml:no-such-data:1 does not exist/);
    expect(errors).toMatch(/'standard_d2_v2' is not a serverless Spark instance type/);
    expect(armWrites(journal)).toEqual([]);
    expect(await readSchedule(`${ep}-doctor`)).toBeUndefined();
  }, 60_000);

  test.each([
    ['a trigger that is neither form', { trigger: 'daily' }, /Input 'trigger': 'daily' is neither/],
    ['an unknown signal', { signals: 'data-drift,model-performance' }, /'model-performance' is not a signal/],
    ['a threshold for a metric the signal lacks', { thresholds: 'data-drift.categorical.normalized_wasserstein_distance=0.1' }, /not a categorical data-drift metric/],
    ['a bad email', { 'alert-emails': 'ops' }, /'ops' is not an email address/],
  ])('%s is refused before any request', async (_what, extra, message) => {
    const { result: r, journal } = await runAction(inputs(extra));
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(message);
    expect(journal.filter((e) => e.path.startsWith('/subscriptions/'))).toEqual([]);
  }, 60_000);

  test('dry run: the plan, no write', async () => {
    const { result: r, journal } = await runAction(inputs({ 'monitor-name': `${ep}-dry`, 'dry-run': 'true' }));
    expect(errorsOf(r)).toBe('');
    expect(r.outputs.result).toBe('dry-run');
    expect(armWrites(journal)).toEqual([]);
    expect(r.summary).toMatch(/Dry run: nothing was written/);
  }, 60_000);

  test('no token reaches a log, output or summary', () => {
    expect(capture.texts.join('\n')).not.toMatch(JWT);
    expect(capture.texts.join('\n')).not.toContain('ghs_dispatchtoken');
    expect(capture.texts.join('\n')).not.toContain('relay-key-1');
    expect(capture.texts.join('\n')).not.toContain('hook-secret');
  });
});
