/**
 * Azure Load Testing's data plane (api-version 2022-11-01) at `https://<dataPlaneURI>`, with Microsoft Entra tokens
 * for https://cnt-prod.loadtesting.azure.com: tests (PATCH merge-patch), their files (PUT octet-stream, GET for the
 * validation status), test runs (PATCH creates and starts one, GET, POST :stop). Errors are Azure.Core error
 * responses ({error: {code, message}}) and become StepErrors naming the operation and the service's message;
 * 429 and 5xx answers and network failures are retried a few times.
 */
import { StepError } from '../core/errors';
import { abortableSleep } from '../core/sleep';

export const DATA_PLANE_API_VERSION = '2022-11-01';
export const LOAD_TESTING_AUDIENCE = 'https://cnt-prod.loadtesting.azure.com';

type Json = Record<string, unknown>;

export interface FileInfo {
  fileName?: string;
  url?: string;
  fileType?: string;
  validationStatus?: string;
  validationFailureDetails?: string;
}

export interface TestRunStatistics {
  transaction?: string;
  sampleCount?: number;
  errorCount?: number;
  errorPct?: number;
  meanResTime?: number;
  medianResTime?: number;
  maxResTime?: number;
  minResTime?: number;
  /** 90th, 95th, 99th percentile (2022-11-01); later api-versions name them pct90ResTime… */
  pct1ResTime?: number;
  pct2ResTime?: number;
  pct3ResTime?: number;
  pct90ResTime?: number;
  pct95ResTime?: number;
  pct99ResTime?: number;
  throughput?: number;
  receivedKBytesPerSec?: number;
  sentKBytesPerSec?: number;
}

export interface TestRun {
  testRunId: string;
  testId?: string;
  status?: string;
  testResult?: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
  portalUrl?: string;
  virtualUsers?: number;
  duration?: number;
  errorDetails?: { message?: string }[];
  testRunStatistics?: Record<string, TestRunStatistics>;
  passFailCriteria?: { passFailMetrics?: Record<string, { result?: string; actualValue?: number }> };
}

export interface LoadTestingClientOptions {
  /** The resource's properties.dataPlaneURI (a host, with a path for the emulator; no scheme) */
  dataPlaneUri: string;
  /** A Microsoft Entra token for LOAD_TESTING_AUDIENCE */
  token: () => Promise<string>;
  signal?: AbortSignal;
  /** Test seam; default global fetch */
  fetch?: typeof fetch;
}

const RETRIES = 3;

export class LoadTestingClient {
  readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: LoadTestingClientOptions) {
    const uri = o.dataPlaneUri.trim().replace(/\/+$/, '');
    this.base = /^https:\/\//i.test(uri) ? uri : `https://${uri.replace(/^[a-z]+:\/\//i, '')}`;
    // The URI comes from the service's reply and receives an Entra token: a plain https origin (and path), nothing else.
    let parsed: URL | undefined;
    try {
      parsed = new URL(this.base);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.search || parsed.hash || !parsed.hostname) {
      throw new Error(`the load testing resource reports an unusable data plane URI '${o.dataPlaneUri}'`);
    }
    this.doFetch = o.fetch ?? fetch;
  }

  url(path: string, query: Record<string, string> = {}): string {
    return `${this.base}${path}?${new URLSearchParams({ 'api-version': DATA_PLANE_API_VERSION, ...query }).toString()}`;
  }

  /** One call; `allow404` gives undefined for a 404. */
  async call<T>(operation: string, method: string, path: string, opts: { body?: unknown; raw?: string; query?: Record<string, string>; allow404?: boolean; signal?: AbortSignal } = {}): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${await this.o.token()}` };
    let body: string | undefined;
    if (opts.raw !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      body = opts.raw;
    } else if (opts.body !== undefined) {
      headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      body = JSON.stringify(opts.body);
    }
    const signal = opts.signal ?? this.o.signal;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.doFetch(this.url(path, opts.query), { method, headers, ...(body !== undefined ? { body } : {}), ...(signal ? { signal } : {}) });
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        if (attempt < RETRIES) {
          await abortableSleep(500 * 2 ** attempt, signal);
          continue;
        }
        throw new StepError('service', `Azure Load Testing: ${operation} failed: ${(e as Error).message}`);
      }
      const text = await res.text();
      if ((res.status === 429 || res.status >= 500) && attempt < RETRIES) {
        const after = Number(res.headers.get('retry-after'));
        await abortableSleep(Number.isFinite(after) && after > 0 ? Math.min(after, 30) * 1000 : 500 * 2 ** attempt, signal);
        continue;
      }
      if (res.status === 404 && opts.allow404) return undefined;
      if (res.status < 200 || res.status >= 300) throw serviceError(operation, res.status, text, res.headers.get('x-ms-error-code'));
      return (text.trim() ? JSON.parse(text) : undefined) as T;
    }
  }

  getTest(testId: string): Promise<Json | undefined> {
    return this.call<Json>(`get test '${testId}'`, 'GET', `/tests/${encodeURIComponent(testId)}`, { allow404: true });
  }

  async createOrUpdateTest(testId: string, body: Json): Promise<Json> {
    return (await this.call<Json>(`create or update test '${testId}'`, 'PATCH', `/tests/${encodeURIComponent(testId)}`, { body })) ?? {};
  }

  async uploadFile(testId: string, fileName: string, content: string, fileType: 'JMX_FILE'): Promise<FileInfo> {
    return (await this.call<FileInfo>(`upload ${fileName} to test '${testId}'`, 'PUT', `/tests/${encodeURIComponent(testId)}/files/${encodeURIComponent(fileName)}`, { raw: content, query: { fileType } })) ?? {};
  }

  async getFile(testId: string, fileName: string): Promise<FileInfo> {
    return (await this.call<FileInfo>(`get file ${fileName} of test '${testId}'`, 'GET', `/tests/${encodeURIComponent(testId)}/files/${encodeURIComponent(fileName)}`)) ?? {};
  }

  async startTestRun(testRunId: string, body: Json): Promise<TestRun> {
    return (await this.call<TestRun>(`start test run '${testRunId}'`, 'PATCH', `/test-runs/${encodeURIComponent(testRunId)}`, { body })) ?? { testRunId };
  }

  async getTestRun(testRunId: string): Promise<TestRun> {
    return (await this.call<TestRun>(`get test run '${testRunId}'`, 'GET', `/test-runs/${encodeURIComponent(testRunId)}`)) ?? { testRunId };
  }

  /** Stop a run (own short deadline: it is sent when the step's signal has already aborted). */
  async stopTestRun(testRunId: string): Promise<TestRun | undefined> {
    return this.call<TestRun>(`stop test run '${testRunId}'`, 'POST', `/test-runs/${encodeURIComponent(testRunId)}:stop`, { signal: AbortSignal.timeout(15_000) });
  }
}

function serviceError(operation: string, status: number, text: string, code: string | null): StepError {
  let message = text.trim().slice(0, 500);
  let errCode = code ?? undefined;
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e?.message) message = e.message;
    if (e?.code) errCode = e.code;
  } catch {
    // not JSON: the text as it came
  }
  const kind = status === 404 ? 'not-found' : status === 401 || status === 403 ? 'auth' : 'service';
  return new StepError(kind, `Azure Load Testing: ${operation} answered ${status}${errCode ? ` ${errCode}` : ''}: ${message || '(no message)'}`, {
    ...(status === 403 ? { hint: "The signed-in principal needs the 'Load Test Contributor' role on the load testing resource." } : {}),
  });
}
