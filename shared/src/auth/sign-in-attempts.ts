/**
 * What the identity endpoints answered during one sign-in. @azure/identity retries 5xx, 429 and dropped
 * connections itself and then throws whatever MSAL built from the last answer, which can be as unhelpful as
 * "[object Object]: Error(s): Not Available". Every credential here sends through one HTTP client that records
 * each attempt (host, status or connection error) for the sign-in in progress, so a failure can be reported as
 * what it was: "the sign-in service at <host> did not respond (HTTP 500 after 4 attempts)".
 *
 * That HTTP client is in ./recording-http-client: this module is also on the path to the first request (the
 * OIDC token prefetch reads its failures from here), where @azure/core-rest-pipeline is not loaded yet.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { StepError } from '../core/errors';
import { proxyHint, type NetworkFailure } from '../core/network-error';

export interface SignInAttempt {
  /** host[:port] of the request */
  host: string;
  /** HTTP status, when the endpoint answered */
  status?: number;
  /** The connection failure, when it did not */
  failure?: NetworkFailure;
}

const current = new AsyncLocalStorage<SignInAttempt[]>();

/** Run one sign-in with its own attempt log (also the log of everything the sign-in awaits). */
export async function withAttemptLog<T>(fn: () => Promise<T>): Promise<{ attempts: SignInAttempt[]; result?: T; error?: unknown; failed: boolean }> {
  const attempts: SignInAttempt[] = [];
  try {
    const result = await current.run(attempts, fn);
    return { attempts, result, failed: false };
  } catch (error) {
    return { attempts, error, failed: true };
  }
}

/** The attempt log of the sign-in in progress (see withAttemptLog); undefined outside one. */
export function currentAttemptLog(): SignInAttempt[] | undefined {
  return current.getStore();
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const isTransient = (a: SignInAttempt): boolean =>
  (a.status !== undefined && TRANSIENT_STATUS.has(a.status)) || (a.failure !== undefined && (a.failure.kind === 'dropped' || a.failure.kind === 'timeout'));

const TRANSIENT_HINT =
  'the identity service (Microsoft Entra ID, the OIDC token issuer or the managed identity endpoint) is throttling or ' +
  'temporarily unavailable; rerun the step later, and check the service health of the cloud when it persists';

/**
 * The StepError a sign-in that ended with these attempts deserves, when the attempts explain it: the last
 * attempts all failed transiently (5xx/429/dropped) at one host, or the last one could not connect at all.
 * Undefined when the endpoints answered normally (the identity error itself then says what was wrong).
 */
export function signInFailureFromAttempts(attempts: readonly SignInAttempt[], who: string): StepError | undefined {
  const last = attempts[attempts.length - 1];
  if (!last) return undefined;
  if (last.failure && (last.failure.kind === 'dns' || last.failure.kind === 'refused' || last.failure.kind === 'tls')) {
    const hint = last.failure.proxy ? proxyHint(last.failure.proxy) : {
      dns: 'check the authority-host and cloud inputs (or the OIDC / managed identity endpoint variables) and the DNS of this machine',
      refused: 'check the sign-in endpoint URL and port, and that the identity endpoint is running on this machine',
      tls: 'trust the issuing CA (NODE_EXTRA_CA_CERTS) or fix the sign-in endpoint URL',
    }[last.failure.kind];
    return new StepError('network', `sign-in of ${who} could not reach the sign-in service: ${last.failure.text}`, {
      code: last.failure.code,
      hint,
    });
  }
  if (!isTransient(last)) return undefined;
  let n = 0;
  for (let i = attempts.length - 1; i >= 0 && isTransient(attempts[i]!) && attempts[i]!.host === last.host; i--) n += 1;
  const what = last.status !== undefined ? `HTTP ${last.status}` : last.failure!.kind === 'timeout' ? 'timed out' : 'connection dropped';
  return new StepError(
    'transient',
    `sign-in of ${who} failed: the sign-in service at ${last.host} did not respond (${what} after ${n} ${n === 1 ? 'attempt' : 'attempts'})`,
    { status: last.status, code: last.failure?.code, hint: TRANSIENT_HINT },
  );
}
