/**
 * The one way to turn a thrown value of unknown shape into text for a message. Libraries throw Errors, plain
 * objects (MSAL's `errorCode` can itself be an object), strings and worse; `String(value)` and template strings
 * render objects as "[object Object]", which says nothing. Nothing here returns that.
 */

const OBJECT_TEXT = /\[object [A-Za-z]+\]:?\s*/g;
const MAX_LENGTH = 500;

type Bag = Record<string, unknown>;

function isBag(v: unknown): v is Bag {
  return typeof v === 'object' && v !== null;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function clip(s: string): string {
  return s.length > MAX_LENGTH ? `${s.slice(0, MAX_LENGTH)}…` : s;
}

/** JSON of a value, safe on cycles, BigInt and functions; undefined when nothing readable is left. */
function safeJson(v: unknown): string | undefined {
  const seen = new WeakSet<object>();
  try {
    const out = JSON.stringify(v, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'function' || typeof value === 'symbol') return undefined;
      if (isBag(value)) {
        if (seen.has(value)) return '[circular]';
        seen.add(value);
      }
      return value;
    });
    return out === undefined || out === '{}' || out === '[]' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** A message-like field of an object: message, error_description, errorMessage, or a nested error's message. */
function messageOf(o: Bag, depth: number): string | undefined {
  const direct = text(o.message) ?? text(o.error_description) ?? text(o.errorDescription) ?? text(o.errorMessage);
  if (direct) return direct;
  if (depth < 3 && isBag(o.error)) return messageOf(o.error, depth + 1);
  return text(o.error);
}

/** A code-like field: `code`, `errorCode` or `error` when it is a string (an OAuth error code). */
function codeOf(o: Bag): string | undefined {
  return text(o.code) ?? text(o.errorCode) ?? (isBag(o.error) ? text(o.error.code) : undefined);
}

/**
 * Readable text for any thrown value: an Error's message (with its code when the message lacks it), a plain
 * object's message/code fields or its JSON, a string as it is; never "[object Object]".
 */
export function describeError(e: unknown, depth = 0): string {
  if (e === undefined || e === null) return 'no error details';
  if (typeof e === 'string') return clip(e.replace(OBJECT_TEXT, '').trim() || 'no error details');
  if (typeof e !== 'object') return String(e);
  const o = e as Bag;
  const code = codeOf(o);
  let message = messageOf(o, 0)?.replace(OBJECT_TEXT, '').trim();
  if (!message && e instanceof Error && depth < 3 && e.cause !== undefined) message = describeError(e.cause, depth + 1);
  if (!message) {
    const json = e instanceof Error ? undefined : safeJson(e);
    message = json ?? (e instanceof Error ? e.name : undefined) ?? 'an error with no details';
  }
  if (code && !message.includes(code)) message = `${code}: ${message}`;
  return clip(message);
}
