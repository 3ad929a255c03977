/**
 * The enums of the GA Schedule / CreateMonitor contract (azureml-rest-api §4.7), spelled as the contract spells
 * them; the checks compare case-insensitively (the SDK sends lower-case and lowerCamel values) and the
 * normalisation maps any spelling back to these.
 */
export const ACTION_TYPES = ['CreateMonitor', 'CreateJob', 'InvokeBatchEndpoint'] as const;
export const TRIGGER_TYPES = ['Cron', 'Recurrence'] as const;
export const FREQUENCIES = ['Minute', 'Hour', 'Day', 'Week', 'Month'] as const;
export const WEEK_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const COMPUTE_TYPES = ['ServerlessSpark'] as const;
export const COMPUTE_IDENTITY_TYPES = ['AmlToken', 'ManagedIdentity'] as const;
export const TASK_TYPES = ['Classification', 'Regression'] as const;
export const SIGNAL_TYPES = ['DataDrift', 'PredictionDrift', 'DataQuality', 'FeatureAttributionDrift', 'Custom'] as const;
export const NOTIFICATION_TYPES = ['AmlNotification'] as const;
export const INPUT_DATA_TYPES = ['Static', 'Rolling', 'Fixed'] as const;
export const JOB_INPUT_TYPES = ['literal', 'uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'] as const;
export const DATA_TYPES = ['Numerical', 'Categorical'] as const;
export const FILTER_TYPES = ['AllFeatures', 'TopNByAttribution', 'FeatureSubset'] as const;
export const IMPORTANCE_MODES = ['Disabled', 'Enabled'] as const;

export const NUMERICAL_DRIFT_METRICS = ['JensenShannonDistance', 'PopulationStabilityIndex', 'NormalizedWassersteinDistance', 'TwoSampleKolmogorovSmirnovTest'] as const;
export const CATEGORICAL_DRIFT_METRICS = ['JensenShannonDistance', 'PopulationStabilityIndex', 'PearsonsChiSquaredTest'] as const;
export const QUALITY_METRICS = ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'] as const;
export const FAD_METRICS = ['NormalizedDiscountedCumulativeGain'] as const;

export const RUNTIME_VERSION = /^[0-9]+\.[0-9]+$/;
/** The service's limit on the notification emails, counted as the comma-separated list it stores. */
export const EMAILS_MAX_CHARS = 499;

/** The contract's spelling of `value` in `allowed` (compared case-insensitively), or undefined. */
export function canonical(value: string, allowed: readonly string[]): string | undefined {
  const v = value.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === v);
}

/** Every enum a key of the contract takes, for the normalisation (metric names of all signals together). */
export const ENUM_OF_KEY: Record<string, readonly string[]> = {
  actionType: ACTION_TYPES,
  triggerType: TRIGGER_TYPES,
  frequency: FREQUENCIES,
  weekDays: WEEK_DAYS,
  computeType: COMPUTE_TYPES,
  computeIdentityType: COMPUTE_IDENTITY_TYPES,
  taskType: TASK_TYPES,
  signalType: SIGNAL_TYPES,
  notificationTypes: NOTIFICATION_TYPES,
  inputDataType: INPUT_DATA_TYPES,
  jobInputType: JOB_INPUT_TYPES,
  dataType: DATA_TYPES,
  filterType: FILTER_TYPES,
  mode: IMPORTANCE_MODES,
  metric: [...new Set([...NUMERICAL_DRIFT_METRICS, ...CATEGORICAL_DRIFT_METRICS, ...QUALITY_METRICS, ...FAD_METRICS])],
};
