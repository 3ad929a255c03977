import { scheduleContractProblems } from '../../../../shared/src/specs/monitor/contract';
import { normalizeSchedule } from '../../../../shared/src/specs/monitor/normalize';
import { goodBody } from './bodies';

const MD = 'properties.action.monitorDefinition';

function problemsAfter(change: (b: any) => void): string[] {
  const b = goodBody();
  change(b);
  return scheduleContractProblems(b);
}

describe('scheduleContractProblems', () => {
  it('accepts the §4.8 shape with every signal kind', () => {
    expect(scheduleContractProblems(goodBody())).toEqual([]);
  });

  it('compares enums case-insensitively (the SDK sends lower case and lowerCamel)', () => {
    expect(problemsAfter((b) => {
      b.properties.trigger.frequency = 'day';
      b.properties.action.monitorDefinition.monitoringTarget.taskType = 'classification';
      b.properties.action.monitorDefinition.signals['data-drift'].metricThresholds[0].metric = 'jensenShannonDistance';
    })).toEqual([]);
  });

  it('requires the body, properties, trigger and action', () => {
    expect(scheduleContractProblems(undefined)).toEqual(['body: is required']);
    expect(scheduleContractProblems({})).toEqual(['properties: is required']);
    expect(problemsAfter((b) => { delete b.properties.trigger; delete b.properties.action; })).toEqual(['properties.trigger: is required', 'properties.action: is required']);
  });

  it('reports properties the contract does not define, at any depth', () => {
    expect(problemsAfter((b) => {
      b.properties.kind = 'x';
      b.properties.action.monitorDefinition.alertNotificationSetting = {};
      b.properties.action.monitorDefinition.signals.quality.mode = 'Enabled';
      b.properties.action.monitorDefinition.signals['data-drift'].productionData.windowStart = '2024-01-01';
    })).toEqual([
      'properties.kind: is not a property of the contract',
      `${MD}.alertNotificationSetting: is not a property of the contract`,
      `${MD}.signals.data-drift.productionData.windowStart: is not a property of the contract`,
      `${MD}.signals.quality.mode: is not a property of the contract`,
    ]);
  });

  it('checks the discriminators', () => {
    expect(problemsAfter((b) => {
      b.properties.trigger.triggerType = 'Hourly';
      b.properties.action.monitorDefinition.computeConfiguration.computeType = 'AmlCompute';
      b.properties.action.monitorDefinition.computeConfiguration.computeIdentity.computeIdentityType = 'Key';
      b.properties.action.monitorDefinition.signals.quality.signalType = 'ModelPerformance';
      b.properties.action.monitorDefinition.signals['data-drift'].productionData.inputDataType = 'Trailing';
      b.properties.action.monitorDefinition.signals['data-drift'].referenceData.jobInputType = 'uri_table';
      b.properties.action.monitorDefinition.signals['data-drift'].features.filterType = 'TopN';
      b.properties.action.monitorDefinition.signals['data-drift'].metricThresholds[0].dataType = 'Text';
    })).toEqual(expect.arrayContaining([
      'properties.trigger.triggerType: must be one of Cron, Recurrence',
      `${MD}.computeConfiguration.computeType: must be one of ServerlessSpark`,
      `${MD}.computeConfiguration.computeIdentity.computeIdentityType: must be one of AmlToken, ManagedIdentity`,
      `${MD}.signals.quality.signalType: must be one of DataDrift, PredictionDrift, DataQuality, FeatureAttributionDrift, Custom`,
      `${MD}.signals.data-drift.productionData.inputDataType: must be one of Static, Rolling, Fixed`,
      `${MD}.signals.data-drift.referenceData.jobInputType: must be one of literal, uri_file, uri_folder, mltable, custom_model, mlflow_model, triton_model`,
      `${MD}.signals.data-drift.features.filterType: must be one of AllFeatures, TopNByAttribution, FeatureSubset`,
      `${MD}.signals.data-drift.metricThresholds[0].dataType: must be one of Numerical, Categorical`,
    ]));
  });

  it('checks metric enums per signal and data type', () => {
    expect(problemsAfter((b) => {
      const s = b.properties.action.monitorDefinition.signals;
      s['data-drift'].metricThresholds[1].metric = 'NormalizedWassersteinDistance';
      s.quality.metricThresholds[0].metric = 'JensenShannonDistance';
      s.fad.metricThreshold.metric = 'Accuracy';
    })).toEqual([
      `${MD}.signals.data-drift.metricThresholds[1].metric: must be one of JensenShannonDistance, PopulationStabilityIndex, PearsonsChiSquaredTest`,
      `${MD}.signals.quality.metricThresholds[0].metric: must be one of NullValueRate, DataTypeErrorRate, OutOfBoundsRate`,
      `${MD}.signals.fad.metricThreshold.metric: must be one of NormalizedDiscountedCumulativeGain`,
    ]);
  });

  it('checks required signal parts: FAD production data is a list, metricThreshold and importance settings required', () => {
    expect(problemsAfter((b) => {
      const s = b.properties.action.monitorDefinition.signals;
      s.fad.productionData = s.fad.productionData[0];
      delete s.fad.metricThreshold;
      delete s.fad.featureImportanceSettings;
      delete s['data-drift'].metricThresholds;
      delete s.custom.componentId;
    })).toEqual([
      `${MD}.signals.data-drift.metricThresholds: is required`,
      `${MD}.signals.fad.productionData: must be a list`,
      `${MD}.signals.fad.metricThreshold: is required`,
      `${MD}.signals.fad.featureImportanceSettings: is required`,
      `${MD}.signals.custom.componentId: is required`,
    ]);
  });

  it('checks runtimeVersion, windows as ISO-8601 durations, static window dates', () => {
    expect(problemsAfter((b) => {
      const m = b.properties.action.monitorDefinition;
      m.computeConfiguration.runtimeVersion = '3';
      m.signals['data-drift'].productionData.windowSize = '7 days';
      delete m.signals['data-drift'].productionData.windowOffset;
      m.signals.quality.referenceData.windowEnd = 'soon';
    })).toEqual([
      `${MD}.computeConfiguration.runtimeVersion: must match ^[0-9]+\\.[0-9]+$ (e.g. 3.4)`,
      `${MD}.signals.data-drift.productionData.windowOffset: is required`,
      `${MD}.signals.data-drift.productionData.windowSize: must be an ISO-8601 duration`,
      `${MD}.signals.quality.referenceData.windowEnd: must be an ISO-8601 date-time`,
    ]);
  });

  it('checks the recurrence trigger and the cron expression', () => {
    expect(problemsAfter((b) => { b.properties.trigger = { triggerType: 'Recurrence', frequency: 'Fortnight', schedule: { hours: 3 } }; })).toEqual([
      'properties.trigger.frequency: must be one of Minute, Hour, Day, Week, Month',
      'properties.trigger.interval: is required',
      'properties.trigger.schedule.hours: must be a list',
      'properties.trigger.schedule.minutes: is required',
    ]);
    expect(problemsAfter((b) => { b.properties.trigger = { triggerType: 'Cron', frequency: 'Day' }; })).toEqual([
      'properties.trigger.frequency: is not a property of the contract',
      'properties.trigger.expression: is required',
    ]);
  });

  it('limits the emails to 499 characters in all', () => {
    const emails = Array.from({ length: 25 }, (_, i) => `person${String(i).padStart(2, '0')}@contoso.com`);
    expect(emails.join(',').length).toBe(524);
    expect(problemsAfter((b) => { b.properties.action.monitorDefinition.alertNotificationSettings.emailNotificationSettings.emails = emails; })).toEqual([
      `${MD}.alertNotificationSettings.emailNotificationSettings.emails: must be at most 499 characters in all (comma-separated), not 524`,
    ]);
    expect(problemsAfter((b) => { b.properties.action.monitorDefinition.alertNotificationSettings.emailNotificationSettings.emails = emails.slice(0, 23); })).toEqual([]);
  });

  it('accepts a null monitoringTarget and alertNotificationSettings (nullable in the contract)', () => {
    expect(problemsAfter((b) => {
      b.properties.action.monitorDefinition.monitoringTarget = null;
      b.properties.action.monitorDefinition.alertNotificationSettings = null;
    })).toEqual([]);
  });

  it('a normalised body still conforms', () => {
    expect(scheduleContractProblems(normalizeSchedule(goodBody()))).toEqual([]);
  });
});
