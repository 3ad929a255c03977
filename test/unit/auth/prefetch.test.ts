import { TOKEN_EXCHANGE_AUDIENCE, type AuthConfig } from '../../../shared/src/auth/config';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { PREFETCH_MAX_AGE_MS, prefetchAccessToken, prefetchSignIn } from '../../../shared/src/auth/prefetch';

function oidc(getIdToken: (audience: string) => Promise<string>): AuthConfig {
  return { type: 'github-oidc', tenantId: 't', clientId: 'c', getIdToken };
}

describe('prefetchSignIn', () => {
  test('requests the exchange ID token at once and hands it to the first assertion only', async () => {
    const asked: string[] = [];
    let n = 0;
    const config = prefetchSignIn(oidc(async (aud) => (asked.push(aud), `token-${++n}`)));
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual([TOKEN_EXCHANGE_AUDIENCE]);
    if (config.type !== 'github-oidc') throw new Error('type changed');
    expect(await config.getIdToken(TOKEN_EXCHANGE_AUDIENCE)).toBe('token-1');
    expect(await config.getIdToken(TOKEN_EXCHANGE_AUDIENCE)).toBe('token-2');
    expect(asked).toHaveLength(2);
  });

  test('a stale prefetched token is dropped for a fresh one', async () => {
    let clock = 0;
    let n = 0;
    const config = prefetchSignIn(oidc(async () => `token-${++n}`), () => clock);
    clock = PREFETCH_MAX_AGE_MS + 1;
    if (config.type !== 'github-oidc') throw new Error('type changed');
    expect(await config.getIdToken(TOKEN_EXCHANGE_AUDIENCE)).toBe('token-2');
  });

  test('a failed prefetch fails the first assertion with its error, unobserved until then', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const config = prefetchSignIn(oidc(async () => Promise.reject(new Error('HTTP 403'))));
      await new Promise((r) => setImmediate(r));
      expect(unhandled).not.toHaveBeenCalled();
      if (config.type !== 'github-oidc') throw new Error('type changed');
      await expect(config.getIdToken(TOKEN_EXCHANGE_AUDIENCE)).rejects.toThrow('HTTP 403');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  test('Azure DevOps: the service connection OIDC token is requested at once and serves the first assertion only', async () => {
    let n = 0;
    let clock = 0;
    const config = prefetchSignIn(
      { type: 'ado-workload-identity', tenantId: 't', clientId: 'c', serviceConnectionId: 'sc', systemAccessToken: 'sys', oidcRequestUri: 'https://o', getOidcToken: async () => `oidc-${++n}` },
      () => clock,
    );
    expect(n).toBe(1);
    if (config.type !== 'ado-workload-identity' || !config.getOidcToken) throw new Error('type changed');
    expect(await config.getOidcToken()).toBe('oidc-1');
    expect(await config.getOidcToken()).toBe('oidc-2');
    expect(n).toBe(2);
    const stale = prefetchSignIn({ ...config, getOidcToken: async () => `late-${++n}` }, () => clock);
    clock = PREFETCH_MAX_AGE_MS + 1;
    if (stale.type !== 'ado-workload-identity' || !stale.getOidcToken) throw new Error('type changed');
    expect(await stale.getOidcToken()).toBe('late-4');
  });

  test('other sign-in kinds are left as they are', () => {
    const sp: AuthConfig = { type: 'service-principal-secret', tenantId: 't', clientId: 'c', clientSecret: 's' };
    expect(prefetchSignIn(sp)).toBe(sp);
  });
});

/** A credential that answers token-<n> and records every getToken call. */
function countingCredential(fail?: Error): TokenCredential & { calls: { scopes: string | string[]; options?: GetTokenOptions }[] } {
  const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = [];
  return {
    calls,
    async getToken(scopes, options): Promise<AccessToken> {
      calls.push({ scopes, options });
      if (fail) throw fail;
      return { token: `token-${calls.length}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const ARM = 'https://management.azure.com/.default';
/** What @azure/core-rest-pipeline's bearer policy passes. */
const POLICY = { enableCae: true, abortSignal: new AbortController().signal };

describe('prefetchAccessToken', () => {
  test('asks for the ARM token at once (as the bearer policy would) and hands it to the first such request only', async () => {
    const inner = countingCredential();
    const signal = new AbortController().signal;
    const credential = prefetchAccessToken(inner, ARM, signal);
    expect(inner.calls).toEqual([{ scopes: ARM, options: { enableCae: true, abortSignal: signal } }]);
    expect((await credential.getToken([ARM], POLICY))?.token).toBe('token-1');
    expect(inner.calls).toHaveLength(1);
    expect((await credential.getToken(ARM, POLICY))?.token).toBe('token-2');
    expect(inner.calls).toHaveLength(2);
  });

  test('a request for another scope, with claims, another tenant or without CAE goes to the credential', async () => {
    const inner = countingCredential();
    const credential = prefetchAccessToken(inner, ARM);
    for (const [scopes, options] of [
      ['https://ml.azure.com/.default', POLICY],
      [ARM, { ...POLICY, claims: 'e30=' }],
      [ARM, { ...POLICY, tenantId: 'other' }],
      [ARM, {}],
      [ARM, undefined],
    ] as const) {
      const before = inner.calls.length;
      expect((await credential.getToken(scopes, options))?.token).toBe(`token-${before + 1}`);
    }
    // The prefetched one is still there for the bearer policy.
    expect((await credential.getToken(ARM, POLICY))?.token).toBe('token-1');
  });

  test('a stale prefetch is not handed out', async () => {
    let clock = 0;
    const inner = countingCredential();
    const credential = prefetchAccessToken(inner, ARM, undefined, () => clock);
    clock = PREFETCH_MAX_AGE_MS + 1;
    expect((await credential.getToken(ARM, POLICY))?.token).toBe('token-2');
  });

  test("a failed prefetch fails the first request with the credential's error, unobserved until then", async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const credential = prefetchAccessToken(countingCredential(new Error('AADSTS7000215: invalid secret')), ARM);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(credential.getToken(ARM, POLICY)).rejects.toThrow('AADSTS7000215');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
