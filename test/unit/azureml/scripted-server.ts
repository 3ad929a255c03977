/**
 * A local HTTPS server that answers from scripts and records every request, for client tests. Its certificate
 * comes from the shared test CA that `npm test` makes Node trust.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ensureTls } from '../../../shared/emulator/src/tls';

export interface Recorded {
  method: string;
  /** Path and query as received */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are */
  body?: unknown;
}

/** 'drop' destroys the socket without answering (a dropped connection). */
export type Answer = Reply | 'drop';
export type Handler = (req: Recorded, server: ScriptedServer) => Answer | Promise<Answer>;

interface Route {
  method: string;
  path: RegExp;
  handler: Handler;
}

export class ScriptedServer {
  readonly requests: Recorded[] = [];
  private routes: Route[] = [];
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<ScriptedServer> {
    const tls = ensureTls(join(__dirname, '..', '..', '.ca'));
    let self: ScriptedServer | undefined;
    const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
      void self!.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    self = new ScriptedServer(server, `https://127.0.0.1:${port}`);
    return self;
  }

  /** Answer requests matching method and path with `handler`. Later routes win. */
  on(method: string, path: RegExp, handler: Handler): this {
    this.routes.unshift({ method, path, handler });
    return this;
  }

  /** Answer with each reply in turn; the last one repeats. */
  sequence(method: string, path: RegExp, answers: Answer[]): this {
    let i = 0;
    return this.on(method, path, () => answers[Math.min(i++, answers.length - 1)]);
  }

  hits(method: string, path: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  reset(): void {
    this.routes = [];
    this.requests.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const rec: Recorded = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      at: Date.now(),
    };
    this.requests.push(rec);
    const route = this.routes.find((r) => r.method === rec.method && r.path.test(rec.path));
    let answer: Answer;
    try {
      answer = route
        ? await route.handler(rec, this)
        : { status: 404, body: { error: { code: 'NoRoute', message: `no script for ${rec.method} ${rec.path}` } } };
    } catch (e) {
      answer = { status: 599, body: { error: { code: 'ScriptFailed', message: String(e) } } };
    }
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    const text =
      answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(text && typeof answer.body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
      ...answer.headers,
    });
    res.end(text);
  }
}
