/**
 * The step's `timeout` as a deadline: one AbortSignal that fires when the time is up or the job is cancelled,
 * handed to everything that waits (HTTP requests in flight, token requests, polls, retries' sleeps, blob
 * transfers), so the step ends with a timeout error at the deadline instead of after the slowest response.
 */
import { formatDuration } from './duration';
import { StepError } from './errors';

export interface Deadline {
  /** Aborts at the deadline (reason: the timeout StepError) or when `parent` aborts (its reason). */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** The timeout error once the deadline has passed, else undefined. */
  expired(): StepError | undefined;
  /** Stop the timer (the step finished). */
  clear(): void;
}

export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const ac = new AbortController();
  let error: StepError | undefined;
  const timer = setTimeout(() => {
    error = new StepError('timeout', `the step's timeout of ${formatDuration(timeoutMs)} elapsed before it finished`, {
      input: 'timeout',
      hint: "Raise 'timeout' if the service is just slow; a rerun picks up what this run finished (nothing half-written is kept as done).",
    });
    ac.abort(error);
  }, timeoutMs);
  timer.unref?.();
  const onParent = (): void => ac.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ac.signal,
    timeoutMs,
    expired: () => error,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** The error to report for `e` when the deadline has passed: the timeout, saying what was in flight. */
export function deadlineError(deadline: Deadline | undefined, e: unknown): StepError | undefined {
  const expired = deadline?.expired();
  if (!expired) return undefined;
  const kind = e instanceof StepError ? e.kind : undefined;
  if (kind === 'timeout') return e as StepError;
  const name = (e as { name?: string } | undefined)?.name;
  if (kind !== 'cancelled' && kind !== 'transient' && name !== 'AbortError' && name !== 'TimeoutError') return undefined;
  const doing = e instanceof Error && e.message ? ` (in flight: ${e.message.replace(/\.$/, '')})` : '';
  return new StepError('timeout', `${expired.message}${doing}`, { input: 'timeout', hint: expired.hint, cause: e });
}
