/**
 * What a failed connection means, in words that name the host: a name that does not resolve, a port nobody
 * listens on, a connection that was dropped or timed out. Node reports these as error codes on the error (or on
 * an error wrapped by the HTTP pipeline), with the host in the error's fields, its message or the request URL.
 */

export type NetworkFailureKind = 'dns' | 'refused' | 'dropped' | 'timeout' | 'tls';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  code: string;
  /** host, or host:port when the port matters (connection refused) */
  where?: string;
  /** e.g. "the host 'x.invalid' could not be resolved (ENOTFOUND)" */
  text: string;
  /** The variable naming the proxy, when the failure was reaching the proxy itself (HTTPS_PROXY, ...). */
  proxy?: string;
}

/**
 * The variables Node's HTTP stacks (@azure/core-rest-pipeline, @actions/http-client) take a proxy from, in the
 * order @azure/core-rest-pipeline reads them for an https request.
 */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'HTTP_PROXY', 'http_proxy'];
/** Whether a proxy is configured: then connections are the proxy's to open, and nothing is opened ahead. */
export const behindProxy = (env: NodeJS.ProcessEnv): boolean => PROXY_VARIABLES.some((v) => env[v]);

/** The proxy variable whose address `where` (host, or host:port) is, if any: then the proxy, not the service, failed. */
function proxyAt(where: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (!where) return undefined;
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    try {
      const u = new URL(value.includes('://') ? value : `http://${value}`);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      if (where === u.hostname || where === `${u.hostname}:${port}` || where === u.host) return name;
    } catch {
      // A malformed proxy setting is the HTTP stack's to report.
    }
  }
  return undefined;
}

/** The hint for a failure reaching the proxy `proxy` names. */
export const proxyHint = (proxy: string): string => `check ${proxy} (the proxy's address and port) and NO_PROXY, and that the proxy is running and reachable from this machine`;

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const REFUSED = new Set(['ECONNREFUSED']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'ENETRESET']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const TLS = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)/;
const ANY_CODE = /\b(ENOTFOUND|EAI_AGAIN|EAI_FAIL|ECONNREFUSED|ECONNRESET|EPIPE|ECONNABORTED|ETIMEDOUT|ESOCKETTIMEDOUT)\b/;

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The error and the errors it wraps (`cause`), outermost first. */
function chain(e: unknown): Bag[] {
  const out: Bag[] = [];
  for (let cur: unknown = e; isBag(cur) && out.length < 5; cur = cur.cause) out.push(cur);
  return out;
}

function hostOfUrl(url: string | undefined): { host: string; hostname: string } | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return { host: u.host, hostname: u.hostname };
  } catch {
    return undefined;
  }
}

function codeIn(errors: Bag[]): string | undefined {
  for (const err of errors) {
    const code = str(err.code) ?? str(err.errno);
    if (code && (DNS.has(code) || REFUSED.has(code) || DROPPED.has(code) || TIMEOUT.has(code) || TLS.test(code))) return code;
  }
  for (const err of errors) {
    const m = ANY_CODE.exec(str(err.message) ?? '');
    if (m) return m[1];
  }
  return undefined;
}

/** The host (and port) the failure was about: the error's own fields, else its message, else the URL. */
function whereOf(errors: Bag[], code: string, url: string | undefined): string | undefined {
  const fromUrl = hostOfUrl(url ?? errors.map((e) => (isBag(e.request) ? str(e.request.url) : undefined)).find(Boolean));
  for (const err of errors) {
    const hostname = str(err.hostname) ?? str(err.host);
    if (DNS.has(code) && hostname) return hostname;
    const address = str(err.address);
    if (REFUSED.has(code) && address) return err.port !== undefined ? `${address.includes(':') ? `[${address}]` : address}:${String(err.port)}` : address;
  }
  for (const err of errors) {
    const message = str(err.message) ?? '';
    const dns = /getaddrinfo \w+ (\S+)/.exec(message);
    if (DNS.has(code) && dns) return dns[1];
    const refused = /connect ECONNREFUSED (\S+)/.exec(message);
    if (REFUSED.has(code) && refused) return refused[1];
  }
  if (!fromUrl) return undefined;
  if (DNS.has(code)) return fromUrl.hostname;
  if (REFUSED.has(code)) {
    // URL.host drops a default port; connection refused is about the port, so say it.
    return fromUrl.host.includes(':') && !fromUrl.host.endsWith(']') ? fromUrl.host : `${fromUrl.host}:${url?.startsWith('http:') ? 80 : 443}`;
  }
  return fromUrl.host;
}

/**
 * The connection failure `e` is, or undefined when it is not one (an HTTP answer, a bug, an abort).
 * `url` is the request's URL when the caller knows it (the host is then named even when the error does not).
 */
export function describeNetworkFailure(e: unknown, url?: string, env: NodeJS.ProcessEnv = process.env): NetworkFailure | undefined {
  const failure = describeFailure(e, url);
  const proxy = failure && proxyAt(failure.where, env);
  if (!failure || !proxy) return failure;
  return { ...failure, proxy, text: failure.text.replace(` ${failure.where}`, ` the proxy ${failure.where} (${proxy})`).replace(`'${failure.where}'`, `'${failure.where}' (the proxy in ${proxy})`) };
}

function describeFailure(e: unknown, url?: string): NetworkFailure | undefined {
  const errors = chain(e);
  if (errors.length === 0) return undefined;
  if (errors[0]!.name === 'AbortError') return undefined;
  const code = codeIn(errors);
  if (!code) return undefined;
  const where = whereOf(errors, code, url);
  const at = where ? ` ${where}` : '';
  if (DNS.has(code)) {
    const why = code === 'EAI_AGAIN' ? 'DNS did not answer in time' : 'no such host';
    return { kind: 'dns', code, where, text: `the host${where ? ` '${where}'` : ''} could not be resolved (${code}: ${why})` };
  }
  if (REFUSED.has(code)) return { kind: 'refused', code, where, text: `nothing accepted the connection to${at || ' the service'} (${code})` };
  if (TIMEOUT.has(code)) return { kind: 'timeout', code, where, text: `no response from${at || ' the service'} in time (${code})` };
  if (TLS.test(code)) return { kind: 'tls', code, where, text: `the TLS certificate of${at || ' the service'} is not trusted (${code})` };
  return { kind: 'dropped', code, where, text: `the connection to${at || ' the service'} was dropped (${code})` };
}
