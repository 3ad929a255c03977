/**
 * Runs a bundled action or task the way the GitHub runner and the Azure DevOps agent run them: a child Node process
 * with the inputs and service connection in its environment, outputs and summaries read back from the files and
 * logging commands the bundle writes. Used by the local demo and by the end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { taskInputName } from '../src/hosts/inputs';

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
  });
}

/** Environment every child starts from: the caller's PATH and CA trust, nothing else of this process. */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Parse a GITHUB_OUTPUT file (`name<<delimiter` blocks and `name=value` lines). */
export function parseGitHubOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[n]);
    if (heredoc) {
      const value: string[] = [];
      for (n++; n < lines.length && lines[n] !== heredoc[2]; n++) value.push(lines[n]);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = /^([^=]+)=(.*)$/.exec(lines[n]);
    if (eq) out[eq[1]] = eq[2];
  }
  return out;
}

export interface GitHubRun extends ProcessResult {
  outputs: Record<string, string>;
  summary: string;
}

/** The script a runner starts for the action in `actionDir`: `runs.main` of its action.yml. */
export function actionMain(actionDir: string): string {
  if (statSync(actionDir).isFile()) return actionDir; // a probe script (host tests), not an action folder
  const manifest = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
  return join(actionDir, manifest.runs.main);
}

/** The script the agent starts for the task in `taskDir`: the Node handler's target in its task.json. */
export function taskMain(taskDir: string): string {
  if (statSync(taskDir).isFile()) return taskDir; // a probe script (host tests), not a task folder
  const manifest = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8')) as { execution: Record<string, { target: string }> };
  const handler = manifest.execution.Node24 ?? manifest.execution.Node20_1;
  return join(taskDir, handler.target);
}

/**
 * Run the action in `actionDir` as the runner does: its action.yml's `runs.main`, INPUT_<NAME> variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
 */
/** `cwd`: the job's working directory (the checkout), where relative paths in inputs resolve. */
export async function runGitHubAction(actionDir: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv, cwd?: string): Promise<GitHubRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-runner-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const result = await runNode(actionMain(actionDir), [], {
    ...env,
    ...inputEnv,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
  }, cwd);
  return { ...result, outputs: parseGitHubOutputFile(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
}

export interface VsoCommand {
  area: string;
  properties: Record<string, string>;
  message: string;
}

/** `##vso[area.event k=v;k=v]message` lines, unescaped as the agent does. */
export function parseVsoCommands(stdout: string): VsoCommand[] {
  // One pass, so an escaped '%' is never decoded twice; task-lib >= 4 writes '%' as %AZP25, older writers as %25.
  const codes: Record<string, string> = { AZP25: '%', '25': '%', '0D': '\r', '0A': '\n', '5D': ']', '3B': ';' };
  const unescape = (s: string) => s.replace(/%(AZP25|25|0D|0A|5D|3B)/g, (_, c: string) => codes[c]);
  const cmds: VsoCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^##vso\[([\w.]+)([^\]]*)\](.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const part of m[2].trim().split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) properties[part.slice(0, eq).trim()] = unescape(part.slice(eq + 1));
    }
    cmds.push({ area: m[1], properties, message: unescape(m[3]) });
  }
  return cmds;
}

export interface AdoServiceConnectionSpec {
  id: string;
  scheme: 'WorkloadIdentityFederation' | 'ServicePrincipal' | 'ManagedServiceIdentity';
  parameters: Record<string, string>;
  data: Record<string, string>;
  url?: string;
}

export interface AdoRun extends ProcessResult {
  commands: VsoCommand[];
  outputs: Record<string, string>;
  summary: string;
  result?: string;
}

/**
 * Run the packaged task in `taskDir` (see task-package.ts) as the agent does: the Node handler of its task.json,
 * INPUT_<NAME> variables, the service connection in ENDPOINT_* variables, the job's access token in the
 * SystemVssConnection endpoint; outputs from `task.setvariable` commands.
 */
export async function runAdoTask(
  taskDir: string,
  inputs: Record<string, string>,
  connection: AdoServiceConnectionSpec | undefined,
  env: NodeJS.ProcessEnv,
  systemAccessToken?: string,
  /** The job's working directory (the checkout), where relative paths in inputs resolve */
  cwd?: string,
): Promise<AdoRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ado-agent-'));
  const vars: Record<string, string> = { AGENT_TEMPDIRECTORY: dir, SYSTEM_HOSTTYPE: 'build' };
  for (const [k, v] of Object.entries(inputs)) vars[`INPUT_${taskInputName(k).toUpperCase()}`] = v;
  if (connection) {
    vars.INPUT_AZURESUBSCRIPTION = connection.id;
    vars[`ENDPOINT_AUTH_${connection.id}`] = JSON.stringify({ parameters: connection.parameters, scheme: connection.scheme });
    vars[`ENDPOINT_AUTH_SCHEME_${connection.id}`] = connection.scheme;
    for (const [k, v] of Object.entries(connection.parameters)) vars[`ENDPOINT_AUTH_PARAMETER_${connection.id}_${k.toUpperCase()}`] = v;
    for (const [k, v] of Object.entries(connection.data)) vars[`ENDPOINT_DATA_${connection.id}_${k.toUpperCase()}`] = v;
    if (connection.url) vars[`ENDPOINT_URL_${connection.id}`] = connection.url;
  }
  if (systemAccessToken) {
    vars.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: systemAccessToken }, scheme: 'OAuth' });
  }
  const result = await runNode(taskMain(taskDir), [], { ...env, ...vars }, cwd);
  const commands = parseVsoCommands(result.stdout);
  const outputs: Record<string, string> = {};
  let summary = '';
  let taskResult: string | undefined;
  for (const c of commands) {
    if (c.area === 'task.setvariable' && c.properties.isOutput === 'true') outputs[c.properties.variable] = c.message;
    if (c.area === 'task.uploadsummary') summary += readFileSync(c.message, 'utf8');
    if (c.area === 'task.complete') taskResult = c.properties.result;
  }
  return { ...result, commands, outputs, summary, result: taskResult };
}
