/** Which deployment the monitor follows, which run check mode reads, and the baseline recorded on a model version. */
import { chooseDeployment, recordedTrainingData } from '../../../../shared/src/steps/configure-monitors/target';
import { checkSummary, latestRuns } from '../../../../shared/src/steps/configure-monitors/check';
import type { JobResource } from '../../../../shared/src/azureml/jobs';
import type { ModelVersion } from '../../../../shared/src/azureml/resources';

test('the named deployment, else the one with the most live traffic (ties by name), else none', () => {
  expect(chooseDeployment({ blue: 90, green: 10 }, ['blue', 'green'])).toEqual({ name: 'blue', why: 'holds 90% of live traffic' });
  expect(chooseDeployment({ blue: 0, green: 100 }, ['blue', 'green'])).toEqual({ name: 'green', why: 'holds 100% of live traffic' });
  expect(chooseDeployment({ blue: 50, green: 50 }, ['green', 'blue'])?.name).toBe('blue');
  expect(chooseDeployment({ blue: 0 }, ['blue'])).toBeUndefined();
  expect(chooseDeployment({ blue: 100 }, ['blue', 'green'], 'green')).toEqual({ name: 'green', why: 'named by deployment-name' });
  expect(chooseDeployment({ blue: 100 }, ['blue'], 'red')).toBeUndefined();
});

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
const model = (p: Partial<ModelVersion['properties']>): ModelVersion => ({ properties: { ...p } }) as ModelVersion;

test('training data: the lineage property, else the training dataset, else the only dataset', () => {
  expect(recordedTrainingData(model({ properties: { 'lineage.training_data': `${WS}/data/credit-train/versions/3` } }))).toBe('azureml:credit-train:3');
  expect(recordedTrainingData(model({ datasets: [{ name: 'validation', id: `${WS}/data/v/versions/1` }, { name: 'training_data', id: `${WS}/data/t/versions/2` }] }))).toBe('azureml:t:2');
  expect(recordedTrainingData(model({ datasets: [{ name: 'x', id: `${WS}/data/only/versions/7` }] }))).toBe('azureml:only:7');
  expect(recordedTrainingData(model({ datasets: [{ name: 'a', id: `${WS}/data/a/versions/1` }, { name: 'b', id: `${WS}/data/b/versions/1` }] }))).toBeUndefined();
  expect(recordedTrainingData(model({}))).toBeUndefined();
  expect(recordedTrainingData(undefined)).toBeUndefined();
});

const job = (name: string, status: string, at: string, tags?: Record<string, string>): JobResource =>
  ({ name, properties: { status, tags }, systemData: { createdAt: at } }) as unknown as JobResource;

test('check mode reads the newest finished run and notes a newer running one', () => {
  const runs = [job('r1', 'Completed', '2026-12-01T03:00:00Z'), job('r3', 'Running', '2026-12-03T03:00:00Z'), job('r2', 'Failed', '2026-12-02T03:00:00Z')];
  const l = latestRuns(runs);
  expect(l.finished?.name).toBe('r2');
  expect(l.running?.name).toBe('r3');
  expect(latestRuns([job('r0', 'Running', '2026-12-01T00:00:00Z')]).finished).toBeUndefined();
  expect(latestRuns([]).running).toBeUndefined();
});

test('the check summary leads with the verdict and shows every breached feature, escaped', () => {
  const md = checkSummary({
    result: 'breached',
    schedule: 'credit-monitor',
    run: { name: 'r2', status: 'Failed', created: '2026-12-02T03:00:00Z' },
    breaches: [{ signal: 'data-drift', rows: [{ feature: '::set-output name=x::<b>', metric: 'NormalizedWassersteinDistance', value: 0.31234, threshold: 0.1 }] }],
  });
  expect(md.split('\n')[0]).toBe('### configure-monitors (check): ❌ A signal breached its threshold — credit-monitor');
  expect(md).toContain('| NormalizedWassersteinDistance | 0.3123 | 0.1000 |');
  expect(md).not.toMatch(/^::/m);
  expect(md).not.toContain('<b>');
});
