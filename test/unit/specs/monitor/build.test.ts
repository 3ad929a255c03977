import { buildMonitorSchedule, scheduleContractProblems, scheduleDifferences, type MonitorInputs } from '../../../../shared/src/specs/monitor';
import { DEPLOYMENT_ID } from './bodies';

const inputs = (extra: Partial<MonitorInputs> = {}): MonitorInputs => ({
  name: 'credit-monitor',
  deploymentId: DEPLOYMENT_ID,
  taskType: 'classification',
  signals: ['data-drift', 'prediction-drift', 'data-quality'],
  thresholds: [],
  features: { kind: 'all' },
  baseline: { uri: 'azureml:credit-training:1', jobInputType: 'uri_file' },
  production: { inputs: 'azureml:credit-model_inputs:1', outputs: 'azureml:credit-model_outputs:1' },
  trigger: { kind: 'recurrence', frequency: 'Day', interval: 2, hours: [3], minutes: [0] },
  timeZone: 'UTC',
  instanceType: 'standard_e4s_v3',
  runtimeVersion: '3.4',
  emails: ['ops@contoso.com'],
  ...extra,
});
const signals = (b: ReturnType<typeof buildMonitorSchedule>['body']) => (b.properties.action as any).monitorDefinition.signals;

describe('buildMonitorSchedule', () => {
  test('makes a body the contract accepts, with the SDK default thresholds and windows from the trigger', () => {
    const { name, body } = buildMonitorSchedule(inputs());
    expect(name).toBe('credit-monitor');
    expect(scheduleContractProblems(body)).toEqual([]);
    const s = signals(body);
    expect(Object.keys(s)).toEqual(['data-drift', 'prediction-drift', 'data-quality']);
    expect(s['data-drift'].productionData).toMatchObject({ inputDataType: 'Rolling', uri: 'azureml:credit-model_inputs:1', windowSize: 'P2D', windowOffset: 'P0D' });
    expect(s['data-drift'].referenceData).toEqual({ inputDataType: 'Fixed', jobInputType: 'uri_file', uri: 'azureml:credit-training:1', dataContext: 'training' });
    expect(s['data-drift'].metricThresholds).toEqual([
      { dataType: 'Numerical', metric: 'NormalizedWassersteinDistance', threshold: { value: 0.1 } },
      { dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.1 } },
    ]);
    // Predictions are compared with the window before: P4D ending where the production window starts.
    expect(s['prediction-drift'].referenceData).toMatchObject({ uri: 'azureml:credit-model_outputs:1', windowSize: 'P4D', windowOffset: 'P2D' });
    expect(s['data-quality'].metricThresholds).toHaveLength(6);
    expect(body.properties.trigger).toEqual({ triggerType: 'Recurrence', frequency: 'Day', interval: 2, schedule: { hours: [3], minutes: [0] }, timeZone: 'UTC' });
  });

  test('given thresholds replace the defaults of their data type only; features and FAD follow the inputs', () => {
    const { body } = buildMonitorSchedule(
      inputs({
        signals: ['data-drift', 'feature-attribution-drift'],
        thresholds: [
          { signal: 'data-drift', dataType: 'numerical', metric: 'population_stability_index', value: 0.3 },
          { signal: 'feature-attribution-drift', metric: 'normalized_discounted_cumulative_gain', value: 0.8 },
        ],
        features: { kind: 'subset', features: ['income_k'] },
        trigger: { kind: 'cron', expression: '0 3 * * 1' },
      }),
    );
    expect(scheduleContractProblems(body)).toEqual([]);
    const s = signals(body);
    expect(s['data-drift'].metricThresholds).toEqual([
      { dataType: 'Numerical', metric: 'PopulationStabilityIndex', threshold: { value: 0.3 } },
      { dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.1 } },
    ]);
    expect(s['data-drift'].features).toEqual({ filterType: 'FeatureSubset', features: ['income_k'] });
    expect(s['data-drift'].productionData.windowSize).toBe('P7D');
    expect(s['feature-attribution-drift'].productionData).toHaveLength(2);
    expect(s['feature-attribution-drift'].metricThreshold).toEqual({ metric: 'NormalizedDiscountedCumulativeGain', threshold: { value: 0.8 } });
  });
});

describe('scheduleDifferences', () => {
  const live = (b: any) => JSON.parse(JSON.stringify({ id: '/x', name: 'credit-monitor', properties: { ...b.properties, provisioningState: 'Succeeded' } }));

  test('a live schedule as the service stores it (other spelling, extra values) is no difference', () => {
    const { body } = buildMonitorSchedule(inputs());
    const l = live(body);
    l.properties.trigger.frequency = 'day';
    l.properties.action.monitorDefinition.signals['data-drift'].productionData.windowSize = 'PT48H';
    l.properties.action.monitorDefinition.monitoringTarget.deploymentId = DEPLOYMENT_ID.toUpperCase();
    l.properties.action.monitorDefinition.monitoringTarget.modelId = null;
    l.properties.createdBy = 'someone';
    expect(scheduleDifferences(body, l)).toEqual([]);
  });

  test('a changed target, threshold, removed signal and removed email are each named, live → desired', () => {
    const { body } = buildMonitorSchedule(inputs({ signals: ['data-drift'], emails: [] }));
    const l = live(buildMonitorSchedule(inputs({ deploymentId: DEPLOYMENT_ID.replace(/blue$/, 'green') })).body);
    l.properties.action.monitorDefinition.signals['data-drift'].metricThresholds[0].threshold.value = 0.5;
    const d = scheduleDifferences(body, l);
    expect(d).toContain(`action.monitorDefinition.monitoringTarget.deploymentId: ${DEPLOYMENT_ID.replace(/blue$/, 'green')} → ${DEPLOYMENT_ID}`);
    expect(d).toContain('action.monitorDefinition.signals.data-drift.metricThresholds[0].threshold.value: 0.5 → 0.1');
    expect(d.some((x) => x.startsWith('action.monitorDefinition.signals.prediction-drift: ') && x.endsWith('→ (removed)'))).toBe(true);
    expect(d).toContain('action.monitorDefinition.alertNotificationSettings.emailNotificationSettings.emails: [ops@contoso.com] → []');
  });

  test('no live schedule: everything differs', () => {
    const { body } = buildMonitorSchedule(inputs());
    expect(scheduleDifferences(body, undefined).length).toBeGreaterThan(0);
  });
});
