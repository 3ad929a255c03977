import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../../../shared/src/core/errors';
import { loadMetrics } from '../../../shared/src/gate/metrics-file';
import { metricsAsProperties, recordedMetrics } from '../../../shared/src/gate/recorded-metrics';

const dir = mkdtempSync(join(tmpdir(), 'gate-metrics-'));
let n = 0;
function file(text: string, ext = 'yml'): string {
  const p = join(dir, `m${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}
function loadError(path: string): StepError {
  try {
    loadMetrics(path);
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error('expected an error');
}

describe('loadMetrics', () => {
  test('a flat JSON mapping', () => {
    expect(loadMetrics(file('{"accuracy": 0.91, "rmse": 2.3, "n": 100}', 'json'))).toEqual({ accuracy: 0.91, rmse: 2.3, n: 100 });
  });

  test('YAML, quoted numbers accepted, nested mappings flattened with dots', () => {
    expect(loadMetrics(file('accuracy: "0.9"\nval:\n  auc: 0.8\n  loss: 1e-2\n'))).toEqual({ accuracy: 0.9, 'val.auc': 0.8, 'val.loss': 0.01 });
  });

  test('MLflow style {metrics: {...}}: other keys ignored', () => {
    expect(loadMetrics(file('{"run_id": "abc", "params": {"lr": "x"}, "metrics": {"f1": 0.7}}', 'json'))).toEqual({ f1: 0.7 });
  });

  test('MLflow run JSON: the highest step, then the latest timestamp, wins per key', () => {
    const run = {
      run: {
        info: { run_id: 'r' },
        data: {
          metrics: [
            { key: 'loss', value: 0.9, step: 0, timestamp: 1 },
            { key: 'loss', value: 0.2, step: 5, timestamp: 2 },
            { key: 'loss', value: 0.5, step: 3, timestamp: 9 },
            { key: 'acc', value: 0.7, step: 1, timestamp: 1 },
            { key: 'acc', value: 0.8, step: 1, timestamp: 4 },
          ],
        },
      },
    };
    expect(loadMetrics(file(JSON.stringify(run), 'json'))).toEqual({ loss: 0.2, acc: 0.8 });
    expect(loadMetrics(file(JSON.stringify({ data: { metrics: { auc: 0.6 } } }), 'json'))).toEqual({ auc: 0.6 });
  });

  test('a non-number is an error at file:line:col naming the metric', () => {
    const p = file('accuracy: 0.9\nmodel: resnet\n');
    const e = loadError(p);
    expect(e.kind).toBe('input');
    expect(e.location).toEqual({ file: p, line: 2, column: 8 });
    expect(e.message).toBe(`${p}:2:8: metric 'model' must be a finite number, got "resnet"`);
  });

  test('JSON positions are reported too', () => {
    const p = file('{\n  "a": 1,\n  "b": true\n}', 'json');
    expect(loadError(p).message).toBe(`${p}:3:8: metric 'b' must be a finite number, got true`);
  });

  test('lists, empty values, empty files, missing files and malformed files are errors', () => {
    expect(loadError(file('a: [1, 2]\n')).message).toMatch(/:1:4: metric 'a' must be a number, not a list$/);
    expect(loadError(file('a:\n')).message).toMatch(/:1:3: metric 'a' must be a finite number, got empty$/);
    expect(loadError(file('metrics: 3\n')).message).toMatch(/:1:10: 'metrics' must be a mapping/);
    expect(loadError(file('metrics:\n  - {key: a}\n')).message).toMatch(/metric 'a' must be a finite number/);
    expect(loadError(file('metrics: {}\n')).message).toMatch(/the file holds no metrics/);
    expect(loadError(file('')).message).toMatch(/empty/);
    expect(loadError(join(dir, 'missing.json')).message).toMatch(/does not exist/);
    expect(loadError(file('{"a": 1,', 'json')).message).toMatch(/invalid YAML/);
  });
});

describe('recordedMetrics', () => {
  test('numeric properties, metrics.<name> over bare names, properties over tags', () => {
    const version = {
      properties: {
        properties: { accuracy: '0.8', 'metrics.accuracy': '0.91', 'metrics.rmse': '2.5', 'azureml.datastoreId': '/subs/x', note: 'fine' },
        tags: { auc: '0.7', rmse: '9', 'metrics.f1': '0.6', owner: 'risk' },
      },
    };
    expect(recordedMetrics(version)).toEqual({ accuracy: 0.91, rmse: 2.5, auc: 0.7, f1: 0.6 });
  });

  test('nothing recorded gives no metrics', () => {
    expect(recordedMetrics({})).toEqual({});
    expect(recordedMetrics({ properties: { properties: null, tags: { 'metrics.': '1', x: '' } } })).toEqual({});
  });

  test('metricsAsProperties round-trips through recordedMetrics', () => {
    const m = { accuracy: 0.91, 'val.auc': 0.8, n: 100 };
    const props = metricsAsProperties(m);
    expect(props).toEqual({ 'metrics.accuracy': '0.91', 'metrics.val.auc': '0.8', 'metrics.n': '100' });
    expect(recordedMetrics({ properties: { properties: props } })).toEqual(m);
  });
});
