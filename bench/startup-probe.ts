/**
 * Start-up probe (issue 7 §3): spawn → first HTTPS request at a local listener, and spawn → exit for an invalid
 * input, each alternated with `node -e ''` and reported as the median of the per-pair ratios.
 *
 *   npx tsx test/support/prepare-ca.ts && npx tsx bench/startup-probe.ts [pairs] [script]
 *
 * Same environment as timeToFirstRequest in bench/run.ts. Not a test; prints JSON.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { baseEnv } from '../shared/cli/runners';
import { ensureTls } from '../shared/emulator/src/tls';

const ROOT = join(__dirname, '..');
const PAIRS = Number(process.argv[2] ?? 11);
const SCRIPT = process.argv[3] ?? join(ROOT, 'actions', 'register-model', 'index.js');
const tls = ensureTls(join(ROOT, 'test', '.ca'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeExit(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore', env });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms: performance.now() - t0, code }));
  });
}

function env(url: string, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return baseEnv({
    NODE_EXTRA_CA_CERTS: tls.caCertPath,
    INPUT_WORKSPACE: 'mlw-bench',
    'INPUT_RESOURCE-GROUP': 'rg-bench',
    'INPUT_SUBSCRIPTION-ID': '00000000-0000-0000-0000-000000000000',
    'INPUT_MODEL-NAME': 'bench',
    'INPUT_MODEL-PATH': join(dir, 'm'),
    AML_CLOUD: 'Custom',
    AML_ARM_ENDPOINT: url,
    AML_AUTHORITY_HOST: `${url}/entra`,
    AZURE_TENANT_ID: '00000000-0000-0000-0000-000000000001',
    AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000002',
    ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/idtoken?x=1`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
    GITHUB_OUTPUT: join(dir, 'out'),
    ...extra,
  });
}

async function main(): Promise<void> {
  let first: ((path: string) => void) | undefined;
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    first?.(req.url ?? '');
    res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'startup-probe-'));
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'm', 'model.bin'), 'x');

  const timeFirstRequest = async (): Promise<{ ms: number; path: string }> => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [SCRIPT], { stdio: 'ignore', env: env(url, dir) });
    const out = await new Promise<{ ms: number; path: string }>((resolve, reject) => {
      first = (path) => resolve({ ms: performance.now() - t0, path });
      child.on('exit', () => reject(new Error('the bundle exited before making a request')));
    });
    first = undefined;
    child.removeAllListeners('exit');
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    return out;
  };

  const rows = { empty: [] as number[], first: [] as number[], invalid: [] as number[], r1: [] as number[], r2: [] as number[] };
  let firstPath = '';
  let invalidCode: number | null = null;
  for (let n = 0; n < PAIRS; n++) {
    const e1 = (await timeExit(['-e', ''], baseEnv())).ms;
    const f = await timeFirstRequest();
    const e2 = (await timeExit(['-e', ''], baseEnv())).ms;
    const bad = await timeExit([SCRIPT], env(url, dir, { 'INPUT_MODEL-NAME': 'bad name!' }));
    firstPath = f.path;
    invalidCode = bad.code;
    rows.empty.push(e1, e2);
    rows.first.push(f.ms);
    rows.invalid.push(bad.ms);
    rows.r1.push(f.ms / e1);
    rows.r2.push(bad.ms / e2);
  }
  server.close();
  const result = {
    node: process.version,
    pairs: PAIRS,
    script: SCRIPT,
    nodeEmptyMs: Math.round(median(rows.empty)),
    firstRequest: { ms: Math.round(median(rows.first)), ratio: +median(rows.r1).toFixed(2), path: firstPath.split('?')[0], goal: '<= 2.0' },
    invalidInput: { ms: Math.round(median(rows.invalid)), ratio: +median(rows.r2).toFixed(2), exitCode: invalidCode, goal: '<= 1.5' },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
