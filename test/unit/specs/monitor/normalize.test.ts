import { normalizeSchedule } from '../../../../shared/src/specs/monitor/normalize';
import { canonicalDuration, durationMs } from '../../../../shared/src/specs/monitor/durations';
import { goodBody } from './bodies';

describe('normalizeSchedule', () => {
  it('spells enums as the contract does, matching case-insensitively', () => {
    const b = goodBody();
    b.properties.trigger = { triggerType: 'recurrence', frequency: 'day', interval: 1, schedule: { hours: [3], minutes: [0], weekDays: ['monday', 'FRIDAY'] } };
    const m = b.properties.action.monitorDefinition;
    m.monitoringTarget.taskType = 'classification';
    m.computeConfiguration.computeIdentity.computeIdentityType = 'amltoken';
    m.signals['data-drift'].signalType = 'datadrift';
    m.signals['data-drift'].metricThresholds[0] = { dataType: 'numerical', metric: 'normalizedWassersteinDistance', threshold: { value: 0.1 } };
    m.signals['data-drift'].productionData.inputDataType = 'rolling';
    m.signals['data-drift'].features = { filterType: 'allfeatures' };
    m.signals.quality.metricThresholds[0].metric = 'nullValueRate';
    m.signals.fad.metricThreshold.metric = 'normalizedDiscountedCumulativeGain';
    m.signals.fad.featureImportanceSettings.mode = 'enabled';
    const n = normalizeSchedule(b);
    expect(n.properties.trigger).toEqual({ triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [0], weekDays: ['Monday', 'Friday'] }, timeZone: 'UTC' });
    const nm = n.properties.action.monitorDefinition;
    expect(nm.monitoringTarget.taskType).toBe('Classification');
    expect(nm.computeConfiguration.computeIdentity.computeIdentityType).toBe('AmlToken');
    expect(nm.signals['data-drift'].signalType).toBe('DataDrift');
    expect(nm.signals['data-drift'].metricThresholds[0]).toEqual({ dataType: 'Numerical', metric: 'NormalizedWassersteinDistance', threshold: { value: 0.1 } });
    expect(nm.signals['data-drift'].productionData.inputDataType).toBe('Rolling');
    expect(nm.signals['data-drift'].features).toEqual({ filterType: 'AllFeatures' });
    expect(nm.signals.quality.metricThresholds[0].metric).toBe('NullValueRate');
    expect(nm.signals.fad.metricThreshold.metric).toBe('NormalizedDiscountedCumulativeGain');
    expect(nm.signals.fad.featureImportanceSettings.mode).toBe('Enabled');
    expect(b.properties.trigger.frequency).toBe('day');
  });

  it('keeps jobInputType lower snake_case and custom metric names verbatim; leaves unknown values alone', () => {
    const b = goodBody();
    const m = b.properties.action.monitorDefinition;
    m.signals['data-drift'].productionData.jobInputType = 'URI_FOLDER';
    m.signals.custom.metricThresholds[0].metric = 'nullValueRate';
    m.monitoringTarget.taskType = 'questionanswering';
    const nm = normalizeSchedule(b).properties.action.monitorDefinition;
    expect(nm.signals['data-drift'].productionData.jobInputType).toBe('uri_folder');
    expect(nm.signals.custom.metricThresholds[0].metric).toBe('nullValueRate');
    expect(nm.signals.custom.inputAssets.x.inputDataType).toBe('Fixed');
    expect(nm.monitoringTarget.taskType).toBe('questionanswering');
  });

  it('writes windows in the canonical duration form', () => {
    const b = goodBody();
    const p = b.properties.action.monitorDefinition.signals['data-drift'].productionData;
    p.windowSize = 'PT168H';
    p.windowOffset = 'PT0S';
    const np = normalizeSchedule(b).properties.action.monitorDefinition.signals['data-drift'].productionData;
    expect([np.windowSize, np.windowOffset]).toEqual(['P7D', 'P0D']);
  });

  it('fills the contract defaults: isEnabled true, timeZone UTC, TopN top 10; keeps given values', () => {
    const b = goodBody();
    delete b.properties.isEnabled;
    delete b.properties.trigger.timeZone;
    b.properties.action.monitorDefinition.signals['data-drift'].features = { filterType: 'TopNByAttribution' };
    const n = normalizeSchedule(b);
    expect(n.properties.isEnabled).toBe(true);
    expect(n.properties.trigger.timeZone).toBe('UTC');
    expect(n.properties.action.monitorDefinition.signals['data-drift'].features.top).toBe(10);
    const kept = goodBody();
    kept.properties.isEnabled = false;
    kept.properties.trigger.timeZone = 'Pacific Standard Time';
    expect(normalizeSchedule(kept).properties.isEnabled).toBe(false);
    expect(normalizeSchedule(kept).properties.trigger.timeZone).toBe('Pacific Standard Time');
  });

  it('returns non-objects as they are', () => {
    expect(normalizeSchedule(null)).toBeNull();
    expect(normalizeSchedule('x')).toBe('x');
  });
});

describe('durations', () => {
  it.each([['P7D', 'P7D'], ['p1w', 'P7D'], ['PT24H', 'P1D'], ['P1DT12H', 'P1DT12H'], ['PT90M', 'PT1H30M'], ['P0D', 'P0D'], ['PT0S', 'P0D'], ['7 days', '7 days']])('%s → %s', (text, canon) => {
    expect(canonicalDuration(text)).toBe(canon);
  });
  it('parses weeks, days and time parts; rejects non-durations', () => {
    expect(durationMs('P1W1DT1H1M1.5S')).toBe(((8 * 24 + 1) * 60 + 1) * 60_000 + 1500);
    expect(durationMs('P')).toBeUndefined();
    expect(durationMs('PT')).toBeUndefined();
  });
});
