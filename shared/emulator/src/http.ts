/** Small HTTP helpers shared by the emulator's routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response to send. `body` undefined = no body; anything else is sent as JSON (so `null` sends `null`). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: Buffer | undefined;
  if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

/** Parse a JSON request body; undefined when empty, `{ error }` when malformed. */
export function parseJson(body: Buffer): { value?: unknown; error?: string } {
  if (body.length === 0) return {};
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
