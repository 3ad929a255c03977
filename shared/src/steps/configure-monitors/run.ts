/**
 * configure-monitors: validate the inputs and the schedule file → sign in → (check mode: read the latest monitor
 * run) → read the endpoint, the deployment to follow, its data collector and the model's training data → build the
 * monitor schedule → doctor (collection, data assets, datastores, Spark size) → compare with the live schedule
 * (semantically: the service normalises values) → plan the alert rules and action group → dry-run stops here →
 * write what differs → read back and verify → summary.
 */
import { StepError } from '../../core/errors';
import { monitorClient, planAlerts, type AlertsPlan, type PlannedAlerts } from '../../monitoring/alerts/apply';
import { eventGridClient, planEvents, type PlannedEvents } from '../../monitoring/events/subscription';
import { doctorError, type Finding } from '../../online';
import { buildMonitorSchedule, readScheduleYaml, scheduleDifferences, type ScheduleBody } from '../../specs/monitor';
import type { StepContext } from '../definition';
import { connectWorkspace, type WorkspaceConnection } from '../workspace';
import { checkMonitor } from './check';
import { baselineFindings, collectionFindings, computeFindings, datastoreFindings, datastoreOf, readDataAsset } from './doctor';
import { readConfigureMonitorsPlan, type ConfigureMonitorsPlan } from './read-plan';
import { configureSummary, type ConfigureOutcome } from './summary';
import { asDataRef, readTarget, recordedTrainingData, type MonitorTarget } from './target';

/** Collections each signal's production data comes from. */
const NEEDS: Record<string, string[]> = {
  'data-drift': ['model_inputs'],
  'data-quality': ['model_inputs'],
  'prediction-drift': ['model_outputs'],
  'feature-attribution-drift': ['model_inputs', 'model_outputs'],
};

export async function configureMonitors(ctx: StepContext): Promise<void> {
  const { host } = ctx;
  // 1. Inputs and the schedule file: all checked before anything is sent.
  const plan = readConfigureMonitorsPlan(ctx);

  // 2. Sign in.
  const conn = await connectWorkspace(ctx);
  const { client, scope } = conn;
  const rg = scope.resourceGroup;
  const ws = scope.workspaceName;
  host.info(`Signing in as ${conn.principal}; workspace ${ws} in ${rg} (${conn.cloud.name}).`);
  if (plan.mode === 'check') return checkMonitor(ctx, conn, plan.name!);

  // 3. What is live: the endpoint, the deployment to follow, its collector, the model's training data.
  const target = await readTarget(client, scope, plan.endpoint!, plan.deployment);
  if (plan.file && plan.deployment && !ctx.inputs.string('deployment-name')) target.why = 'named by the schedule file';
  host.info(`Monitoring ${target.deploymentName} of ${target.endpoint.name} (${target.why}).`);
  const findings: Finding[] = computeFindings(plan.instanceType, plan.runtimeVersion, { instance: 'instance-type', runtime: 'runtime-version' });
  const desired = await desiredSchedule(ctx, conn, plan, target, findings);

  // 4. Doctor: every data asset the monitor reads exists on a credential-based datastore.
  findings.push(...(await dataFindings(ctx, conn, desired.body)));
  if (findings.length > 0) throw doctorError(findings);

  // 5. Compare with the live schedule.
  const live = await client.schedules.get(rg, ws, desired.name);
  const differences = live ? scheduleDifferences(desired.body, live) : [];
  const outcome: ConfigureOutcome = {
    result: 'configured',
    schedule: desired.name,
    endpoint: target.endpoint.name,
    deployment: target.deploymentName,
    why: target.why,
    body: desired.body,
    existed: Boolean(live),
    differences,
  };
  if (live && differences.length === 0) host.info(`Monitor ${desired.name} is already configured as desired; nothing to do.`);
  else host.info(live ? `Then: update monitor ${desired.name}:\n${differences.map((d) => `  ${d}`).join('\n')}` : `Then: create monitor ${desired.name}.`);
  const scheduleChanged = !live || differences.length > 0;

  // 6. The infrastructure alerts of the live deployment (planned, and in a dry run only planned).
  const planned = plan.alerts.length ? await planAlertsOf(ctx, conn, plan, target) : undefined;
  const alerts = planned?.outcome;
  for (const c of alerts?.changes ?? []) host.info(`Then: ${c.action} ${c.kind} ${c.name}${c.differences.length ? `:\n${c.differences.map((d) => `  ${d}`).join('\n')}` : ''}`);
  if (alerts) outcome.alerts = alerts;

  // 7. The loop back: the workspace's Event Grid subscription for breach events.
  const events = plan.events ? await planEventsOf(ctx, conn, plan.events.name, plan.name!, plan.events.webhook) : undefined;
  const ev = events?.outcome;
  if (ev?.change) host.info(`Then: ${ev.change.action} event subscription ${ev.name} → ${ev.deliversTo}${ev.change.differences.length ? `:\n${ev.change.differences.map((d) => `  ${d}`).join('\n')}` : ''}`);
  if (ev) outcome.events = ev;
  if (!scheduleChanged && !alerts?.changes.length && !ev?.change) return finish(ctx, { ...outcome, result: 'unchanged' });
  if (conn.dryRun) {
    host.info('Dry run: nothing was written.');
    return finish(ctx, { ...outcome, result: 'dry-run' });
  }

  // 8. Write, then read back: the schedule must have succeeded and match what was asked for.
  if (scheduleChanged) {
    await host.group(`${live ? 'Updating' : 'Creating'} monitor ${desired.name}`, () => client.schedules.createOrUpdate(rg, ws, desired.name, desired.body));
    const after = await client.schedules.get(rg, ws, desired.name);
    const state = String(after?.properties.provisioningState ?? 'missing');
    if (!after || !/^succeeded$/i.test(state)) throw new StepError('service', `Monitor ${desired.name} reports provisioning state ${state} after the write.`);
    const left = scheduleDifferences(desired.body, after);
    if (left.length) throw new StepError('service', `Monitor ${desired.name} was written but reads back different:\n${left.join('\n')}`);
  }
  if (planned && alerts?.changes.length) await host.group(`Writing ${alerts.changes.length} alert change(s)`, () => planned.apply());
  if (events && ev?.change) await host.group(`${ev.change.action === 'create' ? 'Creating' : 'Updating'} event subscription ${ev.name}`, () => events.apply());
  await finish(ctx, outcome);
}

/** The event subscription read and compared once; Event Grid validates the webhook (handshake) when it is written. */
async function planEventsOf(ctx: StepContext, conn: WorkspaceConnection, name: string, monitor: string, webhook: string): Promise<PlannedEvents> {
  const s = conn.scope;
  const grid = await eventGridClient({ credential: conn.credential, subscriptionId: s.subscriptionId, resourceManager: conn.cloud.resourceManager, audience: conn.cloud.resourceManagerAudience });
  const workspaceId = `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.workspaceName}`;
  return planEvents(grid, { workspaceId, name, monitor, webhook }, ctx.deadline.signal);
}

function alertsPlan(conn: WorkspaceConnection, plan: ConfigureMonitorsPlan, target: MonitorTarget): AlertsPlan {
  const s = conn.scope;
  const endpointId = target.endpoint.id ?? `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.workspaceName}/onlineEndpoints/${target.endpoint.name}`;
  return {
    target: { endpointId, endpointName: target.endpoint.name, deploymentName: target.deploymentName, resourceGroup: s.resourceGroup, owner: plan.name! },
    rules: plan.alerts,
    emails: plan.emails,
    ...(plan.webhook ? { webhook: plan.webhook } : {}),
    ...(plan.actionGroupId ? { actionGroupId: plan.actionGroupId } : {}),
  };
}

/** The alerts read and compared once (nothing written yet), every call ending at the step's deadline. */
async function planAlertsOf(ctx: StepContext, conn: WorkspaceConnection, plan: ConfigureMonitorsPlan, target: MonitorTarget): Promise<PlannedAlerts> {
  const monitor = await monitorClient({ credential: conn.credential, subscriptionId: conn.scope.subscriptionId, resourceManager: conn.cloud.resourceManager, audience: conn.cloud.resourceManagerAudience });
  return planAlerts(monitor, alertsPlan(conn, plan, target), ctx.deadline.signal);
}

async function desiredSchedule(ctx: StepContext, conn: WorkspaceConnection, plan: ConfigureMonitorsPlan, target: MonitorTarget, findings: Finding[]): Promise<{ name: string; body: ScheduleBody }> {
  const ws = conn.scope;
  const collector = target.collections;
  const depId = target.deployment.id ?? `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}/onlineEndpoints/${target.endpoint.name}/deployments/${target.deploymentName}`;
  if (plan.file) {
    // endpoint-name / deployment-name, when given, say what the file's monitor watches (after the file's own target).
    const named = ctx.inputs.string('endpoint-name') || ctx.inputs.string('deployment-name');
    const retarget = named ? `create_monitor.monitoring_target.endpoint_deployment_id=azureml:${target.endpoint.name}:${target.deploymentName}` : undefined;
    const set = [plan.file.set, retarget].filter(Boolean).join('\n') || undefined;
    const read = readScheduleYaml({ file: plan.file.file, text: plan.file.text, set, setInput: 'set', name: plan.file.name, scope: ws, collector });
    return { name: read.name, body: read.body };
  }
  const needed = [...new Set(plan.signals.flatMap((s) => NEEDS[s] ?? []))];
  findings.push(...collectionFindings(target, needed));
  const baselineRef = plan.baseline ? `azureml:${plan.baseline.name}:${plan.baseline.version}` : recordedTrainingData(target.model?.resource);
  if (!plan.baseline && baselineRef) ctx.host.info(`Baseline: ${baselineRef}, the training data recorded on model ${target.model?.name}:${target.model?.version}.`);
  const base = await baselineFindings(conn.client, ws, baselineRef, 'baseline');
  findings.push(...base.findings);
  const jobInputType = (base.type === 'uri_file' || base.type === 'uri_folder' ? base.type : 'mltable') as 'mltable' | 'uri_folder' | 'uri_file';
  const ref = (c: string) => (collector[c]?.dataId ? asDataRef(collector[c]!.dataId!) : undefined);
  return buildMonitorSchedule({
    name: plan.name!,
    deploymentId: depId,
    taskType: plan.taskType,
    signals: plan.signals,
    thresholds: plan.thresholds,
    features: plan.features,
    baseline: { uri: baselineRef ?? 'azureml:missing-baseline:1', jobInputType },
    production: { ...(ref('model_inputs') ? { inputs: ref('model_inputs') } : {}), ...(ref('model_outputs') ? { outputs: ref('model_outputs') } : {}) },
    trigger: plan.trigger,
    timeZone: plan.timeZone,
    instanceType: plan.instanceType,
    runtimeVersion: plan.runtimeVersion,
    emails: plan.emails,
    description: `Model monitor of ${target.endpoint.name}/${target.deploymentName}, configured by aml-lifecycle.`,
    tags: { 'aml-lifecycle.endpoint': target.endpoint.name, 'aml-lifecycle.deployment': target.deploymentName },
  });
}

/** Every `azureml:name:version` data input of the body: it exists, and its datastore uses credential-based access. */
async function dataFindings(ctx: StepContext, conn: WorkspaceConnection, body: ScheduleBody): Promise<Finding[]> {
  const refs = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'uri' && typeof x === 'string' && /^azureml:[^/]/.test(x)) refs.add(x);
        else walk(x);
      }
    }
  };
  walk(body);
  const findings: Finding[] = [];
  const uses: { datastore: string; why: string; input: string }[] = [];
  for (const r of refs) {
    if (r === 'azureml:missing-baseline:1') continue;
    const asset = await readDataAsset(conn.client, conn.scope, r);
    const input = ctx.inputs.string('schedule-file') ? 'schedule-file' : /model_(inputs|outputs)/.test(r) ? 'deployment-name' : 'baseline';
    if (!asset) {
      if (input !== 'baseline') findings.push({ input, problem: `Data asset ${r}, which the monitor reads, does not exist in workspace ${conn.scope.workspaceName}.`, fix: 'Register it, or (for collected data) redeploy with data collection enabled so the collection assets are created.' });
      continue;
    }
    const ds = datastoreOf(asset.uri);
    if (ds) uses.push({ datastore: ds, why: `holds ${r}`, input });
  }
  findings.push(...(await datastoreFindings(conn.client, conn.scope, uses)));
  return findings;
}

async function finish(ctx: StepContext, o: ConfigureOutcome): Promise<void> {
  const { host } = ctx;
  host.setOutput('schedule-name', o.schedule);
  host.setOutput('monitored-deployment', o.deployment);
  host.setOutput('breached-signals', '');
  host.setOutput('alert-rule-ids', (o.alerts?.ruleIds ?? []).join(','));
  host.setOutput('action-group-id', o.alerts?.actionGroupId ?? '');
  host.setOutput('event-subscription-id', o.events?.id ?? '');
  host.setOutput('result', o.result);
  await host.summary(configureSummary(o));
}
