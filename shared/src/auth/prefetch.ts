/**
 * Start signing in before the libraries that sign in are loaded. For federated sign-in the first thing MSAL will
 * ask for is the ID token it presents as client assertion: GitHub's ID token for the token-exchange audience, or
 * the Azure DevOps service connection's OIDC token. It is requested as soon as the inputs are known to be valid,
 * so the request is in flight while @azure/identity and the ARM SDK are compiled, and ClientAssertionCredential's
 * getAssertion callback (its documented way to supply an assertion) receives it when MSAL first asks.
 *
 * The prefetched token serves that first assertion only, and only while it is fresh; every later assertion is a
 * new request, as before. A failed prefetch fails that first assertion with the same error the request would have
 * produced then (the credential translates it as usual); nothing is reported if the step never gets that far.
 * The token is not masked here: the credential masks every assertion before MSAL sees it, and until then it is
 * only held in a promise.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { Agent } from 'node:https';
import type { Socket } from 'node:net';
import { adoOidcRequestOf, fetchAdoOidcToken, type AdoOidcRetry } from './ado-oidc-token';
import { type AuthConfig, TOKEN_EXCHANGE_AUDIENCE } from './config';
import { behindProxy } from '../core/network-error';
import { smallRequest } from '../core/small-request';

/** Past this age a prefetched ID token is not used (GitHub's last several minutes; MSAL may ask much later). */
export const PREFETCH_MAX_AGE_MS = 60_000;

export function prefetchSignIn(config: AuthConfig, now: () => number = Date.now, retry?: AdoOidcRetry): AuthConfig {
  if (config.type === 'github-oidc') {
    const live = config.getIdToken;
    const first = once(() => live(TOKEN_EXCHANGE_AUDIENCE), now);
    return {
      ...config,
      getIdToken: (audience) => {
        const prefetched = first();
        return (audience === TOKEN_EXCHANGE_AUDIENCE && prefetched) || live(audience);
      },
    };
  }
  if (config.type === 'ado-workload-identity') {
    const request = adoOidcRequestOf(config);
    const live = config.getOidcToken ?? (() => fetchAdoOidcToken(request, retry));
    const first = once(live, now);
    return { ...config, getOidcToken: () => first() || live() };
  }
  return config;
}

/**
 * The same for the first access token: asked for as soon as the credential exists, so the sign-in (the token
 * exchange, a client secret's token request, a managed identity or `az` call) runs while the ARM SDK and the Azure
 * ML client are compiled, instead of after them at the first ARM request. The first getToken for `scope` that asks
 * as @azure/core-rest-pipeline's bearer policy does (CAE enabled, no claims, no other tenant) receives that
 * request's promise, while it is at most PREFETCH_MAX_AGE_MS old; every other call, and every later one, goes to
 * `credential` as before (whose token cache answers it). Errors are the credential's own, delivered to that caller.
 */
export function prefetchAccessToken(credential: TokenCredential, scope: string, signal?: AbortSignal, now: () => number = Date.now): TokenCredential {
  const first = once<AccessToken | null>(() => credential.getToken(scope, { enableCae: true, abortSignal: signal }), now);
  const sameRequest = (scopes: string | string[], options?: GetTokenOptions): boolean =>
    [scopes].flat().join(' ') === scope && options?.enableCae === true && !options.claims && !options.tenantId;
  return {
    getToken: (scopes, options) => (sameRequest(scopes, options) && first()) || credential.getToken(scopes, options),
  };
}

/** A public GET answered ahead of time: `take` hands out its answer once, while fresh (see prefetchAuthorityMetadata). */
export interface PrefetchedGet {
  url: string;
  take(): Promise<PrefetchedAnswer> | undefined;
  /**
   * The keep-alive agent the GET went out on: MSAL's next requests to the same origin (the token request) are sent
   * on it, so they reuse its TLS connection instead of opening one more to Entra. Its idle sockets never keep the
   * process alive (Node unrefs a kept-alive socket).
   */
  agent: Agent;
}

export interface PrefetchedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The sign-ins whose first request MSAL makes is the tenant's OpenID metadata (managed identity and `az` do not). */
const MSAL_SIGN_INS = new Set<AuthConfig['type']>(['github-oidc', 'ado-workload-identity', 'service-principal-secret', 'service-principal-certificate']);
const METADATA_LIMIT_BYTES = 1024 * 1024;
const METADATA_TIMEOUT_MS = 10_000;

/** The URL MSAL reads a tenant's metadata from: `<authority host>/<tenant>/v2.0/.well-known/openid-configuration`. */
export function authorityMetadataUrl(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
}

/**
 * MSAL's first request for a tenant is its OpenID metadata: public, the same for every client, no secret in it. It
 * is requested here as soon as the inputs are valid, so that a client secret or certificate sign-in (which has no ID
 * token to fetch first) has a request in flight while @azure/identity and MSAL load, and a federated one has the
 * metadata by the time MSAL asks. The credential's HTTP client (identity's documented `httpClient` option, see
 * recording-http-client.ts) answers MSAL's GET of exactly this URL from it, once, while PREFETCH_MAX_AGE_MS fresh;
 * a failure or a status other than 200 is dropped and MSAL makes its own request as before (its errors are the
 * usual ones). Not done behind a proxy (the pipeline's proxy policy applies to MSAL's own request). MSAL's later
 * requests to that origin (the token request) are sent on the same keep-alive agent, reusing its TLS connection.
 */
export function prefetchAuthorityMetadata(
  config: AuthConfig,
  authorityHost: string,
  env: NodeJS.ProcessEnv = process.env,
  now: () => number = Date.now,
): PrefetchedGet | undefined {
  if (!MSAL_SIGN_INS.has(config.type) || !('tenantId' in config) || !config.tenantId) return undefined;
  if (behindProxy(env)) return undefined;
  const url = authorityMetadataUrl(authorityHost, config.tenantId);
  if (!url.startsWith('https://')) return undefined;
  // Until MSAL takes the answer the request never keeps the process alive (a step that fails before signing in
  // does not wait for it); once taken, it is awaited like any request. Answered, the socket waits in the agent's
  // pool for the token request, unref'd by Node while idle, so it never holds the process open either.
  let socket: Socket | undefined;
  let taken = false;
  let answered = false;
  const agent = new Agent({ keepAlive: true });
  const early = once(() => {
    const p = getPublic(url, agent, (s) => {
      socket = s;
      if (!taken) s.unref();
    });
    p.then(() => (answered = true), () => (answered = true));
    return p;
  }, now);
  return {
    url,
    agent,
    take: () => {
      const answer = early();
      if (answer && !taken) {
        taken = true;
        if (!answered) socket?.ref();
      }
      return answer;
    },
  };
}

async function getPublic(url: string, agent: Agent, onSocket: (s: Socket) => void): Promise<PrefetchedAnswer> {
  const answer = await smallRequest(url, { method: 'GET', agent, headers: { accept: 'application/json' }, timeout: METADATA_TIMEOUT_MS }, { maxBytes: METADATA_LIMIT_BYTES, oversize: 'fail', onSocket });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: answer.status, headers, body: answer.body };
}

/**
 * Start `fetch` now; the returned function hands its promise out once, while it is at most PREFETCH_MAX_AGE_MS old,
 * and undefined after that (the caller then makes a new request).
 */
function once<T>(fetch: () => Promise<T>, now: () => number): () => Promise<T> | undefined {
  const fetchedAt = now();
  let early: Promise<T> | undefined;
  try {
    early = fetch();
  } catch (e) {
    early = Promise.reject(e);
  }
  // Observed here; the outcome is delivered (or dropped) below.
  early.catch(() => undefined);
  return () => {
    const prefetched = early;
    early = undefined;
    return prefetched && now() - fetchedAt <= PREFETCH_MAX_AGE_MS ? prefetched : undefined;
  };
}
