/**
 * Latency over time: measured responses grouped by the second (since measuring began) in which they completed,
 * each second's p50/p95/p99 from a histogram of its own that is read and emptied when the second closes, so a
 * long run keeps one histogram and a row per second, not a histogram per second.
 */
import { latencyHistogram, type Histogram } from './histogram';

export interface SecondSample {
  /** 1 for the first second of measuring (responses completed in [0 s, 1 s)), 2 for the next… */
  second: number;
  /** Length of the bucket in seconds: 1, except for a last partial second. */
  seconds: number;
  /** Responses completed in the second, errors (no answer, timeouts) included. */
  requests: number;
  /** Responses that are not 2xx, timeouts and failed requests. */
  errors: number;
  /** requests / seconds */
  rps: number;
  /** Latency percentiles of the second's answered requests, in ms; undefined when none was answered. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export class SeriesCollector {
  private readonly samples: SecondSample[] = [];
  private readonly h: Histogram = latencyHistogram();
  /** Index (0-based) of the second being filled. */
  private current = 0;
  private requests = 0;
  private errors = 0;
  private readonly lastIndex: number;

  /**
   * `startMs` is when measuring began, on the clock the `at` values are read from. With `durationMs`, answers that
   * come after the end (requests still in flight when sending stopped) go into the last second, not a sliver of
   * their own.
   */
  constructor(
    private readonly startMs: number,
    private readonly durationMs?: number,
  ) {
    this.lastIndex = durationMs === undefined ? Infinity : Math.max(0, Math.ceil(durationMs / 1000) - 1);
  }

  /** One response completed at `at` (ms, same clock as startMs): its latency in µs, or undefined when there was no answer. */
  record(at: number, micros: number | undefined, error: boolean): void {
    const index = Math.min(this.lastIndex, Math.floor((at - this.startMs) / 1000));
    if (index > this.current) this.closeUntil(index);
    this.requests++;
    if (error) this.errors++;
    if (micros !== undefined) this.h.recordValue(micros);
  }

  /** Close every second up to (not including) `index`; seconds with no response are rows of zeros. */
  private closeUntil(index: number): void {
    this.push(1);
    for (let i = this.current + 1; i < index; i++) this.samples.push({ second: i + 1, seconds: 1, requests: 0, errors: 0, rps: 0 });
    this.current = index;
  }

  private push(seconds: number): void {
    const n = this.h.totalCount;
    seconds = Math.round(seconds * 1000) / 1000;
    const s: SecondSample = { second: this.current + 1, seconds, requests: this.requests, errors: this.errors, rps: seconds > 0 ? this.requests / seconds : 0 };
    if (n > 0) {
      s.p50Ms = this.h.getValueAtPercentile(50) / 1000;
      s.p95Ms = this.h.getValueAtPercentile(95) / 1000;
      s.p99Ms = this.h.getValueAtPercentile(99) / 1000;
    }
    this.samples.push(s);
    this.h.reset();
    this.requests = 0;
    this.errors = 0;
  }

  /**
   * The rows, the second being filled closed at `endMs` (when measuring ended; at most the end of the duration):
   * as a partial second when it holds less than a whole one, dropped when it is empty and shorter than
   * 50 ms (nothing to show but a spike of zeros).
   */
  finish(endMs: number): SecondSample[] {
    const end = Math.min((endMs - this.startMs) / 1000, this.durationMs === undefined ? Infinity : this.durationMs / 1000);
    const index = Math.floor(end);
    if (index > this.current) this.closeUntil(index);
    const partial = Math.max(0, end - this.current);
    if (this.requests > 0 || partial >= 0.05) this.push(Math.min(1, Math.max(partial, 0.001)));
    this.h.destroy();
    return this.samples;
  }
}
