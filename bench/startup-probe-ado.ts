/**
 * Start-up probe for the Azure DevOps task (issue 7 §3): spawn → first HTTPS request at a local listener for the
 * packaged register-model task with a WorkloadIdentityFederation service connection, in the agent's environment
 * (as runAdoTask in shared/cli/runners.ts sets it), alternated with `node -e ''`, as the median of per-pair ratios.
 *
 *   npx tsx test/support/prepare-ca.ts && npx tsx bench/startup-probe-ado.ts [pairs] [repo root holding shared/dist]
 *
 * The second argument measures another build (e.g. an extracted `git archive` of an older commit). Not a test;
 * prints JSON.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { baseEnv, taskMain } from '../shared/cli/runners';
import { packageTask } from '../shared/cli/task-package';
import { taskInputName } from '../shared/src/hosts/inputs';
import { ensureTls } from '../shared/emulator/src/tls';
import { registerModelStep } from '../shared/src/steps/register-model/definition';

const ROOT = join(__dirname, '..');
const PAIRS = Number(process.argv[2] ?? 11);
const BUILD = resolve(process.argv[3] ?? ROOT);
const tls = ensureTls(join(ROOT, 'test', '.ca'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeExit(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore', env });
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('exit', () => res(performance.now() - t0));
  });
}

function agentEnv(url: string, dir: string): NodeJS.ProcessEnv {
  const id = '3f2c1a9e-5b7d-4c8e-9a1f-2b3c4d5e6f70';
  const vars: Record<string, string> = { AGENT_TEMPDIRECTORY: dir, SYSTEM_HOSTTYPE: 'build' };
  const inputs = { resourceGroup: 'rg-bench', workspace: 'mlw-bench', modelName: 'bench', modelPath: join(dir, 'm') };
  for (const [k, v] of Object.entries(inputs)) vars[`INPUT_${taskInputName(k).toUpperCase()}`] = v;
  const parameters = { serviceprincipalid: '00000000-0000-0000-0000-000000000002', tenantid: '00000000-0000-0000-0000-000000000001' };
  const data: Record<string, string> = {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    environment: 'AzureStack',
    environmentAuthorityUrl: `${url}/entra`,
    activeDirectoryServiceEndpointResourceId: 'https://management.azure.com/',
  };
  vars.INPUT_AZURESUBSCRIPTION = id;
  vars[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters, scheme: 'WorkloadIdentityFederation' });
  vars[`ENDPOINT_AUTH_SCHEME_${id}`] = 'WorkloadIdentityFederation';
  for (const [k, v] of Object.entries(parameters)) vars[`ENDPOINT_AUTH_PARAMETER_${id}_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(data)) vars[`ENDPOINT_DATA_${id}_${k.toUpperCase()}`] = v;
  vars[`ENDPOINT_URL_${id}`] = url;
  vars.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: 'bench-system-access-token' }, scheme: 'OAuth' });
  return { ...baseEnv({ NODE_EXTRA_CA_CERTS: tls.caCertPath, SYSTEM_OIDCREQUESTURI: `${url}/ado/org/proj/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken` }), ...vars };
}

async function main(): Promise<void> {
  let first: ((path: string) => void) | undefined;
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    first?.(`${req.method} ${req.url ?? ''}`);
    res.writeHead(503).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'startup-probe-ado-'));
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'm', 'model.bin'), 'x');
  const script = taskMain(packageTask(BUILD, registerModelStep));
  const env = agentEnv(url, dir);

  const timeFirstRequest = async (): Promise<{ ms: number; path: string }> => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [script], { stdio: 'ignore', env });
    const out = await new Promise<{ ms: number; path: string }>((res, rej) => {
      first = (path) => res({ ms: performance.now() - t0, path });
      child.on('exit', () => rej(new Error('the task exited before making a request')));
    });
    first = undefined;
    child.removeAllListeners('exit');
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    return out;
  };

  const empty: number[] = [];
  const firsts: number[] = [];
  const ratios: number[] = [];
  let firstPath = '';
  for (let n = 0; n < PAIRS; n++) {
    const e = await timeExit(['-e', ''], baseEnv());
    const f = await timeFirstRequest();
    firstPath = f.path;
    empty.push(e);
    firsts.push(f.ms);
    ratios.push(f.ms / e);
  }
  server.close();
  process.stdout.write(
    JSON.stringify(
      {
        node: process.version,
        pairs: PAIRS,
        build: BUILD,
        nodeEmptyMs: Math.round(median(empty)),
        firstRequest: { ms: Math.round(median(firsts)), ratio: +median(ratios).toFixed(2), request: firstPath.split('?')[0], goal: '<= 2.0' },
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
