/**
 * One HTTPS request whose answer is small (a token, a metadata document), read whole: status, headers and body
 * as text. The body is capped at `maxBytes`: past it the request either fails or keeps what it read (`oversize`).
 * A socket timeout fails it with an ETIMEDOUT error (describeNetworkFailure reads it as a timeout).
 */
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface SmallAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SmallRequestLimits {
  maxBytes: number;
  /** `fail`: an answer over maxBytes rejects; `truncate`: the first maxBytes are kept. */
  oversize: 'fail' | 'truncate';
  /** Called with the request's socket (to unref it, for instance). */
  onSocket?: (socket: Socket) => void;
}

export function smallRequest(url: string | URL, options: RequestOptions, limits: SmallRequestLimits): Promise<SmallAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: Error): void => {
      if (!settled) reject(e);
      settled = true;
    };
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        const room = limits.maxBytes - size;
        size += c.length;
        if (size <= limits.maxBytes) chunks.push(c);
        else if (limits.oversize === 'truncate') {
          if (room > 0) chunks.push(c.subarray(0, room));
        } else if (!settled) {
          fail(new Error(`the answer is larger than ${limits.maxBytes} bytes`));
          res.destroy();
        }
      });
      res.on('error', fail);
      res.on('end', () => {
        if (!settled) resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        settled = true;
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    if (limits.onSocket) req.on('socket', limits.onSocket);
    req.on('error', fail);
    req.end();
  });
}
