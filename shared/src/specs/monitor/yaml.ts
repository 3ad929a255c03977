/**
 * An `az ml schedule create -f` file with `create_monitor` → the Schedule PUT body at the GA contract
 * (azml-yaml-to-rest §5, §6): `--set` lines and the name input applied first, unknown keys refused at file:line,
 * the trigger (recurrence or cron, time zone default UTC), compute (serverless Spark, AmlToken), the monitoring
 * target (`azureml:<endpoint>:<deployment>` or an ARM id, whose data collector fills missing signal data), the
 * signals (yaml-signals.ts) and the alert emails. Every problem is collected and reported together.
 */
import { isMap } from 'yaml';
import { inputError } from '../../core/errors';
import type { WorkspaceScope } from '../datastore-uri';
import { endpointNameProblem } from '../common/names';
import { givenInputs } from '../online/overrides';
import type { SpecReader } from '../online/reader';
import { openSpec } from '../online/spec-source';
import type { MapEntry } from '../yaml-source';
import { scheduleContractProblems } from './contract';
import { defaultWindows } from './durations';
import type { ScheduleBody } from './types';
import { defaultSignals, readSignal } from './yaml-signals';

export interface ReadScheduleOptions {
  file: string;
  text?: string;
  set?: string;
  setInput?: string;
  /** The monitor-name input: beats the file's `name` (as `--name` does) */
  name?: string;
  scope: WorkspaceScope;
  /** The target deployment's collections: name → whether enabled and its data asset */
  collector?: Record<string, { enabled: boolean; dataId?: string }>;
}

export interface ScheduleFromYaml {
  name: string;
  body: ScheduleBody;
  /** The deployment the file's monitoring_target names */
  target?: { endpoint: string; deployment: string };
  warnings: string[];
}

const TOP = ['name', 'display_name', 'description', 'tags', 'properties', 'trigger', 'create_monitor', 'create_job', 'type'];
const DUMP_ONLY = ['$schema', 'id', 'creation_context', 'provisioning_state', 'is_enabled'];
const SCHEDULE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
const WEEK_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const ARM_DEPLOYMENT = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i;

const wsId = (s: WorkspaceScope) => `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.workspaceName}`;

/** A collection's data asset as `azureml:<name>:<version>` (an ARM id of a workspace data version is shortened). */
export function dataRefOf(v: string): string {
  const m = /\/workspaces\/[^/]+\/data\/([^/]+)\/versions\/([^/]+)$/i.exec(v);
  return m ? `azureml:${m[1]}:${m[2]}` : v;
}

function ints(r: SpecReader, e: MapEntry | undefined, key: string, max: number, min = 0): number[] {
  if (!r.present(e)) return [];
  const items = r.yaml.toJS(e.value);
  const list = Array.isArray(items) ? items : [items];
  const out: number[] = [];
  for (const x of list) {
    const n = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x.trim()) ? Number(x) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) r.fail(e.value, `'${key}' takes whole numbers ${min}-${max}, not '${String(x)}'`);
    else out.push(n);
  }
  return out;
}

function readTrigger(r: SpecReader, e: MapEntry | undefined): { body: ScheduleBody['properties']['trigger']; windows: { production: string; reference: string } } {
  const f = r.map(e?.value, 'trigger', ['type', 'expression', 'frequency', 'interval', 'schedule', 'time_zone', 'start_time', 'end_time']);
  const fallback = { body: { triggerType: 'Cron', expression: '0 0 * * *' }, windows: defaultWindows({ kind: 'cron' }) };
  if (!f) return r.fail(e?.keyNode ?? r.yaml.root, "'trigger' is required (type: recurrence or cron)") ?? fallback;
  const type = r.choice(f.type, 'trigger.type', ['recurrence', 'cron']);
  if (!type) return r.fail(f.type?.keyNode ?? e!.keyNode, "'trigger.type' is required: recurrence or cron") ?? fallback;
  const common: Record<string, unknown> = { timeZone: r.str(f.time_zone, 'trigger.time_zone', { freeText: true }) ?? 'UTC' };
  for (const [k, rest] of [['start_time', 'startTime'], ['end_time', 'endTime']] as const) {
    const v = r.present(f[k]) ? String(r.yaml.toJS(f[k]!.value)) : undefined;
    if (v !== undefined) {
      if (Number.isNaN(Date.parse(v))) r.fail(f[k]!.value, `'trigger.${k}' is '${v}', not a date-time`);
      common[rest] = v;
    }
  }
  if (type === 'cron') {
    const expression = r.str(f.expression, 'trigger.expression', { freeText: true })?.trim();
    if (!expression) r.fail(f.expression?.keyNode ?? f.type!.keyNode, "'trigger.expression' is required with type: cron");
    else if (expression.split(/\s+/).length !== 5) r.fail(f.expression!.value, `'trigger.expression' is '${expression}', not a 5-field cron expression`);
    return { body: { triggerType: 'Cron', expression: expression ?? '', ...common }, windows: defaultWindows({ kind: 'cron' }) };
  }
  const frequency = r.choice(f.frequency, 'trigger.frequency', ['minute', 'hour', 'day', 'week', 'month']);
  if (!r.present(f.frequency)) r.fail(f.type!.keyNode, "'trigger.frequency' is required with type: recurrence");
  const interval = r.int(f.interval, 'trigger.interval', { min: 1 }) ?? 1;
  if (!r.present(f.interval)) r.fail(f.type!.keyNode, "'trigger.interval' is required with type: recurrence");
  const s = r.map(f.schedule?.value, 'trigger.schedule', ['hours', 'minutes', 'week_days', 'month_days']);
  const schedule: Record<string, unknown> = { hours: ints(r, s?.hours, 'trigger.schedule.hours', 23), minutes: ints(r, s?.minutes, 'trigger.schedule.minutes', 59) };
  if (r.present(s?.week_days)) {
    const days = (([] as unknown[]).concat(r.yaml.toJS(s!.week_days!.value)) as unknown[]).map((d) => String(d).toLowerCase());
    for (const d of days) if (!WEEK_DAYS.includes(d)) r.fail(s!.week_days!.value, `'trigger.schedule.week_days' has '${d}', not a day (monday … sunday)`);
    schedule.weekDays = days;
  }
  if (r.present(s?.month_days)) schedule.monthDays = ints(r, s!.month_days, 'trigger.schedule.month_days', 31, 1);
  const cased = frequency ? frequency[0]!.toUpperCase() + frequency.slice(1) : 'Day';
  return { body: { triggerType: 'Recurrence', frequency: cased, interval, schedule, ...common }, windows: defaultWindows({ kind: 'recurrence', frequency: cased, interval }) };
}

function readTarget(r: SpecReader, e: MapEntry | undefined, scope: WorkspaceScope): { body: Record<string, unknown>; target?: { endpoint: string; deployment: string }; given: boolean } {
  const f = r.map(e?.value, 'create_monitor.monitoring_target', ['ml_task', 'endpoint_deployment_id', 'model_id']);
  const task = r.choice(f?.ml_task, 'create_monitor.monitoring_target.ml_task', ['classification', 'regression']) ?? 'classification';
  const body: Record<string, unknown> = { taskType: task === 'regression' ? 'Regression' : 'Classification' };
  let target: { endpoint: string; deployment: string } | undefined;
  const dep = r.str(f?.endpoint_deployment_id, 'create_monitor.monitoring_target.endpoint_deployment_id')?.trim().replace(/^azureml:/, '');
  if (dep !== undefined) {
    const arm = ARM_DEPLOYMENT.exec(dep);
    const short = /^([^:/]+):([^:/]+)$/.exec(dep);
    const [endpoint, deployment] = arm ? [arm[1]!, arm[2]!] : short ? [short[1]!, short[2]!] : [];
    if (!endpoint || !deployment) r.fail(f!.endpoint_deployment_id!.value, `'endpoint_deployment_id' is '${dep}'; give azureml:<endpoint>:<deployment> or the deployment's ARM id`);
    else {
      const problem = endpointNameProblem(endpoint, 'endpoint') ?? endpointNameProblem(deployment, 'deployment');
      if (problem) r.fail(f!.endpoint_deployment_id!.value, `'endpoint_deployment_id': ${problem}`);
      target = { endpoint, deployment };
      body.deploymentId = arm ? dep : `${wsId(scope)}/onlineEndpoints/${endpoint}/deployments/${deployment}`;
    }
  }
  const model = r.str(f?.model_id, 'create_monitor.monitoring_target.model_id')?.trim();
  if (model !== undefined) {
    const m = /^azureml:([A-Za-z0-9_][\w.-]*):([\w.-]+)$/.exec(model);
    if (m) body.modelId = `${wsId(scope)}/models/${m[1]}/versions/${m[2]}`;
    else if (/^(azureml:)?\/subscriptions\//i.test(model)) body.modelId = model.replace(/^azureml:/, '');
    else r.fail(f!.model_id!.value, `'model_id' is '${model}'; give azureml:<name>:<version>`);
  }
  return { body, ...(target ? { target } : {}), given: dep !== undefined };
}

export function readScheduleYaml(o: ReadScheduleOptions): ScheduleFromYaml {
  const setInput = o.setInput ?? 'set';
  const spec = openSpec({ file: o.file, text: o.text, set: o.set, setInput, fileInput: 'schedule-file' }, givenInputs({ name: o.name }, { name: 'name' }, { name: 'monitor-name' }), { name: 'monitor-name' });
  const { reader: r, yaml, problems } = spec;
  const warnings: string[] = [];
  const f = r.map(yaml.root, '', TOP, DUMP_ONLY) ?? {};
  const name = r.str(f.name, 'name')?.trim();
  if (!name) r.fail(yaml.root, "the schedule has no name: set 'name' in the file, or give the monitor-name input");
  else if (!SCHEDULE_NAME.test(name)) r.fail(f.name!.value, `'name' is '${name}': a schedule name starts with a letter or digit, then letters, digits, '-' or '_' (at most 255)`);
  if (r.present(f.create_job)) r.fail(f.create_job.keyNode, "this is a job schedule (create_job); configure-monitors sets up monitor schedules (create_monitor)");
  if (r.present(f.type)) r.fail(f.type.keyNode, "'type' is not a schedule key");
  const trigger = readTrigger(r, f.trigger);
  const cm = r.map(f.create_monitor?.value, 'create_monitor', ['compute', 'monitoring_target', 'monitoring_signals', 'alert_notification']);
  if (!cm && !r.present(f.create_job)) r.fail(yaml.root, "'create_monitor' is required: this step configures model monitors");
  const compute = r.map(cm?.compute?.value, 'create_monitor.compute', ['instance_type', 'runtime_version']);
  const instanceType = r.str(compute?.instance_type, 'create_monitor.compute.instance_type') ?? 'standard_e4s_v3';
  const runtime = compute?.runtime_version && r.present(compute.runtime_version) ? String(r.yaml.toJS(compute.runtime_version.value)) : '3.4';
  if (!/^\d+\.\d+$/.test(runtime)) r.fail(compute!.runtime_version!.value, `'create_monitor.compute.runtime_version' is '${runtime}', not a version like 3.4`);
  const target = readTarget(r, cm?.monitoring_target, o.scope);
  const collected: Record<string, string | undefined> = {};
  for (const [k, c] of Object.entries(o.collector ?? {})) if (c.enabled && c.dataId) collected[k.toLowerCase()] = dataRefOf(c.dataId);
  const signals: Record<string, unknown> = {};
  const ctx = { windows: trigger.windows, collected, componentId: (ref: string) => { const m = /^azureml:([A-Za-z0-9_][\w.-]*):([\w.-]+)$/.exec(ref); return m ? `${wsId(o.scope)}/components/${m[1]}/versions/${m[2]}` : undefined; } };
  const sigNode = cm?.monitoring_signals?.value;
  if (r.present(cm?.monitoring_signals) && isMap(sigNode)) {
    for (const e of yaml.entries(sigNode)) {
      const s = readSignal(r, e.key, e.value, ctx);
      if (s) signals[e.key] = s;
    }
  } else if (r.present(cm?.monitoring_signals)) r.fail(sigNode, "'create_monitor.monitoring_signals' must be a mapping of signal names to signals");
  else if (cm) {
    // The out-of-box monitor: the SDK's default signals on the target deployment's collected data.
    const defaults = target.target ? defaultSignals(ctx) : undefined;
    if (defaults) Object.assign(signals, defaults);
    else if (target.target || !target.given) r.fail(f.create_monitor!.keyNode, target.target ? 'without monitoring_signals the monitor runs the default signals on collected data, and the target deployment does not collect both model_inputs and model_outputs' : "without monitoring_signals, 'create_monitor.monitoring_target.endpoint_deployment_id' must name a deployment that collects model_inputs and model_outputs");
  }
  let emails: string[] = [];
  const alert = cm?.alert_notification;
  if (r.present(alert)) {
    if (isMap(alert.value)) {
      const a = r.map(alert.value, 'create_monitor.alert_notification', ['emails']);
      emails = r.strings(a?.emails, 'create_monitor.alert_notification.emails') ?? [];
      for (const m of emails) if (!/^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/.test(m)) r.fail(a!.emails!.value, `'${m}' is not an email address`);
    } else if (r.str(alert, 'create_monitor.alert_notification')?.toLowerCase() === 'azmonitoring') {
      warnings.push("alert_notification: azmonitoring is a preview setting the GA monitor API does not take; the monitor sends no emails (alerts on its runs come from Azure Monitor).");
    } else r.fail(alert.value, "'create_monitor.alert_notification' takes emails: [..] or azmonitoring");
  }
  const tags = r.stringMap(f.tags, 'tags');
  const properties = r.stringMap(f.properties, 'properties');
  const description = r.str(f.description, 'description', { freeText: true });
  const display = r.str(f.display_name, 'display_name', { freeText: true });
  problems.throwIfAny(yaml.file);
  const body: ScheduleBody = {
    properties: {
      ...(display !== undefined ? { displayName: display } : {}),
      ...(description !== undefined ? { description } : {}),
      tags: tags ?? {},
      properties: properties ?? {},
      trigger: trigger.body,
      action: {
        actionType: 'CreateMonitor',
        monitorDefinition: {
          computeConfiguration: { computeType: 'ServerlessSpark', computeIdentity: { computeIdentityType: 'AmlToken' }, instanceType, runtimeVersion: runtime },
          monitoringTarget: target.body,
          signals,
          alertNotificationSettings: { emailNotificationSettings: { emails } },
        },
      },
    },
  };
  const contract = scheduleContractProblems(body);
  if (contract.length) throw inputError(`${yaml.file}: the schedule would not be accepted: ${contract.join('; ')}`, { input: 'schedule-file' });
  return { name: name!, body, ...(target.target ? { target: target.target } : {}), warnings };
}
