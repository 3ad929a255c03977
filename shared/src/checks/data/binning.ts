/**
 * The bins Azure ML uses for the numerical Jensen-Shannon distance and PSI (check-metrics.md §1.3):
 * k = ceil(log2(min(n_b, n_p)) + 1) (Sturges on the smaller sample), equal widths over the combined range of both
 * samples, edges computed as lo + i·((hi − lo)/k), and values counted with Spark's `RDD.histogram(edges)`.
 */

/** ceil(log2(n) + 1) for n ≥ 1, in integer arithmetic (equal to the float formula for every n below 2^50). */
export function sturgesBins(n: number): number {
  if (!(n >= 1)) throw new RangeError(`Sturges' rule needs at least one row, got ${n}`);
  // ceil(log2(n)) is the bit length of n − 1
  let bits = 0;
  for (let v = n - 1; v >= 1; v = Math.floor(v / 2)) bits++;
  return bits + 1;
}

/**
 * The bin edges for two samples of `nSmall` = min(n_b, n_p) rows with combined minimum `lo` and maximum `hi`.
 * A single value gets one bin of ±0.5 % around it (±0.005 around 0). The last edge can round below `hi`, and then
 * the values equal to `hi` fall outside, as they do in Azure.
 */
export function binEdges(lo: number, hi: number, nSmall: number): number[] {
  if (lo === hi) {
    const d = lo === 0 ? 0.005 : Math.abs(lo) * 0.005;
    return [lo - d, lo + d];
  }
  const k = sturgesBins(nSmall);
  const w = (hi - lo) / k;
  const edges: number[] = [];
  for (let i = 0; i <= k; i++) edges.push(lo + i * w);
  return edges;
}

/**
 * Counting into fixed edges with Spark's `RDD.histogram` semantics: bins [e_i, e_{i+1}) with the last one closed;
 * values below the first or above the last edge (and NaN) are skipped. When the bin widths agree within 1e-10 the
 * index is int((x − min)/inc); otherwise a binary search (bisect_right − 1). Spark keeps one more counter than there
 * are bins and adds the last two together, which puts x == last edge in the last bin.
 */
export class SparkHistogram {
  readonly edges: readonly number[];
  private readonly counters: number[];
  private readonly even: boolean;
  private readonly inc: number;
  private readonly minv: number;
  private readonly maxv: number;

  constructor(edges: readonly number[]) {
    if (edges.length < 2) throw new RangeError('a histogram needs at least two edges');
    for (let i = 1; i < edges.length; i++) {
      if (!(edges[i]! > edges[i - 1]!)) throw new RangeError('histogram edges must be increasing and distinct');
    }
    this.edges = edges;
    this.counters = new Array<number>(edges.length).fill(0);
    this.minv = edges[0]!;
    this.maxv = edges[edges.length - 1]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i + 1 < edges.length; i++) {
      const step = edges[i + 1]! - edges[i]!;
      if (step < lo) lo = step;
      if (step > hi) hi = step;
    }
    this.even = hi - lo < 1e-10;
    this.inc = (this.maxv - this.minv) / (edges.length - 1);
  }

  /** The counter index for x, or −1 when x is skipped. */
  indexOf(x: number): number {
    if (Number.isNaN(x) || x > this.maxv || x < this.minv) return -1;
    if (this.even) return Math.trunc((x - this.minv) / this.inc);
    // bisect_right(edges, x) − 1
    let lo = 0;
    let hi = this.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < this.edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  /** Counts `times` occurrences of x. */
  add(x: number, times = 1): void {
    const i = this.indexOf(x);
    if (i >= 0) this.counters[i]! += times;
  }

  /** One count per bin (edges.length − 1 of them). */
  counts(): number[] {
    const c = this.counters.slice(0, -1);
    c[c.length - 1]! += this.counters[this.counters.length - 1]!;
    return c;
  }
}
