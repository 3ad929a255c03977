/**
 * Start signing in before the libraries that sign in are loaded. For GitHub OIDC the first thing MSAL will ask
 * for is an ID token for the token-exchange audience; it is requested as soon as the inputs are known to be valid,
 * so the request is in flight while @azure/identity and the ARM SDK are compiled, and ClientAssertionCredential's
 * getAssertion callback (its documented way to supply an assertion) receives it when MSAL first asks.
 *
 * The prefetched token serves that first assertion only, and only while it is fresh; every later assertion is a
 * new request, as before. A failed prefetch fails that first assertion with the same error the request would have
 * produced then (the credential translates it as usual); nothing is reported if the step never gets that far.
 */
import { type AuthConfig, TOKEN_EXCHANGE_AUDIENCE } from './config';

/** Past this age a prefetched ID token is not used (GitHub's last several minutes; MSAL may ask much later). */
export const PREFETCH_MAX_AGE_MS = 60_000;

export function prefetchSignIn(config: AuthConfig, now: () => number = Date.now): AuthConfig {
  if (config.type !== 'github-oidc') return config;
  const live = config.getIdToken;
  const fetchedAt = now();
  let early: Promise<string> | undefined;
  try {
    early = live(TOKEN_EXCHANGE_AUDIENCE);
  } catch (e) {
    early = Promise.reject(e);
  }
  // Observed here; the outcome is delivered (or dropped) below.
  early.catch(() => undefined);
  return {
    ...config,
    getIdToken: (audience) => {
      const prefetched = early;
      early = undefined;
      if (prefetched && audience === TOKEN_EXCHANGE_AUDIENCE && now() - fetchedAt <= PREFETCH_MAX_AGE_MS) return prefetched;
      return live(audience);
    },
  };
}
