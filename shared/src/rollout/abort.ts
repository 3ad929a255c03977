/** Abort helpers of the driver: calls that ignore their signal must not hold the rollout (or its restore) up. */
import { abortError } from '../core/sleep';

/** `promise`, or a rejection as soon as `signal` aborts (the promise is left to settle on its own). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** True when `e` is the abort of `signal` (or the signal has fired: whatever failed, it failed because of it). */
export function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e as { name?: string } | undefined)?.name === 'AbortError';
}

/** A signal that fires after `ms` (its own short deadline, independent of the step's), and its cancel. */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(abortError()), ms);
  timer.unref?.();
  return { signal: ac.signal, clear: () => clearTimeout(timer) };
}
