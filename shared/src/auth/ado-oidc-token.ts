/**
 * The OIDC token of an Azure DevOps service connection (workload identity federation), fetched with Node's own
 * HTTPS client so that it can be requested before @azure/identity is loaded (prefetch.ts). The request is the one
 * AzurePipelinesCredential (@azure/identity 4.x) sends: POST
 * `${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=<id>` with `Authorization: Bearer
 * <System.AccessToken>`, `Content-Type: application/json` and `X-TFS-FedAuthRedirect: Suppress` (a refused token
 * is then a 401, not a redirect to a sign-in page), answered with `{ "oidcToken": "<JWT>" }`.
 *
 * Like the identity pipeline it replaces, 408/429/5xx answers and dropped or timed-out connections are retried
 * (3 retries by default, exponential backoff, Retry-After honoured) and then reported with the host and the
 * number of attempts. Every other failure is a StepError that says what Azure DevOps answered (its own message,
 * and the x-vss-e2eid / x-msedge-ref ids its support asks for) and what to check.
 */
import type { RequestOptions } from 'node:https';
import { smallRequest, type SmallAnswer } from '../core/small-request';
import { proxyAgentFor } from '../core/proxy-agent';
import { StepError } from '../core/errors';
import { describeNetworkFailure } from '../core/network-error';
import { type AuthConfig, describeAuth } from './config';
import { redact } from './redact';
import { signInFailureFromAttempts, type SignInAttempt } from './sign-in-attempts';

/** AzurePipelinesCredential's OIDC_API_VERSION. */
export const ADO_OIDC_API_VERSION = '7.1';

const TROUBLESHOOT = 'https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot';
const MAX_BODY = 64 * 1024;
const TIMEOUT_MS = 30_000;
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export interface AdoOidcRequest {
  /** SYSTEM_OIDCREQUESTURI (no query string) */
  oidcRequestUri: string;
  serviceConnectionId: string;
  /** System.AccessToken of the job */
  systemAccessToken: string;
  /** Who signs in, for messages (describeAuth) */
  who: string;
}

export interface AdoOidcRetry {
  /** Retries after the first attempt (default 3, so 4 attempts), as the identity pipeline's retryOptions. */
  maxRetries?: number;
  /** First backoff (default 1000 ms, doubled per retry, with jitter). */
  retryDelayInMs?: number;
}

/** The request an ado-workload-identity sign-in makes (the URI from the config, else the agent's variable). */
export function adoOidcRequestOf(config: Extract<AuthConfig, { type: 'ado-workload-identity' }>): AdoOidcRequest {
  return {
    oidcRequestUri: config.oidcRequestUri ?? process.env.SYSTEM_OIDCREQUESTURI ?? '',
    serviceConnectionId: config.serviceConnectionId,
    systemAccessToken: config.systemAccessToken,
    who: describeAuth(config),
  };
}

/** Throw the input error a request with these values would fail with (missing values, not an https URL). */
export function checkAdoOidcRequest(req: AdoOidcRequest): void {
  requestUrl(req);
}

/** The service connection's ID token, or a StepError (input, auth, network or transient) saying why not. */
export async function fetchAdoOidcToken(req: AdoOidcRequest, retry: AdoOidcRetry = {}): Promise<string> {
  const url = requestUrl(req);
  const maxRetries = retry.maxRetries ?? 3;
  const baseDelay = retry.retryDelayInMs ?? 1000;
  const attempts: SignInAttempt[] = [];
  for (let n = 0; ; n++) {
    const answer = await attempt(url, req);
    if ('failure' in answer) {
      attempts.push({ host: url.host, failure: answer.failure });
      if ((answer.failure.kind === 'dropped' || answer.failure.kind === 'timeout') && n < maxRetries) {
        await sleep(backoff(baseDelay, n));
        continue;
      }
      throw signInFailureFromAttempts(attempts, req.who) ?? new StepError('network', `sign-in of ${req.who} failed: ${answer.failure.text}`, { code: answer.failure.code });
    }
    if ('error' in answer) {
      throw new StepError('auth', `sign-in of ${req.who} failed: could not request the service connection's OIDC token from ${url.host}: ${answer.error.message}`, {
        cause: answer.error,
      });
    }
    attempts.push({ host: url.host, status: answer.status });
    if (TRANSIENT_STATUS.has(answer.status) && n < maxRetries) {
      await sleep(retryAfterMs(answer.headers['retry-after']) ?? backoff(baseDelay, n));
      continue;
    }
    if (TRANSIENT_STATUS.has(answer.status)) throw signInFailureFromAttempts(attempts, req.who)!;
    return tokenFrom(answer, url, req);
  }
}

function requestUrl(req: AdoOidcRequest): URL {
  const what = "so the service connection's OIDC token cannot be requested";
  if (!req.serviceConnectionId) {
    throw new StepError('input', `workload identity federation needs the service connection id, ${what}`, { input: 'azure-subscription' });
  }
  if (!req.systemAccessToken) {
    throw new StepError('input', `workload identity federation needs the job access token (System.AccessToken), ${what}`, {
      input: 'azure-subscription',
      hint: 'the task reads System.AccessToken from the agent; make sure the job is allowed to use it',
    });
  }
  if (!req.oidcRequestUri) {
    throw new StepError('input', `SYSTEM_OIDCREQUESTURI is not set, ${what}`, {
      input: 'azure-subscription',
      hint: 'run the task in an Azure Pipelines job: the agent sets SYSTEM_OIDCREQUESTURI',
    });
  }
  let url: URL;
  try {
    // String concatenation, as AzurePipelinesCredential does: the agent's URI carries no query string.
    url = new URL(`${req.oidcRequestUri}?api-version=${ADO_OIDC_API_VERSION}&serviceConnectionId=${encodeURIComponent(req.serviceConnectionId)}`);
  } catch {
    throw new StepError('input', `SYSTEM_OIDCREQUESTURI is not a URL, ${what}`, { input: 'azure-subscription' });
  }
  if (url.protocol !== 'https:') {
    throw new StepError('input', `SYSTEM_OIDCREQUESTURI must be an https URL (got ${url.protocol}//${url.host})`, { input: 'azure-subscription' });
  }
  return url;
}

type Answer = SmallAnswer;

function attempt(url: URL, req: AdoOidcRequest): Promise<Answer | { failure: NonNullable<ReturnType<typeof describeNetworkFailure>> } | { error: Error }> {
  const options: RequestOptions = {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${req.systemAccessToken}`,
      'X-TFS-FedAuthRedirect': 'Suppress',
      Accept: 'application/json',
      'Content-Length': '0',
    },
    timeout: TIMEOUT_MS,
    // Behind HTTPS_PROXY the way every other request of the step goes (the agent's proxy setting included: see
    // hosts/azure-devops.ts).
    agent: proxyAgentFor(url),
  };
  return smallRequest(url, options, { maxBytes: MAX_BODY, oversize: 'truncate' }).catch((e: Error) => {
    const failure = describeNetworkFailure(e, url.toString());
    return failure ? { failure } : { error: e };
  });
}

function header(answer: Answer, name: string): string | undefined {
  const v = answer.headers[name];
  return (Array.isArray(v) ? v[0] : v) || undefined;
}

/** Azure DevOps' own words: the `message` of its error body, else the body itself (cut, secrets removed). */
function serviceText(answer: Answer, req: AdoOidcRequest): string {
  let message: unknown;
  try {
    message = (JSON.parse(answer.body) as { message?: unknown }).message;
  } catch {
    /* not JSON */
  }
  const raw = typeof message === 'string' && message.trim() ? message.trim() : answer.body.trim();
  const text = redact(raw.replace(/\s*\r?\n\s*/g, ' '), [req.systemAccessToken]);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The ids Azure DevOps support asks for, when the answer carried them. */
function supportIds(answer: Answer): string {
  const ids = [['x-vss-e2eid', header(answer, 'x-vss-e2eid')], ['x-msedge-ref', header(answer, 'x-msedge-ref')]].filter(([, v]) => v);
  return ids.length ? ` (${ids.map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
}

function tokenFrom(answer: Answer, url: URL, req: AdoOidcRequest): string {
  const service = `Azure DevOps' OIDC token service at ${url.host}`;
  const fail = (message: string, hint: string): StepError =>
    new StepError('auth', `sign-in of ${req.who} failed: ${message}${supportIds(answer)}`, { status: answer.status, hint: `${hint} (see ${TROUBLESHOOT})` });
  const status = answer.status;
  if (status !== 200) {
    const said = serviceText(answer, req);
    const because = said ? `: ${said}` : '';
    const what = `${service} answered HTTP ${status}, not the service connection's OIDC token`;
    if (status === 401 || (status >= 300 && status < 400)) {
      const location = status >= 300 && status < 400 ? redirectTarget(header(answer, 'location')) : undefined;
      return thrown(
        fail(
          `${what}${location ? ` (redirected to ${location})` : ''}${because}`,
          'the job access token (System.AccessToken) was not accepted: it must be the token of this job, which the agent gives the task; ' +
            'a token from another job, pipeline or organization, or an expired one, is refused',
        ),
      );
    }
    if (status === 403) {
      return thrown(
        fail(
          `${what}${because}`,
          `the job access token may not request tokens for service connection '${req.serviceConnectionId}': allow this pipeline to use the connection (Project settings > Service connections > Security)`,
        ),
      );
    }
    if (status === 404) {
      return thrown(
        fail(
          `${what}${because}`,
          `check that service connection '${req.serviceConnectionId}' exists in this project, uses workload identity federation, and that this pipeline may use it`,
        ),
      );
    }
    return thrown(fail(`${what}${because}`, 'check the azureSubscription input and SYSTEM_OIDCREQUESTURI (the agent sets it)'));
  }
  let token: unknown;
  let json = true;
  try {
    token = (JSON.parse(answer.body) as { oidcToken?: unknown } | null)?.oidcToken;
  } catch {
    json = false;
  }
  if (typeof token === 'string' && token) return token;
  const said = serviceText(answer, req);
  return thrown(
    fail(
      !said
        ? `${service} answered HTTP 200 with an empty body, not the service connection's oidcToken`
        : json
          ? `${service} answered HTTP 200 without an oidcToken field: ${said}`
          : `${service} answered HTTP 200 with something that is not JSON, so no oidcToken: ${said}`,
      'SYSTEM_OIDCREQUESTURI must be the OIDC request URI the agent set for this job (a proxy or a sign-in page may be answering instead)',
    ),
  );
}

/** Where a redirect pointed: scheme, host and path, no query (it could carry anything). */
function redirectTarget(location: string | undefined): string | undefined {
  if (!location) return undefined;
  try {
    const u = new URL(location);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

function thrown(e: StepError): never {
  throw e;
}

function backoff(base: number, n: number): number {
  return Math.min(64_000, base * 2 ** n * (0.8 + Math.random() * 0.4));
}

function retryAfterMs(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  const seconds = Number(s);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(60_000, seconds * 1000);
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.min(60_000, Math.max(0, at - Date.now())) : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
