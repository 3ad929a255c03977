/**
 * Classify Azure ML / ARM failures into StepError kinds with the service's own message, naming the resource
 * and, for authorization failures, the principal and scope.
 */
import { StepError, isStepError } from '../core/errors';
import { redact } from '../auth/redact';
import { describeError } from '../core/describe-error';
import { describeNetworkFailure, proxyHint } from '../core/network-error';
import { codeLabel, parseServiceError, type ServiceError } from './service-error';

/** What a request was about, for messages: "workspace 'x' … in resource group 'y'". */
export interface ResourceRef {
  /** e.g. "workspace", "model version", "online endpoint" */
  kind: string;
  /** e.g. "ws", "credit:3" */
  name: string;
  /** e.g. "resource group 'rg'", "workspace 'ws' (resource group 'rg')" */
  scope: string;
}

export function describeRef(ref: ResourceRef): string {
  return `${ref.kind} '${ref.name}' in ${ref.scope}`;
}

export interface FailureContext {
  /** What the client was doing, e.g. "get workspace". */
  operation: string;
  ref?: ResourceRef;
  /** How many retries were spent before giving up (transient failures). */
  retries?: number;
}

const QUOTA = /^(OutOfQuota|QuotaExceeded|InsufficientQuota|SubscriptionQuotaExceeded|.*QuotaExceeded)$/i;
const PARENT_MISSING = new Set(['ParentResourceNotFound', 'ResourceGroupNotFound', 'SubscriptionNotFound']);
const IMMUTABLE =
  /immutable|cannot be (changed|modified|updated)|can ?not change|changing (the )?path of (an )?existing asset|ASSET_PATH_ERROR|is read-?only/i;
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** True when a 404's codes say a parent (workspace, resource group, subscription) is missing, not the target. */
export function isParentMissing(e: ServiceError | undefined): boolean {
  return !!e && e.codes.some((c) => PARENT_MISSING.has(c));
}

function authorizationDetail(message: string): string | undefined {
  const m =
    /client '([^']+)'(?: with object id '([^']+)')? does not have authorization to perform action '([^']+)' over scope '([^']+)'/i.exec(
      message,
    );
  if (m) {
    const who = m[2] && m[2] !== m[1] ? `'${m[1]}' (object id ${m[2]})` : `'${m[1]}'`;
    return `principal ${who} may not perform '${m[3]}' on scope '${m[4]}'`;
  }
  const linked =
    /client '([^']+)'.*does not have permission to perform action(?:\(s\))? '([^']+)' on the linked scope\(s\) '([^']+)'/i.exec(
      message,
    );
  if (linked) return `principal '${linked[1]}' may not perform '${linked[2]}' on the linked scope '${linked[3]}'`;
  return undefined;
}

/** Build the StepError for a failed HTTP response. */
export function classifyResponse(
  status: number,
  body: unknown,
  ctx: FailureContext,
): StepError {
  const svc = parseServiceError(body);
  const label = svc ? codeLabel(svc) : undefined;
  const serviceText = redact(svc ? `${label ? `${label}: ` : ''}${svc.message}` : `HTTP ${status} with no error body`);
  const code = svc?.specificCode ?? svc?.code;
  const what = ctx.ref ? describeRef(ctx.ref) : undefined;
  const base = { code, status };

  if (svc?.codes.some((c) => QUOTA.test(c))) {
    return new StepError('quota', `${ctx.operation} failed: quota exceeded: ${serviceText}`, {
      ...base,
      hint: 'request more quota for this VM family/region, use a smaller instance type or count, or another region',
    });
  }
  if (status === 401) {
    return new StepError('auth', `${ctx.operation} was not authenticated (401): ${serviceText}`, {
      ...base,
      hint: 'the access token was rejected: check that the cloud/arm-audience inputs match the subscription and the token has not expired',
    });
  }
  if (status === 403) {
    const detail = svc ? authorizationDetail(svc.message) : undefined;
    return new StepError(
      'auth',
      `${ctx.operation} was forbidden (403)${detail ? `: ${detail}` : ''}. Service said: ${serviceText}`,
      {
        ...base,
        hint: 'grant the signed-in principal a role that includes this action on that scope (e.g. AzureML Data Scientist on a workspace, AzureML Registry User on a registry); new role assignments can take a few minutes to apply',
      },
    );
  }
  if (status === 404) {
    if (svc?.codes.includes('ResourceGroupNotFound') && ctx.ref) {
      return new StepError('not-found', `${ctx.operation} failed: ${ctx.ref.scope} does not exist. ${serviceText}`, base);
    }
    if (isParentMissing(svc) && what) {
      return new StepError('not-found', `${ctx.operation} failed: the parent of ${what} was not found. ${serviceText}`, base);
    }
    const message = ctx.ref
      ? `${ctx.ref.kind} '${ctx.ref.name}' was not found in ${ctx.ref.scope}`
      : `${ctx.operation} failed: not found`;
    return new StepError('not-found', `${message} (${serviceText})`, base);
  }
  if (status === 409) {
    return new StepError('conflict', `${ctx.operation} failed with a conflict that did not clear: ${serviceText}`, {
      ...base,
      hint: 'another operation may still be running on this resource; wait for it or retry later',
    });
  }
  if ((status === 400 || status === 422) && IMMUTABLE.test(svc?.message ?? '')) {
    return new StepError('conflict', `${ctx.operation} failed: ${what ? `${what} ` : 'the resource '}cannot be changed that way: ${serviceText}`, {
      ...base,
      hint: 'asset versions are immutable: register a new version instead of changing this one',
    });
  }
  if (status === 400 || status === 422) {
    return new StepError('input', `${ctx.operation} was rejected as invalid: ${serviceText}`, base);
  }
  if (TRANSIENT_STATUS.has(status)) {
    const after = ctx.retries ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
    return new StepError('transient', `${ctx.operation} still failed with HTTP ${status}${after}: ${serviceText}`, {
      ...base,
      hint: 'Azure is throttling or temporarily unavailable; rerun the step later',
    });
  }
  return new StepError('service', `${ctx.operation} failed with HTTP ${status}: ${serviceText}`, base);
}

/** Build the StepError for an operation that ended Failed or Canceled. */
export function classifyOperationFailure(
  state: string,
  error: unknown,
  ctx: FailureContext,
): StepError {
  const svc = parseServiceError({ error });
  const label = svc ? codeLabel(svc) : undefined;
  const text = redact(svc ? `${label ? `${label}: ` : ''}${svc.message}` : 'no error details');
  const code = svc?.specificCode ?? svc?.code;
  if (svc?.codes.some((c) => QUOTA.test(c))) {
    return new StepError('quota', `${ctx.operation} ended ${state}: quota exceeded: ${text}`, {
      code,
      hint: 'request more quota for this VM family/region, use a smaller instance type or count, or another region',
    });
  }
  return new StepError('service', `${ctx.operation} ended ${state}: ${text}`, { code });
}

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { status: number; bodyAsText?: string | null };
}

/** Convert anything thrown by the pipeline or the SDK into a StepError. */
export function toStepError(e: unknown, ctx: FailureContext): StepError {
  if (isStepError(e)) return e;
  const err = (typeof e === 'object' && e !== null ? e : { message: describeError(e) }) as RestErrorLike;
  if (err.name === 'AbortError') {
    return new StepError('cancelled', `${ctx.operation} was cancelled`, { cause: e });
  }
  if (err.response && typeof err.response.status === 'number') {
    return classifyResponse(err.response.status, err.response.bodyAsText ?? undefined, ctx);
  }
  const net = describeNetworkFailure(e);
  if (net && (net.kind === 'dns' || net.kind === 'refused' || net.kind === 'tls')) {
    const hint = {
      dns: 'check the host name (the cloud, arm-endpoint or authority-host inputs) and the DNS of this machine',
      refused: 'check the endpoint URL and port (arm-endpoint), and that the service or proxy is running',
      tls: 'trust the issuing CA (NODE_EXTRA_CA_CERTS) or fix the endpoint URL',
    }[net.kind];
    return new StepError('network', `${ctx.operation} could not reach Azure: ${net.text}`, { code: net.code, cause: e, hint: net.proxy ? proxyHint(net.proxy) : hint });
  }
  const after = ctx.retries ? ` after ${ctx.retries} ${ctx.retries === 1 ? 'retry' : 'retries'}` : '';
  const reason = redact(net ? net.text : describeError(e));
  return new StepError('transient', `${ctx.operation} could not reach Azure${after}: ${reason}`, {
    code: err.code ?? net?.code,
    cause: e,
    hint: 'the connection failed repeatedly; check the network path to the ARM endpoint and rerun',
  });
}
