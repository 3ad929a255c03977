/**
 * Build the TokenCredential for an AuthConfig. Every credential is wrapped so that each access token and each
 * ID token it obtains reaches `onSecret` (the host masks it) before anything else sees it, and so that its
 * failures surface as StepError('auth') with the AADSTS code and a hint.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import type { Logger } from '../core/logger';
import { StepError, isStepError } from '../core/errors';
import { adoOidcRequestOf, checkAdoOidcRequest, fetchAdoOidcToken } from './ado-oidc-token';
import { type CloudEndpoints, isPublicAuthority } from './clouds';
import { translateCredentialError } from './credential-errors';
import type { PrefetchedGet } from './prefetch';
import { recordingHttpClient } from './recording-http-client';
import { withAttemptLog } from './sign-in-attempts';
import { type AuthConfig, describeAuth, TOKEN_EXCHANGE_AUDIENCE } from './config';

export { describeAuth, TOKEN_EXCHANGE_AUDIENCE, type AuthConfig, type AuthType } from './config';

export interface CredentialOptions {
  cloud: CloudEndpoints;
  /** Called with every secret value (tokens, secrets) before it is used; hosts register it for masking. */
  onSecret(value: string): void;
  logger: Logger;
  /** Retries of the identity pipeline per token request (default 3, so 4 attempts) and its first backoff. */
  retry?: { maxRetries?: number; retryDelayInMs?: number };
  /** The tenant's OpenID metadata, requested before this module loaded (prefetch.ts); serves MSAL's first GET of it. */
  authorityMetadata?: PrefetchedGet;
}

/** Attempts per token request: @azure/identity's own default, stated so messages can count on it. */
const IDENTITY_MAX_RETRIES = 3;

/**
 * One sign-in's assertion and the StepError its callback failed with. MSAL rethrows whatever the callback threw as
 * AuthenticationRequiredError with its message only; the original keeps its kind (transient, network, input),
 * status and hint. MSAL also calls the callback twice per token request (for the request, then for the client
 * configuration, after authority discovery) and sends only the first: the second call gets the same assertion
 * instead of a second OIDC request on the way to the token request.
 */
interface SignInSlot {
  assertion?: Promise<string>;
  error?: StepError;
}
const signInSlot = new AsyncLocalStorage<SignInSlot>();

/** The assertion of the sign-in in progress: `get` once per sign-in, its StepError kept for the sign-in. */
function assertion(get: () => Promise<string>): Promise<string> {
  const slot = signInSlot.getStore();
  if (slot?.assertion) return slot.assertion;
  const pending = get().catch((e: unknown) => {
    if (slot && isStepError(e)) slot.error = e;
    throw e;
  });
  if (slot) slot.assertion = pending;
  return pending;
}

export function createCredential(config: AuthConfig, opts: CredentialOptions): TokenCredential {
  const secrets = new Set<string>();
  const remember = (v: string): void => {
    if (!v) return;
    secrets.add(v);
    opts.onSecret(v);
  };
  const who = describeAuth(config);
  const identityOptions: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
    authorityHost: opts.cloud.authorityHost,
    // One HTTP client for every request of every credential kind, recording what the endpoints answered.
    httpClient: recordingHttpClient(undefined, opts.authorityMetadata),
    retryOptions: { maxRetries: opts.retry?.maxRetries ?? IDENTITY_MAX_RETRIES, ...(opts.retry?.retryDelayInMs !== undefined ? { retryDelayInMs: opts.retry.retryDelayInMs } : {}) },
    ...(isPublicAuthority(opts.cloud) ? {} : { disableInstanceDiscovery: true }),
  };
  let inner: TokenCredential;
  try {
    inner = buildInner(config, identityOptions, remember, opts.retry);
  } catch (e) {
    throw translateCredentialError(e, { who, secrets });
  }
  opts.logger.debug(`Signing in as ${who} against ${opts.cloud.authorityHost}`);
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const slot: SignInSlot = {};
      const run = await signInSlot.run(slot, () => withAttemptLog(() => inner.getToken(scopes, options)));
      if (run.failed && slot.error && config.type === 'ado-workload-identity') throw slot.error;
      if (run.failed) throw translateCredentialError(run.error, { who, secrets, attempts: run.attempts });
      const token = run.result ?? null;
      if (!token) throw new StepError('auth', `${who} returned no token for ${String(scopes)}`);
      remember(token.token);
      return token;
    },
  };
}

function buildInner(
  config: AuthConfig,
  options: TokenCredentialOptions & { disableInstanceDiscovery?: boolean },
  remember: (v: string) => void,
  retry: CredentialOptions['retry'],
): TokenCredential {
  switch (config.type) {
    case 'github-oidc': {
      // Called by MSAL whenever it needs an assertion, so a long job never presents an expired ID token; one ID
      // token request per sign-in (MSAL's second call within a sign-in gets the same one).
      const getAssertion = (): Promise<string> =>
        assertion(async () => {
          const idToken = await config.getIdToken(TOKEN_EXCHANGE_AUDIENCE);
          remember(idToken);
          return idToken;
        });
      return new ClientAssertionCredential(config.tenantId, config.clientId, getAssertion, options);
    }
    case 'ado-workload-identity': {
      remember(config.systemAccessToken);
      // Still published for anything in the process that reads it from the environment (AzurePipelinesCredential did).
      if (!process.env.SYSTEM_OIDCREQUESTURI && config.oidcRequestUri) {
        process.env.SYSTEM_OIDCREQUESTURI = config.oidcRequestUri;
      }
      // AzurePipelinesCredential's own flow (its OIDC request, then ClientAssertionCredential), with the request made
      // by ado-oidc-token.ts so that the first one can start before @azure/identity is loaded (prefetch.ts).
      const request = adoOidcRequestOf(config);
      checkAdoOidcRequest(request);
      const fetchToken = config.getOidcToken ?? (() => fetchAdoOidcToken(request, retry));
      // Called by MSAL whenever it needs an assertion; the token is masked before MSAL sees it.
      const getAssertion = (): Promise<string> =>
        assertion(async () => {
          const oidcToken = await fetchToken();
          remember(oidcToken);
          return oidcToken;
        });
      return new ClientAssertionCredential(config.tenantId, config.clientId, getAssertion, options);
    }
    case 'service-principal-secret':
      remember(config.clientSecret);
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, options);
    case 'service-principal-certificate':
      if (config.certificate) {
        return new ClientCertificateCredential(
          config.tenantId,
          config.clientId,
          { certificate: config.certificate },
          options,
        );
      }
      if (config.certificatePath) {
        return new ClientCertificateCredential(
          config.tenantId,
          config.clientId,
          { certificatePath: config.certificatePath },
          options,
        );
      }
      throw new StepError('input', 'client-certificate is required for certificate sign-in', {
        input: 'client-certificate',
      });
    case 'managed-identity':
      return config.clientId
        ? new ManagedIdentityCredential({ ...options, clientId: config.clientId })
        : new ManagedIdentityCredential(options);
    case 'azure-cli':
      return new AzureCliCredential(config.tenantId ? { ...options, tenantId: config.tenantId } : options);
  }
}
