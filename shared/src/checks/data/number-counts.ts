/**
 * Counts of distinct numbers (an integer column's categories while a pass reads it): an open-addressing hash table
 * in one Float64Array of (key, count) pairs, a count of 0 marking a free slot; faster than a Map for many keys.
 * Numbers are keyed by value as `Map` keys them (SameValueZero: −0 is 0, NaN is one key).
 */
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** The first slot index to probe for `x` (a pair index) among `mask + 1` slots. */
function slot(x: number, mask: number): number {
  // murmur3's finalizer over both words: a small integer's double has only zeros in its low bits
  bits[0] = x;
  let h = words[0]! ^ Math.imul(words[1]!, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}

export class NumberCounts {
  private table = new Float64Array(2 << 10);
  private nanCount = 0;
  private used = 0;

  get size(): number {
    return this.used + (this.nanCount > 0 ? 1 : 0);
  }

  /** Counts `x` once; false (and nothing counted) when `x` is new and there are already `cap` keys. */
  add(x: number, cap: number): boolean {
    if (x !== x) {
      if (this.nanCount === 0 && this.size >= cap) return false;
      this.nanCount++;
      return true;
    }
    if (x === 0) x = 0; // −0 counts as 0
    const t = this.table;
    const mask = (t.length >> 1) - 1;
    let i = slot(x, mask);
    for (;;) {
      const at = 2 * i;
      const n = t[at + 1]!;
      if (n === 0) break;
      if (t[at] === x) {
        t[at + 1] = n + 1;
        return true;
      }
      i = (i + 1) & mask;
    }
    if (this.size >= cap) return false;
    t[2 * i] = x;
    t[2 * i + 1] = 1;
    this.used++;
    if (this.used * 4 > t.length) this.grow(); // load factor 1/2
    return true;
  }

  private grow(): void {
    const old = this.table;
    const t = new Float64Array(old.length * 2);
    const mask = (t.length >> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = slot(old[j]!, mask);
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[j]!;
      t[2 * i + 1] = old[j + 1]!;
    }
    this.table = t;
  }

  /** Every key with its count (NaN last), in no particular order. */
  *entries(): Generator<[number, number]> {
    const t = this.table;
    for (let j = 0; j < t.length; j += 2) if (t[j + 1] !== 0) yield [t[j]!, t[j + 1]!];
    if (this.nanCount > 0) yield [NaN, this.nanCount];
  }
}
