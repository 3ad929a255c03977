/**
 * Counting duplicate rows in O(rows) memory: each row's typed values are hashed to 53 bits (two 32-bit multiplicative
 * hashes with different seeds) and kept in an open-addressing set of float64 slots (8 bytes a slot, at most half
 * full). Two different rows collide with probability about rows²/2^54 (≈ 6e-5 for a million rows), which would count
 * one extra duplicate; the count is otherwise exact.
 */
import { isComplex } from './cells';
import type { Cell } from './types';

// a module constant: a global's property looked up per call is slow in Jest's sandboxed globals
const imul = Math.imul;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number, k: number): number {
  k = imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class RowHasher {
  private a = 0;
  private b = 0;

  start(): void {
    this.a = 0x9747b28c;
    this.b = 0x2f0f5a3d;
  }

  private word(k: number): void {
    this.a = mix(this.a, k);
    this.b = mix(this.b, k ^ 0x5bd1e995);
  }

  private text(s: string): void {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  add(v: Cell): void {
    if (v === null) this.word(1);
    else if (typeof v === 'number') {
      f64[0] = v === 0 ? 0 : v; // -0 equals 0
      this.word(2);
      this.word(u32[0]!);
      this.word(u32[1]!);
    } else if (typeof v === 'string') {
      this.word(3);
      this.text(v);
    } else if (typeof v === 'boolean') this.word(v ? 4 : 5);
    else if (v instanceof Date) {
      this.word(6);
      f64[0] = v.getTime();
      this.word(u32[0]!);
      this.word(u32[1]!);
    } else if (v instanceof Uint8Array) {
      this.word(7);
      this.word(v.length);
      for (const byte of v) this.word(byte);
    } else if (isComplex(v)) {
      this.word(8);
      this.text(v.complex);
    }
  }

  /** A 53-bit key, never 0. */
  key(): number {
    const k = finish(this.a) * 2 ** 21 + (finish(this.b) >>> 11);
    return k === 0 ? 1 : k;
  }
}

/** A set of non-zero numbers; `add` says whether the key was new. */
export class KeySet {
  private slots = new Float64Array(1 << 12);
  private used = 0;

  get size(): number {
    return this.used;
  }

  add(key: number): boolean {
    if (this.used * 2 >= this.slots.length) this.resize();
    const inserted = KeySet.place(this.slots, key);
    if (inserted) this.used++;
    return inserted;
  }

  private static place(slots: Float64Array, key: number): boolean {
    const mask = slots.length - 1;
    let i = ((key % 4294967296) ^ ((key / 4294967296) | 0)) & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) {
        slots[i] = key;
        return true;
      }
      if (s === key) return false;
      i = (i + 1) & mask;
    }
  }

  private resize(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const k of old) if (k !== 0) KeySet.place(this.slots, k);
  }
}
