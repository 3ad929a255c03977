/** The emulator's identity services behind a real HTTPS server on the test CA, for the identity tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIdentity, type IdentityService } from '../../shared/emulator/src/identity';
import { ensureTls } from '../../shared/emulator/src/tls';

export interface IdentityServer {
  baseUrl: string;
  stateDir: string;
  identity: IdentityService;
  close(): Promise<void>;
}

/** Start a server whose every request goes to `identity.handle`; `onRequest` sees each request first. */
export async function startIdentityServer(
  prefix: string,
  onRequest?: (req: IncomingMessage, url: URL, body: Buffer) => void,
): Promise<IdentityServer> {
  const tls = ensureTls(join(__dirname, '..', '.ca'));
  const stateDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const baseUrl = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const identity = await openIdentity({ stateDir, baseUrl });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseUrl);
      const body = Buffer.concat(chunks);
      onRequest?.(req, url, body);
      identity.handle(req, res, url, body).then(
        (handled) => {
          if (!handled) res.writeHead(404).end();
        },
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
  });
  return {
    baseUrl,
    stateDir,
    identity,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
