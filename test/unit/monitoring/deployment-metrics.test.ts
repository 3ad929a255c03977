import { toMeasurements } from '../../../shared/src/monitoring/deployment-metrics';

const window = { start: new Date('2026-12-03T10:00:00Z'), end: new Date('2026-12-03T10:02:00Z') };
const series = (cls: string | undefined, totals: number[]) => ({
  metadatavalues: cls ? [{ name: { value: 'statusCodeClass' }, value: cls }] : [],
  data: totals.map((total) => ({ total })),
});

test('latency percentiles, request counts and error rates from the endpoint; CPU and memory peaks from the deployment', () => {
  const m = toMeasurements(
    [
      { name: { value: 'RequestLatency_P95' }, timeseries: [{ data: [{ average: 200 }, { average: 300 }] }] },
      { name: { value: 'RequestLatency_P50' }, timeseries: [{ data: [{ average: 40 }] }] },
      { name: { value: 'RequestsPerMinute' }, timeseries: [series('2xx', [50, 44]), series('5xx', [4, 2])] },
    ],
    [
      { name: { value: 'CpuUtilizationPercentage' }, timeseries: [{ data: [{ maximum: 35 }, { maximum: 71 }] }] },
      { name: { value: 'CpuMemoryUtilizationPercentage' }, timeseries: [{ data: [{ average: 20 }] }] },
    ],
    window,
  );
  expect(m['latency.p95']).toBe(250);
  expect(m['latency.p50']).toBe(40);
  expect(m['requests.count']).toBe(100);
  expect(m['errors.5xx.rate']).toBe(6);
  expect(m['errors.4xx.rate']).toBe(0);
  expect(m['requests.rate']).toBeCloseTo(100 / 120);
  expect(m.cpu).toBe(71);
  expect(m.memory).toBe(20);
});

test('no data points leave every metric undefined (the analysis calls that inconclusive)', () => {
  const m = toMeasurements([{ name: { value: 'RequestLatency_P95' }, timeseries: [] }, { name: { value: 'RequestsPerMinute' }, timeseries: [series('2xx', [])] }], [], window);
  expect(m['latency.p95']).toBeUndefined();
  expect(m['requests.count']).toBeUndefined();
  expect(m['errors.5xx.rate']).toBeUndefined();
  expect(m.cpu).toBeUndefined();
});
