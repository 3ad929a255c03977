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
 * Start `fetch` now; the returned function hands its promise out once, while it is at most PREFETCH_MAX_AGE_MS old,
 * and undefined after that (the caller then makes a new request).
 */
function once(fetch: () => Promise<string>, now: () => number): () => Promise<string> | undefined {
  const fetchedAt = now();
  let early: Promise<string> | undefined;
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
