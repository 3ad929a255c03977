/**
 * Authenticated ARM GETs per second against the emulator, and the same load against a bare Node HTTPS server
 * returning the same JSON, in one run (16 keep-alive connections by default).
 *
 *   npx tsx bench/emulator-rps.ts [requests] [connections]
 *   import { measureEmulatorRps } from './emulator-rps'; await measureEmulatorRps() // { emulatorRps, bareRps, ratio, ... }
 */
import { Agent, createServer, request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../shared/emulator/src';

export interface RpsResult {
  requests: number;
  connections: number;
  emulatorRps: number;
  bareRps: number;
  /** emulatorRps / bareRps */
  ratio: number;
}

interface Target {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
}

function get(agent: Agent, ca: string, t: Target): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: t.host, port: t.port, path: t.path, method: 'GET', headers: t.headers, agent, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(ca: string, t: Target, requests: number, connections: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, ca });
  let left = requests;
  const worker = async () => {
    while (left-- > 0) {
      const r = await get(agent, ca, t);
      if (r.status !== 200) throw new Error(`GET ${t.path}: ${r.status} ${r.body.slice(0, 200)}`);
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return requests / seconds;
}

export async function measureEmulatorRps(opts: { requests?: number; connections?: number; tlsDir?: string } = {}): Promise<RpsResult> {
  const requests = opts.requests ?? 20000;
  const connections = opts.connections ?? 16;
  const stateDir = mkdtempSync(join(tmpdir(), 'aml-emu-bench-'));
  const emu = await startEmulator({ stateDir, tlsDir: opts.tlsDir, azurite: false });
  const bare = createServer();
  try {
    const ca = readFileSync(emu.env.NODE_EXTRA_CA_CERTS, 'utf8');
    const tlsDir = join(emu.env.NODE_EXTRA_CA_CERTS, '..');
    const url = new URL(emu.url);
    const world = await fetchJson(ca, { host: url.hostname, port: Number(url.port), path: '/_emulator/world', headers: {} });
    const app = world.identity.apps[0];
    const token = await postToken(ca, url, world.identity.tenantId, app.appId, app.secrets[0].value);
    const wsPath = `/subscriptions/${emu.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${emu.env.AML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${emu.env.AML_WORKSPACE}?api-version=2025-04-01`;
    const emuTarget: Target = { host: url.hostname, port: Number(url.port), path: wsPath, headers: { authorization: `Bearer ${token}` } };
    const body = (await get(new Agent({ ca }), ca, emuTarget)).body;

    bare.setSecureContext({ cert: readFileSync(join(tlsDir, 'server.pem')), key: readFileSync(join(tlsDir, 'server-key.pem')) });
    bare.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const bareTarget: Target = { ...emuTarget, port: (bare.address() as AddressInfo).port };

    // Warm-up on both, then alternate halves so both sides see the same machine load.
    await load(ca, emuTarget, Math.min(500, requests), connections);
    await load(ca, bareTarget, Math.min(500, requests), connections);
    const half = Math.ceil(requests / 2);
    const e1 = await load(ca, emuTarget, half, connections);
    const b1 = await load(ca, bareTarget, half, connections);
    const b2 = await load(ca, bareTarget, half, connections);
    const e2 = await load(ca, emuTarget, half, connections);
    const emulatorRps = (e1 + e2) / 2;
    const bareRps = (b1 + b2) / 2;
    return { requests, connections, emulatorRps: Math.round(emulatorRps), bareRps: Math.round(bareRps), ratio: Number((emulatorRps / bareRps).toFixed(3)) };
  } finally {
    bare.close();
    await emu.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function fetchJson(ca: string, t: Target): Promise<any> {
  const r = await get(new Agent({ ca }), ca, t);
  return JSON.parse(r.body);
}

function postToken(ca: string, url: URL, tenant: string, clientId: string, secret: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://management.azure.com/.default' }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: Number(url.port), path: `/entra/${tenant}/oauth2/v2.0/token`, method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).access_token) : reject(new Error(`token: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

if (require.main === module) {
  const [n, c] = process.argv.slice(2).map(Number);
  measureEmulatorRps({ requests: n || undefined, connections: c || undefined })
    .then((r) => {
      console.log(`emulator: ${r.emulatorRps} authenticated ARM GETs/s; bare HTTPS server: ${r.bareRps}/s; ratio ${r.ratio} (${r.requests} requests, ${r.connections} keep-alive connections)`);
      console.log(JSON.stringify(r));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
