/**
 * The demo's monitoring steps, ending with the loop closed: the model monitor of the live deployment (from the
 * demo's az ml schedule file), its alert rules, and an Event Grid subscription delivering breaches to the relay
 * template (workflows-templates/relay, run here as the Functions host would), which forwards them to a local
 * stand-in for GitHub's repository_dispatch. A drifted sample of recent applicants then breaches the monitor, the
 * breach travels Event Grid → relay → repository_dispatch, and the scheduled check (Azure DevOps task) fails with it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { packageTask } from './task-package';
import { baseEnv, runAdoTask, runGitHubAction } from './runners';
import { writeSample } from './staging-data';
import { APPLICANTS } from './demo-staging';
import type { DeployDemoContext } from './demo-deploy';
import type { EmulatorControl } from './emulator-control';
import { configureMonitorsStep } from '../src/steps/configure-monitors/definition';
import { serveRelay } from './relay-server';

function listen(s: Server): Promise<string> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

function readBody(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });
}

export async function runMonitorsDemo(c: DeployDemoContext, control: EmulatorControl, live: string): Promise<boolean[]> {
  const ok: boolean[] = [];
  const dir = join(c.stateDir, 'monitoring');
  mkdirSync(dir, { recursive: true });
  const { 'subscription-id': sub, 'resource-group': rg, workspace: ws } = c.workspaceInputs as Record<string, string>;
  // The baseline (the training population) and recent applicants after a downturn, as data assets.
  for (const [name, shift, seed] of [['credit-training', 0, 1], ['credit-recent-applicants', 1, 7]] as const) {
    const file = join(dir, `${name}.csv`);
    writeSample(file, APPLICANTS, { rows: name === 'credit-training' ? 3000 : 800, seed, shift });
    await control.call('PUT', `/_emulator/data/${sub}/${rg}/${ws}/${name}/1`, { text: readFileSync(file, 'utf8'), path: `demo/${name}.csv` });
  }

  // A stand-in for GitHub's REST API (repository_dispatch), and the relay in front of it.
  const dispatches: { event_type: string; client_payload: Record<string, unknown> }[] = [];
  const github = createServer(async (req, res) => {
    dispatches.push(JSON.parse(await readBody(req)));
    res.writeHead(204).end();
  });
  const githubUrl = await listen(github);
  const relayLog: string[] = [];
  const relayEnv = { RELAY_TARGET: 'github', GITHUB_API_URL: githubUrl, GITHUB_REPOSITORY: 'contoso/mlops', GITHUB_TOKEN: 'demo-token', RELAY_KEY: 'demo-relay-key' };
  const relayServer = await serveRelay(relayEnv, (l) => relayLog.push(l));
  const relayUrl = `${relayServer.url}/api/monitor-breach?key=demo-relay-key`;
  try {
    c.banner(`13/14 GitHub Actions: actions/configure-monitors, a drift monitor on ${live} (the deployment holding the traffic), its alert rules, and breach events to the relay`);
    const file = join(c.root, 'shared', 'demo', 'monitoring', 'monitor.yml');
    const configured = await runGitHubAction(
      join(c.root, 'actions', 'configure-monitors'),
      { ...c.workspaceInputs, 'schedule-file': file, set: `create_monitor.monitoring_target.endpoint_deployment_id=azureml:credit-default-ep:${live}`, 'alert-emails': 'mlops@contoso.com', 'event-webhook': relayUrl },
      baseEnv({ ...c.env, SYSTEM_OIDCREQUESTURI: undefined }),
    );
    ok.push(c.report('configure monitors', configured));

    c.banner('    The monitor runs on the recent applicants (a downturn): drift breaches, Event Grid → relay → repository_dispatch');
    const run = await control.call<{ jobName: string; status: string; events: { status?: number; to: string }[] }>('POST', `/_emulator/monitors/${sub}/${rg}/${ws}/credit-default-monitor/run`, {});
    process.stdout.write(`monitor run ${run.jobName}: ${run.status}\n`);
    for (const e of run.events) process.stdout.write(`Event Grid delivered the breach to ${e.to}: HTTP ${e.status ?? 'no answer'}\n`);
    for (const l of relayLog) process.stdout.write(`relay: ${l}\n`);
    for (const d of dispatches) process.stdout.write(`repository_dispatch received: ${d.event_type} ${JSON.stringify(d.client_payload)}\n`);
    const looped = run.status === 'Failed' && dispatches.length === 1 && dispatches[0]!.event_type === 'monitor-breached';
    if (!looped) process.stdout.write('The breach did not travel through Event Grid and the relay as expected.\n');
    ok.push(looped);

    c.banner('14/14 Azure DevOps: ConfigureMonitors@1 in check mode (the scheduled check): the breach fails the run, with the drifted features');
    const task = packageTask(c.root, configureMonitorsStep, join(c.stateDir, 'agent-tasks'));
    const check = await runAdoTask(
      task,
      { ...c.workspaceInputs, mode: 'check', 'monitor-name': 'credit-default-monitor' },
      c.connection,
      baseEnv({ NODE_EXTRA_CA_CERTS: c.env.NODE_EXTRA_CA_CERTS, SYSTEM_OIDCREQUESTURI: c.env.SYSTEM_OIDCREQUESTURI }),
      c.systemAccessToken,
    );
    ok.push(c.report('check monitors (expected to find the breach)', check, 'breached'));
  } finally {
    await relayServer.close();
    await new Promise<void>((r) => github.close(() => r()));
  }
  return ok;
}
