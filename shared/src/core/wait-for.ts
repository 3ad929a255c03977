/**
 * Poll until something holds: `probe` is called at once, then again after pauses that grow (backoff) up to a
 * ceiling, until it returns a value (the wait's result), the wait's own limit passes (undefined), or `signal`
 * aborts (the sleep's AbortError, which the step's deadline reports as its timeout). A probe that throws ends the
 * wait with its error: deciding what is worth retrying is the probe's business (HTTP retries happen below it).
 */
import { abortableSleep, abortError, type AbortSignalLike } from './sleep';

export interface WaitForOptions {
  /** The step's deadline (or any cancellation): aborts the wait, even mid-pause */
  signal?: AbortSignalLike | null;
  /** Stop waiting (resolve undefined) this long after the first probe; without it only `signal` ends the wait */
  limitMs?: number;
  /** Pause after the first probe (default 250 ms), multiplied by `factor` (default 2) up to `maxDelayMs` (default 5 s) */
  firstDelayMs?: number;
  factor?: number;
  maxDelayMs?: number;
  /** Seams for tests */
  sleep?: (ms: number, signal?: AbortSignalLike | null) => Promise<void>;
  now?: () => number;
}

/** The probe's first non-undefined answer, or undefined when `limitMs` passed first. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitForOptions = {}): Promise<T | undefined> {
  const sleep = opts.sleep ?? abortableSleep;
  const now = opts.now ?? Date.now;
  const factor = Math.max(1, opts.factor ?? 2);
  const maxDelay = Math.max(0, opts.maxDelayMs ?? 5000);
  let delay = Math.min(Math.max(0, opts.firstDelayMs ?? 250), maxDelay);
  const endAt = opts.limitMs === undefined ? Infinity : now() + Math.max(0, opts.limitMs);
  for (;;) {
    if (opts.signal?.aborted) throw abortError();
    const value = await probe();
    if (value !== undefined) return value;
    const left = endAt - now();
    if (left <= 0) return undefined;
    // The last pause is cut short so that the final probe happens at the limit, not after it.
    await sleep(Math.min(delay, left), opts.signal);
    delay = Math.min(delay * factor, maxDelay);
  }
}
