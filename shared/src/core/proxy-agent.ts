/**
 * The proxy for a request made with Node's own HTTPS client (the GitHub ID token from the CLI, the Azure DevOps
 * service connection's OIDC token): the SDK pipelines and @actions/http-client honour HTTPS_PROXY and NO_PROXY
 * themselves, and these requests must go the same way, or on a network reachable only through the proxy they fail.
 *
 * The variables (PROXY_VARIABLES, in their order) and NO_PROXY's rules are the ones @azure/core-rest-pipeline
 * applies: NO_PROXY (or no_proxy) is a comma-separated list where `*` matches every host, `.example.com` a host
 * and its subdomains, and any other entry that host only.
 */
import type { Agent } from 'node:https';
import { inputError } from './errors';
import { PROXY_VARIABLES } from './network-error';

/** The proxy URL `url` goes through, and the variable it came from; undefined when none applies. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): { proxy: string; variable: string } | undefined {
  const variable = PROXY_VARIABLES.find((v) => env[v]);
  if (!variable) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of noProxy) {
    if (entry === '*') return undefined;
    if (entry.startsWith('.') ? host.endsWith(entry) || host === entry.slice(1) : host === entry) return undefined;
  }
  return { proxy: env[variable]!, variable };
}

/** An agent that tunnels to `url` through its proxy (https-proxy-agent, loaded only then), or undefined. */
export function proxyAgentFor(url: URL, env: NodeJS.ProcessEnv = process.env): Agent | undefined {
  const p = proxyFor(url, env);
  if (!p) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(p.proxy);
  } catch {
    throw inputError(`${p.variable} is not a URL, so no request can go through the proxy`, { hint: `set ${p.variable} to the proxy's address, e.g. http://proxy.example:3128` });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
  return new HttpsProxyAgent(proxy) as unknown as Agent;
}
