/**
 * The one way the bench times a process, used for both sides of every comparison: performance.now() right before
 * spawn() and at the child's 'exit' event, stdout and stderr piped and collected the same way for every command.
 * And a recording HTTPS proxy in front of the emulator, stamping when each request's headers arrive.
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TimedRun {
  /** performance.now() just before spawn(). */
  startedAt: number;
  /** Spawn → exit, ms. */
  ms: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Spawn `command args` and time it spawn → exit. Rejects only when it cannot be started (e.g. ENOENT). */
export function timeProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let exited: { ms: number; code: number } | undefined;
    let closed = false;
    const done = () => {
      if (exited && closed) resolve({ startedAt, ms: exited.ms, exitCode: exited.code, stdout, stderr });
    };
    const startedAt = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = { ms: performance.now() - startedAt, code: code ?? (signal ? 128 : 1) };
      done();
    });
    // The figure is taken at 'exit'; 'close' (pipes drained) only tells us the output is complete.
    child.on('close', () => {
      closed = true;
      done();
    });
  });
}

export interface SeenRequest {
  /** performance.now() when the request's headers arrived. */
  at: number;
  method: string;
  path: string;
  authorized: boolean;
}

export interface RecordingProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A TLS-terminating proxy to `target` (the emulator): every request is stamped on arrival, then passed on over a
 * keep-alive connection; the emulator's own origin in answers is rewritten to the proxy's, so every later request
 * (sign-in, ARM, operation polls) comes through it too. Blob storage (Azurite) is not proxied. Costs one loopback
 * hop per request, on the subject side only.
 */
export async function startRecordingProxy(target: string, tls: { cert: string; key: string; ca: string }): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, ca: tls.ca });
  const seen: SeenRequest[] = [];
  let self = '';
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const path = req.url ?? '/';
    seen.push({ at: performance.now(), method: req.method ?? 'GET', path, authorized: /^bearer /i.test(req.headers.authorization ?? '') });
    const headers = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding'];
    const fwd = request({ host: upstream.hostname, port: Number(upstream.port), method: req.method, path, headers, agent }, (up) => {
      // URLs the emulator hands out (OpenID metadata, operation polls, nextLink) name the proxy instead, as a real
      // front door would; MSAL insists that the metadata's endpoints are on the authority it was given.
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.from(Buffer.concat(chunks).toString('utf8').split(upstream.origin).join(self));
        const out = { ...up.headers };
        for (const h of ['location', 'azure-asyncoperation', 'operation-location']) {
          const v = out[h];
          if (typeof v === 'string') out[h] = v.split(upstream.origin).join(self);
        }
        delete out['transfer-encoding'];
        out['content-length'] = String(body.length);
        res.writeHead(up.statusCode ?? 502, out);
        res.end(body);
      });
    });
    fwd.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bench proxy: ${e.message}`);
    });
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  self = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    seen,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The first authenticated request on the ARM route (`/subscriptions/…`), or undefined. */
export const firstArmRequest = (seen: readonly SeenRequest[], after: number): SeenRequest | undefined =>
  seen.find((s) => s.at >= after && s.authorized && s.path.toLowerCase().startsWith('/subscriptions/'));

export const firstRequest = (seen: readonly SeenRequest[], after: number): SeenRequest | undefined => seen.find((s) => s.at >= after);
