/**
 * Error taxonomy shared by every step. A StepError is something the user can act on (bad input, missing
 * permission, quota, a conflict, a service failure); anything else reaching an entry's error boundary is a bug.
 */
import { printable } from './escape';

export type ErrorKind =
  | 'input' // bad or missing input, malformed file, invalid name: nothing was written
  | 'auth' // credential rejected, token problems, 401/403
  | 'not-found' // a named resource does not exist
  | 'quota' // OutOfQuota and similar
  | 'conflict' // 409s that did not resolve, immutability violations
  | 'transient' // 429/5xx/dropped connections that outlived the retries
  | 'network' // a host that does not resolve, refuses the connection or has an untrusted certificate
  | 'service' // the service reported a failure (operation Failed, 4xx/5xx with a service error code)
  | 'checks' // checks the user configured (a gate, staging checks, a batch comparison) did not pass
  | 'timeout' // the step's timeout elapsed
  | 'cancelled'; // SIGINT/SIGTERM or an aborted signal

export interface SourceLocation {
  file: string;
  line?: number; // 1-based
  column?: number; // 1-based
}

export interface StepErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** The input the error is about (kebab-case step input name). */
  input?: string;
  /** File and position the error is about (YAML files). */
  location?: SourceLocation;
  /** Service error code (e.g. ResourceNotFound, AADSTS700016) when one is known. */
  code?: string;
  /** HTTP status when the error came from a response. */
  status?: number;
  cause?: unknown;
}

export class StepError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly input?: string;
  readonly location?: SourceLocation;
  readonly code?: string;
  readonly status?: number;

  constructor(kind: ErrorKind, message: string, options: StepErrorOptions = {}) {
    // Messages and hints echo values from outside: one line each, never a workflow command (core/escape).
    super(printable(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StepError';
    this.kind = kind;
    this.hint = options.hint === undefined ? undefined : printable(options.hint);
    this.input = options.input;
    this.location = options.location;
    this.code = options.code;
    this.status = options.status;
  }
}

/** A user input problem; raised before anything is written to Azure. */
export function inputError(message: string, options: StepErrorOptions = {}): StepError {
  return new StepError('input', message, options);
}

export function isStepError(e: unknown): e is StepError {
  return e instanceof StepError;
}

/** Render "file:line:col" for messages. */
export function formatLocation(loc: SourceLocation): string {
  let s = printable(loc.file);
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}
