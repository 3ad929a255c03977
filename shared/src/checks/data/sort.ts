/**
 * Sorting a Float64Array of numbers without NaN, in the order `Float64Array.prototype.sort` gives (−0 before +0):
 * a least-significant-digit radix sort on the IEEE 754 bits, mapped so that unsigned order is numeric order
 * (negative values have every bit flipped, others the sign bit). Six passes of 11 bits each; a pass whose digit is
 * the same for every value is skipped. Small arrays, and arrays with NaN, use the built-in sort.
 *
 * Everything sits inside `radixSorter`, which uses no outer name: the spill writer runs its source text in a worker
 * thread (see spill-writer.ts), so the main thread and the worker sort with the same code.
 */
/** Makes the sort (its count table is its own). */
export function radixSorter(): (values: Float64Array) => Float64Array {
  const BITS = 11;
  const BUCKETS = 1 << BITS;
  const MASK = BUCKETS - 1;
  const SMALL = 2048;

  const counts = new Uint32Array(BUCKETS * 6);

  /** The digit `d` (0..5) of the key (lo, hi): bits 11·d .. 11·d+10 of the 64-bit key hi·2³² + lo. */
  function digit(lo: number, hi: number, d: number): number {
    switch (d) {
      case 0:
        return lo & MASK;
      case 1:
        return (lo >>> 11) & MASK;
      case 2:
        return ((lo >>> 22) | (hi << 10)) & MASK;
      case 3:
        return (hi >>> 1) & MASK;
      case 4:
        return (hi >>> 12) & MASK;
      default:
        return hi >>> 23;
    }
  }

  /** Sorts `values` in place (ascending) and returns it. */
  function sortNumbers(values: Float64Array): Float64Array {
    const n = values.length;
    if (n < SMALL) return values.sort();
    if (values.byteOffset % 4 !== 0) return values.sort();
    for (let i = 0; i < n; i++) if (values[i] !== values[i]) return values.sort(); // NaN
    const keys = new Uint32Array(values.buffer, values.byteOffset, n * 2); // little-endian: lo, hi per value
    const scratch = new Uint32Array(n * 2);
    counts.fill(0);
    for (let i = 0; i < 2 * n; i += 2) {
      let lo = keys[i]!;
      let hi = keys[i + 1]!;
      if (hi & 0x80000000) {
        lo = ~lo >>> 0;
        hi = ~hi >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      keys[i] = lo;
      keys[i + 1] = hi;
      counts[lo & MASK]!++;
      counts[BUCKETS + ((lo >>> 11) & MASK)]!++;
      counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & MASK)]!++;
      counts[3 * BUCKETS + ((hi >>> 1) & MASK)]!++;
      counts[4 * BUCKETS + ((hi >>> 12) & MASK)]!++;
      counts[5 * BUCKETS + (hi >>> 23)]!++;
    }
    let src: Uint32Array = keys;
    let dst: Uint32Array = scratch;
    for (let d = 0; d < 6; d++) {
      const base = d * BUCKETS;
      let skip = false;
      let sum = 0;
      for (let b = 0; b < BUCKETS; b++) {
        const c = counts[base + b]!;
        if (c === n) skip = true;
        counts[base + b] = sum;
        sum += c;
      }
      if (skip) continue;
      for (let i = 0; i < 2 * n; i += 2) {
        const lo = src[i]!;
        const hi = src[i + 1]!;
        const at = 2 * counts[base + digit(lo, hi, d)]!++;
        dst[at] = lo;
        dst[at + 1] = hi;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    if (src !== keys) keys.set(src.subarray(0, 2 * n));
    for (let i = 0; i < 2 * n; i += 2) {
      const hi = keys[i + 1]!;
      if (hi & 0x80000000) keys[i + 1] = hi & 0x7fffffff;
      else {
        keys[i] = ~keys[i]! >>> 0;
        keys[i + 1] = ~hi >>> 0;
      }
    }
    return values;
  }
  return sortNumbers;
}

/** Sorts `values` in place (ascending) and returns it. */
export const sortNumbers = radixSorter();
