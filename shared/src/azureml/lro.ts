/**
 * One poller for ARM long-running operations, whichever way the service reports completion:
 * - `Azure-AsyncOperation`: poll the status document until `status` is Succeeded/Failed/Canceled;
 * - `Location` (202): poll until it answers 200/201/204;
 * - neither: GET the resource itself until `properties.provisioningState` is terminal.
 * Polling URLs are used exactly as received (they carry signed query parameters).
 */
import { formatElapsed } from '../core/duration';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import { classifyOperationFailure, classifyResponse, type FailureContext } from './errors';
import { parseRetryAfter } from './retry';
import { abortableSleep } from '../core/sleep';
import type { ArmResponse, ArmTransport, HttpMethod } from './transport';

export type FinalStateVia = 'original-uri' | 'location' | 'azure-async-operation';

export interface LroStart {
  method: HttpMethod;
  /** The resource URL the operation was started on, with its api-version */
  resourceUrl: string;
  /** The response to the initial request (any 2xx) */
  initial: ArmResponse;
  /** Default: original-uri for PUT/PATCH, location for POST; DELETE returns no resource */
  finalStateVia?: FinalStateVia;
}

export interface LroOptions {
  transport: ArmTransport;
  logger: Logger;
  /** What is running, for messages: "create online endpoint 'e'" */
  context: FailureContext;
  /** Epoch-ms when the operation was started (before the initial request) */
  startedAt: number;
  /** Epoch-ms after which the poller gives up with StepError('timeout') */
  deadline: number;
  signal?: AbortSignal;
  /** Cadence of progress lines; default 15 s */
  progressIntervalMs?: number;
  /**
   * Interval between polls, send to send, by the time since the operation started (ms), when the service sends no
   * Retry-After; default pollIntervalMs
   */
  schedule?: (elapsedMs: number) => number;
}

export interface LroResult<T> {
  /** Final resource (PUT/PATCH), final Location body (POST), undefined for DELETE or an empty final body */
  resource: T | undefined;
  /** Status of the initial response */
  initialStatus: number;
  pollCount: number;
  elapsedMs: number;
}

/**
 * Interval between polls (send to send) by time since the operation started, when the service gives no Retry-After
 * (the live service never does). [from elapsed ms, interval ms]:
 * - the first second every 250 ms: the service often finishes short operations (a traffic change) within it;
 * - then 900 ms until one minute: completion is seen within 0.9 s plus the poll's and the final GET's round trips;
 * - then about 5 % of the time elapsed, capped at 15 s from six minutes: a ten-minute deployment costs about 140
 *   polls, a thirty-minute one about 220 (ARM allows 12,000 reads an hour per principal; a fixed 5 s, the Python
 *   SDK's, would cost 120 and 360).
 */
const SCHEDULE: ReadonlyArray<readonly [fromMs: number, intervalMs: number]> = [
  [0, 250],
  [1_000, 900],
  [60_000, 3_000],
  [2 * 60_000, 6_000],
  [4 * 60_000, 10_000],
  [6 * 60_000, 15_000],
];

/** Interval (ms) between the poll sent `elapsedMs` after the operation started and the next one. */
export function pollIntervalMs(elapsedMs: number): number {
  let interval = SCHEDULE[0]![1];
  for (const [from, ms] of SCHEDULE) if (elapsedMs >= from) interval = ms;
  return interval;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'cancelled']);

function isTerminal(state: string | undefined): boolean {
  return !!state && TERMINAL.has(state.toLowerCase());
}

/** A resource that reports a provisioning state that is not final (resources without one are done). */
function stillProvisioning(body: unknown): boolean {
  const s = provisioningStateOf(body);
  return s !== undefined && !isTerminal(s);
}

function isSuccess(state: string | undefined): boolean {
  return state?.toLowerCase() === 'succeeded';
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

export function provisioningStateOf(body: unknown): string | undefined {
  const props = obj(obj(body)?.properties);
  const s = props?.provisioningState ?? obj(body)?.provisioningState;
  return typeof s === 'string' ? s : undefined;
}

export { formatElapsed };

type Style = 'async' | 'location' | 'resource';

export async function pollLro<T>(start: LroStart, opts: LroOptions): Promise<LroResult<T>> {
  const { transport, logger, context } = opts;
  const schedule = opts.schedule ?? pollIntervalMs;
  const progressEvery = opts.progressIntervalMs ?? 15_000;
  const initial = start.initial;
  const asyncUrl = initial.headers.get('azure-asyncoperation') ?? undefined;
  const locationUrl = initial.headers.get('location') ?? undefined;
  const finalVia: FinalStateVia =
    start.finalStateVia ?? (start.method === 'POST' ? 'location' : 'original-uri');

  let pollCount = 0;
  let state = provisioningStateOf(initial.body) ?? 'InProgress';
  let percent: number | undefined;
  let last: ArmResponse = initial;
  let lastProgressAt = Date.now();
  const result = (resource: T | undefined): LroResult<T> => ({
    resource,
    initialStatus: initial.status,
    pollCount,
    elapsedMs: Date.now() - opts.startedAt,
  });

  let style: Style | undefined;
  if (asyncUrl) style = 'async';
  else if (locationUrl && initial.status === 202) style = 'location';
  else if (start.method === 'PUT' || start.method === 'PATCH') {
    const initialState = provisioningStateOf(initial.body);
    if (initialState && !isTerminal(initialState)) style = 'resource';
  }

  if (!style) {
    // Finished in the first response.
    checkResourceState(initial.body, context);
    if (start.method === 'DELETE') return result(undefined);
    if (start.method !== 'POST' && initial.status === 202) return result(await finalGet());
    return result(initial.body as T | undefined);
  }

  // Polls keep to the schedule from one send to the next, so a slow answer does not stretch the interval; yet after an
  // answer there is always half an interval's pause. A Retry-After on the last answer wins, whatever its length.
  let anchor = Date.now();
  for (;;) {
    const interval = schedule(anchor - opts.startedAt);
    const delay = parseRetryAfter(last.headers.get('retry-after')) ?? Math.max(interval / 2, anchor + interval - Date.now());
    await wait(delay);
    const url = style === 'async' ? asyncUrl! : style === 'location' ? locationUrl! : start.resourceUrl;
    anchor = Date.now();
    last = await transport.send({ method: 'GET', url, deadline: opts.deadline }, context);
    pollCount += 1;

    if (style === 'async') {
      if (last.status >= 400) throw classifyResponse(last.status, last.text, { ...context, retries: last.retries });
      const doc = obj(last.body);
      const status = typeof doc?.status === 'string' ? doc.status : undefined;
      if (status) state = status;
      percent = typeof doc?.percentComplete === 'number' ? doc.percentComplete : percent;
      if (isTerminal(status)) {
        if (!isSuccess(status)) throw classifyOperationFailure(status!, doc?.error, context);
        if (start.method === 'DELETE') return result(undefined);
        if (finalVia === 'location' && locationUrl) return result(await finalLocation());
        if (finalVia === 'azure-async-operation' && start.method === 'POST') {
          return result(doc?.properties as T | undefined);
        }
        const final = await finalGet();
        if (stillProvisioning(final)) {
          // The operation reports success before the resource does; keep watching the resource.
          style = 'resource';
          state = provisioningStateOf(final)!;
          continue;
        }
        return result(final);
      }
    } else if (style === 'location') {
      if (last.status === 202) {
        state = (typeof obj(last.body)?.status === 'string' ? (obj(last.body)!.status as string) : undefined) ?? state;
        maybeProgress();
        continue;
      }
      if (last.status === 404 && start.method === 'DELETE') return result(undefined);
      // The Location answers a failed operation with its final error (400 / 422): the request was accepted, the
      // operation failed; say so with the operation's code rather than calling the request invalid.
      if (last.status === 400 || last.status === 422) throw classifyOperationFailure('Failed', obj(last.body)?.error, context);
      if (last.status >= 400) throw classifyResponse(last.status, last.text, { ...context, retries: last.retries });
      const doc = obj(last.body);
      if (doc && typeof doc.status === 'string' && isTerminal(doc.status) && !isSuccess(doc.status)) {
        throw classifyOperationFailure(doc.status, doc.error, context);
      }
      state = 'Succeeded';
      if (start.method === 'DELETE') return result(undefined);
      if (start.method === 'POST' || finalVia === 'location') return result(last.body as T | undefined);
      const final = await finalGet();
      if (stillProvisioning(final)) {
        style = 'resource';
        state = provisioningStateOf(final)!;
        continue;
      }
      return result(final);
    } else {
      if (last.status === 404 && start.method === 'DELETE') return result(undefined);
      if (last.status >= 400) throw classifyResponse(last.status, last.text, { ...context, retries: last.retries });
      state = provisioningStateOf(last.body) ?? state;
      if (isTerminal(state)) {
        checkResourceState(last.body, context);
        return result(last.body as T);
      }
    }
    maybeProgress();
  }

  async function finalGet(): Promise<T> {
    const res = await transport.send({ method: 'GET', url: start.resourceUrl, deadline: opts.deadline }, context);
    if (res.status >= 400) throw classifyResponse(res.status, res.text, { ...context, retries: res.retries });
    checkResourceState(res.body, context);
    last = res;
    return res.body as T;
  }

  async function finalLocation(): Promise<T | undefined> {
    const res = await transport.send({ method: 'GET', url: locationUrl!, deadline: opts.deadline }, context);
    if (res.status >= 400) throw classifyResponse(res.status, res.text, { ...context, retries: res.retries });
    return res.body as T | undefined;
  }

  function maybeProgress(): void {
    const now = Date.now();
    if (now - lastProgressAt < progressEvery) return;
    lastProgressAt = now;
    const pct = percent !== undefined && percent > 0 && percent < 100 ? `, ${Math.round(percent)}%` : '';
    logger.progress(`${context.operation}: ${state}${pct} (${formatElapsed(now - opts.startedAt)} elapsed)`);
  }

  async function wait(ms: number): Promise<void> {
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) throw timeout();
    try {
      await abortableSleep(Math.min(ms, remaining), opts.signal);
    } catch {
      throw new StepError(
        'cancelled',
        `${context.operation} was cancelled while ${state} after ${formatElapsed(Date.now() - opts.startedAt)}; the operation may still finish in Azure`,
      );
    }
    if (Date.now() >= opts.deadline) throw timeout();
  }

  function timeout(): StepError {
    return new StepError(
      'timeout',
      `${context.operation} did not finish within ${formatElapsed(opts.deadline - opts.startedAt)}: it was still ${state} after ${pollCount} ${pollCount === 1 ? 'poll' : 'polls'}`,
      { hint: 'raise the timeout input; the operation continues in Azure and a rerun picks up its result' },
    );
  }
}

/** A resource body whose provisioningState is Failed/Canceled is a failed operation. */
function checkResourceState(body: unknown, context: FailureContext): void {
  const s = provisioningStateOf(body);
  if (s && isTerminal(s) && !isSuccess(s)) {
    const props = obj(obj(body)?.properties);
    const errors = props?.provisioningErrors ?? props?.error;
    const first = Array.isArray(errors) ? obj(errors[0])?.error ?? errors[0] : errors;
    throw classifyOperationFailure(s, first, context);
  }
}
