/**
 * Checks a Schedule PUT body against the GA contract (azureml-rest-api §4.7): required properties, the
 * discriminators (action, trigger, compute, identity, signal, input data, threshold, feature filter), enums
 * compared case-insensitively (the SDK sends lower case and lowerCamel; the service stores the contract spelling, see
 * normalize.ts), runtimeVersion, ISO-8601 durations, the emails limit and
 * no property the contract does not define. Only a CreateMonitor action is checked deeply. Problems are
 * `path: message` strings, as specs/online/contract.ts returns them.
 */
import { Checker, type Json } from '../common/contract-checker';
import {
  ACTION_TYPES, CATEGORICAL_DRIFT_METRICS, COMPUTE_IDENTITY_TYPES, COMPUTE_TYPES, DATA_TYPES, EMAILS_MAX_CHARS, FAD_METRICS, FILTER_TYPES,
  FREQUENCIES, IMPORTANCE_MODES, INPUT_DATA_TYPES, JOB_INPUT_TYPES, NOTIFICATION_TYPES, NUMERICAL_DRIFT_METRICS, QUALITY_METRICS,
  RUNTIME_VERSION, SIGNAL_TYPES, TASK_TYPES, TRIGGER_TYPES, WEEK_DAYS, canonical,
} from './enums';

const is = (v: unknown, name: string): boolean => typeof v === 'string' && v.toLowerCase() === name.toLowerCase();

function list(c: Checker, path: string, v: unknown, required: boolean, each: (p: string, x: unknown) => void): void {
  if (v === undefined) return required ? c.fail(path, 'is required') : undefined;
  if (!Array.isArray(v)) return c.fail(path, 'must be a list');
  v.forEach((x, i) => each(`${path}[${i}]`, x));
}

function bool(c: Checker, path: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') c.fail(path, 'must be a boolean');
}

function dateTime(c: Checker, path: string, v: unknown, required: boolean): void {
  if (v === undefined) return required ? c.fail(path, 'is required') : undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(Date.parse(v))) {
    c.fail(path, 'must be an ISO-8601 date-time');
  }
}

function trigger(c: Checker, v: unknown): void {
  const path = 'properties.trigger';
  const type = (v as Json | undefined)?.triggerType;
  const common = ['triggerType', 'startTime', 'endTime', 'timeZone'];
  const keys = is(type, 'Cron') ? [...common, 'expression'] : is(type, 'Recurrence') ? [...common, 'frequency', 'interval', 'schedule'] : Object.keys((v as Json | undefined) ?? {});
  const t = c.object(path, v, true, keys);
  if (!t) return;
  c.enumOf(`${path}.triggerType`, t.triggerType, TRIGGER_TYPES, true);
  for (const k of ['startTime', 'endTime', 'timeZone']) c.string(`${path}.${k}`, t[k]);
  if (is(type, 'Cron')) c.string(`${path}.expression`, t.expression, true, 1);
  if (!is(type, 'Recurrence')) return;
  c.enumOf(`${path}.frequency`, t.frequency, FREQUENCIES, true);
  if (t.interval === undefined) c.fail(`${path}.interval`, 'is required');
  c.int(`${path}.interval`, t.interval);
  const s = c.object(`${path}.schedule`, t.schedule, false, ['hours', 'minutes', 'monthDays', 'weekDays']);
  if (!s) return;
  list(c, `${path}.schedule.hours`, s.hours, true, (p, x) => c.int(p, x));
  list(c, `${path}.schedule.minutes`, s.minutes, true, (p, x) => c.int(p, x));
  list(c, `${path}.schedule.monthDays`, s.monthDays, false, (p, x) => c.int(p, x));
  list(c, `${path}.schedule.weekDays`, s.weekDays, false, (p, x) => c.enumOf(p, x, WEEK_DAYS, true));
}

function compute(c: Checker, path: string, v: unknown): void {
  const o = c.object(path, v, true, ['computeType', 'computeIdentity', 'instanceType', 'runtimeVersion']);
  if (!o) return;
  c.enumOf(`${path}.computeType`, o.computeType, COMPUTE_TYPES, true);
  const idType = (o.computeIdentity as Json | undefined)?.computeIdentityType;
  const id = c.object(`${path}.computeIdentity`, o.computeIdentity, true, is(idType, 'ManagedIdentity') ? ['computeIdentityType', 'identity'] : ['computeIdentityType']);
  if (id) {
    c.enumOf(`${path}.computeIdentity.computeIdentityType`, id.computeIdentityType, COMPUTE_IDENTITY_TYPES, true);
    const msi = c.object(`${path}.computeIdentity.identity`, id.identity, false, ['type', 'userAssignedIdentities', 'principalId', 'tenantId']);
    if (msi) c.enumOf(`${path}.computeIdentity.identity.type`, msi.type, ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned'], true);
  }
  c.string(`${path}.instanceType`, o.instanceType, true, 1);
  c.string(`${path}.runtimeVersion`, o.runtimeVersion, true, 1);
  if (typeof o.runtimeVersion === 'string' && o.runtimeVersion !== '' && !RUNTIME_VERSION.test(o.runtimeVersion)) {
    c.fail(`${path}.runtimeVersion`, `must match ${RUNTIME_VERSION.source} (e.g. 3.4)`);
  }
}

function inputData(c: Checker, path: string, v: unknown): void {
  const type = (v as Json | undefined)?.inputDataType;
  const common = ['inputDataType', 'jobInputType', 'uri', 'columns', 'dataContext'];
  const keys = is(type, 'Rolling')
    ? [...common, 'windowOffset', 'windowSize', 'preprocessingComponentId']
    : is(type, 'Static')
      ? [...common, 'windowStart', 'windowEnd', 'preprocessingComponentId']
      : common;
  const o = c.object(path, v, true, keys);
  if (!o) return;
  c.enumOf(`${path}.inputDataType`, o.inputDataType, INPUT_DATA_TYPES, true);
  c.enumOf(`${path}.jobInputType`, o.jobInputType, JOB_INPUT_TYPES, true);
  c.string(`${path}.uri`, o.uri, true, 1);
  c.stringMap(`${path}.columns`, o.columns);
  for (const k of ['dataContext', 'preprocessingComponentId']) c.string(`${path}.${k}`, o[k]);
  if (is(type, 'Rolling')) {
    for (const k of ['windowOffset', 'windowSize']) {
      if (o[k] === undefined) c.fail(`${path}.${k}`, 'is required');
      c.duration(`${path}.${k}`, o[k]);
    }
  }
  if (is(type, 'Static')) for (const k of ['windowStart', 'windowEnd']) dateTime(c, `${path}.${k}`, o[k], true);
}

function threshold(c: Checker, path: string, v: unknown): void {
  const t = c.object(path, v, false, ['value']);
  if (t && t.value !== undefined && (typeof t.value !== 'number' || !Number.isFinite(t.value))) c.fail(`${path}.value`, 'must be a number');
}

function metricThresholds(c: Checker, path: string, v: unknown, quality: boolean): void {
  list(c, path, v, true, (p, x) => {
    const o = c.object(p, x, true, ['dataType', 'metric', 'threshold']);
    if (!o) return;
    c.enumOf(`${p}.dataType`, o.dataType, DATA_TYPES, true);
    const numerical = is(o.dataType, 'Numerical');
    const metrics = quality ? QUALITY_METRICS : numerical ? NUMERICAL_DRIFT_METRICS : CATEGORICAL_DRIFT_METRICS;
    if (canonical(String(o.dataType ?? ''), DATA_TYPES)) c.enumOf(`${p}.metric`, o.metric, metrics, true);
    else c.string(`${p}.metric`, o.metric, true, 1);
    threshold(c, `${p}.threshold`, o.threshold);
  });
}

function features(c: Checker, path: string, v: unknown): void {
  const type = (v as Json | undefined)?.filterType;
  const o = c.object(path, v, false, is(type, 'TopNByAttribution') ? ['filterType', 'top'] : is(type, 'FeatureSubset') ? ['filterType', 'features'] : ['filterType']);
  if (!o) return;
  c.enumOf(`${path}.filterType`, o.filterType, FILTER_TYPES, true);
  if (is(type, 'TopNByAttribution')) c.int(`${path}.top`, o.top, 1);
  if (is(type, 'FeatureSubset')) list(c, `${path}.features`, o.features, true, (p, x) => c.string(p, x, true, 1));
}

function overrides(c: Checker, path: string, v: unknown): void {
  const o = c.object(path, v, false, Object.keys((v as Json | undefined) ?? {}));
  for (const [k, x] of Object.entries(o ?? {})) c.enumOf(`${path}.${k}`, x, DATA_TYPES, true);
}

function importance(c: Checker, path: string, v: unknown, required: boolean): void {
  const o = c.object(path, v, required, ['mode', 'targetColumn']);
  if (!o) return;
  c.enumOf(`${path}.mode`, o.mode, IMPORTANCE_MODES);
  c.string(`${path}.targetColumn`, o.targetColumn);
}

const SIGNAL_KEYS: Record<string, string[]> = {
  datadrift: ['productionData', 'referenceData', 'metricThresholds', 'features', 'featureDataTypeOverride', 'featureImportanceSettings'],
  predictiondrift: ['productionData', 'referenceData', 'metricThresholds', 'featureDataTypeOverride'],
  dataquality: ['productionData', 'referenceData', 'metricThresholds', 'features', 'featureDataTypeOverride', 'featureImportanceSettings'],
  featureattributiondrift: ['productionData', 'referenceData', 'metricThreshold', 'featureImportanceSettings', 'featureDataTypeOverride'],
  custom: ['componentId', 'metricThresholds', 'inputAssets', 'inputs'],
};

function signal(c: Checker, path: string, v: unknown): void {
  const type = String((v as Json | undefined)?.signalType ?? '').toLowerCase();
  const own = SIGNAL_KEYS[type] ?? Object.keys((v as Json | undefined) ?? {});
  const s = c.object(path, v, true, ['signalType', 'notificationTypes', 'properties', ...own]);
  if (!s) return;
  c.enumOf(`${path}.signalType`, s.signalType, SIGNAL_TYPES, true);
  list(c, `${path}.notificationTypes`, s.notificationTypes, false, (p, x) => c.enumOf(p, x, NOTIFICATION_TYPES, true));
  c.stringMap(`${path}.properties`, s.properties);
  if (type === 'custom') {
    c.string(`${path}.componentId`, s.componentId, true, 1);
    list(c, `${path}.metricThresholds`, s.metricThresholds, true, (p, x) => {
      const o = c.object(p, x, true, ['metric', 'threshold']);
      c.string(`${p}.metric`, o?.metric, true, 1);
      threshold(c, `${p}.threshold`, o?.threshold);
    });
    const assets = c.object(`${path}.inputAssets`, s.inputAssets, false, Object.keys((s.inputAssets as Json | undefined) ?? {}));
    for (const [k, x] of Object.entries(assets ?? {})) inputData(c, `${path}.inputAssets.${k}`, x);
    const inputs = c.object(`${path}.inputs`, s.inputs, false, Object.keys((s.inputs as Json | undefined) ?? {}));
    for (const [k, x] of Object.entries(inputs ?? {})) {
      const o = c.object(`${path}.inputs.${k}`, x, true, Object.keys((x as Json | undefined) ?? {}));
      c.enumOf(`${path}.inputs.${k}.jobInputType`, o?.jobInputType, JOB_INPUT_TYPES, true);
    }
    return;
  }
  if (!SIGNAL_KEYS[type]) return;
  if (type === 'featureattributiondrift') {
    list(c, `${path}.productionData`, s.productionData, true, (p, x) => inputData(c, p, x));
    const m = c.object(`${path}.metricThreshold`, s.metricThreshold, true, ['metric', 'threshold']);
    if (m) {
      c.enumOf(`${path}.metricThreshold.metric`, m.metric, FAD_METRICS, true);
      threshold(c, `${path}.metricThreshold.threshold`, m.threshold);
    }
  } else {
    inputData(c, `${path}.productionData`, s.productionData);
    metricThresholds(c, `${path}.metricThresholds`, s.metricThresholds, type === 'dataquality');
  }
  inputData(c, `${path}.referenceData`, s.referenceData);
  if (type !== 'predictiondrift') importance(c, `${path}.featureImportanceSettings`, s.featureImportanceSettings, type === 'featureattributiondrift');
  if (type === 'datadrift' || type === 'dataquality') features(c, `${path}.features`, s.features);
  overrides(c, `${path}.featureDataTypeOverride`, s.featureDataTypeOverride);
}

function monitorDefinition(c: Checker, v: unknown): void {
  const path = 'properties.action.monitorDefinition';
  const m = c.object(path, v, true, ['computeConfiguration', 'signals', 'monitoringTarget', 'alertNotificationSettings']);
  if (!m) return;
  compute(c, `${path}.computeConfiguration`, m.computeConfiguration);
  const signals = c.object(`${path}.signals`, m.signals, true, Object.keys((m.signals as Json | undefined) ?? {}));
  for (const [name, s] of Object.entries(signals ?? {})) signal(c, `${path}.signals.${name}`, s);
  if (m.monitoringTarget !== null) {
    const t = c.object(`${path}.monitoringTarget`, m.monitoringTarget, false, ['deploymentId', 'modelId', 'taskType']);
    if (t) {
      c.string(`${path}.monitoringTarget.deploymentId`, t.deploymentId);
      c.string(`${path}.monitoringTarget.modelId`, t.modelId);
      c.enumOf(`${path}.monitoringTarget.taskType`, t.taskType, TASK_TYPES, true);
    }
  }
  if (m.alertNotificationSettings === null) return;
  const a = c.object(`${path}.alertNotificationSettings`, m.alertNotificationSettings, false, ['emailNotificationSettings']);
  const e = c.object(`${path}.alertNotificationSettings.emailNotificationSettings`, a?.emailNotificationSettings, false, ['emails']);
  if (e?.emails === undefined || e.emails === null) return;
  const ePath = `${path}.alertNotificationSettings.emailNotificationSettings.emails`;
  list(c, ePath, e.emails, false, (p, x) => c.string(p, x, true, 1));
  if (Array.isArray(e.emails) && e.emails.join(',').length > EMAILS_MAX_CHARS) {
    c.fail(ePath, `must be at most ${EMAILS_MAX_CHARS} characters in all (comma-separated), not ${e.emails.join(',').length}`);
  }
}

/** The problems of a Schedule PUT body, `path: message` each; empty when it conforms. */
export function scheduleContractProblems(body: unknown): string[] {
  const c = new Checker();
  const b = c.object('body', body, true, ['properties']);
  if (!b) return c.problems;
  const p = c.object('properties', b.properties, true, ['displayName', 'description', 'tags', 'properties', 'isEnabled', 'trigger', 'action']);
  if (!p) return c.problems;
  c.string('properties.displayName', p.displayName);
  c.string('properties.description', p.description);
  c.stringMap('properties.tags', p.tags);
  c.stringMap('properties.properties', p.properties);
  bool(c, 'properties.isEnabled', p.isEnabled);
  trigger(c, p.trigger);
  const actionType = (p.action as Json | undefined)?.actionType;
  const createMonitor = is(actionType, 'CreateMonitor');
  const a = c.object('properties.action', p.action, true, createMonitor ? ['actionType', 'monitorDefinition'] : Object.keys((p.action as Json | undefined) ?? {}));
  if (!a) return c.problems;
  c.enumOf('properties.action.actionType', a.actionType, ACTION_TYPES, true);
  if (createMonitor) monitorDefinition(c, a.monitorDefinition);
  return c.problems;
}
