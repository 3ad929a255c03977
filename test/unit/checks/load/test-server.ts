/**
 * A local HTTP server for the load engine's tests: it records what each request carried and answers as `behave`
 * says (a status, after a delay, or never), one keep-alive connection per client connection.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Counted from 0 in arrival order */
  index: number;
  at: number;
}

export interface Answer {
  status?: number;
  delayMs?: number;
  /** Never answer (the client's timeout must end the request) */
  hang?: boolean;
  body?: string;
}

export interface TestServer {
  url: string;
  seen: SeenRequest[];
  /** Connections the server accepted */
  connections: () => number;
  behave: (f: (r: SeenRequest) => Answer) => void;
  close: () => Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  let behaviour: (r: SeenRequest) => Answer = () => ({});
  let connections = 0;
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), index: seen.length, at: Date.now() };
      seen.push(r);
      const a = behaviour(r);
      if (a.hang) {
        hanging.add(() => res.destroy());
        return;
      }
      const answer = () => {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        res.end(a.body ?? '{"ok":true}');
      };
      if (a.delayMs) setTimeout(answer, a.delayMs);
      else answer();
    });
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/score?v=1`,
    seen,
    connections: () => connections,
    behave: (f) => (behaviour = f),
    close: async () => {
      for (const end of hanging) end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
