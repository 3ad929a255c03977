import { HIGHEST_MICROS, latencyHistogram, percentileMs, summarizeLatency, toMicros } from '../../../../shared/src/checks/load/histogram';

test('durations in ms become whole microseconds within what the histogram tracks', () => {
  expect([toMicros(1.2344), toMicros(0.0001), toMicros(0), toMicros(250), toMicros(61_000), toMicros(-3)]).toEqual([1234, 1, 1, 250_000, HIGHEST_MICROS, 1]);
});

test('values across the whole range are kept to 3 significant digits; the extremes record without throwing', () => {
  const h = latencyHistogram();
  for (const us of [1, 999, 12_345, 1_234_567, HIGHEST_MICROS]) h.recordValue(us);
  expect(h.totalCount).toBe(5);
  expect(h.autoResize).toBe(false);
  for (const [p, us] of [
    [20, 1],
    [40, 999],
    [60, 12_345],
    [80, 1_234_567],
    [100, HIGHEST_MICROS],
  ] as const) {
    expect(Math.abs(h.getValueAtPercentile(p) - us) / us).toBeLessThanOrEqual(0.001);
  }
});

test('a summary in ms; nothing recorded gives a count of 0 and no percentiles', () => {
  const h = latencyHistogram();
  expect(summarizeLatency(h)).toEqual({ count: 0 });
  expect(percentileMs(h, 99)).toBeUndefined();
  for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
  const s = summarizeLatency(h);
  expect(s.count).toBe(1000);
  expect(s.minMs).toBeCloseTo(1, 2);
  expect(s.meanMs).toBeCloseTo(500.5, 0);
  expect(s.p50Ms).toBeCloseTo(500, -0.5);
  expect(s.p99Ms).toBeCloseTo(990, -0.5);
  expect(s.p999Ms).toBeCloseTo(999, -0.5);
  expect(s.maxMs).toBeCloseTo(1000, -0.5);
});
