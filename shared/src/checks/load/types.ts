/** What a load run is asked to do, and what it found. The engine is in engine.ts. */
import type { Histogram, LatencySummary } from './histogram';
import type { SecondSample } from './series';

export type LoadMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * - `concurrency`: the closed model. `connections` keep-alive connections, each sending its next request as soon
 *   as the last one is answered (`pipelining` requests in flight on each, default 1).
 * - `rate`: the open model. Requests are due on a fixed schedule, `rps` a second, whatever the answers; at most
 *   `maxInFlight` are outstanding (one connection each unless `connections` says fewer). A request due while
 *   `maxInFlight` are outstanding is sent as soon as one is answered, and its latency still counts from when it was
 *   due, so a slow server shows in the percentiles instead of slowing the schedule (coordinated omission).
 */
export type LoadMode =
  | { kind: 'concurrency'; connections: number; pipelining?: number }
  | { kind: 'rate'; rps: number; maxInFlight: number; connections?: number };

export interface LoadProgress {
  phase: 'warm-up' | 'measuring' | 'draining';
  /** Measured requests sent so far (warm-up excluded, as in every figure here but `warmup`) */
  sent: number;
  /** 2xx answers */
  ok: number;
  /** Other answers, timeouts and failed requests */
  errors: number;
  /** Since the run started, warm-up included */
  elapsedMs: number;
  /** Time left, from the duration or from the rate so far and the requests left; undefined before anything is known */
  etaMs?: number;
}

export interface LoadOptions {
  /** http: or https:; the path and query are sent with every request */
  url: string;
  /** Default POST when there are bodies, GET otherwise */
  method?: LoadMethod;
  /** Sent with every request; `content-type` defaults to application/json when there is a body */
  headers?: Record<string, string>;
  /** One body, or several sent in turn (request i gets bodies[i % n]) */
  bodies?: string | Uint8Array | readonly (string | Uint8Array)[];
  /**
   * The endpoint's key or token, sent as `authorization: Bearer …`. Asked once before the first request, then
   * again every `bearerRefreshMs` (default 60 s) and after a 401; it caches and refreshes the credential itself.
   * Sent over https only, or plain http to a loopback address (a local test server).
   */
  bearer?: () => Promise<string>;
  bearerRefreshMs?: number;
  /** The `azureml-model-deployment` header: reach this deployment whatever the endpoint's traffic map says */
  deployment?: string;
  mode: LoadMode;
  /** How long to measure, after the warm-up. One of durationMs and requests is required. */
  durationMs?: number;
  /** How many measured requests to send, after the warm-up */
  requests?: number;
  /** Load sent first and left out of every figure (connections opened, caches and JITs warmed); default 0 */
  warmupMs?: number;
  /** No complete answer this long after a request was sent (or no connection): it counts as a timeout. Default 30 s. */
  timeoutMs?: number;
  /** Trust this CA (PEM) for an https URL instead of the default ones (a test server, the emulator) */
  ca?: string;
  /** Aborting ends the run early: outstanding requests are dropped and the result says `stopped: 'cancelled'` */
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Default 5 s */
  progressEveryMs?: number;
}

export interface StatusCounts {
  /** Answers by status code */
  byStatus: Record<string, number>;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  /** Other codes (1xx left over, out of range) */
  other: number;
}

export interface LoadResult {
  mode: LoadMode;
  /** Why sending stopped */
  stopped: 'duration' | 'requests' | 'cancelled';
  /** Measured requests sent */
  sent: number;
  /** Measured requests finished: answered, timed out or failed */
  completed: number;
  /** 2xx answers */
  ok: number;
  status: StatusCounts;
  timeouts: number;
  /** Requests that failed without an answer (connection refused or reset, TLS…), timeouts apart */
  failed: number;
  /** Rate mode: requests that were due before the end but never sent, `maxInFlight` being outstanding till then */
  dropped: number;
  /** (non-2xx + timeouts + failed + dropped) / (completed + dropped); 0 when nothing was due */
  errorRate: number;
  /** Completed requests a second over `elapsedMs` */
  throughput: number;
  /** The measured window: from the end of the warm-up to the last answer (at least the duration asked for) */
  elapsedMs: number;
  /** Response body bytes received, measured requests only */
  bytes: number;
  /** Latency of answered requests (any status; not timeouts or failures) */
  latency: LatencySummary;
  /** The same, as a histogram of microseconds (for merging, or other percentiles) */
  histogram: Histogram;
  series: SecondSample[];
  warmup: { ms: number; sent: number; completed: number };
  /** A few distinct failure messages, with how often each came */
  failures: { message: string; count: number }[];
}
