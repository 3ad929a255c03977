/**
 * The one retry behaviour of the ARM pipeline: throttling (429, honouring Retry-After), transient server
 * errors (408/500/502/503/504), dropped connections, and 409s that say another operation is still running
 * (waited out within a time window). Other 4xx are never retried.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import type { Logger } from '../core/logger';
import { abortableSleep } from '../core/sleep';

export const RETRY_POLICY_NAME = 'amlRetryPolicy';

export interface RetryOptions {
  /** Retries for 429/5xx/dropped connections (409-in-progress is bounded by time instead). */
  maxRetries: number;
  /** First backoff step when the service gives no Retry-After. */
  baseDelayMs: number;
  /** Cap of the computed backoff. */
  maxDelayMs: number;
  /** Wait between attempts while a 409 says another operation is in progress. */
  conflictDelayMs: number;
  /** How long to keep waiting out 409-in-progress before giving up. */
  conflictWindowMs: number;
  /** One attempt without a response for this long counts as a dropped connection. */
  attemptTimeoutMs: number;
  /** No retry starts that would end later than this after the first attempt (the caller's timeout). */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  // The troubleshooting guide suggests retrying conflicts after "several seconds up to a minute".
  conflictDelayMs: 10_000,
  conflictWindowMs: 10 * 60_000,
  attemptTimeoutMs: 120_000,
  maxElapsedMs: 30 * 60_000,
};

// A Retry-After beyond this is treated as this: the caller's deadline still bounds the total.
const MAX_WAIT_MS = 5 * 60_000;
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const DROPPED_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const IN_PROGRESS =
  /another operation|operation (is )?(already )?in progress|in ?progress operation|conflict of operation|is (currently )?being (created|updated|deleted|provisioned)|OperationCanceled|waiting for lock|AnotherOperationInProgress|OperationInProgress|try again later/i;

// Deadlines and retry counts travel beside requests and responses without changing their types.
const deadlines = new WeakMap<PipelineRequest, number>();
const retryCounts = new WeakMap<object, number>();

/** Stop retrying `request` at this epoch-ms (the caller's own timeout). */
export function setRequestDeadline(request: PipelineRequest, deadline: number): void {
  deadlines.set(request, deadline);
}

/** How many retries were spent on the request that produced this response or error. */
export function retriesOf(responseOrError: unknown): number {
  return typeof responseOrError === 'object' && responseOrError !== null ? (retryCounts.get(responseOrError) ?? 0) : 0;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Exponential backoff: base, 2·base, 4·base … capped. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(retry, 20));
}

/** A 409 whose message says it will clear when another operation finishes. */
export function isInProgressConflict(bodyText: string | null | undefined): boolean {
  return !!bodyText && IN_PROGRESS.test(bodyText);
}

export function isDroppedConnection(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: string; message?: string; name?: string; response?: unknown };
  if (err.name === 'AbortError' || err.response) return false;
  if (err.code && DROPPED_CODES.has(err.code)) return true;
  return /socket hang up|ECONNRESET|ETIMEDOUT|EPIPE|other side closed/i.test(err.message ?? '');
}

/**
 * One attempt with its own timeout. The HTTP client's `request.timeout` leaves its timer running when the
 * connection drops (keeping the process alive), so the timeout is enforced here through the abort signal.
 */
async function attempt(request: PipelineRequest, next: SendRequest, timeoutMs: number): Promise<PipelineResponse> {
  const outer = request.abortSignal;
  const ac = new AbortController();
  const onOuterAbort = (): void => ac.abort();
  outer?.addEventListener('abort', onOuterAbort);
  if (outer?.aborted) ac.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timeoutMs);
  timer.unref?.();
  request.abortSignal = ac.signal;
  try {
    return await next(request);
  } catch (e) {
    if (timedOut && !outer?.aborted) {
      throw Object.assign(new Error(`no response within ${Math.round(timeoutMs / 1000)}s`), { code: 'ETIMEDOUT' });
    }
    throw e;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    request.abortSignal = outer;
  }
}

/** A `retry-after-ms` / `x-ms-retry-after-ms` value: whole milliseconds. */
export function parseRetryAfterMs(value: string | null | undefined): number | undefined {
  const v = value?.trim();
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** The wait the service asks for, in milliseconds: the millisecond headers first, then Retry-After (seconds or a date). */
export function retryAfterOf(response: Pick<PipelineResponse, 'headers'>): number | undefined {
  return (
    parseRetryAfterMs(response.headers.get('retry-after-ms')) ??
    parseRetryAfterMs(response.headers.get('x-ms-retry-after-ms')) ??
    parseRetryAfter(response.headers.get('retry-after'))
  );
}

/** URL without its query: polling URLs carry signatures that must not reach logs. */
export function loggableUrl(url: string): string {
  return url.split('?')[0];
}

export function armRetryPolicy(options: RetryOptions, logger: Logger): PipelinePolicy {
  return {
    name: RETRY_POLICY_NAME,
    async sendRequest(request, next) {
      const started = Date.now();
      const deadline = Math.min(deadlines.get(request) ?? Infinity, started + options.maxElapsedMs);
      let retries = 0;
      for (;;) {
        let response: PipelineResponse | undefined;
        let error: unknown;
        try {
          response = await attempt(request, next, options.attemptTimeoutMs);
        } catch (e) {
          error = e;
        }
        const decision = decide(response, error, retries, started, options);
        const wait = decision ? Math.min(decision.delayMs, MAX_WAIT_MS) : 0;
        if (!decision || Date.now() + wait > deadline) {
          if (response) {
            retryCounts.set(response, retries);
            return response;
          }
          if (typeof error === 'object' && error !== null) retryCounts.set(error, retries);
          throw error;
        }
        retries += 1;
        logger.debug(
          `Retry ${retries} of ${request.method} ${loggableUrl(request.url)} in ${(wait / 1000).toFixed(1)}s: ${decision.reason}`,
        );
        await abortableSleep(wait, request.abortSignal);
      }
    },
  };
}

function decide(
  response: PipelineResponse | undefined,
  error: unknown,
  retries: number,
  started: number,
  options: RetryOptions,
): { delayMs: number; reason: string } | undefined {
  if (response) {
    if (response.status === 409 && isInProgressConflict(response.bodyAsText)) {
      const delayMs = retryAfterOf(response) ?? options.conflictDelayMs;
      if (Date.now() - started + delayMs > options.conflictWindowMs) return undefined;
      return { delayMs, reason: 'HTTP 409, another operation is in progress' };
    }
    if (!RETRY_STATUS.has(response.status) || retries >= options.maxRetries) return undefined;
    const retryAfter = retryAfterOf(response);
    return {
      delayMs: retryAfter ?? backoffDelay(retries, options.baseDelayMs, options.maxDelayMs),
      reason: `HTTP ${response.status}${retryAfter !== undefined ? ` (Retry-After ${retryAfter / 1000}s)` : ''}`,
    };
  }
  if (isDroppedConnection(error) && retries < options.maxRetries) {
    const code = (error as { code?: string }).code;
    return {
      delayMs: backoffDelay(retries, options.baseDelayMs, options.maxDelayMs),
      reason: `connection dropped (${code ?? (error as Error).message})`,
    };
  }
  return undefined;
}
