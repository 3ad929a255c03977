/**
 * Build the TokenCredential for an AuthConfig. Every credential is wrapped so that each access token and each
 * ID token it obtains reaches `onSecret` (the host masks it) before anything else sees it, and so that its
 * failures surface as StepError('auth') with the AADSTS code and a hint.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  AzureCliCredential,
  AzurePipelinesCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import type { Logger } from '../core/logger';
import { StepError } from '../core/errors';
import { type CloudEndpoints, isPublicAuthority } from './clouds';
import { translateCredentialError } from './credential-errors';
import { recordingHttpClient, withAttemptLog } from './sign-in-attempts';
import { type AuthConfig, describeAuth, TOKEN_EXCHANGE_AUDIENCE } from './config';

export { describeAuth, TOKEN_EXCHANGE_AUDIENCE, type AuthConfig, type AuthType } from './config';

export interface CredentialOptions {
  cloud: CloudEndpoints;
  /** Called with every secret value (tokens, secrets) before it is used; hosts register it for masking. */
  onSecret(value: string): void;
  logger: Logger;
  /** Retries of the identity pipeline per token request (default 3, so 4 attempts) and its first backoff. */
  retry?: { maxRetries?: number; retryDelayInMs?: number };
}

/** Attempts per token request: @azure/identity's own default, stated so messages can count on it. */
const IDENTITY_MAX_RETRIES = 3;

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
    httpClient: recordingHttpClient(),
    retryOptions: { maxRetries: opts.retry?.maxRetries ?? IDENTITY_MAX_RETRIES, ...(opts.retry?.retryDelayInMs !== undefined ? { retryDelayInMs: opts.retry.retryDelayInMs } : {}) },
    ...(isPublicAuthority(opts.cloud) ? {} : { disableInstanceDiscovery: true }),
  };
  let inner: TokenCredential;
  try {
    inner = buildInner(config, identityOptions, remember);
  } catch (e) {
    throw translateCredentialError(e, { who, secrets });
  }
  opts.logger.debug(`Signing in as ${who} against ${opts.cloud.authorityHost}`);
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const run = await withAttemptLog(() => inner.getToken(scopes, options));
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
): TokenCredential {
  switch (config.type) {
    case 'github-oidc': {
      // Called by MSAL whenever it needs an assertion, so a long job never presents an expired ID token.
      const getAssertion = async (): Promise<string> => {
        const idToken = await config.getIdToken(TOKEN_EXCHANGE_AUDIENCE);
        remember(idToken);
        return idToken;
      };
      return new ClientAssertionCredential(config.tenantId, config.clientId, getAssertion, options);
    }
    case 'ado-workload-identity': {
      remember(config.systemAccessToken);
      // AzurePipelinesCredential reads the OIDC request URI from the environment only.
      if (!process.env.SYSTEM_OIDCREQUESTURI && config.oidcRequestUri) {
        process.env.SYSTEM_OIDCREQUESTURI = config.oidcRequestUri;
      }
      return new AzurePipelinesCredential(
        config.tenantId,
        config.clientId,
        config.serviceConnectionId,
        config.systemAccessToken,
        options,
      );
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
