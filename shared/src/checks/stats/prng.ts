/**
 * A small seeded pseudo-random generator, so that bootstrap intervals are reproducible from a seed.
 *
 * xoshiro128** (Blackman and Vigna, 2018): 128 bits of state, 32-bit outputs, period 2^128 − 1. The state is
 * filled from the seed with SplitMix64, as the authors recommend, so nearby seeds give unrelated streams and the
 * state is never all zero. Not for cryptography.
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 outputs for a 64-bit seed (only used to fill the generator's state). */
function* splitMix64(seed: bigint): Generator<bigint> {
  let x = seed & MASK64;
  for (;;) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    yield z ^ (z >> 31n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const TWO_32 = 4294967296;
// Bound once: where globals are wrapped (Jest's environments), a `Math.` lookup per call is slow in hot loops.
const imul = Math.imul;

export class Xoshiro128 {
  // A typed array keeps the words unboxed whatever the class-field semantics of the compiler.
  private readonly s = new Uint32Array(4);

  /** The generator with this exact state (four unsigned 32-bit words, not all zero). */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    return new Xoshiro128(state);
  }

  /** The generator for a seed: a non-negative safe integer. */
  static fromSeed(seed: number): Xoshiro128 {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    const sm = splitMix64(BigInt(seed));
    const a = sm.next().value as bigint;
    const b = sm.next().value as bigint;
    const lo = (x: bigint) => Number(x & 0xffffffffn);
    const hi = (x: bigint) => Number(x >> 32n);
    return new Xoshiro128([lo(a), hi(a), lo(b), hi(b)]);
  }

  private constructor(state: readonly [number, number, number, number]) {
    this.s.set(state.map((w) => w >>> 0));
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) throw new RangeError('xoshiro128** state must not be all zero');
  }

  /** The next output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const s1 = s[1]!;
    const result = imul(rotl(imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = s1 << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s1;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection); n in [1, 2^32]. */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_32 && n % 1 === 0)) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_32 - (TWO_32 % n); // accept x < limit: an exact multiple of n values
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}

/**
 * A seed for one part of a computation (a rule, a slice), derived from the run's seed and a label, so that each
 * part's stream does not depend on which other parts exist or in what order they run. FNV-1a over the label's UTF-8 bytes,
 * mixed with the seed; the result is a non-negative safe integer.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(label)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Keep the seed's own high bits (up to 2^53) and mix the label hash into the low 32.
  const high = Math.floor(seed / TWO_32);
  const low = (seed % TWO_32) >>> 0;
  return (high % 2097152) * TWO_32 + ((low ^ h) >>> 0);
}
