/**
 * The monitor schedule made from configure-monitors' inputs (no YAML): one signal per kind asked for, named for the
 * kind, reading the deployment's collected inputs/outputs over the trigger's look-back window against the baseline
 * (the model's training data). Thresholds the inputs do not give take the SDK's defaults for generated signals
 * (drift: numerical NormalizedWassersteinDistance 0.1, categorical JensenShannonDistance 0.1; quality: 0 for every
 * rate), so a monitor made here and one `az ml` makes from a bare create_monitor alert on the same thing.
 */
import { snakeToPascal } from '../online/casing';
import { defaultWindows } from './durations';
import type { FeatureFilter, ScheduleBody, SignalKind, Threshold, Trigger } from './types';

export interface MonitorInputs {
  name: string;
  /** ARM id of the online deployment watched */
  deploymentId: string;
  taskType: 'classification' | 'regression';
  signals: readonly SignalKind[];
  thresholds: readonly Threshold[];
  features: FeatureFilter;
  /** The reference data: `azureml:<name>:<version>` and its type */
  baseline: { uri: string; jobInputType: 'mltable' | 'uri_folder' | 'uri_file' };
  /** The deployment's collection data assets (`azureml:<name>:<version>`) */
  production: { inputs?: string; outputs?: string };
  trigger: Trigger;
  timeZone: string;
  instanceType: string;
  runtimeVersion: string;
  emails: readonly string[];
  description?: string;
  tags?: Record<string, string>;
}

const SIGNAL_TYPE: Record<SignalKind, string> = {
  'data-drift': 'DataDrift',
  'prediction-drift': 'PredictionDrift',
  'data-quality': 'DataQuality',
  'feature-attribution-drift': 'FeatureAttributionDrift',
};

const DEFAULTS: Record<'drift' | 'quality', Threshold[]> = {
  drift: [
    { signal: 'data-drift', dataType: 'numerical', metric: 'normalized_wasserstein_distance', value: 0.1 },
    { signal: 'data-drift', dataType: 'categorical', metric: 'jensen_shannon_distance', value: 0.1 },
  ],
  quality: (['numerical', 'categorical'] as const).flatMap((dataType) =>
    ['null_value_rate', 'data_type_error_rate', 'out_of_bounds_rate'].map((metric) => ({ signal: 'data-quality' as const, dataType, metric, value: 0 })),
  ),
};

/** The signal's metric thresholds: those given, and for a data type none names, the default ones. */
function metricThresholds(kind: SignalKind, given: readonly Threshold[]): unknown[] {
  const mine = given.filter((t) => t.signal === kind);
  const defaults = DEFAULTS[kind === 'data-quality' ? 'quality' : 'drift'];
  return (['numerical', 'categorical'] as const).flatMap((dataType) => {
    const chosen = mine.some((t) => t.dataType === dataType) ? mine.filter((t) => t.dataType === dataType) : defaults.filter((t) => t.dataType === dataType);
    return chosen.map((t) => ({ dataType: snakeToPascal(dataType), metric: snakeToPascal(t.metric), threshold: { value: t.value } }));
  });
}

function featureFilter(f: FeatureFilter): Record<string, unknown> {
  if (f.kind === 'top') return { filterType: 'TopNByAttribution', top: f.n };
  if (f.kind === 'subset') return { filterType: 'FeatureSubset', features: [...f.features] };
  return { filterType: 'AllFeatures' };
}

export function triggerBody(t: Trigger, timeZone: string): ScheduleBody['properties']['trigger'] {
  if (t.kind === 'cron') return { triggerType: 'Cron', expression: t.expression, timeZone };
  return { triggerType: 'Recurrence', frequency: t.frequency, interval: t.interval, schedule: { hours: [...t.hours], minutes: [...t.minutes] }, timeZone };
}

export function buildMonitorSchedule(m: MonitorInputs): { name: string; body: ScheduleBody } {
  const windows = defaultWindows(m.trigger);
  const collected = (uri: string | undefined, dataContext: string, window: 'production' | 'reference') => ({
    inputDataType: 'Rolling',
    jobInputType: 'uri_folder',
    uri: uri ?? '',
    dataContext,
    windowSize: window === 'production' ? windows.production : windows.reference,
    windowOffset: window === 'production' ? 'P0D' : windows.production,
  });
  const baseline = { inputDataType: 'Fixed', jobInputType: m.baseline.jobInputType, uri: m.baseline.uri, dataContext: 'training' };
  const signals: Record<string, unknown> = {};
  for (const kind of m.signals) {
    const common = { signalType: SIGNAL_TYPE[kind], notificationTypes: ['AmlNotification'] };
    if (kind === 'data-drift' || kind === 'data-quality') {
      signals[kind] = { ...common, productionData: collected(m.production.inputs, 'model_inputs', 'production'), referenceData: baseline, features: featureFilter(m.features), metricThresholds: metricThresholds(kind, m.thresholds) };
    } else if (kind === 'prediction-drift') {
      // Predictions against the predictions of the window before (the training data holds no predictions).
      signals[kind] = { ...common, productionData: collected(m.production.outputs, 'model_outputs', 'production'), referenceData: collected(m.production.outputs, 'model_outputs', 'reference'), metricThresholds: metricThresholds(kind, m.thresholds) };
    } else {
      const ndcg = m.thresholds.find((t) => t.signal === kind);
      signals[kind] = {
        ...common,
        productionData: [collected(m.production.inputs, 'model_inputs', 'production'), collected(m.production.outputs, 'model_outputs', 'production')],
        referenceData: baseline,
        metricThreshold: { metric: 'NormalizedDiscountedCumulativeGain', ...(ndcg ? { threshold: { value: ndcg.value } } : {}) },
        featureImportanceSettings: { mode: 'Enabled' },
      };
    }
  }
  const emails = [...m.emails];
  return {
    name: m.name,
    body: {
      properties: {
        displayName: m.name,
        ...(m.description ? { description: m.description } : {}),
        tags: { ...(m.tags ?? {}) },
        properties: {},
        isEnabled: true,
        trigger: triggerBody(m.trigger, m.timeZone),
        action: {
          actionType: 'CreateMonitor',
          monitorDefinition: {
            computeConfiguration: { computeType: 'ServerlessSpark', computeIdentity: { computeIdentityType: 'AmlToken' }, instanceType: m.instanceType, runtimeVersion: m.runtimeVersion },
            monitoringTarget: { deploymentId: m.deploymentId, taskType: m.taskType === 'regression' ? 'Regression' : 'Classification' },
            signals,
            // Always sent, so that emails taken out of the inputs are taken off the monitor too.
            alertNotificationSettings: { emailNotificationSettings: { emails } },
          },
        },
      },
    },
  };
}
