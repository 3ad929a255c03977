/**
 * The monitor-breach relay (workflows-templates/relay/relay.js, the very file the templates ship) served over HTTP
 * on 127.0.0.1 as the Functions host would serve it: each request in, the relay's answer out. For the demo and the
 * tests, which put it between the emulator's Event Grid and a local stand-in for GitHub.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RelayAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const relay = require('../../workflows-templates/relay/relay.js') as {
  handle(req: { method?: string; headers: Record<string, string>; query: Record<string, string>; body: string }, env: Record<string, string>, f: typeof fetch, log: (l: string) => void): Promise<RelayAnswer>;
};

export interface RelayServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

export async function serveRelay(env: Record<string, string>, log: (line: string) => void): Promise<RelayServer> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://relay');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      relay
        .handle({ method: req.method, headers, query: Object.fromEntries(u.searchParams), body }, env, fetch, log)
        .then((a) => res.writeHead(a.status, a.headers ?? {}).end(a.body ?? ''))
        .catch((e: Error) => res.writeHead(500).end(e.message));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
