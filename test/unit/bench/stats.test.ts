import { abbaOrder, durationFromEnv, formatRange, formatTable, intFromEnv, median, minMax, pairRatios, percentile, runPairs, summarize } from '../../../bench/stats';
import { firstArmRequest, firstRequest, type SeenRequest } from '../../../bench/timing';

describe('median, min/max, summarize', () => {
  test('odd and even counts; input left unsorted', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  test('numeric, not lexicographic, order', () => {
    expect(median([10, 9, 100])).toBe(10);
  });

  test('min/max and a summary', () => {
    expect(minMax([3, -1, 8])).toEqual({ min: -1, max: 8 });
    expect(summarize([3, 1, 2, 10])).toEqual({ n: 4, median: 2.5, min: 1, max: 10 });
  });

  test('no samples is an error, not NaN', () => {
    expect(() => median([])).toThrow(/no samples/);
    expect(() => minMax([])).toThrow(/no samples/);
  });
});

describe('ABBA order', () => {
  test('the sequence reads ABBAABBA', () => {
    expect([0, 1, 2, 3].flatMap((i) => abbaOrder(i)).join('')).toBe('ABBAABBA');
  });
});

describe('pairs', () => {
  test('ratio is per pair (subject / baseline), not a ratio of medians', () => {
    const pairs = [
      { a: 10, b: 40 },
      { a: 20, b: 40 },
      { a: 40, b: 40 },
    ];
    const r = pairRatios(pairs, (b) => b, (a) => a);
    expect(r).toEqual([4, 2, 1]);
    expect(summarize(r)).toEqual({ n: 3, median: 2, min: 1, max: 4 });
  });

  test('runPairs discards the warm-up pairs, alternates which side goes first, and pairs each side with its partner', async () => {
    const calls: string[] = [];
    let n = 0;
    const side = (s: string) => async () => {
      calls.push(s);
      return `${s}${n++}`;
    };
    const { warmup, pairs } = await runPairs(3, 2, side('A'), side('B'));
    expect(calls.join('')).toBe('ABBAABBAAB');
    expect(warmup).toEqual([
      { a: 'A0', b: 'B1' },
      { a: 'A3', b: 'B2' },
    ]);
    expect(pairs).toEqual([
      { a: 'A4', b: 'B5' },
      { a: 'A7', b: 'B6' },
      { a: 'A8', b: 'B9' },
    ]);
  });

  test('no warm-up', async () => {
    const { warmup, pairs } = await runPairs(1, 0, async () => 1, async () => 2);
    expect(warmup).toEqual([]);
    expect(pairs).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('intFromEnv', () => {
  test('default when unset or empty, the number otherwise', () => {
    expect(intFromEnv({}, 'BENCH_RUNS', 15)).toBe(15);
    expect(intFromEnv({ BENCH_RUNS: ' ' }, 'BENCH_RUNS', 15)).toBe(15);
    expect(intFromEnv({ BENCH_RUNS: '4' }, 'BENCH_RUNS', 15)).toBe(4);
    expect(intFromEnv({ BENCH_WARMUP: '0' }, 'BENCH_WARMUP', 3, 0)).toBe(0);
  });

  test.each(['0', '-2', '1.5', 'many'])('refuses %j for BENCH_RUNS', (v) => {
    expect(() => intFromEnv({ BENCH_RUNS: v }, 'BENCH_RUNS', 15)).toThrow(/BENCH_RUNS must be an integer >= 1/);
  });
});

describe('formatting', () => {
  test('a median and its range', () => {
    expect(formatRange({ median: 2.345, min: 1, max: 10 }, 2, '×')).toBe('2.35× [1.00×–10.00×]');
    expect(formatRange({ median: 212.4, min: 170.2, max: 252.9 })).toBe('212 [170–253]');
  });

  test('a table pads columns to the widest cell', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y'], ['', 'zzz']])).toBe(['a    bb', '---  ---', 'xxx  y', '     zzz'].join('\n'));
  });
});

describe('requests seen by the proxy', () => {
  const seen: SeenRequest[] = [
    { at: 5, method: 'GET', path: '/subscriptions/s/x', authorized: true }, // an earlier run's
    { at: 12, method: 'GET', path: '/github-oidc/token', authorized: true },
    { at: 14, method: 'POST', path: '/entra/t/oauth2/v2.0/token', authorized: false },
    { at: 15, method: 'GET', path: '/subscriptions/s/resourceGroups/rg', authorized: false },
    { at: 18, method: 'GET', path: '/Subscriptions/s/resourceGroups/rg', authorized: true },
  ];

  test('first request after the spawn', () => {
    expect(firstRequest(seen, 10)?.at).toBe(12);
  });

  test('first authenticated request on the ARM route after the spawn', () => {
    expect(firstArmRequest(seen, 10)?.at).toBe(18);
    expect(firstArmRequest(seen, 20)).toBeUndefined();
  });
});

describe('percentile (nearest rank)', () => {
  test('p50, p99 and the ends; input left unsorted', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 0)).toBe(1);
    expect(xs[0]).toBe(100);
  });

  test('few samples: p99 is the largest; numeric order', () => {
    expect(percentile([3, 10, 2], 99)).toBe(10);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([9, 100, 10], 50)).toBe(10);
  });

  test('refuses no samples and a p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });
});

describe('durationFromEnv', () => {
  test('a bare number is seconds; units ms, s, m; fallback when unset or empty', () => {
    expect(durationFromEnv({ B: '10' }, 'B', 1)).toBe(10_000);
    expect(durationFromEnv({ B: '2.5' }, 'B', 1)).toBe(2500);
    expect(durationFromEnv({ B: '500ms' }, 'B', 1)).toBe(500);
    expect(durationFromEnv({ B: '3s' }, 'B', 1)).toBe(3000);
    expect(durationFromEnv({ B: '1m' }, 'B', 1)).toBe(60_000);
    expect(durationFromEnv({}, 'B', 7)).toBe(7);
    expect(durationFromEnv({ B: ' ' }, 'B', 7)).toBe(7);
  });

  test('refuses anything else, naming the variable', () => {
    expect(() => durationFromEnv({ B: '-1' }, 'B', 1)).toThrow(/B must be/);
    expect(() => durationFromEnv({ B: 'soon' }, 'B', 1)).toThrow(/got 'soon'/);
  });
});
