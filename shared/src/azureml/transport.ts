/**
 * Raw ARM requests for operations the SDK lacks, sent through the SDK client's own pipeline (same credential,
 * retry policy, user agent, logging). Responses are returned as parsed JSON exactly as the service sent them.
 */
import type { ServiceClient } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, type HttpHeaders } from '@azure/core-rest-pipeline';
import { classifyResponse, toStepError, type FailureContext } from './errors';
import { retriesOf, setRequestDeadline } from './retry';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

export interface ArmResponse {
  status: number;
  headers: HttpHeaders;
  /** Parsed JSON body; undefined when empty or not JSON */
  body: unknown;
  text?: string;
  /** Retries the pipeline spent on this request */
  retries: number;
}

export interface ArmRequest {
  method: HttpMethod;
  /** Absolute URL (polling URLs are used exactly as received) */
  url: string;
  body?: unknown;
  /** Stop retrying at this epoch-ms */
  deadline?: number;
}

export function parseJson(text: string | undefined | null): unknown {
  if (!text || !text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class ArmTransport {
  constructor(
    private readonly client: ServiceClient,
    private readonly endpoint: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** `${endpoint}${path}?api-version=…&…` with query values encoded. */
  url(path: string, apiVersion: string, query: Record<string, string | number | boolean | undefined> = {}): string {
    const params = new URLSearchParams({ 'api-version': apiVersion });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return `${this.endpoint}${path}?${params.toString()}`;
  }

  /** Send one request; network failures and aborts (after retries) become StepErrors. */
  async send(req: ArmRequest, ctx: FailureContext): Promise<ArmResponse> {
    const request = createPipelineRequest({
      url: req.url,
      method: req.method,
      headers: createHttpHeaders({ Accept: 'application/json' }),
      abortSignal: this.signal,
    });
    if (req.body !== undefined) {
      request.headers.set('Content-Type', 'application/json');
      request.body = JSON.stringify(req.body);
    }
    if (req.deadline !== undefined) setRequestDeadline(request, req.deadline);
    try {
      const res = await this.client.sendRequest(request);
      return {
        status: res.status,
        headers: res.headers,
        body: parseJson(res.bodyAsText),
        text: res.bodyAsText ?? undefined,
        retries: retriesOf(res),
      };
    } catch (e) {
      throw toStepError(e, { ...ctx, retries: retriesOf(e) });
    }
  }

  /** Send and require a 2xx (or one of `ok`); anything else becomes a classified StepError. */
  async expect(req: ArmRequest, ctx: FailureContext, ok?: number[]): Promise<ArmResponse> {
    const res = await this.send(req, ctx);
    const good = ok ? ok.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!good) throw classifyResponse(res.status, res.text, { ...ctx, retries: res.retries });
    return res;
  }
}
