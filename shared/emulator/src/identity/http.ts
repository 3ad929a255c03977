/** Small response helpers shared by the identity routes. */
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store, no-cache',
    ...headers,
  });
  res.end(text);
}

export function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.writeHead(405, { Allow: allowed, 'Content-Length': 0 });
  res.end();
}

export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return m?.[1];
}

/** application/x-www-form-urlencoded body as a map (first value wins). */
export function parseForm(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The error body of Azure DevOps and the GitHub Actions runtime service (both VSS-based). */
export function vssErrorBody(message: string, typeKey: string, typeName: string): Record<string, unknown> {
  return { $id: '1', innerException: null, message, typeName, typeKey, errorCode: 0, eventId: 3000 };
}

export const VSS_UNAUTHORIZED = {
  typeKey: 'UnauthorizedRequestException',
  typeName: 'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
};

/** decodeURIComponent that leaves malformed escapes as they are instead of throwing. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
