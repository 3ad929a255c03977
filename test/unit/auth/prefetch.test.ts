import { TOKEN_EXCHANGE_AUDIENCE, type AuthConfig } from '../../../shared/src/auth/config';
import { PREFETCH_MAX_AGE_MS, prefetchSignIn } from '../../../shared/src/auth/prefetch';

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
