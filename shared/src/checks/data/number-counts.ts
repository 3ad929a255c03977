/**
 * Counts of distinct numbers (an integer column's categories while a pass reads it): an open-addressing hash table
 * of (key, count) pairs, a count of 0 marking a free slot; faster than a Map for many keys. While every key is a
 * 32-bit integer the pairs are Int32 (8 bytes a slot, so a large table stays in cache longer); the first other key
 * moves them to Float64 pairs. Numbers are keyed by value as `Map` keys them (SameValueZero: −0 is 0, NaN one key).
 */
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The first slot to probe for a 32-bit integer key. */
const intSlot = (x: number, mask: number): number => fmix(x) & mask;

/** The first slot for any other number: both words of the double (a small integer's low word is all zeros). */
function doubleSlot(x: number, mask: number): number {
  bits[0] = x;
  return fmix(words[0]! ^ Math.imul(words[1]!, 0x9e3779b1)) & mask;
}

const isInt32 = (x: number): boolean => (x | 0) === x;

export class NumberCounts {
  private ints: Int32Array | undefined = new Int32Array(2 << 10);
  private doubles: Float64Array | undefined;
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
    const t = this.ints;
    if (t !== undefined) {
      if (isInt32(x)) {
        const mask = (t.length >> 1) - 1;
        let i = intSlot(x, mask);
        for (;;) {
          const n = t[2 * i + 1]!;
          if (n === 0) break;
          if (t[2 * i] === x) {
            if (n === 0x7fffffff) break; // a count past Int32: go on in Float64 pairs
            t[2 * i + 1] = n + 1;
            return true;
          }
          i = (i + 1) & mask;
        }
        if (t[2 * i + 1] !== 0) {
          this.toDoubles();
          return this.addDouble(x, cap);
        }
        if (this.size >= cap) return false;
        t[2 * i] = x;
        t[2 * i + 1] = 1;
        if (++this.used * 4 > t.length) this.ints = NumberCounts.regrowInts(t, t.length * 2); // load factor 1/2
        return true;
      }
      this.toDoubles();
    }
    return this.addDouble(x, cap);
  }

  private addDouble(x: number, cap: number): boolean {
    const t = this.doubles!;
    const mask = (t.length >> 1) - 1;
    let i = doubleSlot(x, mask);
    for (;;) {
      const n = t[2 * i + 1]!;
      if (n === 0) break;
      if (t[2 * i] === x) {
        t[2 * i + 1] = n + 1;
        return true;
      }
      i = (i + 1) & mask;
    }
    if (this.size >= cap) return false;
    t[2 * i] = x;
    t[2 * i + 1] = 1;
    if (++this.used * 4 > t.length) this.doubles = NumberCounts.regrowDoubles(t, t.length * 2);
    return true;
  }

  private static regrowInts(old: Int32Array, length: number): Int32Array {
    const t = new Int32Array(length);
    const mask = (length >> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = intSlot(old[j]!, mask);
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[j]!;
      t[2 * i + 1] = old[j + 1]!;
    }
    return t;
  }

  private static regrowDoubles(old: Float64Array | Int32Array, length: number): Float64Array {
    const t = new Float64Array(length);
    const mask = (length >> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = doubleSlot(old[j]!, mask);
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[j]!;
      t[2 * i + 1] = old[j + 1]!;
    }
    return t;
  }

  private toDoubles(): void {
    this.doubles = NumberCounts.regrowDoubles(this.ints!, this.ints!.length);
    this.ints = undefined;
  }

  /** Every key with its count (NaN last), in no particular order. */
  *entries(): Generator<[number, number]> {
    const t = this.ints ?? this.doubles!;
    for (let j = 0; j < t.length; j += 2) if (t[j + 1] !== 0) yield [t[j]!, t[j + 1]!];
    if (this.nanCount > 0) yield [NaN, this.nanCount];
  }
}
