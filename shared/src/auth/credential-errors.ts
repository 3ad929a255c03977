/**
 * Turn @azure/identity failures into StepError('auth') messages a person can act on: the AADSTS code and
 * Entra's own description are kept, tokens and secrets never are, and a hint says what to check.
 */
import { StepError, isStepError } from '../core/errors';
import { describeError } from '../core/describe-error';
import { redact } from './redact';
import { signInFailureFromAttempts, type SignInAttempt } from './sign-in-attempts';

const HINTS: Record<string, string> = {
  '70021':
    "no federated credential on the app matches the token: the federated credential's subject must be " +
    "'repo:OWNER/REPO:ref:refs/heads/BRANCH' or 'repo:OWNER/REPO:environment:NAME' (GitHub), or " +
    "'sc://ORG/PROJECT/CONNECTION' (Azure DevOps), with issuer and audience 'api://AzureADTokenExchange' matching",
  '700213':
    "the federated credential's subject does not match the token: use 'repo:OWNER/REPO:ref:refs/heads/BRANCH' or " +
    "'repo:OWNER/REPO:environment:NAME' (GitHub), or 'sc://ORG/PROJECT/CONNECTION' (Azure DevOps)",
  '700211':
    "the federated credential's issuer does not match the token: GitHub uses 'https://token.actions.githubusercontent.com', " +
    "Azure DevOps 'https://vstoken.dev.azure.com/<organization id>'",
  '700212': "the federated credential's audience must be 'api://AzureADTokenExchange'",
  '70025': 'the app registration has no federated credentials: add one for this repository or service connection',
  '700024':
    'the ID token used as client assertion had expired before Entra received it; rerun, and check the runner clock',
  '7000215':
    "the client secret is wrong or expired: use the secret's VALUE (not its ID) and create a new one if it expired",
  '7000222': 'the client secret has expired: create a new one on the app registration and update the secret',
  '700016':
    'the client id or the tenant id is wrong: the application was not found in that tenant (check both, and the cloud)',
  '90002': 'the tenant id is wrong, or belongs to another cloud (check the cloud input)',
  '900023': 'the tenant id is not a valid tenant GUID or domain',
  '700027':
    "the certificate is not registered on the app (upload its public part under 'Certificates & secrets'), or the key does not match",
  '500011': 'the token audience does not exist in this tenant: check the cloud and arm-audience inputs',
  '53003': 'a Conditional Access policy blocked the sign-in; ask the tenant admin to exclude this workload identity',
  '7000112': 'the application is disabled in this tenant',
};

export interface CredentialErrorContext {
  /** What was signing in, e.g. "service principal 0000-… (secret)" */
  who: string;
  /** Values that must never appear in the message */
  secrets: Iterable<string>;
  /** What the identity endpoints answered during this sign-in, oldest first */
  attempts?: readonly SignInAttempt[];
}

/** First "AADSTSnnnn: description" in a text, description cut before Entra's trace lines. */
export function findAadsts(text: string): { code: string; description: string } | undefined {
  const m = /AADSTS(\d+)\s*:?\s*([^\r\n]*)/.exec(text);
  if (!m) return undefined;
  const description = m[2]
    .split(/\s+Trace ID:|\s+Correlation ID:|\s+Timestamp:/)[0]
    .trim()
    .replace(/[,.\s]+$/, '');
  return { code: m[1], description };
}

export function translateCredentialError(e: unknown, ctx: CredentialErrorContext): StepError {
  if (isStepError(e)) return e;
  const err = e instanceof Error ? e : new Error(describeError(e));
  if (err.name === 'AbortError') {
    return new StepError('cancelled', `sign-in of ${ctx.who} was cancelled`, { cause: err });
  }
  const description = (err as { errorResponse?: { errorDescription?: unknown } }).errorResponse?.errorDescription;
  const text = redact(
    [describeError(err), typeof description === 'string' ? description : undefined].filter(Boolean).join('\n'),
    ctx.secrets,
  );
  const aadsts = findAadsts(text);
  // 5xx/429/dropped at the end, or no connection at all: say which endpoint and how often it was tried.
  // (An identity that is simply not there, e.g. no managed identity endpoint, is still reported as unavailable.)
  const fromAttempts = signInFailureFromAttempts(ctx.attempts ?? [], ctx.who);
  const unavailable = err.name === 'CredentialUnavailableError' && /managed ?identity|IMDS|MSI|Azure CLI|az login/i.test(text);
  if (fromAttempts && (!unavailable || fromAttempts.kind === 'transient')) {
    if (!aadsts) return fromAttempts;
    return new StepError(fromAttempts.kind, `${fromAttempts.message}: AADSTS${aadsts.code}: ${aadsts.description}`, {
      code: `AADSTS${aadsts.code}`,
      status: fromAttempts.status,
      hint: fromAttempts.hint,
    });
  }
  if (aadsts) {
    const code = `AADSTS${aadsts.code}`;
    return new StepError('auth', `Entra ID rejected the sign-in of ${ctx.who}: ${code}: ${aadsts.description}`, {
      code,
      hint: HINTS[aadsts.code],
      status: (err as { statusCode?: number }).statusCode,
    });
  }
  const firstLines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 3).join(' ');
  if (err.name === 'CredentialUnavailableError') {
    const refusal = managedIdentityRefusal(text);
    if (refusal) {
      return new StepError('auth', `${ctx.who} was refused by the managed identity endpoint: ${refusal}`, {
        hint: MANAGED_IDENTITY_REFUSED_HINT,
      });
    }
    // Which endpoint did not answer, when one was tried (the probe of a missing managed identity endpoint).
    const lastFailure = ctx.attempts?.[ctx.attempts.length - 1]?.failure;
    return new StepError('auth', `${ctx.who} is not available here: ${lastFailure ? `${lastFailure.text}; ` : ''}${firstLines}`, {
      hint: unavailableHint(text),
    });
  }
  return new StepError('auth', `sign-in of ${ctx.who} failed: ${firstLines}`, {
    status: (err as { statusCode?: number }).statusCode,
  });
}

const MANAGED_IDENTITY_REFUSED_HINT =
  'the endpoint answered but would not issue a token: client-id (AZURE_CLIENT_ID) must be the client id of a ' +
  'user-assigned identity attached to this machine, or unset for its system-assigned identity; ' +
  'IDENTITY_HEADER must be the value the host set';

/**
 * The reason a managed identity endpoint that did answer gave for refusing: MSAL wraps it as
 * "Authentication failed. Message : Error(s): … - Description: REASON - Correlation ID: …".
 * Undefined when the endpoint could not be reached at all.
 */
function managedIdentityRefusal(text: string): string | undefined {
  if (!/ManagedIdentityCredential: Authentication failed/.test(text)) return undefined;
  return /Description: (.*?) - Correlation ID:/s.exec(text)?.[1]?.trim() || undefined;
}

function unavailableHint(text: string): string | undefined {
  if (/az login|Azure CLI/i.test(text)) return "run 'az login' first, or choose another auth-type";
  if (/managed ?identity|IMDS|IDENTITY_ENDPOINT|MSI/i.test(text)) {
    return 'no managed identity endpoint answered: run on an Azure VM/agent with an identity, or choose another auth-type';
  }
  return undefined;
}
