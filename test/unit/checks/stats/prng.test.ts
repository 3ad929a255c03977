import { deriveSeed, Xoshiro128 } from '../../../../shared/src/checks/stats/prng';

describe('xoshiro128**', () => {
  test('matches the published algorithm from a known state', () => {
    // Outputs of the authors' reference C code (compiled locally) from the state {1, 2, 3, 4}.
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  test('a seed fills the state from SplitMix64 (seed 42)', () => {
    // SplitMix64(42) gives 13679457532755275413 and 2949826092126892291: low and high words, in that order.
    const a = 13679457532755275413n;
    const b = 2949826092126892291n;
    const words = [a & 0xffffffffn, a >> 32n, b & 0xffffffffn, b >> 32n].map(Number) as [number, number, number, number];
    const fromState = Xoshiro128.fromState(words);
    const fromSeed = Xoshiro128.fromSeed(42);
    const seq = Array.from({ length: 6 }, () => fromSeed.nextUint32());
    expect(seq).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
    expect(Array.from({ length: 6 }, () => fromState.nextUint32())).toEqual(seq);
  });

  test('the same seed repeats, another seed does not', () => {
    const run = (seed: number) => {
      const r = Xoshiro128.fromSeed(seed);
      return Array.from({ length: 20 }, () => r.nextUint32());
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(run(0)).not.toEqual(run(1));
  });

  test('nextInt stays in range and is roughly uniform; nextFloat is in [0, 1)', () => {
    const rng = Xoshiro128.fromSeed(1);
    const counts = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100000; i++) {
      const k = rng.nextInt(10);
      if (k >= 0 && k < 10 && Number.isInteger(k)) counts[k]!++;
      else outside++;
    }
    expect(outside).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500); // ~5 standard deviations
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < 10000; i++) {
      const x = rng.nextFloat();
      if (!(x >= 0 && x < 1)) bad++;
      sum += x;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.015);
    expect(rng.nextInt(1)).toBe(0);
  });

  test('bad seeds, bounds and states are refused', () => {
    expect(() => Xoshiro128.fromSeed(-1)).toThrow(/non-negative integer/);
    expect(() => Xoshiro128.fromSeed(1.5)).toThrow(/non-negative integer/);
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => Xoshiro128.fromSeed(1).nextInt(0)).toThrow(/bound/);
  });
});

describe('deriveSeed', () => {
  test('is stable, depends on the label and the seed, and stays a safe integer', () => {
    expect(deriveSeed(5, 'region=eu')).toBe(deriveSeed(5, 'region=eu'));
    expect(deriveSeed(5, 'region=eu')).not.toBe(deriveSeed(5, 'region=us'));
    expect(deriveSeed(5, 'region=eu')).not.toBe(deriveSeed(6, 'region=eu'));
    const big = deriveSeed(Number.MAX_SAFE_INTEGER, 'x');
    expect(Number.isSafeInteger(big) && big >= 0).toBe(true);
    expect(() => Xoshiro128.fromSeed(big)).not.toThrow();
  });
});
