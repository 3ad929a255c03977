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
import { adoOidcRequestOf, fetchAdoOidcToken, type AdoOidcRetry } from './ado-oidc-token';
import { type AuthConfig, TOKEN_EXCHANGE_AUDIENCE } from './config';

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
