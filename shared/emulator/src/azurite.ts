/**
 * Runs Azurite (the official Azure Storage emulator, npm `azurite`) for blob storage, on a free loopback
 * port, over HTTPS with the emulator's server certificate, with the storage accounts the emulator needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, portOpen } from './ports';

declare const __non_webpack_require__: NodeJS.Require | undefined;
/** `require` as Node sees it, also inside an ncc bundle (where `require` is webpack's). */
const nodeRequire: NodeJS.Require = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;

export interface StorageAccount {
  name: string;
  /** base64 account key */
  key: string;
}

export interface AzuriteOptions {
  /** Folder for Azurite's data (persisted across restarts). */
  location: string;
  certPath: string;
  keyPath: string;
  /** CA Azurite trusts for its own outgoing calls (a cross-account copy checks its source through the blob front). */
  caPath?: string;
  accounts: StorageAccount[];
  port?: number;
  /** Lines Azurite prints (debugging). */
  log?: (line: string) => void;
}

export interface RunningAzurite {
  /** host:port, e.g. 127.0.0.1:41234 */
  hostPort: string;
  port: number;
  /** https://127.0.0.1:port/<account> */
  accountUrl(account: string): string;
  stop(): Promise<void>;
}

function azuriteBlobMain(): string {
  const pkg = nodeRequire.resolve('azurite/package.json');
  return join(dirname(pkg), 'dist', 'src', 'blob', 'main.js');
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`Azurite exited before listening (code ${exitCode})`);
    if (await portOpen(port)) return;
    if (Date.now() > deadline) throw new Error(`Azurite did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startAzurite(opts: AzuriteOptions): Promise<RunningAzurite> {
  mkdirSync(opts.location, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = [
    azuriteBlobMain(),
    '--blobHost', '127.0.0.1',
    '--blobPort', String(port),
    '--location', opts.location,
    '--cert', opts.certPath,
    '--key', opts.keyPath,
    '--skipApiVersionCheck',
    '--loose',
    '--disableProductStyleUrl',
    '--disableTelemetry',
    '--silent',
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...(opts.caPath ? { NODE_EXTRA_CA_CERTS: opts.caPath } : {}), AZURITE_ACCOUNTS: opts.accounts.map((a) => `${a.name}:${a.key}`).join(';') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = opts.log;
  child.stdout?.on('data', (d: Buffer) => log?.(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log?.(d.toString()));
  await waitForPort(port, child, 20_000);
  const hostPort = `127.0.0.1:${port}`;
  return {
    hostPort,
    port,
    accountUrl: (account) => `https://${hostPort}/${account}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
