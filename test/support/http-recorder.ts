/**
 * A local HTTP endpoint that records every request (URL, headers, body) and answers as told: the stand-in for a
 * webhook receiver, GitHub's or Azure DevOps' REST API, in the tests that need one.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Recorder {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `answer` decides the reply (default 200, no body); an object body is sent as JSON. */
export async function startRecorder(answer: (r: RecordedRequest) => Answer = () => ({ status: 200 })): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r: RecordedRequest = { method: req.method, url: req.url, headers: req.headers, body };
      requests.push(r);
      const a = answer(r);
      const json = a.body !== undefined && typeof a.body !== 'string';
      res.writeHead(a.status, { ...(json ? { 'content-type': 'application/json' } : {}), ...a.headers }).end(a.body === undefined ? '' : json ? JSON.stringify(a.body) : String(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
