/**
 * What every Azure ML operation family goes through: one SDK pipeline (credential, retries, user agent), raw
 * requests at `apiVersion` on the same pipeline, LRO polling, and the service's errors turned into StepErrors.
 * The families (client.ts: workspaces, datastores, models, registries; online.ts; schedules.ts) are thin on top.
 */
import type { FullOperationResponse, OperationOptions } from '@azure/core-client';
import { StepError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CloudEndpoints } from '../auth/clouds';
import { checkApiVersion, DEFAULT_API_VERSION } from './api-version';
import { classifyResponse, isParentMissing, toStepError, type FailureContext } from './errors';
import { pollLro, pollIntervalMs, type FinalStateVia, type LroResult } from './lro';
import { DEFAULT_RETRY_OPTIONS, retriesOf, type RetryOptions } from './retry';
import { createSdkClient, type SdkClient } from './sdk-client';
import { parseServiceError } from './service-error';
import { ArmTransport, parseJson, type HttpMethod } from './transport';
import { droppedPaths } from './wire-fields';
import type { AzureMlClientOptions } from './client';

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const MAX_PAGES = 100;

export class ArmCore {
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly sdk: SdkClient;
  readonly transport: ArmTransport;
  /** The subscription every ARM path of this client is in */
  readonly subscriptionId: string;
  readonly cloud: CloudEndpoints;
  readonly options: AzureMlClientOptions;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onSecret?: (value: string) => void;
  readonly pollSchedule: (elapsedMs: number) => number;
  readonly progressIntervalMs?: number;


  constructor(opts: AzureMlClientOptions) {
    this.apiVersion = checkApiVersion(opts.apiVersion?.trim() || DEFAULT_API_VERSION);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.options = opts;
    this.cloud = opts.cloud;
    this.logger = opts.logger;
    this.signal = opts.signal;
    this.subscriptionId = opts.subscriptionId;
    this.onSecret = opts.onSecret;
    this.pollSchedule = opts.pollSchedule ?? pollIntervalMs;
    this.progressIntervalMs = opts.progressIntervalMs;
    const retry: RetryOptions = {
      ...DEFAULT_RETRY_OPTIONS,
      conflictWindowMs: Math.min(DEFAULT_RETRY_OPTIONS.conflictWindowMs, this.timeoutMs),
      maxElapsedMs: this.timeoutMs,
      ...(opts.requestTimeoutMs ? { attemptTimeoutMs: opts.requestTimeoutMs } : {}),
      ...opts.retry,
    };
    this.sdk = createSdkClient({
      credential: opts.credential,
      cloud: opts.cloud,
      subscriptionId: opts.subscriptionId,
      logger: opts.logger,
      retry,
      userAgent: opts.userAgent,
      agent: opts.agent,
    });
    this.transport = new ArmTransport(this.sdk.sdk, opts.cloud.resourceManager, opts.signal);
  }


  deadline(): number {
    return Date.now() + this.timeoutMs;
  }

  baseOptions(): OperationOptions {
    return { abortSignal: this.signal };
  }

  async fieldsSdkWouldDrop(
    body: unknown,
    call: (options: OperationOptions) => Promise<unknown>,
  ): Promise<string[]> {
    try {
      const serialized = await this.sdk.serializeOnly(call);
      return droppedPaths(body, serialized);
    } catch (e) {
      // The SDK's serializer rejects what its contract does not allow; the service will judge it instead.
      return [`(the SDK serializer rejected the body: ${(e as Error).message})`];
    }
  }

  /** Run an SDK operation and return the service's raw JSON body (SDK deserialization drops unknown fields). */
  async sdkCall(
    ctx: FailureContext,
    call: (options: OperationOptions) => Promise<unknown>,
    opts: { absentOn404?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    let raw: FullOperationResponse | undefined;
    const options: OperationOptions = {
      ...this.baseOptions(),
      onResponse: (r) => {
        raw = r;
      },
    };
    try {
      await call(options);
    } catch (e) {
      const response = (e as { response?: FullOperationResponse }).response;
      if (response && response.status >= 200 && response.status < 300) {
        // The SDK could not deserialize a successful body; the raw JSON is what we want anyway.
        return { status: response.status, body: parseJson(response.bodyAsText) };
      }
      if (opts.absentOn404 && response?.status === 404 && !isParentMissing(parseServiceError(response.bodyAsText))) {
        return { status: 404, body: undefined };
      }
      throw toStepError(e, { ...ctx, retries: retriesOf(response ?? e) });
    }
    if (!raw) throw new StepError('service', `${ctx.operation}: no response`);
    return { status: raw.status, body: parseJson(raw.bodyAsText) };
  }

  /** All items of an SDK list operation, from the raw pages. */
  async sdkList<T>(
    ctx: FailureContext,
    list: (options: OperationOptions) => { byPage(): AsyncIterableIterator<unknown[]> },
    opts: { absentOn404?: boolean; limit?: number } = {},
  ): Promise<T[]> {
    const items: T[] = [];
    const options: OperationOptions = {
      ...this.baseOptions(),
      onResponse: (r) => {
        const page = parseJson(r.bodyAsText) as { value?: T[] } | undefined;
        if (r.status >= 200 && r.status < 300 && Array.isArray(page?.value)) items.push(...page.value);
      },
    };
    try {
      for await (const _page of list(options).byPage()) {
        if (opts.limit !== undefined && items.length >= opts.limit) break;
      }
    } catch (e) {
      const response = (e as { response?: FullOperationResponse }).response;
      if (opts.absentOn404 && response?.status === 404 && !isParentMissing(parseServiceError(response.bodyAsText))) {
        return [];
      }
      if (!(response && response.status >= 200 && response.status < 300)) {
        throw toStepError(e, { ...ctx, retries: retriesOf(response ?? e) });
      }
    }
    return items;
  }

  /** GET at `apiVersion` (another provider's own when given); undefined when the resource (not its parent) does not exist. */
  async rawGet<T>(path: string, ctx: FailureContext, apiVersion = this.apiVersion): Promise<T | undefined> {
    const res = await this.transport.send(
      { method: 'GET', url: this.transport.url(path, apiVersion), deadline: this.deadline() },
      ctx,
    );
    if (res.status === 404 && !isParentMissing(parseServiceError(res.text))) return undefined;
    if (res.status >= 200 && res.status < 300) return res.body as T;
    throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
  }

  /** A POST that answers at once (listKeys, token, getLogs) at `apiVersion`; the body the service sent. */
  async rawPost<T>(path: string, body: unknown, ctx: FailureContext): Promise<T> {
    const res = await this.transport.send({ method: 'POST', url: this.transport.url(path, this.apiVersion), body, deadline: this.deadline() }, ctx);
    if (res.status >= 200 && res.status < 300) return res.body as T;
    throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
  }

  /** A raw list at `apiVersion` (another provider's own when given) under `path`, every page. */
  listAt<T>(path: string, ctx: FailureContext, limit?: number, apiVersion = this.apiVersion): Promise<T[]> {
    return this.rawList<T>(this.transport.url(path, apiVersion), ctx, limit);
  }

  /** Items of a raw list, following nextLink (used exactly as received) until `limit` items or the end. */
  async rawList<T>(firstUrl: string, ctx: FailureContext, limit?: number): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = firstUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.transport.send({ method: 'GET', url, deadline: this.deadline() }, ctx);
      if (res.status === 404 && page === 0 && !isParentMissing(parseServiceError(res.text))) return [];
      if (res.status < 200 || res.status >= 300) throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
      const body = res.body as { value?: T[]; nextLink?: string | null } | undefined;
      items.push(...(Array.isArray(body?.value) ? body.value : []));
      if (limit !== undefined && items.length >= limit) return items.slice(0, limit);
      url = typeof body?.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
    }
    return items;
  }

  /** Start an operation at `apiVersion` and follow it to the end. */
  async lro<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    ctx: FailureContext,
    finalStateVia?: FinalStateVia,
  ): Promise<LroResult<T>> {
    return this.lroAt(method, this.transport.url(path, this.apiVersion), body, ctx, finalStateVia);
  }

  /** Start an operation at an absolute URL and follow it to the end. */
  async lroAt<T>(
    method: HttpMethod,
    url: string,
    body: unknown,
    ctx: FailureContext,
    finalStateVia?: FinalStateVia,
  ): Promise<LroResult<T>> {
    const startedAt = Date.now();
    const deadline = startedAt + this.timeoutMs;
    const initial = await this.transport.send({ method, url, body, deadline }, ctx);
    if (method === 'DELETE' && initial.status === 404 && !isParentMissing(parseServiceError(initial.text))) {
      return { resource: undefined, initialStatus: 404, pollCount: 0, elapsedMs: Date.now() - startedAt };
    }
    if (initial.status < 200 || initial.status >= 300) {
      throw classifyResponse(initial.status, initial.text, { ...ctx, retries: initial.retries });
    }
    return pollLro<T>(
      { method, resourceUrl: url, initial, finalStateVia },
      {
        transport: this.transport,
        logger: this.logger,
        context: ctx,
        startedAt,
        deadline,
        signal: this.signal,
        progressIntervalMs: this.progressIntervalMs,
        schedule: this.pollSchedule,
      },
    );
  }
}
