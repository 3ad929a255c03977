/**
 * Sign-in failures say what happened: transient identity-service answers (5xx, 429, dropped connections) are
 * retried and then reported with the host and the number of attempts; an unresolvable or refusing host is named;
 * no message carries "[object Object]".
 */
import { StepError } from '../../../shared/src/core/errors';
import { silentLogger } from '../../../shared/src/core/logger';
import { createCredential } from '../../../shared/src/auth/credential';
import { translateCredentialError } from '../../../shared/src/auth/credential-errors';
import { signInFailureFromAttempts, type SignInAttempt } from '../../../shared/src/auth/sign-in-attempts';
import { freePort } from '../../../shared/emulator/src/ports';
import { CLIENT, FakeEntra, issueToken, TENANT } from './fake-entra';

const ARM_SCOPE = 'https://management.azure.com/.default';
const WHO = 'service principal x';

describe('signInFailureFromAttempts', () => {
  const s500 = (host = 'login.example:443'): SignInAttempt => ({ host, status: 500 });
  test('trailing 5xx at one host: transient, with host, status and the count of those attempts', () => {
    const e = signInFailureFromAttempts([{ host: 'login.example:443', status: 200 }, s500(), s500(), s500()], WHO)!;
    expect(e.kind).toBe('transient');
    expect(e.status).toBe(500);
    expect(e.message).toBe('sign-in of service principal x failed: the sign-in service at login.example:443 did not respond (HTTP 500 after 3 attempts)');
  });
  test('429 and dropped connections count too; one attempt is singular', () => {
    expect(signInFailureFromAttempts([{ host: 'h', status: 429 }], WHO)!.message).toMatch(/\(HTTP 429 after 1 attempt\)$/);
    const dropped: SignInAttempt = { host: 'h', failure: { kind: 'dropped', code: 'ECONNRESET', where: 'h', text: 'x' } };
    expect(signInFailureFromAttempts([dropped, dropped], WHO)!.message).toMatch(/\(connection dropped after 2 attempts\)$/);
  });
  test('DNS and refused connections are network errors naming the host', () => {
    const dns: SignInAttempt = { host: 'nowhere.invalid', failure: { kind: 'dns', code: 'ENOTFOUND', where: 'nowhere.invalid', text: "the host 'nowhere.invalid' could not be resolved (ENOTFOUND: no such host)" } };
    const e = signInFailureFromAttempts([dns], WHO)!;
    expect(e.kind).toBe('network');
    expect(e.message).toContain("the host 'nowhere.invalid' could not be resolved");
  });
  test('a last answer that is not transient (400, 401, 200) is left to the identity error', () => {
    expect(signInFailureFromAttempts([s500(), { host: 'h', status: 401 }], WHO)).toBeUndefined();
    expect(signInFailureFromAttempts([], WHO)).toBeUndefined();
  });
});

describe('translateCredentialError never shows [object Object]', () => {
  test('an MSAL-style error whose code is an object', () => {
    const msal = Object.assign(new Error('[object Object]: Error(s): Not Available - Timestamp: Not Available'), { errorCode: { nested: 1 } });
    const e = translateCredentialError(msal, { who: WHO, secrets: [] });
    expect(e.message).not.toContain('[object Object]');
    expect(e.message).toMatch(/^sign-in of service principal x failed: Error\(s\): Not Available/);
  });
  test('a thrown plain object or string', () => {
    expect(translateCredentialError({ error: { code: 'E1', message: 'odd' } }, { who: WHO, secrets: [] }).message).toBe('sign-in of service principal x failed: E1: odd');
    expect(translateCredentialError({ a: { b: 1 } }, { who: WHO, secrets: [] }).message).not.toContain('[object Object]');
  });
  test('with transient attempts, the attempts are what is reported', () => {
    const msal = new Error('[object Object]: Error(s): Not Available');
    const e = translateCredentialError(msal, { who: WHO, secrets: [], attempts: [{ host: 'h:1', status: 503 }, { host: 'h:1', status: 503 }] });
    expect(e).toMatchObject({ kind: 'transient', status: 503 });
    expect(e.message).toBe('sign-in of service principal x failed: the sign-in service at h:1 did not respond (HTTP 503 after 2 attempts)');
  });
});

describe('createCredential against a failing local Entra', () => {
  let entra: FakeEntra;
  beforeAll(async () => {
    entra = await FakeEntra.start();
  });
  afterAll(() => entra.close());
  beforeEach(() => {
    entra.tokenRequests.length = 0;
    entra.tokenHandler = issueToken;
  });
  const credential = (cloud = entra.cloud()) =>
    createCredential(
      { type: 'service-principal-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'sp-secret-value' },
      { cloud, onSecret: () => {}, logger: silentLogger, retry: { retryDelayInMs: 10 } },
    );
  const host = () => new URL(entra.base).host;

  test('a token endpoint answering 500 is retried (4 attempts), then reported with host and count', async () => {
    entra.tokenHandler = () => ({ status: 500, body: { error: { code: 'InternalServerError', message: 'down' } } });
    const err = (await credential().getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(entra.tokenRequests).toHaveLength(4);
    expect(err.kind).toBe('transient');
    expect(err.message).toBe(
      `sign-in of service principal ${CLIENT} with a client secret (tenant ${TENANT}) failed: the sign-in service at ${host()} did not respond (HTTP 500 after 4 attempts)`,
    );
    expect(err.message).not.toContain('[object Object]');
    expect(err.hint).toMatch(/temporarily unavailable/);
  });

  test('a 500 then a token: the retry succeeds and nothing is reported', async () => {
    let n = 0;
    entra.tokenHandler = () => (n++ === 0 ? { status: 500, body: { error: 'server_error', error_description: 'down' } } : issueToken());
    const token = await credential().getToken(ARM_SCOPE);
    expect(token?.token).toMatch(/^eyJ/);
    expect(entra.tokenRequests).toHaveLength(2);
  });

  test('429 (throttled) is transient too', async () => {
    entra.tokenHandler = () => ({ status: 429, headers: { 'Retry-After': '0' }, body: { error: 'temporarily_unavailable', error_description: 'slow down' } });
    const err = (await credential().getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/did not respond \(HTTP 429 after \d+ attempts\)$/);
  });

  test('a dropped connection at the token endpoint is retried and reported as dropped', async () => {
    entra.tokenHandler = (() => 'drop') as unknown as typeof entra.tokenHandler;
    const err = (await credential().getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(entra.tokenRequests.length).toBeGreaterThan(1);
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(new RegExp(`the sign-in service at ${host().replace(/\./g, '\\.')} did not respond \\(connection dropped after \\d+ attempts\\)$`));
  });

  test('an authority host that does not resolve is named', async () => {
    const err = (await credential({ ...entra.cloud(), authorityHost: 'https://login.nonexistent.invalid' }).getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err.kind).toBe('network');
    expect(err.message).toContain("the host 'login.nonexistent.invalid' could not be resolved");
    expect(err.message).not.toContain('[object Object]');
  });

  test('an authority nobody listens on is named with its port', async () => {
    const port = await freePort();
    const err = (await credential({ ...entra.cloud(), authorityHost: `https://127.0.0.1:${port}` }).getToken(ARM_SCOPE).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('network');
    expect(err.message).toContain(`nothing accepted the connection to 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
