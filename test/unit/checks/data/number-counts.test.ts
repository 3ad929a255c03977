// NumberCounts: the same counts as a Map keyed by the numbers (−0 as 0, NaN one key), and the same cap rule.
import { NumberCounts } from '../../../../shared/src/checks/data/number-counts';

describe('NumberCounts', () => {
  it('counts like a Map over many keys, growing as it goes', () => {
    const c = new NumberCounts();
    const m = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const x = i % 7 === 0 ? -((i * 31) % 3001) : i % 11 === 0 ? NaN : i % 13 === 0 ? -0 : ((i * 7919) % 20011) / (i % 3 === 0 ? 4 : 1);
      expect(c.add(x, Infinity)).toBe(true);
      m.set(x, (m.get(x) ?? 0) + 1);
    }
    expect(c.size).toBe(m.size);
    const got = new Map([...c.entries()]);
    expect(got.size).toBe(m.size);
    for (const [k, n] of m) expect(got.get(k)).toBe(n);
    expect(Object.is([...c.entries()].find(([k]) => k === 0)![0], 0)).toBe(true);
  });

  it('refuses a new key once it holds `cap` keys, and still counts known ones', () => {
    const c = new NumberCounts();
    expect([c.add(1, 2), c.add(2, 2), c.add(3, 2), c.add(NaN, 2), c.add(1, 2)]).toEqual([true, true, false, false, true]);
    expect(new Map(c.entries())).toEqual(new Map([[1, 2], [2, 1]]));
  });
});
