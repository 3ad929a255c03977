/**
 * What the rollout and scoring benches share: an emulator with Azurite and room for the deployments they create,
 * the fixture model registered with the register-model action (as the deploy-online end-to-end tests do), and
 * deploy-online runs of the CLI bundle (`node shared/dist/cli/index.js deploy-online …`) with the fixture
 * deployment YAML, each prepared ahead so timing covers the process only.
 */
import { join } from 'node:path';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { baseEnv } from '../shared/cli/runners';
import { ensureTls } from '../shared/emulator/src/tls';
import { DEPLOYMENT_FILE, FIXTURES, registerModel } from '../test/support/deploy-online';
import { REPO, startTestEmulator, TEST_CA_DIR, type TestEmulator } from '../test/support/emulator';
import { timeProcess, type TimedRun } from './timing';

export const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

/** Room for every deployment a bench creates (each DS3_v2 instance holds 8 vCPUs with the upgrade reserve). */
const ROOMY = { limits: { standardDSv2Family: 400, total: 1000 } };

/** A fresh emulator (Azurite too) on the test CA, with `lroDurationMs` for every operation, and credit-model:1 registered. */
export async function startDeployEmulator(lroDurationMs: number): Promise<TestEmulator> {
  ensureTls(TEST_CA_DIR); // what `npm run bench` does first (test/support/prepare-ca.ts), for standalone runs
  const t = await startTestEmulator({ lroDurationMs });
  try {
    await t.control.call('PUT', '/_emulator/online/quota', ROOMY);
    const version = await registerModel(t, join(FIXTURES, 'model'));
    if (version !== '1') throw new Error(`register-model gave credit-model:${version}, wanted 1`);
    return t;
  } catch (e) {
    await t.stop();
    throw e;
  }
}

/** A terminal signed in with the first app's secret (no OIDC variables). */
export function cliEnv(t: TestEmulator): NodeJS.ProcessEnv {
  return baseEnv({
    ...t.env,
    ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    SYSTEM_OIDCREQUESTURI: undefined,
    AZURE_CLIENT_SECRET: t.world.identity.apps[0].secrets[0].value,
  });
}

export interface DeployOptions {
  /** --deployment-name (default: the file's, blue). */
  deploymentName?: string;
  strategy?: 'blue-green' | 'canary' | 'replace';
  trafficSteps?: string;
  bakeMs: number;
  /** `key.path=value` overrides of the fixture YAML (--set, one per line). */
  set?: string[];
}

export function deployArgs(endpoint: string, o: DeployOptions): string[] {
  const args = ['deploy-online', '--deployment-file', DEPLOYMENT_FILE, '--endpoint-name', endpoint, '--bake-time', `${o.bakeMs}ms`];
  if (o.deploymentName) args.push('--deployment-name', o.deploymentName);
  if (o.strategy) args.push('--strategy', o.strategy);
  if (o.trafficSteps) args.push('--traffic-steps', o.trafficSteps);
  if (o.set?.length) args.push('--set', o.set.join('\n'));
  return args;
}

export interface DeployRun {
  run: TimedRun;
  outputs: Record<string, string>;
}

/** One deploy-online run of the CLI bundle, timed spawn → exit; throws unless it ends `deployed`. */
export async function deployOnce(t: TestEmulator, endpoint: string, o: DeployOptions): Promise<DeployRun> {
  const run = await timeProcess(process.execPath, [CLI, ...deployArgs(endpoint, o)], cliEnv(t));
  let outputs: Record<string, string> = {};
  try {
    outputs = JSON.parse(run.stdout) as Record<string, string>;
  } catch {
    // reported below
  }
  if (run.exitCode !== 0 || outputs.result !== 'deployed') {
    throw new Error(`deploy-online ${endpoint}: exit ${run.exitCode}, result ${outputs.result}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-4000)}`);
  }
  return { run, outputs };
}

/** An ARM request with the first app's token, trusting the test CA explicitly (a standalone run has no NODE_EXTRA_CA_CERTS). */
export async function armJson<T>(t: TestEmulator, method: string, path: string): Promise<{ status: number; json: T }> {
  const ca = readFileSync(join(TEST_CA_DIR, 'ca.pem'), 'utf8');
  const app = t.world.identity.apps[0];
  const token = await send(
    ca,
    new URL(`${t.env.AML_AUTHORITY_HOST}/${t.world.identity.tenantId}/oauth2/v2.0/token`),
    'POST',
    { 'content-type': 'application/x-www-form-urlencoded' },
    new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.secrets[0].value, scope: `${t.env.AML_ARM_AUDIENCE}.default` }).toString(),
  );
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.text}`);
  const url = new URL(path, t.env.AML_ARM_ENDPOINT);
  url.searchParams.set('api-version', '2025-04-01');
  const r = await send(ca, url, method, { authorization: `Bearer ${(JSON.parse(token.text) as { access_token: string }).access_token}` });
  return { status: r.status, json: (r.text ? JSON.parse(r.text) : undefined) as T };
}

function send(ca: string, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
