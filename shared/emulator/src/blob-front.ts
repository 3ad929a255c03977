/**
 * The blob front: an HTTPS port on the emulator's certificate that every blob URL the emulator hands out points at.
 * Each request is matched against the fault rules (host 'blob', by method, path and Blob operation), journaled
 * (area 'blob', also when a fault answered it: `fault` names the fault) before its response leaves, and otherwise proxied as it is, streaming both ways, to Azurite.
 * The Host header is passed on unchanged, so Azurite sees the front as its own address: a copy whose source URL
 * names the front is taken for one inside the same Azurite (and its access check comes back through the front).
 */
import { Agent, createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonStore } from './state/json-store';
import type { ArmState } from './state/model';
import type { Journal, NewJournalEntry } from './journal';
import type { TlsMaterial } from './tls';
import { takeFault } from './faults';
import { blobFaultReply, blobOperation, type XmlReply } from './blob-operations';

export interface BlobFrontDeps {
  store: JsonStore<ArmState>;
  journal: Journal;
  tls: Pick<TlsMaterial, 'serverCertPem' | 'serverKeyPem' | 'caCertPem'>;
  log: (line: string) => void;
}

export interface RunningBlobFront {
  port: number;
  stop(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

function query(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  url.searchParams.forEach((v, k) => {
    // A SAS signature is a credential: never journal it.
    q[k] = k.toLowerCase() === 'sig' ? 'REDACTED' : v;
  });
  return q;
}

function sendXml(res: ServerResponse, reply: XmlReply): void {
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(reply.body.length) });
  res.end(reply.body);
}

function forwardHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

export async function startBlobFront(deps: BlobFrontDeps, port = 0): Promise<RunningBlobFront> {
  const agent = new Agent({ keepAlive: true, ca: deps.tls.caCertPem });
  const journal = (entry: NewJournalEntry) => deps.journal.append(entry).catch((e: Error) => deps.log(`[blob-front] journal append failed: ${e.message}`));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://blob.invalid');
    const operation = blobOperation(method, url.pathname, url.searchParams, req.headers);
    const base = { method, path: url.pathname, query: query(url), area: 'blob' };
    const fault = await takeFault(deps.store, method, url.pathname, { host: 'blob', operation });
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs).unref());
    if (fault?.drop) {
      await journal({ ...base, status: 0, fault: fault.id });
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      req.resume(); // read and drop the upload: the client then gets the answer, not a reset
      await journal({ ...base, status: fault.status, fault: fault.id });
      return sendXml(res, blobFaultReply(fault));
    }
    const entry = fault ? { ...base, fault: fault.id } : base;
    const upstreamPort = deps.store.peek().azurite?.port;
    if (!upstreamPort) {
      req.resume();
      await journal({ ...entry, status: 503 });
      return sendXml(res, blobFaultReply({ id: 'no-azurite', fired: 0, path: '', status: 503, body: { code: 'ServerBusy', message: 'The emulator runs without blob storage (Azurite).' } }));
    }

    const up = request({ host: '127.0.0.1', port: upstreamPort, method, path: req.url, agent, headers: forwardHeaders(req.rawHeaders) as unknown as Record<string, string> });
    up.on('response', (upRes) => {
      void journal({ ...entry, status: upRes.statusCode ?? 0 }).then(() => {
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, forwardHeaders(upRes.rawHeaders));
        upRes.pipe(res);
      });
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (e: Error) => {
      if (res.headersSent) return void res.destroy();
      deps.log(`[blob-front] ${method} ${url.pathname}: Azurite did not answer: ${e.message}`);
      void journal({ ...entry, status: 502 }).then(() =>
        sendXml(res, blobFaultReply({ id: 'upstream', fired: 0, path: '', status: 502, body: { code: 'InternalError', message: `The storage emulator did not answer: ${e.message}` } })),
      );
    });
    // A client that goes away mid-request takes the upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  };

  const server: Server = createServer({ cert: deps.tls.serverCertPem, key: deps.tls.serverKeyPem }, (req, res) => {
    handle(req, res).catch((e: Error) => {
      deps.log(`[blob-front] error serving ${req.method} ${req.url?.split('?')[0]}: ${e.stack ?? e.message}`);
      if (!res.headersSent) sendXml(res, blobFaultReply({ id: 'error', fired: 0, path: '', status: 500 }));
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
