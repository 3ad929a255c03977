import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readScheduleYaml, scheduleContractProblems } from '../../../../shared/src/specs/monitor';

const FILE = join(__dirname, '..', '..', '..', 'e2e', 'fixtures', 'configure-monitors', 'monitor.yml');
const TEXT = readFileSync(FILE, 'utf8');
const scope = { subscriptionId: 's1', resourceGroup: 'rg1', workspaceName: 'ws1' };
const collector = { model_inputs: { enabled: true, dataId: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/data/ep-blue-model_inputs/versions/1' }, model_outputs: { enabled: true, dataId: 'azureml:ep-blue-model_outputs:1' } };
const read = (text: string, extra: Partial<Parameters<typeof readScheduleYaml>[0]> = {}) => readScheduleYaml({ file: 'monitor.yml', text, scope, collector, ...extra });
const def = (r: ReturnType<typeof readScheduleYaml>) => (r.body.properties.action as any).monitorDefinition;
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('readScheduleYaml', () => {
  test('the az ml file becomes a GA body the contract accepts', () => {
    const r = read(TEXT);
    expect(r.name).toBe('credit-drift-monitor');
    expect(r.target).toEqual({ endpoint: 'credit-ep', deployment: 'blue' });
    expect(scheduleContractProblems(r.body)).toEqual([]);
    expect(r.body.properties.trigger).toEqual({ triggerType: 'Recurrence', frequency: 'Day', interval: 1, schedule: { hours: [3], minutes: [15] }, timeZone: 'UTC' });
    const d = def(r);
    expect(d.monitoringTarget).toEqual({ taskType: 'Classification', deploymentId: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/onlineEndpoints/credit-ep/deployments/blue' });
    const s = d.signals['applicant-drift'];
    expect(s.productionData).toEqual({ inputDataType: 'Rolling', jobInputType: 'uri_file', uri: 'azureml:credit-traffic:1', dataContext: 'model_inputs', windowSize: 'P1D', windowOffset: 'P0D' });
    expect(s.referenceData).toEqual({ inputDataType: 'Fixed', jobInputType: 'uri_file', uri: 'azureml:credit-training:1', dataContext: 'training' });
    expect(s.features).toEqual({ filterType: 'FeatureSubset', features: ['income_k', 'debt_ratio'] });
    expect(s.metricThresholds).toEqual([
      { dataType: 'Numerical', metric: 'NormalizedWassersteinDistance', threshold: { value: 0.1 } },
      { dataType: 'Categorical', metric: 'JensenShannonDistance', threshold: { value: 0.1 } },
    ]);
    expect(d.alertNotificationSettings).toEqual({ emailNotificationSettings: { emails: ['mlops@contoso.com'] } });
  });

  test('set lines and the name input apply before reading; the name input wins', () => {
    const r = read(TEXT, { set: 'create_monitor.monitoring_target.endpoint_deployment_id=azureml:credit-ep:green\ntrigger.interval=2', name: 'from-input' });
    expect(r.name).toBe('from-input');
    expect(r.target).toEqual({ endpoint: 'credit-ep', deployment: 'green' });
    expect(r.body.properties.trigger.interval).toBe(2);
    expect(def(r).signals['applicant-drift'].productionData.windowSize).toBe('P2D');
  });

  test("a signal without data reads the deployment's collected data with the default windows", () => {
    const text = TEXT.replace(/      production_data:[\s\S]*?(?=      features:)/, '');
    const s = def(read(text)).signals['applicant-drift'];
    expect(s.productionData).toMatchObject({ uri: 'azureml:ep-blue-model_inputs:1', windowSize: 'P1D', windowOffset: 'P0D' });
    expect(s.referenceData).toMatchObject({ uri: 'azureml:ep-blue-model_inputs:1', windowSize: 'P2D', windowOffset: 'P1D' });
    expect(errorOf(() => read(text, { collector: {} }))).toMatch(/signal 'applicant-drift' has no production_data, and the target deployment does not collect model_inputs/);
  });

  test('mistakes are refused at file:line, all of them together', () => {
    const bad = TEXT.replace('frequency: day', 'frequency: daily').replace('type: data_drift', 'type: data_drift\n      threshold: 3').replace('path: azureml:credit-training:1', 'path: ./train.csv');
    const m = errorOf(() => read(bad));
    expect(m).toMatch(/3 problems in monitor\.yml/);
    expect(m).toMatch(/monitor\.yml:8:\d+: 'trigger\.frequency' is 'daily'/);
    expect(m).toMatch(/monitor\.yml:\d+:\d+: .*threshold/);
    expect(m).toMatch(/register it as a data asset/);
  });

  test('a job schedule, an unsupported signal, a label and a preview data segment are each refused', () => {
    expect(errorOf(() => read('name: j\ntrigger: {type: cron, expression: "0 0 * * *"}\ncreate_job: azureml:x:1\n'))).toMatch(/job schedule \(create_job\)/);
    expect(errorOf(() => read(TEXT.replace('type: data_drift', 'type: model_performance')))).toMatch(/model_performance is a preview signal the GA monitor API does not take/);
    expect(errorOf(() => read(TEXT.replace('azureml:credit-traffic:1', 'azureml:credit-traffic@latest')))).toMatch(/labels are not resolved here/);
    expect(errorOf(() => read(TEXT.replace('      features:', '      data_segment: {feature_name: x, feature_values: [a]}\n      features:')))).toMatch(/data_segment' is a preview setting/);
  });

  test('cron triggers default the windows to a week; an expression that is not 5 fields is refused', () => {
    const text = TEXT.replace(/trigger:[\s\S]*?(?=create_monitor:)/, 'trigger:\n  type: cron\n  expression: "0 3 * * 1"\n  time_zone: Pacific Standard Time\n');
    const r = read(text);
    expect(r.body.properties.trigger).toEqual({ triggerType: 'Cron', expression: '0 3 * * 1', timeZone: 'Pacific Standard Time' });
    expect(def(r).signals['applicant-drift'].productionData.windowSize).toBe('P7D');
    expect(errorOf(() => read(text.replace('"0 3 * * 1"', '"0 3 * *"')))).toMatch(/not a 5-field cron expression/);
  });

  test('without monitoring_signals: the default signals on collected data, or a reason when nothing is collected', () => {
    const text = TEXT.slice(0, TEXT.indexOf('  monitoring_signals:'));
    const r = read(text);
    expect(scheduleContractProblems(r.body)).toEqual([]);
    expect(Object.keys(def(r).signals)).toEqual(['data-drift-signal', 'prediction-drift-signal', 'data-quality-signal']);
    expect(def(r).signals['prediction-drift-signal'].productionData.uri).toBe('azureml:ep-blue-model_outputs:1');
    expect(errorOf(() => read(text, { collector: { model_inputs: collector.model_inputs } }))).toMatch(/does not collect both model_inputs and model_outputs/);
  });

  test('a custom signal: component id, named data inputs, thresholds on its own metric names', () => {
    const text = `name: custom\ntrigger: {type: recurrence, frequency: day, interval: 7}\ncreate_monitor:\n  monitoring_signals:\n    mine:\n      type: custom\n      component_id: azureml:my_signal:1.0.0\n      input_data:\n        a:\n          input_data: {type: mltable, path: azureml:Direct:1}\n          data_context: test\n      metric_thresholds:\n        - metric_name: std_dev\n          threshold: 2\n`;
    const r = read(text);
    expect(scheduleContractProblems(r.body)).toEqual([]);
    expect(def(r).signals.mine).toEqual({
      signalType: 'Custom',
      componentId: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/components/my_signal/versions/1.0.0',
      inputAssets: { a: { inputDataType: 'Fixed', jobInputType: 'mltable', uri: 'azureml:Direct:1', dataContext: 'test' } },
      metricThresholds: [{ metric: 'std_dev', threshold: { value: 2 } }],
    });
    expect(errorOf(() => read(text.replace('      component_id: azureml:my_signal:1.0.0\n', '')))).toMatch(/component_id' is required for a custom signal/);
  });
});
