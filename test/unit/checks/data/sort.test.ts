// sortNumbers: the radix sort gives exactly the built-in typed-array order (−0 before +0, infinities at the ends).
import { sortNumbers } from '../../../../shared/src/checks/data/sort';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe('sortNumbers', () => {
  it.each([100, 5000, 70000])('sorts %i mixed values (signs, zeros, subnormals, huge, repeats) as Float64Array.sort', (n) => {
    const r = lcg(n);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = r();
      a[i] = u < 0.05 ? (u < 0.025 ? 0 : -0) : u < 0.07 ? (r() - 0.5) * 1e-310 : u < 0.08 ? (r() < 0.5 ? Infinity : -Infinity) : (r() - 0.4) * 10 ** Math.floor(r() * 40 - 20);
      if (u > 0.95) a[i] = Math.floor(r() * 10);
    }
    const expected = Float64Array.from(a).sort();
    const got = sortNumbers(a);
    expect(got).toBe(a);
    expect(same(got, expected)).toBe(true);
  });

  it('handles values that share their high bits (a skipped pass) and arrays with NaN (built-in order)', () => {
    const a = Float64Array.from({ length: 4096 }, (_, i) => 1 + ((i * 7919) % 4096) * 2 ** -40);
    expect(same(sortNumbers(Float64Array.from(a)), Float64Array.from(a).sort())).toBe(true);
    const b = Float64Array.from({ length: 4096 }, (_, i) => (i % 100 === 0 ? NaN : (i * 31) % 977));
    expect(same(sortNumbers(Float64Array.from(b)), Float64Array.from(b).sort())).toBe(true);
  });
});
