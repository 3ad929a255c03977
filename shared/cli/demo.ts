/**
 * `aml-lifecycle demo` (`npm run demo`): start a fresh local emulator with Azurite, register the sample model
 * through the bundled GitHub action (OIDC), the bundled Azure DevOps task (workload identity federation) and the
 * CLI (service principal), exactly as a runner, an agent and a terminal would run them, then promote it into the
 * shared registry behind the champion/challenger gate, deploy, check and monitor it, and print every summary. It
 * ends with the loop closed: a drifted sample breaches the monitor, Event Grid delivers the breach through the
 * relay template to a (local) repository_dispatch, and the monitor check fails with it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator } from '../emulator/src';
import { EmulatorControl } from './emulator-control';
import { baseEnv, runAdoTask, runGitHubAction, runNode, type AdoServiceConnectionSpec, type ProcessResult } from './runners';
import { packageTask } from './task-package';
import { packageRoot } from './package-root';

export { packageRoot };
import { registerModelStep } from '../src/steps/register-model/definition';
import { runArcDemo, runBatchDemo } from './demo-more';
import { runDeployDemo } from './demo-deploy';
import { runMonitorsDemo } from './demo-monitors';

/** How to run the CLI from here: `npx aml-lifecycle` inside the package's folder, else the bundle's path. */
function cliCommand(root: string): string {
  return process.cwd() === root ? 'npx aml-lifecycle' : `node ${join(root, 'shared', 'dist', 'cli', 'index.js')}`;
}

function banner(title: string): void {
  process.stdout.write(`\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n`);
}

/**
 * Prints a run; with `expectResult` a failing run whose `result` output is that value is the expected outcome (the
 * demo's rolled-back canary, the monitor check that finds the drift).
 */
function report(name: string, r: ProcessResult & { outputs: Record<string, string>; summary: string }, expectResult?: string): boolean {
  process.stdout.write(`exit code ${r.exitCode}${expectResult ? ' (a failure is expected here)' : ''}\noutputs:\n`);
  for (const [k, v] of Object.entries(r.outputs)) process.stdout.write(`  ${k} = ${v}\n`);
  process.stdout.write(`summary:\n${r.summary.trim() || '(none)'}\n`);
  const asExpected = expectResult ? r.exitCode !== 0 && r.outputs.result === expectResult : r.exitCode === 0;
  if (!asExpected) process.stdout.write(`--- ${name} log ---\n${r.stdout}\n${r.stderr}\n`);
  return asExpected;
}

export async function runDemo(argv: string[]): Promise<number> {
  const keep = argv.includes('--keep');
  const root = packageRoot();
  const stateDir = mkdtempSync(join(tmpdir(), 'aml-lifecycle-demo-'));
  banner('Starting the local Azure ML emulator (HTTPS, Entra, OIDC issuers, ARM) and Azurite');
  const emulator = await startEmulator({ stateDir, lroDurationMs: 1000 });
  const ok: boolean[] = [];
  try {
    const env = emulator.env;
    process.stdout.write(
      `emulator: ${emulator.url}\nstate:    ${stateDir} (${keep ? 'kept after the demo' : 'removed after the demo; --keep keeps it'})\n` +
        `workspace ${env.AML_WORKSPACE} in ${env.AML_RESOURCE_GROUP}\n`,
    );
    const control = new EmulatorControl(emulator.url, env.NODE_EXTRA_CA_CERTS);
    const world = await control.world();
    const app = world.identity.apps[0];
    const connection = world.identity.adoConnections[0];
    const workspaceInputs = {
      'subscription-id': env.AZURE_SUBSCRIPTION_ID,
      'resource-group': env.AML_RESOURCE_GROUP,
      workspace: env.AML_WORKSPACE,
    };
    const modelFile = join(root, 'shared', 'demo', 'credit-model.yml');
    const adoConnection: AdoServiceConnectionSpec = {
      id: connection.id,
      scheme: 'WorkloadIdentityFederation',
      parameters: { serviceprincipalid: app.appId, tenantid: world.identity.tenantId },
      data: {
        subscriptionId: env.AZURE_SUBSCRIPTION_ID,
        environment: 'AzureStack',
        environmentAuthorityUrl: env.AML_AUTHORITY_HOST,
        activeDirectoryServiceEndpointResourceId: env.AML_ARM_AUDIENCE,
      },
      url: env.AML_ARM_ENDPOINT,
    };

    const metrics = join(root, 'shared', 'demo', 'metrics.json');
    banner('1/14 GitHub Actions: actions/register-model (OIDC ID token → federated credential)');
    const gh = await runGitHubAction(
      join(root, 'actions', 'register-model'),
      { ...workspaceInputs, 'model-file': modelFile, metrics },
      baseEnv({ ...env, SYSTEM_OIDCREQUESTURI: undefined }),
    );
    ok.push(report('action', gh));

    banner('2/14 Azure DevOps: RegisterModel@1 (workload identity federation service connection), same model again');
    const ado = await runAdoTask(
      packageTask(root, registerModelStep, join(stateDir, 'agent-tasks')),
      { ...workspaceInputs, 'model-file': modelFile, metrics },
      adoConnection,
      baseEnv({ NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS, SYSTEM_OIDCREQUESTURI: env.SYSTEM_OIDCREQUESTURI }),
      connection.systemAccessToken,
    );
    ok.push(report('task', ado));

    banner('3/14 CLI: aml-lifecycle register-model (service principal secret), retrained weights → next version');
    // Every version is registered from a folder named credit-model: the scoring script finds it at
    // $AZUREML_MODEL_DIR/credit-model/, as on the service.
    const retrained = join(stateDir, 'retrained', 'credit-model');
    cpSync(join(root, 'shared', 'demo', 'credit-model'), retrained, { recursive: true });
    const weights = JSON.parse(readFileSync(join(retrained, 'model.json'), 'utf8')) as { intercept: number };
    weights.intercept = -1.25;
    writeFileSync(join(retrained, 'model.json'), JSON.stringify(weights, null, 2));
    const cliSummary = join(stateDir, 'cli-summary.md');
    writeFileSync(cliSummary, '');
    const cli = await runNode(
      join(root, 'shared', 'dist', 'cli', 'index.js'),
      [
        'register-model',
        '--model-name', 'credit-default',
        '--model-path', retrained,
        '--tags', 'framework=plain-python\nretrained=true',
        '--metrics', join(root, 'shared', 'demo', 'metrics-retrained.json'),
      ],
      baseEnv({
        ...env,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
        SYSTEM_OIDCREQUESTURI: undefined,
        AZURE_CLIENT_SECRET: app.secrets[0]?.value,
        AML_SUMMARY_FILE: cliSummary,
      }),
    );
    let cliOutputs: Record<string, string> = {};
    try {
      cliOutputs = JSON.parse(cli.stdout) as Record<string, string>;
    } catch {
      /* reported below */
    }
    ok.push(report('cli', { ...cli, outputs: cliOutputs, summary: readFileSync(cliSummary, 'utf8') }));

    const registryInputs = {
      ...workspaceInputs,
      registry: env.AML_REGISTRY_NAME,
      'registry-resource-group': env.AML_REGISTRY_RESOURCE_GROUP,
      'registry-subscription-id': env.AML_REGISTRY_SUBSCRIPTION_ID,
      gate: 'accuracy >= champion - 0.005\nauc >= 0.85',
      alias: 'champion',
    };
    const promote = join(root, 'actions', 'promote-model');
    const ghEnv = baseEnv({ ...env, SYSTEM_OIDCREQUESTURI: undefined, GITHUB_REPOSITORY: 'contoso/mlops', GITHUB_RUN_ID: '1', GITHUB_SHA: 'demo' });
    banner('4/14 GitHub Actions: actions/promote-model, version 1 → the shared registry (another subscription), first champion');
    ok.push(report('promote v1', await runGitHubAction(promote, { ...registryInputs, model: 'azureml:credit-default:1' }, ghEnv)));
    banner('5/14 GitHub Actions: actions/promote-model, retrained version 2 gated against the champion; the alias moves');
    ok.push(report('promote v2', await runGitHubAction(promote, { ...registryInputs, model: 'azureml:credit-default:2' }, ghEnv)));

    const deployContext = {
      root,
      stateDir,
      env,
      workspaceInputs,
      connection: adoConnection,
      systemAccessToken: connection.systemAccessToken,
      clientSecret: app.secrets[0]?.value,
      banner,
      report,
    };
    const deployed = await runDeployDemo(deployContext);
    ok.push(...deployed.ok);
    ok.push(await runArcDemo(deployContext, '11/14 GitHub Actions: actions/deploy-arc, the champion (its workspace version) → a Kubernetes endpoint on the Arc cluster, attached first'));
    ok.push(await runBatchDemo(deployContext, '12/14 CLI: deploy-batch, the champion batch-scores a sample of applicants on a compute cluster, then becomes the default'));
    ok.push(...(await runMonitorsDemo(deployContext, control, deployed.live)));
  } finally {
    await emulator.stop();
    if (!keep) rmSync(stateDir, { recursive: true, force: true });
  }
  banner(ok.every(Boolean) ? 'Demo finished: every step succeeded.' : 'Demo finished with failures (see above).');
  process.stdout.write(
    `${keep ? `The demo's state is kept in ${stateDir}.` : 'The demo\'s emulator state was removed (run with --keep to look at it).'}\n\n` +
      'Next: try your own model against a local emulator that stays up.\n' +
      `  ${cliCommand(root)} emulator &          # writes .aml-emulator/env.sh and keeps running\n` +
      '  . .aml-emulator/env.sh                 # workspace, registry and sign-in for every step\n' +
      `  ${cliCommand(root)} register-model --model-name my-model --model-path ./path/to/model\n` +
      `  ${cliCommand(root)} promote-model --model azureml:my-model:1\n` +
      `  ${cliCommand(root)} deploy-online --endpoint-name my-ep --model azureml:my-model:1 --code ./src --scoring-script score.py --environment azureml:my-env:1\n` +
      `  ${cliCommand(root)} deploy-online --endpoint-name my-ep --model azureml:my-model:2 --deployment-name auto --strategy stage   # the next version at 0%\n` +
      `  ${cliCommand(root)} staging-checks --policy-file staging/policy.yml --endpoint-name my-ep --deployment-name green   # see shared/demo/staging/policy.yml\n` +
      `  ${cliCommand(root)} deploy-batch --endpoint-name my-batch --deployment-file batch-deployment.yml --test-input ./sample --set-default true\n` +
      `  ${cliCommand(root)} deploy-arc --compute-name my-k8s --cluster-id <Arc or AKS cluster id> --endpoint-name my-k8s-ep --model azureml:my-model:1 --code ./src --scoring-script score.py --environment azureml:my-env:1\n` +
      `  ${cliCommand(root)} configure-monitors --endpoint-name my-ep --baseline azureml:my-training-data:1 --alert-emails me@contoso.com\n` +
      `  ${cliCommand(root)} --help             # every step, with examples\n`,
  );
  return ok.every(Boolean) ? 0 : 1;
}
