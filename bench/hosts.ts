/**
 * A register-model run of each bundle as its host starts it (the GitHub runner, the Azure DevOps agent, a
 * terminal), prepared ahead so that timing covers the process only: script, arguments, environment, and how to
 * read the step's `result` output afterwards. Mirrors shared/cli/runners.ts, minus its own process handling.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { actionMain, baseEnv, parseGitHubOutputFile, parseVsoCommands, taskMain } from '../shared/cli/runners';
import { packageTask } from '../shared/cli/task-package';
import { taskInputName } from '../shared/src/hosts/inputs';
import { registerModelStep } from '../shared/src/steps/register-model/definition';
import type { TestEmulator } from '../test/support/emulator';
import type { TimedRun } from './timing';

export type HostKind = 'github' | 'azure-devops' | 'cli';

export interface Invocation {
  script: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The step's `result` output (created, unchanged, ...) of a finished run. */
  result(run: TimedRun): string | undefined;
}

export interface BundleUnderTest {
  kind: HostKind;
  label: string;
  /** The file the host starts. */
  script: string;
  /** A register-model run of `modelName` from `modelPath` (in `workspace` when given: the bench's invalid-input run). */
  invocation(modelName: string, modelPath: string, workspace?: string): Invocation;
}

/** A small model folder with content of its own. */
export function benchModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-model-'));
  mkdirSync(join(dir, 'weights'));
  writeFileSync(join(dir, 'weights', 'w.bin'), randomBytes(2048));
  writeFileSync(join(dir, 'MLmodel'), 'flavors: {}\n');
  return dir;
}

export const benchModelName = (): string => `bench-${randomBytes(4).toString('hex')}`;

/** The emulator's environment with every URL of the emulator pointed at `via` (the recording proxy) instead. */
function through(env: Record<string, string>, emulatorUrl: string, via: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.split(emulatorUrl).join(via)]));
}

export function bundlesUnderTest(root: string, t: TestEmulator, via: string): BundleUnderTest[] {
  const env = through(t.env, t.emulator.url, via);
  const ws = { 'subscription-id': env.AZURE_SUBSCRIPTION_ID, 'resource-group': env.AML_RESOURCE_GROUP, workspace: env.AML_WORKSPACE };
  const app = t.world.identity.apps[0];
  const ado = t.world.identity.adoConnections[0];

  const actionDir = join(root, 'actions', 'register-model');
  const github: BundleUnderTest = {
    kind: 'github',
    label: 'GitHub action (OIDC)',
    script: actionMain(actionDir),
    invocation(modelName, modelPath, workspace) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-gh-'));
      const output = join(dir, 'output');
      writeFileSync(output, '');
      writeFileSync(join(dir, 'summary'), '');
      const inputs: Record<string, string> = { ...ws, workspace: workspace ?? ws.workspace, 'model-name': modelName, 'model-path': modelPath };
      const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
      return {
        script: this.script,
        args: [],
        env: {
          ...baseEnv({ ...env, SYSTEM_OIDCREQUESTURI: undefined }),
          ...inputEnv,
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: output,
          GITHUB_STEP_SUMMARY: join(dir, 'summary'),
          RUNNER_TEMP: dir,
        },
        result: () => parseGitHubOutputFile(readFileSync(output, 'utf8')).result,
      };
    },
  };

  const taskDir = packageTask(root, registerModelStep);
  const azureDevOps: BundleUnderTest = {
    kind: 'azure-devops',
    label: 'Azure DevOps task (WIF connection)',
    script: taskMain(taskDir),
    invocation(modelName, modelPath, workspace) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-ado-'));
      const inputs: Record<string, string> = { resourceGroup: env.AML_RESOURCE_GROUP, workspace: workspace ?? env.AML_WORKSPACE, modelName, modelPath };
      const vars: Record<string, string> = { AGENT_TEMPDIRECTORY: dir, SYSTEM_HOSTTYPE: 'build' };
      for (const [k, v] of Object.entries(inputs)) vars[`INPUT_${taskInputName(k).toUpperCase()}`] = v;
      const id = ado.id;
      const parameters = { serviceprincipalid: app.appId, tenantid: t.world.identity.tenantId };
      const data: Record<string, string> = {
        subscriptionId: env.AZURE_SUBSCRIPTION_ID,
        environment: 'AzureStack',
        environmentAuthorityUrl: env.AML_AUTHORITY_HOST,
        activeDirectoryServiceEndpointResourceId: env.AML_ARM_AUDIENCE,
      };
      vars.INPUT_AZURESUBSCRIPTION = id;
      vars[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters, scheme: 'WorkloadIdentityFederation' });
      vars[`ENDPOINT_AUTH_SCHEME_${id}`] = 'WorkloadIdentityFederation';
      for (const [k, v] of Object.entries(parameters)) vars[`ENDPOINT_AUTH_PARAMETER_${id}_${k.toUpperCase()}`] = v;
      for (const [k, v] of Object.entries(data)) vars[`ENDPOINT_DATA_${id}_${k.toUpperCase()}`] = v;
      vars[`ENDPOINT_URL_${id}`] = env.AML_ARM_ENDPOINT;
      vars.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: ado.systemAccessToken }, scheme: 'OAuth' });
      return {
        script: this.script,
        args: [],
        env: { ...baseEnv({ NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS, SYSTEM_OIDCREQUESTURI: env.SYSTEM_OIDCREQUESTURI }), ...vars },
        result: (run) => {
          const out = parseVsoCommands(run.stdout).find((c) => c.area === 'task.setvariable' && c.properties.variable === 'result');
          return out?.message;
        },
      };
    },
  };

  const cli: BundleUnderTest = {
    kind: 'cli',
    label: 'CLI (service principal)',
    script: join(root, 'shared', 'dist', 'cli', 'index.js'),
    invocation(modelName, modelPath, workspace) {
      return {
        script: this.script,
        args: ['register-model', '--model-name', modelName, '--model-path', modelPath, ...(workspace === undefined ? [] : ['--workspace', workspace])],
        env: baseEnv({
          ...env,
          ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
          SYSTEM_OIDCREQUESTURI: undefined,
          AZURE_CLIENT_SECRET: app.secrets[0].value,
        }),
        result: (run) => {
          try {
            return (JSON.parse(run.stdout) as Record<string, string>).result;
          } catch {
            return undefined;
          }
        },
      };
    },
  };

  return [github, azureDevOps, cli];
}
