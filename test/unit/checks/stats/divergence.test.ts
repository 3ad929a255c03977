import { binCount, binEdges, histogram, jensenShannonDistance, scoreDivergence } from '../../../../shared/src/checks/stats/divergence';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('score divergence with Azure ML binning', () => {
  test('reference case A: base 1..10, production 3..14', () => {
    const d = scoreDivergence(range(1, 10), range(3, 14));
    expect(binCount(10, 12)).toBe(5);
    expect(d.edges).toEqual([1, 3.6, 6.2, 8.8, 11.4, 14]);
    expect(d.countsA).toEqual([3, 3, 2, 2, 0]);
    expect(d.countsB).toEqual([1, 3, 2, 3, 3]);
    expect(d.distance).toBeCloseTo(0.42027421865791514, 14);
  });

  test('reference case A2: the rounded last edge drops the maximum from both samples', () => {
    const a = [10.15, 12, 15.5, 18, 20, 22.5, 25, 28.24];
    const b = [11, 13, 16, 19, 21, 24, 27, 28.24];
    const d = scoreDivergence(a, b);
    expect(d.edges[4]).toBe(28.239999999999995);
    expect(d.countsA).toEqual([2, 2, 2, 1]);
    expect(d.countsB).toEqual([2, 2, 1, 2]);
    expect(d.distance).toBeCloseTo(0.18712581628280073, 14);
  });

  test('identical samples are 0 apart, disjoint ones 1; a constant sample gets one bin', () => {
    expect(scoreDivergence([0.1, 0.2, 0.3], [0.1, 0.2, 0.3]).distance).toBe(0);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 15);
    expect(binEdges([2, 2], [2])).toEqual([1.99, 2.01]);
    expect(binEdges([0, 0], [0])).toEqual([-0.005, 0.005]);
    expect(scoreDivergence([0.5, 0.5], [0.5, 0.5, 0.5]).distance).toBe(0);
  });

  test('Spark histogram: the last bin is closed, NaN and values outside the edges are skipped', () => {
    expect(histogram([0, 0.5, 1, 1.5, 2, Number.NaN, 2.5, -1], [0, 1, 2])).toEqual([2, 3]);
    // Uneven edges use bisection.
    expect(histogram([0, 0.5, 1, 3, 4], [0, 1, 4])).toEqual([2, 3]);
    expect(() => histogram([1], [0])).toThrow(/two edges/);
    expect(() => scoreDivergence([], [1])).toThrow(/empty/);
  });

  test('an explicit bin count overrides Sturges', () => {
    const d = scoreDivergence([0, 0.2, 0.4, 0.6, 0.8, 1], [0, 0.1, 0.9, 1, 1, 1], { bins: 2 });
    expect(d.edges).toEqual([0, 0.5, 1]);
    expect(d.countsA).toEqual([3, 3]);
    expect(d.countsB).toEqual([2, 4]);
  });
});
