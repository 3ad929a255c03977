/**
 * The HTTP client every credential is built with: sends through @azure/core-rest-pipeline's default client as
 * usual and records each attempt (host, status or connection failure) in the sign-in's log (./sign-in-attempts).
 * A GET of the URL `prefetched` names (the tenant's OpenID metadata) is answered from that request once, when it
 * answered 200; otherwise it is sent as usual.
 * Loaded with the credential, not before the first request.
 */
import { createDefaultHttpClient, createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describeNetworkFailure } from '../core/network-error';
import type { PrefetchedGet } from './prefetch';
import { currentAttemptLog } from './sign-in-attempts';

function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const hostOf = (url: string): string => parsed(url)?.host ?? 'the sign-in service';

/** `p`'s value, or undefined when it fails or `signal` aborts first (the step's deadline bounds the wait). */
function unlessAborted<T>(p: Promise<T>, signal: PipelineRequest['abortSignal']): Promise<T | undefined> {
  if (signal?.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (v: T | undefined): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    p.then(settle, () => settle(undefined));
  });
}

/** The prefetched answer to `request`, or undefined (not that URL, already used, stale, failed, not 200). */
async function answered(request: PipelineRequest, prefetched: PrefetchedGet | undefined): Promise<PipelineResponse | undefined> {
  if (!prefetched || request.method !== 'GET' || request.url !== prefetched.url) return undefined;
  const early = prefetched.take();
  const answer = early && (await unlessAborted(early, request.abortSignal));
  if (answer?.status !== 200) return undefined;
  return { request, status: answer.status, headers: createHttpHeaders(answer.headers), bodyAsText: answer.body };
}

export function recordingHttpClient(inner: HttpClient = createDefaultHttpClient(), prefetched?: PrefetchedGet): HttpClient {
  const prefetchOrigin = prefetched && parsed(prefetched.url)?.origin;
  return {
    async sendRequest(request) {
      const log = currentAttemptLog();
      const early = await answered(request, prefetched);
      if (early) {
        log?.push({ host: hostOf(request.url), status: early.status });
        return early;
      }
      // The rest of the sign-in to that origin (the token request) goes out on the early GET's connection, unless
      // the request asks for a connection of its own (an agent, TLS settings, no keep-alive).
      if (prefetched && !request.agent && !request.tlsSettings && !request.disableKeepAlive && parsed(request.url)?.origin === prefetchOrigin) {
        request.agent = prefetched.agent;
      }
      try {
        const response = await inner.sendRequest(request);
        log?.push({ host: hostOf(request.url), status: response.status });
        return response;
      } catch (e) {
        const failure = describeNetworkFailure(e, request.url);
        if (failure) log?.push({ host: hostOf(request.url), failure });
        throw e;
      }
    },
  };
}
