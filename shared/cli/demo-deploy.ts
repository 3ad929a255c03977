/**
 * The demo's deploy half: the promoted champion goes to a managed online endpoint (first deploy, checked by the
 * probe at 0%), a retrained but slower challenger is rolled out as a canary and rolled back by its latency
 * analysis, and the retrained good one is staged at 0%, checked by staging-checks, then promoted as a canary by the
 * Azure DevOps task and keeps the traffic.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, runAdoTask, runGitHubAction, runNode, type ProcessResult } from './runners';
import { packageTask } from './task-package';
import { deployOnlineStep } from '../src/steps/deploy-online/definition';
import { runStagingDemo } from './demo-staging';

export interface DeployDemoContext {
  root: string;
  stateDir: string;
  env: Record<string, string>;
  workspaceInputs: Record<string, string>;
  /** The Azure DevOps service connection (as runAdoTask takes it) and the agent's access token. */
  connection: Parameters<typeof runAdoTask>[2];
  systemAccessToken: string;
  clientSecret?: string;
  banner(title: string): void;
  /** With `expectResult`, a failing run whose `result` output is that value is the expected outcome. */
  report(name: string, r: ProcessResult & { outputs: Record<string, string>; summary: string }, expectResult?: string): boolean;
}

/** The deploy half; `live` is the deployment that holds the traffic at the end. */
export async function runDeployDemo(c: DeployDemoContext): Promise<{ ok: boolean[]; live: string }> {
  const ok: boolean[] = [];
  const online = join(c.root, 'shared', 'demo', 'online');
  const common = {
    ...c.workspaceInputs,
    'deployment-file': join(online, 'deployment.yml'),
    'probe-file': join(online, 'probe.yml'),
  };
  const ghEnv = baseEnv({ ...c.env, SYSTEM_OIDCREQUESTURI: undefined });
  const action = join(c.root, 'actions', 'deploy-online');

  c.banner('6/14 GitHub Actions: actions/deploy-online, the registry champion → a new online endpoint (probe at 0%, then 100%)');
  const champion = `azureml://registries/${c.env.AML_REGISTRY_NAME}/models/credit-default/versions/1`;
  ok.push(c.report('deploy v1', await runGitHubAction(action, { ...common, model: champion, 'bake-time': '3s' }, ghEnv)));

  c.banner('7/14 CLI: a retrained challenger that is slower, as a canary: its latency analysis fails and the traffic goes back');
  const slow = join(c.stateDir, 'slow', 'credit-model'); // the folder name the scoring script expects
  cpSync(join(c.root, 'shared', 'demo', 'credit-model'), slow, { recursive: true });
  const weights = JSON.parse(readFileSync(join(slow, 'model.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(slow, 'model.json'), JSON.stringify({ ...weights, intercept: -1.2, inference_cost_ms: 450 }, null, 2));
  const cliEnv = baseEnv({
    ...c.env,
    ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    SYSTEM_OIDCREQUESTURI: undefined,
    AZURE_CLIENT_SECRET: c.clientSecret,
  });
  const cli = join(c.root, 'shared', 'dist', 'cli', 'index.js');
  await runNode(cli, ['register-model', '--model-name', 'credit-default', '--model-path', slow, '--model-version', '3'], cliEnv);
  const summaryFile = join(c.stateDir, 'deploy-cli-summary.md');
  writeFileSync(summaryFile, '');
  const canary = await runNode(
    cli,
    [
      'deploy-online',
      '--deployment-file', common['deployment-file'],
      '--probe-file', common['probe-file'],
      '--model', 'azureml:credit-default:3',
      '--deployment-name', 'auto',
      '--strategy', 'canary',
      '--traffic-steps', '25,100',
      '--bake-time', '6s',
      '--check-interval', '2s',
      '--analysis', 'latency.p95 <= 300ms\nprobe.failure.rate <= 1%',
    ],
    { ...cliEnv, AML_SUMMARY_FILE: summaryFile },
  );
  ok.push(c.report('canary v3 (expected to roll back)', { ...canary, outputs: parseOutputs(canary.stdout), summary: readFileSync(summaryFile, 'utf8') }, 'rolled-back'));

  c.banner('8/14 CLI: deploy-online --strategy stage, the retrained version 2 deployed and probed at 0%; the champion keeps the traffic');
  writeFileSync(summaryFile, '');
  const stage = await runNode(
    cli,
    ['deploy-online', '--deployment-file', common['deployment-file'], '--probe-file', common['probe-file'], '--model', 'azureml:credit-default:2', '--deployment-name', 'auto', '--strategy', 'stage'],
    { ...cliEnv, AML_SUMMARY_FILE: summaryFile },
  );
  const staged = parseOutputs(stage.stdout);
  ok.push(c.report('stage v2', { ...stage, outputs: staged, summary: readFileSync(summaryFile, 'utf8') }));

  ok.push(await runStagingDemo(c, '9/14 GitHub Actions: actions/staging-checks, the staged version 2 at 0%: smoke, load SLOs, data quality, drift, fairness, champion vs challenger', staged['deployment-name'] ?? 'green'));

  c.banner('10/14 Azure DevOps: DeployOnline@1, the checked version 2 as a canary: the staged deployment is promoted as it is and keeps the traffic');
  const task = packageTask(c.root, deployOnlineStep, join(c.stateDir, 'agent-tasks'));
  ok.push(
    c.report(
      'canary v2',
      await runAdoTask(
        task,
        {
          ...common,
          model: 'azureml:credit-default:2',
          'deployment-name': 'auto',
          strategy: 'canary',
          'traffic-steps': '25,100',
          'bake-time': '4s',
          'check-interval': '2s',
          analysis: 'latency.p95 <= 300ms\nprobe.failure.rate <= 1%',
        },
        c.connection,
        baseEnv({ NODE_EXTRA_CA_CERTS: c.env.NODE_EXTRA_CA_CERTS, SYSTEM_OIDCREQUESTURI: c.env.SYSTEM_OIDCREQUESTURI }),
        c.systemAccessToken,
      ),
    ),
  );
  return { ok, live: staged['deployment-name'] ?? 'green' };
}

function parseOutputs(stdout: string): Record<string, string> {
  const start = stdout.lastIndexOf('\n{');
  try {
    return JSON.parse(start >= 0 ? stdout.slice(start + 1) : stdout) as Record<string, string>;
  } catch {
    return {};
  }
}
