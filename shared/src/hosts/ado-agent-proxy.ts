/**
 * An Azure DevOps agent configured with a proxy (`Agent.ProxyUrl`, `Agent.ProxyUsername`, `Agent.ProxyPassword`,
 * `Agent.ProxyBypassList`) hands it to tasks as variables, not as HTTPS_PROXY. Every HTTP stack of a step honours
 * HTTPS_PROXY and NO_PROXY, so the host turns the agent's setting into those two before the step runs; a proxy
 * variable of the task's own (PROXY_VARIABLES) wins.
 *
 * The bypass list holds regular expressions, each tested by the agent against a request's whole URL. One that names
 * a host (`contoso\.com`, `.*\.corp\.contoso\.com`, with or without `https?://`) becomes the NO_PROXY entry
 * `.contoso.com`: that host and its subdomains. Any other is reported, since NO_PROXY cannot say it.
 */
import { PROXY_VARIABLES } from '../core/network-error';

export interface AgentProxySetting {
  url: string;
  username?: string;
  password?: string;
  /** The bypass list as the agent stores it: a JSON array of regular expressions. */
  bypassList?: string;
}

export interface AgentProxyEnv {
  /** The variables to set (HTTPS_PROXY, NO_PROXY); empty when nothing applies. */
  set: Record<string, string>;
  /** Values to mask: the password, and the proxy URL that carries it. */
  secrets: string[];
  /** Bypass entries that could not be turned into host names. */
  unconverted: string[];
  /** Why the setting was not used, when it was not (a task's own HTTPS_PROXY, a URL that is not one). */
  skipped?: string;
}

/** The NO_PROXY entry for a bypass regex that names a host, else undefined. */
export function bypassHost(pattern: string): string | undefined {
  let p = pattern.trim().replace(/^\^/, '').replace(/\$$/, '');
  p = p.replace(/^(?:https\??|http|\(https\|http\)|\(http\|https\)|https\?):\\?\/\\?\//i, '');
  p = p.replace(/(?:\\?\/\.\*|\(\\?\/\.\*\)\?|\\?\/)$/, '');
  if (p.startsWith('.*\\.')) p = p.slice(4);
  else if (p.startsWith('.*')) p = p.slice(2);
  else if (p.startsWith('\\.')) p = p.slice(2);
  if (!/^(?:[a-z0-9-]|\\\.|\.)+(?::\d+)?$/i.test(p)) return undefined;
  const host = p.replace(/:\d+$/, '').replace(/\\\./g, '.').toLowerCase();
  if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/.test(host)) return undefined;
  return `.${host}`;
}

export function agentProxyEnv(setting: AgentProxySetting | undefined, env: NodeJS.ProcessEnv): AgentProxyEnv {
  const none: AgentProxyEnv = { set: {}, secrets: [], unconverted: [] };
  if (!setting?.url) return none;
  const own = PROXY_VARIABLES.find((v) => env[v]);
  if (own) return { ...none, skipped: `the task's own ${own} is used instead` };
  let url: URL;
  try {
    url = new URL(setting.url);
  } catch {
    return { ...none, skipped: 'Agent.ProxyUrl is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ...none, skipped: `Agent.ProxyUrl must be an http or https URL (got ${url.protocol})` };
  const secrets: string[] = [];
  if (setting.username) {
    url.username = setting.username;
    if (setting.password) {
      url.password = setting.password;
      secrets.push(setting.password, url.password);
    }
  }
  const proxy = url.toString();
  if (setting.password) secrets.push(proxy);
  let patterns: unknown = [];
  try {
    patterns = JSON.parse(setting.bypassList || '[]');
  } catch {
    patterns = undefined;
  }
  const list = Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : [];
  const unconverted = Array.isArray(patterns) ? [] : ['Agent.ProxyBypassList (not a JSON array)'];
  const hosts: string[] = [];
  for (const p of list) {
    const h = bypassHost(p);
    if (h) hosts.push(h);
    else unconverted.push(p);
  }
  const existing = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const noProxy = [...new Set([...existing, ...hosts])];
  return { set: { HTTPS_PROXY: proxy, ...(noProxy.length > 0 ? { NO_PROXY: noProxy.join(',') } : {}) }, secrets, unconverted };
}
