/**
 * configure-monitors, step 1: everything decided from the inputs and files alone, before signing in. A schedule
 * file is read here too (with placeholder workspace coordinates and a collecting deployment), so a YAML mistake is
 * an input error at file:line before any request; it is read again with the live values after sign-in.
 */
import { resolve } from 'node:path';
import { inputError } from '../../core/errors';
import { readRegularFile } from '../../core/files';
import { endpointNameProblem } from '../../specs/common/names';
import { readScheduleYaml } from '../../specs/monitor';
import { parseAlertRules, type AlertRule } from '../../monitoring/alerts/rules';
import { defaultSubscriptionName, subscriptionNameProblem } from '../../monitoring/events/subscription';
import type { StepContext } from '../definition';
import {
  checkScheduleName,
  parseWebhook,
  parseDataAssetRef,
  parseEmails,
  parseFeatures,
  parseSignals,
  parseThresholds,
  parseTrigger,
  type FeatureFilter,
  type SignalKind,
  type Threshold,
  type Trigger,
} from './inputs';

export interface MonitorFromFile {
  file: string;
  text: string;
  set?: string;
  name?: string;
}

export interface ConfigureMonitorsPlan {
  mode: 'configure' | 'check';
  file?: MonitorFromFile;
  /** The schedule's name when known before sign-in (input, or the file's) */
  name?: string;
  endpoint?: string;
  deployment?: string;
  taskType: 'classification' | 'regression';
  signals: SignalKind[];
  thresholds: Threshold[];
  features: FeatureFilter;
  baseline?: { name: string; version: string };
  trigger: Trigger;
  timeZone: string;
  instanceType: string;
  runtimeVersion: string;
  emails: string[];
  alerts: AlertRule[];
  webhook?: string;
  actionGroupId?: string;
  /** Event Grid delivery of breach events */
  events?: { webhook: string; name: string };
}

export const PLACEHOLDER_SCOPE = { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'placeholder-rg', workspaceName: 'placeholder-ws' };
const COLLECTING = {
  model_inputs: { enabled: true, dataId: 'azureml:placeholder-model-inputs:1' },
  model_outputs: { enabled: true, dataId: 'azureml:placeholder-model-outputs:1' },
};

function checkName(value: string | undefined, what: 'endpoint' | 'deployment', input: string): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const problem = endpointNameProblem(v, what);
  if (problem) throw inputError(`Input '${input}': ${problem}.`, { input });
  return v;
}

export function readConfigureMonitorsPlan(ctx: StepContext): ConfigureMonitorsPlan {
  const { inputs } = ctx;
  const mode = (inputs.choice('mode') ?? 'configure') as 'configure' | 'check';
  const fileInput = inputs.string('schedule-file')?.trim();
  const nameInput = inputs.string('monitor-name')?.trim();
  if (nameInput) checkScheduleName(nameInput, 'monitor-name');
  const endpoint = checkName(inputs.string('endpoint-name'), 'endpoint', 'endpoint-name');
  const deployment = checkName(inputs.string('deployment-name'), 'deployment', 'deployment-name');
  let file: MonitorFromFile | undefined;
  let name = nameInput;
  let fileTarget: { endpoint: string; deployment: string } | undefined;
  if (fileInput) {
    const path = resolve(fileInput);
    const text = readRegularFile(path, { input: 'schedule-file' });
    file = { file: path, text, ...(inputs.string('set') ? { set: inputs.string('set')! } : {}), ...(nameInput ? { name: nameInput } : {}) };
    const pre = readScheduleYaml({ file: path, text, set: file.set, setInput: 'set', name: nameInput, scope: PLACEHOLDER_SCOPE, collector: COLLECTING });
    name = pre.name;
    fileTarget = pre.target;
  } else if (inputs.string('set')) {
    throw inputError("Input 'set' overrides values of a schedule-file; give schedule-file, or use the monitor inputs.", { input: 'set' });
  }
  if (!endpoint && !fileTarget && !(mode === 'check' && name)) {
    throw inputError(
      mode === 'check' ? "Check mode needs the monitor: give monitor-name (or endpoint-name, whose monitor is <endpoint>-monitor)." : "Input 'endpoint-name' is required (or a schedule-file whose monitoring_target names the deployment).",
      { input: mode === 'check' ? 'monitor-name' : 'endpoint-name' },
    );
  }
  if (!name && endpoint) name = `${endpoint}-monitor`;
  const signals = parseSignals(inputs.string('signals') ?? 'data-drift,prediction-drift,data-quality');
  const timeZone = (inputs.string('time-zone') ?? 'UTC').trim();
  if (!/^[A-Za-z][\w .+()/-]{0,63}$/.test(timeZone)) throw inputError(`Input 'time-zone': '${timeZone}' is not a time zone name (e.g. UTC, Pacific Standard Time).`, { input: 'time-zone' });
  const runtimeVersion = (inputs.string('runtime-version') ?? '3.4').trim();
  if (!/^[0-9]+\.[0-9]+$/.test(runtimeVersion)) throw inputError(`Input 'runtime-version': '${runtimeVersion}' is not a version like 3.4.`, { input: 'runtime-version' });
  const instanceType = (inputs.string('instance-type') ?? 'standard_e4s_v3').trim();
  if (!/^[A-Za-z0-9_]{1,64}$/.test(instanceType)) throw inputError(`Input 'instance-type': '${instanceType}' is not an instance type name.`, { input: 'instance-type' });
  const baseline = parseDataAssetRef(inputs.string('baseline'), 'baseline');
  const webhook = parseWebhook(inputs.string('alert-webhook'), 'alert-webhook');
  const actionGroupId = inputs.string('action-group')?.trim() || undefined;
  const eventWebhook = parseWebhook(inputs.string('event-webhook'), 'event-webhook');
  const subName = inputs.string('event-subscription-name')?.trim();
  if (subName && subscriptionNameProblem(subName)) throw inputError(`Input 'event-subscription-name': ${subscriptionNameProblem(subName)}.`, { input: 'event-subscription-name' });
  if (subName && !eventWebhook) throw inputError("Input 'event-subscription-name' names the subscription that delivers to event-webhook; give event-webhook too.", { input: 'event-subscription-name' });
  if (actionGroupId && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[A-Za-z0-9_.-]{1,260}$/i.test(actionGroupId)) {
    throw inputError(`Input 'action-group': '${actionGroupId}' is not an action group id (/subscriptions/<id>/resourceGroups/<rg>/providers/microsoft.insights/actionGroups/<name>).`, { input: 'action-group' });
  }
  return {
    mode,
    ...(file ? { file } : {}),
    ...(name ? { name } : {}),
    ...(endpoint ?? fileTarget?.endpoint ? { endpoint: endpoint ?? fileTarget!.endpoint } : {}),
    ...(deployment ?? fileTarget?.deployment ? { deployment: deployment ?? fileTarget!.deployment } : {}),
    taskType: (inputs.choice('task-type') ?? 'classification') as 'classification' | 'regression',
    signals,
    thresholds: parseThresholds(inputs.string('thresholds'), signals),
    features: parseFeatures(inputs.string('features')),
    ...(baseline ? { baseline } : {}),
    trigger: parseTrigger(inputs.string('trigger') ?? 'every 1 day at 03:00'),
    timeZone,
    instanceType,
    runtimeVersion,
    emails: parseEmails(inputs.string('alert-emails')),
    alerts: parseAlertRules(inputs.string('alerts') ?? 'none', 'alerts'),
    ...(webhook ? { webhook } : {}),
    ...(actionGroupId ? { actionGroupId } : {}),
    ...(eventWebhook && name ? { events: { webhook: eventWebhook, name: subName ?? defaultSubscriptionName(name) } } : {}),
  };
}
