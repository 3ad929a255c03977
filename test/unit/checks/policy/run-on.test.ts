/** `run_on:` of data checks: read with where it was written, refused at file:line where it cannot apply. */
import { parsePolicyText, parseSetLines } from '../../../../shared/src/checks/policy';
import type { DataDriftCheck, DataQualityCheck } from '../../../../shared/src/checks/policy/types';
import { FILE, problem, problems } from './helpers';

const policy = (...l: string[]) => ['version: 1', 'data: {train: train.csv, eval: eval.csv}', 'scoring: {features: [a]}', 'checks:', ...l].join('\n') + '\n';

describe('run_on', () => {
  test('compute and environment are read with their positions', () => {
    const p = parsePolicyText(policy('  - name: d', '    type: data_drift', '    baseline: train', '    target: eval', '    run_on:', '      compute: cpu-cluster', '      environment: azureml:node-env:3'), FILE);
    const c = p.checks[0] as DataDriftCheck;
    expect(c.runOn?.compute).toEqual({ value: 'cpu-cluster', at: expect.objectContaining({ line: 10, column: 16 }) });
    expect(c.runOn?.environment?.value).toBe('azureml:node-env:3');
    expect(c.runOn?.environment?.at.line).toBe(11);
  });

  test('a check without run_on runs on the runner', () => {
    const p = parsePolicyText(policy('  - {name: q, type: data_quality, baseline: train, target: eval}'), FILE);
    expect((p.checks[0] as DataQualityCheck).runOn).toBeUndefined();
  });

  test('a missing compute is reported at the run_on value', () => {
    const e = problem(policy('  - name: d', '    type: data_quality', '    baseline: train', '    target: eval', '    run_on: {environment: "azureml:e:1"}'));
    expect(e.message).toMatch(/inline\.yml:9:13: 'compute' is required/);
  });

  test('a bad compute name and an environment label are reported at their lines', () => {
    const e = problem(policy('  - name: d', '    type: data_drift', '    baseline: train', '    target: eval', '    run_on:', '      compute: "cpu cluster"', '  - name: e', '    type: data_drift', '    baseline: train', '    target: eval', '    run_on: {compute: c1, environment: "azureml:env@latest"}'));
    const msgs = problems(e).map((x) => x.message);
    expect(msgs).toEqual(expect.arrayContaining([expect.stringMatching(/inline\.yml:10:16: 'cpu cluster' is not a compute name/), expect.stringMatching(/inline\.yml:15:40: 'environment' must be azureml:<name>:<version>/)]));
  });

  test('prediction drift scored through the deployment cannot run as a job', () => {
    const e = problem(policy('  - name: p', '    type: prediction_drift', '    baseline: train', '    target: eval', '    features: [a]', '    target_from_deployment: true', '    run_on: {compute: cpu-cluster}'));
    expect(e.message).toMatch(/inline\.yml:11:5: 'run_on' cannot be used here: 'target_from_deployment: true'/);
  });

  test('unknown keys under run_on get a suggestion', () => {
    const e = problem(policy('  - {name: d, type: data_drift, baseline: train, target: eval, run_on: {compute: c1, enviroment: "azureml:e:1"}}'));
    expect(e.message).toMatch(/enviroment/);
    expect(e.message).toMatch(/environment/);
  });

  test('run_on is not a key of other checks', () => {
    const e = problem(policy('  - {name: s, type: smoke, requests: [{body: 1}], run_on: {compute: c1}}'));
    expect(e.message).toMatch(/run_on/);
  });

  test('a set line can send a check to a cluster, and is named in the location', () => {
    const text = policy('  - {name: d, type: data_drift, baseline: train, target: eval}');
    const p = parsePolicyText(text, FILE, { overrides: { set: parseSetLines('checks.d.run_on.compute=gpu-cluster', 'set') } });
    expect((p.checks[0] as DataDriftCheck).runOn?.compute).toEqual({ value: 'gpu-cluster', at: expect.objectContaining({ input: 'set', inputLine: 1 }) });
    const e = problem(text, { overrides: { set: parseSetLines('checks.d.run_on.compute=bad name', 'set') } });
    expect(e.message).toMatch(/^Input 'set' line 1: 'bad name' is not a compute name/);
  });
});
