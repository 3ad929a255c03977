/**
 * Fault injection. Faults live in the shared ARM state so every emulator process on the state dir sees them;
 * matching and counting down `times` happen under the state lock, so a fault with `times: n` fires exactly n times.
 */
import { randomUUID } from 'node:crypto';
import type { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import type { Reply } from './http';
import { isObject } from './http';

/** Which front a fault watches: the emulator's own port (ARM, identity, data planes; the default), the blob front, or both. */
export type FaultHost = 'emulator' | 'blob' | 'any';

export interface FaultSpec {
  method?: string;
  /** Regex tested against the request path (without the query). */
  path: string;
  /** Default 'emulator': a fault written before the blob front existed keeps meaning what it meant. */
  host?: FaultHost;
  /** Blob front only: the Blob service operation, e.g. PutBlob, PutBlock, PutBlockList, ListBlobs, GetBlob, CopyBlob (see blobOperation). */
  operation?: string;
  status?: number;
  times?: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  body?: unknown;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Left to fire; absent = unlimited. */
  remaining?: number;
  fired: number;
}

export function validateFaultSpec(v: unknown): FaultSpec | string {
  if (!isObject(v)) return 'body must be a JSON object';
  if (typeof v.path !== 'string') return '`path` (a regex string) is required';
  try {
    new RegExp(v.path);
  } catch (e) {
    return `\`path\` is not a valid regex: ${(e as Error).message}`;
  }
  if (v.status !== undefined && (typeof v.status !== 'number' || v.status < 100 || v.status > 599)) return '`status` must be an HTTP status';
  if (v.times !== undefined && (typeof v.times !== 'number' || v.times < 1)) return '`times` must be a positive number';
  if (v.host !== undefined && v.host !== 'emulator' && v.host !== 'blob' && v.host !== 'any') return "`host` must be 'emulator', 'blob' or 'any'";
  if (v.operation !== undefined && typeof v.operation !== 'string') return '`operation` must be a string (a Blob service operation name)';
  if (v.status === undefined && !v.drop && v.delayMs === undefined) return 'a fault needs `status`, `drop` or `delayMs`';
  // Only blob requests have an operation.
  if (v.operation !== undefined && v.host === undefined) return { ...v, host: 'blob' } as unknown as FaultSpec;
  return v as unknown as FaultSpec;
}

export function addFault(state: ArmState, spec: FaultSpec): Fault {
  const fault: Fault = { ...spec, id: randomUUID(), remaining: spec.times, fired: 0 };
  state.faults.push(fault);
  return fault;
}

/** Which front received a request, and (on the blob front) the Blob service operation it is. */
export interface FaultTarget {
  host: 'emulator' | 'blob';
  operation?: string;
}

function matches(f: Fault, method: string, path: string, target: FaultTarget): boolean {
  const host = f.host ?? 'emulator';
  if (host !== 'any' && host !== target.host) return false;
  if (f.operation && f.operation.toLowerCase() !== (target.operation ?? '').toLowerCase()) return false;
  if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
  return pathRegex(f.path).test(path);
}

/** Compiled fault paths (a fault's regex is fixed once it is added). */
const compiled = new Map<string, RegExp>();

function pathRegex(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    if (compiled.size >= 256) compiled.clear();
    re = new RegExp(source);
    compiled.set(source, re);
  }
  return re;
}

/**
 * The fault that applies to this request, counted down; undefined when none does. `snapshot`: the state the
 * caller already peeked for this request (saves a second stat); the count-down itself always re-reads under the lock.
 */
export async function takeFault(
  store: JsonStore<ArmState>,
  method: string,
  path: string,
  target: FaultTarget = { host: 'emulator' },
  snapshot: Readonly<ArmState> = store.peek(),
): Promise<Fault | undefined> {
  if (!snapshot.faults.some((f) => matches(f, method, path, target))) return undefined;
  return store.update((state) => {
    const f = state.faults.find((x) => matches(x, method, path, target));
    if (!f) return undefined;
    f.fired += 1;
    if (f.remaining !== undefined) {
      f.remaining -= 1;
      if (f.remaining <= 0) state.faults = state.faults.filter((x) => x !== f);
    }
    return { ...f };
  });
}

const REASONS: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'The request is being throttled. Retry after the interval in the Retry-After header.'],
  500: ['InternalServerError', 'Encountered internal server error. Please try again.'],
  502: ['BadGateway', 'The gateway did not receive a response in time.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'],
  504: ['GatewayTimeout', 'The gateway did not receive a response within the specified time period.'],
};

/** Paths of the identity endpoints (Entra, the OIDC token issuers, the managed identity endpoint). */
export const IDENTITY_PATH = /^\/(entra|github-oidc|ado|msi)\//;

/** OAuth 2.0 error codes Entra answers a failing token request with (RFC 6749 §5.2, plus throttling). */
const OAUTH_REASONS: Record<number, [string, string]> = {
  429: ['temporarily_unavailable', 'The request was throttled. Retry after the interval in the Retry-After header.'],
  500: ['server_error', 'The identity service encountered an internal error. Please try again.'],
  502: ['server_error', 'The identity service gateway did not receive a response in time.'],
  503: ['temporarily_unavailable', 'The identity service is temporarily unavailable. Please try again later.'],
  504: ['temporarily_unavailable', 'The identity service gateway did not receive a response within the specified time period.'],
};

/**
 * The answer of a fault with a status: the given `body`, else what the service would send: an OAuth error
 * (`{error, error_description}`) on an identity endpoint, an ARM error envelope anywhere else.
 */
export function faultReply(f: Fault, path = ''): Reply {
  const status = f.status ?? 500;
  const headers: Record<string, string> = { 'x-ms-emulator-fault': f.id };
  if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
  if (f.body !== undefined) return { status, headers, body: f.body };
  if (IDENTITY_PATH.test(path)) {
    const [error, description] = OAUTH_REASONS[status] ?? ['server_error', `Injected fault (${status}).`];
    return { status, headers, body: { error, error_description: description } };
  }
  const [code, message] = REASONS[status] ?? [`Http${status}`, `Injected fault (${status}).`];
  return { status, headers, body: { error: { code, message } } };
}
