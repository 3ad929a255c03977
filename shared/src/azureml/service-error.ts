/**
 * Read the service's own error out of any of the three error-body shapes Azure ML and ARM send:
 * - current MFE/ARM:  {error: {code, message, target, details: [...], additionalInfo: [...]}}
 * - older Azure ML:   {error: {code, message, messageFormat, messageParameters, innerError: {code, innerError: …}},
 *                      correlation, componentName, statusCode}
 * - ARM gateway:      {error: {code, message}}
 * The same envelope appears as `error` in a Failed operation-status document.
 */
import { describeError } from '../core/describe-error';

export interface ServiceError {
  /** Top-level code, e.g. UserError, AuthorizationFailed */
  code?: string;
  /** The most specific code: the innermost innerError, else the first detail's code, else `code` */
  specificCode?: string;
  /** Every code seen, outermost first */
  codes: string[];
  message: string;
  target?: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** Fill "{name}" placeholders of an older-format messageFormat. */
function formatMessage(format: string, params: unknown): string {
  if (!isObject(params)) return format;
  return format.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    if (v === undefined || v === null) return whole;
    return typeof v === 'object' ? describeError(v) : String(v);
  });
}

function innerChain(err: Json): string[] {
  const codes: string[] = [];
  let cur: unknown = err.innerError ?? err.innererror;
  for (let depth = 0; isObject(cur) && depth < 20; depth++) {
    const c = str(cur.code);
    if (c) codes.push(c);
    cur = cur.innerError ?? cur.innererror;
  }
  return codes;
}

function detailEntries(err: Json): { code?: string; message?: string }[] {
  const out: { code?: string; message?: string }[] = [];
  const walk = (list: unknown, depth: number): void => {
    if (!Array.isArray(list) || depth > 5) return;
    for (const d of list) {
      if (!isObject(d)) continue;
      out.push({ code: str(d.code), message: str(d.message) });
      walk(d.details, depth + 1);
    }
  };
  walk(err.details, 0);
  return out;
}

/** Parse a response body (object or JSON text); undefined when it carries no error. */
export function parseServiceError(body: unknown): ServiceError | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text) return undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { codes: [], message: text.length > 500 ? `${text.slice(0, 500)}…` : text };
    }
  }
  if (!isObject(parsed)) return undefined;
  const err = isObject(parsed.error) ? parsed.error : isObject(parsed.Error) ? parsed.Error : undefined;
  if (!err) {
    const message = str(parsed.message) ?? str(parsed.Message);
    const code = str(parsed.code) ?? str(parsed.Code);
    return message || code ? { code, specificCode: code, codes: code ? [code] : [], message: message ?? code ?? '' } : undefined;
  }
  const code = str(err.code);
  const inner = innerChain(err);
  const details = detailEntries(err);
  let message = str(err.message);
  const format = str(err.messageFormat);
  if ((!message || /\{\w+\}/.test(message)) && format) message = formatMessage(format, err.messageParameters);
  const extra = details
    .map((d) => d.message)
    .filter((m): m is string => !!m && m !== message)
    .slice(0, 3);
  const fullMessage = [message ?? code ?? 'no message', ...extra].join(' | ');
  const codes = [code, ...inner, ...details.map((d) => d.code)].filter((c): c is string => !!c);
  const specificCode = inner.length > 0 ? inner[inner.length - 1] : (details.find((d) => d.code)?.code ?? code);
  return { code, specificCode, codes, message: fullMessage, target: str(err.target) };
}

/** "Code/SpecificCode" for messages (one code when they agree). */
export function codeLabel(e: ServiceError): string | undefined {
  if (!e.code) return e.specificCode;
  if (!e.specificCode || e.specificCode === e.code) return e.code;
  return `${e.code}/${e.specificCode}`;
}
