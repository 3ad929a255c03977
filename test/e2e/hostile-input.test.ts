/**
 * Hostile values through every input of every step, run as the runner, the agent and a terminal run the bundles:
 * no value can start a workflow or logging command (issue 6 §2), and values that become ARM path segments are refused
 * before anything is written (issue 6 §1).
 */
import { join } from 'node:path';
import { runAdoTask, runGitHubAction, runNode, type ProcessResult } from '../../shared/cli/runners';
import { taskInputName } from '../../shared/src/hosts/inputs';
import { steps } from '../../shared/src/steps';
import type { StepDefinition } from '../../shared/src/steps/definition';
import { REPO, startTestEmulator, type TestEmulator } from '../support/emulator';
import { agentEnv, cliEnv, githubEnv, modelFolder, registryInputs, serviceConnection, uniqueName, workspaceInputs } from '../support/e2e';
import { packageTask } from '../../shared/cli/task-package';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const action = (s: StepDefinition) => join(REPO, 'actions', s.id);
const packaged = new Map<string, string>();
const task = (s: StepDefinition) => packaged.get(s.id) ?? packaged.set(s.id, packageTask(REPO, s)).get(s.id)!;

/** Every way a value could open a command line: LF, CR, both, GitHub's `::` and the agent's `##vso[` / `##[`. */
const PAYLOAD = 'x\n##vso[task.setvariable variable=PWNED]1\r::set-env name=PWNED::1\r\n::add-mask::PWNED\n##[error]PWNED ##vso[task.complete result=Succeeded]PWNED';

const GITHUB_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);
const AGENT_COMMANDS = new Set(['task.debug', 'task.logissue', 'task.issue', 'task.complete', 'task.setvariable', 'task.setsecret', 'task.uploadsummary']);

/** Every line a runner or agent would read (it splits on LF, CR and CRLF). */
const lines = (r: ProcessResult) => `${r.stdout}\n${r.stderr}`.split(/\r\n|\r|\n/);

/** Commands the payload managed to issue, as the GitHub runner would act on them (`::name …::` and the older `##[name …]`). */
function githubInjections(r: ProcessResult): string[] {
  return lines(r).filter((l) => {
    if (/^\s*##\[/.test(l)) return true;
    const m = /^\s*::([\w-]+)/.exec(l);
    // The host's own commands carry the value as escaped data (add-mask of each line of a multi-line secret included).
    return m !== null && !GITHUB_COMMANDS.has(m[1]!);
  });
}

/**
 * Commands the payload managed to issue, as the Azure Pipelines agent would act on them: the agent takes the first
 * `##vso[` anywhere in a line as the command (the rest of the line is its data), and `##[` at the start as formatting.
 */
function agentInjections(r: ProcessResult): string[] {
  return lines(r).filter((l) => {
    if (/^\s*##\[(?!group\]|endgroup\])/.test(l)) return true;
    const c = /##vso\[([\w.]+)([^\]]*)\]/.exec(l);
    if (!c) return false;
    // Properties carry values as escaped data: a raw command inside them, or the payload's own command, is an injection.
    return !l.startsWith('##vso[') || !AGENT_COMMANDS.has(c[1]!) || /##vso\[/.test(c[2]!) || (c[1] === 'task.setvariable' && /variable=PWNED/.test(c[2]!));
  });
}

/** A terminal: nothing at all that looks like a command. */
const cliInjections = (r: ProcessResult) => lines(r).filter((l) => /^\s*::/.test(l) || /##vso\[/.test(l) || /^\s*##\[/.test(l));

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t?.stop());

/** Inputs that make each step valid, so that the hostile one is the only thing wrong. */
function validInputs(step: StepDefinition): Record<string, string> {
  const base = workspaceInputs(t);
  if (step.id === 'register-model') return { ...base, 'model-name': uniqueName('hostile'), 'model-path': modelFolder() };
  return { ...base, ...registryInputs(t), model: `azureml:${uniqueName('absent')}:1` };
}

/** Run `jobs` at most `n` at a time (processes on a small machine). */
async function pool<T>(jobs: Array<() => Promise<T>>, n = 3): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

const secret = () => t.world.identity.apps[0]!.secrets[0]!.value;

describe.each(steps.map((s) => [s.id, s] as const))('%s: no input can issue a workflow or logging command', (_id, step) => {
  const inputs = step.inputs.filter((i) => i.type !== 'service-connection' && i.type !== 'boolean');

  test('the CLI, the action and the task, with the payload in each input in turn', async () => {
    const runs = await pool(
      inputs.flatMap((input) => {
        const values = { ...validInputs(step), [input.name]: PAYLOAD };
        const flags = Object.entries(values).flatMap(([k, v]) => [`--${k}`, v]);
        return [
          async () => ({ host: 'cli', input: input.name, bad: cliInjections(await runNode(CLI, [step.id, ...flags], cliEnv(t, { AZURE_CLIENT_SECRET: secret() }))) }),
          async () => ({ host: 'github', input: input.name, bad: githubInjections(await runGitHubAction(action(step), values, githubEnv(t))) }),
          async () => {
            const conn = serviceConnection(t, 'WorkloadIdentityFederation', { serviceprincipalid: t.world.identity.apps[0]!.appId, tenantid: t.world.identity.tenantId });
            const named = Object.fromEntries(Object.entries(values).map(([k, v]) => [taskInputName(k), v]));
            return { host: 'azure-devops', input: input.name, bad: agentInjections(await runAdoTask(task(step), named, conn, agentEnv(t), t.world.identity.adoConnections[0]!.systemAccessToken)) };
          },
        ];
      }),
    );
    expect(runs.length).toBe(inputs.length * 3);
    expect(runs.filter((r) => r.bad.length > 0)).toEqual([]);
  }, 240_000);
});

/** The values issue 6 reproduced as written versions, names and resource paths. */
const HOSTILE = ['..', '.', '../..', '1/2', '1?x=1', '1#x', 'a b', 'x'.repeat(256), '%2e%2e', 'a\nb'];
/** And what only versions must refuse (`latest` is a fine registry or resource group name). */
const HOSTILE_VERSIONS = [...HOSTILE, 'latest', '-1', '.inf'];
const VERSION_INPUTS = new Set(['model', 'model-version', 'destination-version']);

const SEGMENT_INPUTS: Record<string, string[]> = {
  'register-model': ['model-name', 'model-version', 'resource-group', 'workspace', 'subscription-id', 'registry', 'alias', 'champion-alias'],
  'promote-model': ['model', 'model-version', 'destination-name', 'destination-version', 'registry', 'registry-resource-group', 'registry-subscription-id', 'resource-group', 'workspace', 'alias', 'champion-alias'],
};

describe.each(Object.entries(SEGMENT_INPUTS))('%s: values that would become path segments', (id, names) => {
  test('are refused as input errors naming the input, with nothing written', async () => {
    const step = steps.find((s) => s.id === id)!;
    const since = await t.control.lastSeq();
    const runs = await pool(
      names.flatMap((name) =>
        (VERSION_INPUTS.has(name) ? HOSTILE_VERSIONS : HOSTILE).map((value) => async () => {
          const given = name === 'model' ? `azureml:credit:${value}` : value;
          const values = { ...validInputs(step), [name]: given };
          const r = await runNode(CLI, [step.id, ...Object.entries(values).flatMap(([k, v]) => [`--${k}`, v])], cliEnv(t, { AZURE_CLIENT_SECRET: secret() }));
          return { name, value, exitCode: r.exitCode, namesInput: r.stderr.includes(`'${name}'`), invalid: /Invalid input/.test(r.stderr) };
        }),
      ),
    );
    const wrong = runs.filter((r) => r.exitCode !== 1 || !r.invalid || !r.namesInput);
    expect(wrong).toEqual([]);
    const writes = (await t.control.journal(since)).filter((e) => e.method !== 'GET');
    expect(writes).toEqual([]);
  }, 300_000);
});
