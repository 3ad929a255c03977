import { latencyHistogram } from '../../../../shared/src/checks/load/histogram';
import { groupSeries, latencyChart, loadFactsTable, niceCeiling, seriesTable, sloTable, throughputChart } from '../../../../shared/src/checks/load/report';
import { SeriesCollector, type SecondSample } from '../../../../shared/src/checks/load/series';
import type { LoadResult } from '../../../../shared/src/checks/load/types';

describe('SeriesCollector', () => {
  test('responses grouped by the second they completed in; empty seconds as zeros; a last partial second', () => {
    const c = new SeriesCollector(1000);
    c.record(1100, 2000, false);
    c.record(1500, 4000, true);
    c.record(2200, 10_000, false);
    c.record(4400, undefined, true);
    const rows = c.finish(4700);
    // Percentiles to the histogram's precision (3 significant digits).
    const near = (ms: number) => expect.closeTo(ms, 1);
    expect(rows).toEqual([
      { second: 1, seconds: 1, requests: 2, errors: 1, rps: 2, p50Ms: near(2), p95Ms: near(4), p99Ms: near(4) },
      { second: 2, seconds: 1, requests: 1, errors: 0, rps: 1, p50Ms: near(10), p95Ms: near(10), p99Ms: near(10) },
      { second: 3, seconds: 1, requests: 0, errors: 0, rps: 0 },
      { second: 4, seconds: 0.7, requests: 1, errors: 1, rps: 1 / 0.7 },
    ]);
  });

  test('with a duration, answers after its end belong to the last second', () => {
    const c = new SeriesCollector(0, 2000);
    c.record(500, 1000, false);
    c.record(1500, 1000, false);
    c.record(2030, 3000, false); // in flight when sending stopped
    expect(c.finish(2030).map((r) => [r.second, r.seconds, r.requests])).toEqual([
      [1, 1, 1],
      [2, 1, 2],
    ]);
  });

  test('an empty sliver at the end is left out', () => {
    const c = new SeriesCollector(0);
    c.record(100, 1000, false);
    expect(c.finish(1020).map((r) => r.second)).toEqual([1]);
  });
});

const sample = (second: number, rps: number, p50?: number, p95?: number, p99?: number, errors = 0): SecondSample => ({
  second,
  seconds: 1,
  requests: rps,
  errors,
  rps,
  ...(p50 === undefined ? {} : { p50Ms: p50, p95Ms: p95, p99Ms: p99 }),
});

const SERIES = [sample(1, 48, 12.34, 40.5, 88.88), sample(2, 52, 11, 35, 61.2, 1), sample(3, 0), sample(4, 50, 10.5, 30, 45.678)];

describe('latency and throughput charts', () => {
  test('Mermaid xychart: a line each for p50, p95, p99 a second; no answer drawn at 0', () => {
    expect(latencyChart(SERIES)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Latency (ms): p50, p95, p99, lowest to highest"',
        '  x-axis "second" [1, 2, 3, 4]',
        '  y-axis "ms" 0 --> 100',
        '  line [12.3, 11, 0, 10.5]',
        '  line [40.5, 35, 0, 30]',
        '  line [88.9, 61.2, 0, 45.7]',
        '```',
      ].join('\n'),
    );
  });

  test('requests a second as bars', () => {
    expect(throughputChart(SERIES)).toBe(
      ['```mermaid', 'xychart-beta', '  title "Requests a second"', '  x-axis "second" [1, 2, 3, 4]', '  y-axis "requests/s" 0 --> 100', '  bar [48, 52, 0, 50]', '```'].join('\n'),
    );
  });

  test('a long run is shown in groups of seconds, each with its worst second and mean rate', () => {
    const long = Array.from({ length: 120 }, (_, i) => sample(i + 1, 100 + i, 10, 20 + (i % 7), 30 + i));
    const points = groupSeries(long, 60);
    expect(points).toHaveLength(60);
    expect(points[0]).toEqual({ from: 1, to: 2, requests: 201, errors: 0, rps: 100.5, p50Ms: 10, p95Ms: 21, p99Ms: 31 });
    const chart = latencyChart(long, { maxPoints: 60 })!;
    expect(chart).toContain('x-axis "seconds (grouped)" ["1-2", "3-4",');
    expect(chart).toContain('y-axis "ms" 0 --> 200');
    expect(seriesTable(long)!.split('\n')[0]).toBe('| Seconds | Requests/s | Errors | p50 (worst) | p95 (worst) | p99 (worst) |');
    expect(groupSeries(long, 500)).toHaveLength(120);
  });

  test('an empty series has no chart and no table', () => {
    expect(latencyChart([])).toBeUndefined();
    expect(throughputChart([])).toBeUndefined();
    expect(seriesTable([])).toBeUndefined();
  });

  test('axis ceilings are 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.7, 1, 1.2, 3, 7, 45, 100, 101, 0.013].map(niceCeiling)).toEqual([1, 1, 1, 2, 5, 10, 50, 100, 200, 0.02]);
  });
});

test('the series as a Markdown table', () => {
  expect(seriesTable(SERIES)).toBe(
    [
      '| Second | Requests/s | Errors | p50 | p95 | p99 |',
      '|---|---|---|---|---|---|',
      '| 1 | 48/s | 0 | 12.3 ms | 40.5 ms | 88.9 ms |',
      '| 2 | 52/s | 1 | 11 ms | 35 ms | 61.2 ms |',
      '| 3 | 0/s | 0 | – | – | – |',
      '| 4 | 50/s | 0 | 10.5 ms | 30 ms | 45.7 ms |',
    ].join('\n'),
  );
});

test('the run as facts, and the SLO rows', () => {
  const r: LoadResult = {
    mode: { kind: 'rate', rps: 50, maxInFlight: 8 },
    stopped: 'duration',
    sent: 500,
    completed: 498,
    ok: 490,
    status: { byStatus: { 200: 490, 503: 6, 429: 1 }, '2xx': 490, '3xx': 0, '4xx': 1, '5xx': 6, other: 0 },
    timeouts: 1,
    failed: 0,
    dropped: 2,
    errorRate: 10 / 500,
    throughput: 49.8,
    elapsedMs: 10_004,
    bytes: 0,
    latency: { count: 497, p50Ms: 12.5, p95Ms: 80, p99Ms: 140.2, maxMs: 900 },
    histogram: latencyHistogram(),
    series: [],
    warmup: { ms: 2000, sent: 100, completed: 100 },
    failures: [],
  };
  expect(loadFactsTable(r)).toBe(
    [
      '|  |  |',
      '|---|---|',
      '| Load | 50/s arrival rate, at most 8 in flight |',
      '| Measured | 10.0 s after a 2.0 s warm-up |',
      '| Requests | 498 answered or failed of 500 sent, 2 due but never sent |',
      '| Throughput | 49.8/s |',
      '| Error rate | 2% |',
      '| Statuses | 200: 490, 429: 1, 503: 6 |',
      '| Timeouts | 1 |',
      '| Latency p50 / p95 / p99 | 12.5 ms / 80 ms / 140 ms |',
      '| Latency max | 900 ms |',
    ].join('\n'),
  );
  expect(loadFactsTable({ ...r, mode: { kind: 'concurrency', connections: 1, pipelining: 2 }, warmup: { ms: 0, sent: 0, completed: 0 }, stopped: 'cancelled' })).toContain(
    '| Load | 1 connection, 2 pipelined each |\n| Measured | 10.0 s (cancelled) |',
  );
  expect(
    sloTable([
      { rule: 'p95 <= 100ms', measured: 80, measuredText: '80 ms', passed: true },
      { rule: 'error_rate <= 1%', measured: 0.02, measuredText: '2%', passed: false },
    ]),
  ).toBe(['| Objective | Measured | Result |', '|---|---|---|', '| p95 <= 100ms | 80 ms | pass |', '| error_rate <= 1% | 2% | FAIL |'].join('\n'));
});
