/**
 * `npm run bench`: figures that matter to users, each as a ratio against a baseline measured in the same run.
 * Writes bench/results.json and prints a table. Never used as a test assertion.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundles } from '../shared/build/bundle';
import { actionMain, baseEnv, runGitHubAction } from '../shared/cli/runners';
import { ensureTls } from '../shared/emulator/src/tls';
import { measureLro } from './lro';
import { startTestEmulator } from '../test/support/emulator';

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeNodeEmpty(): number {
  const t0 = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  return performance.now() - t0;
}

/** Spawn → first HTTP request received, for a bundle pointed at a local HTTPS listener. */
async function timeToFirstRequest(bundle: string): Promise<number> {
  const tls = ensureTls(join(ROOT, 'test', '.ca'));
  let first: (() => void) | undefined;
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (_req, res) => {
    first?.();
    res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'm', 'model.bin'), 'x');
  const t0 = performance.now();
  const child = spawn(process.execPath, [bundle], {
    stdio: 'ignore',
    env: baseEnv({
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
    }),
  });
  const elapsed = await new Promise<number>((resolve, reject) => {
    first = () => resolve(performance.now() - t0);
    child.on('exit', () => reject(new Error('the bundle exited before making a request')));
  });
  child.kill('SIGKILL');
  server.close();
  return elapsed;
}

function azVersion(): number | undefined {
  try {
    const t0 = performance.now();
    execFileSync('az', ['version'], { stdio: 'ignore' });
    return performance.now() - t0;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, runs: RUNS };
  const action = join(ROOT, 'actions', 'register-model');

  // 1. Start-up to the first HTTP request, against `node -e ''`.
  const base: number[] = [];
  const startup: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    base.push(timeNodeEmpty());
    startup.push(await timeToFirstRequest(actionMain(action)));
  }
  results.startup = {
    nodeEmptyMs: median(base),
    firstRequestMs: median(startup),
    ratio: median(startup) / median(base),
    goal: '<= 2.0',
  };

  // 2. Idempotent rerun of register-model against the emulator, against `az version`.
  const t = await startTestEmulator();
  try {
    const inputs = {
      'subscription-id': t.env.AZURE_SUBSCRIPTION_ID,
      'resource-group': t.env.AML_RESOURCE_GROUP,
      workspace: t.env.AML_WORKSPACE,
      'model-file': join(ROOT, 'shared', 'demo', 'credit-model.yml'),
    };
    const env = baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined });
    const first = await runGitHubAction(action, inputs, env);
    if (first.exitCode !== 0) throw new Error(`first registration failed:\n${first.stdout}`);
    const reruns: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      const t0 = performance.now();
      const r = await runGitHubAction(action, inputs, env);
      reruns.push(performance.now() - t0);
      if (r.outputs.result !== 'unchanged') throw new Error(`rerun was not a no-op: ${r.outputs.result}`);
    }
    const az: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      const ms = azVersion();
      if (ms === undefined) break;
      az.push(ms);
    }
    results.idempotentRerun = {
      rerunMs: median(reruns),
      azVersionMs: az.length ? median(az) : null,
      speedup: az.length ? median(az) / median(reruns) : null,
      goal: '>= 4x faster than az version',
      note: az.length ? undefined : 'az is not installed here (Debian package azure-cli): no baseline',
    };

    // 3. Long-running operation: 10 s provisioning, no Retry-After.
    results.lro = { ...(await measureLro(t, 10_000)), goal: 'lag <= 1 s, polls <= 8' };
    results.lroOtherDurations = [];
    for (const d of [3_000, 25_000]) (results.lroOtherDurations as unknown[]).push(await measureLro(t, d));
  } finally {
    await t.stop();
  }

  // 4. Bundle sizes (one per host kind). index.js is what starts; the lazily loaded chunks beside it count too.
  results.bundleSizes = Object.fromEntries(
    bundles().map((b) => {
        const dir = join(ROOT, b.outDir);
        const total = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
        return [b.outDir, { indexJs: statSync(join(dir, 'index.js')).size, allFiles: total }];
      }),
  );
  results.bundleGoalBytes = 1.5 * 1024 * 1024;

  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
