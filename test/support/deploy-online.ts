/**
 * What the deploy-online end-to-end files share: the fixtures, the model registered with the register-model
 * action, running the deploy-online action (also as a child the test can signal), and reading endpoints back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionMain, parseGitHubOutputFile, runGitHubAction, type GitHubRun } from '../../shared/cli/runners';
import type { JournalEntry } from '../../shared/cli/emulator-control';
import { arm, workspacePath } from './arm-reader';
import { githubEnv, uniqueName, workspaceInputs } from './e2e';
import { REPO, type TestEmulator } from './emulator';

export const DEPLOY_ACTION = join(REPO, 'actions', 'deploy-online');
export const REGISTER_ACTION = join(REPO, 'actions', 'register-model');
export const FIXTURES = join(REPO, 'test', 'e2e', 'fixtures', 'deploy-online');
export const DEPLOYMENT_FILE = join(FIXTURES, 'deployment.yml');
/** The model name the fixture deployment.yml names (`azureml:credit-model:1`). */
export const MODEL = 'credit-model';

/** Registers `folder` as the next version of `name` with the register-model action; returns the version. */
export async function registerModel(t: TestEmulator, folder: string, name = MODEL): Promise<string> {
  const r = await runGitHubAction(REGISTER_ACTION, { ...workspaceInputs(t), 'model-name': name, 'model-path': folder }, githubEnv(t));
  if (r.exitCode !== 0) throw new Error(`register-model failed:\n${r.stdout}\n${r.stderr}`);
  return r.outputs['model-version'];
}

/** The deploy-online inputs for the fixture deployment on `endpoint`, plus `extra`. */
export function deployInputs(t: TestEmulator, endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...workspaceInputs(t), 'deployment-file': DEPLOYMENT_FILE, 'endpoint-name': endpoint, 'bake-time': '1s', ...extra };
}

export const deploy = (t: TestEmulator, endpoint: string, extra: Record<string, string> = {}): Promise<GitHubRun> =>
  runGitHubAction(DEPLOY_ACTION, deployInputs(t, endpoint, extra), githubEnv(t));

/** The action started as the runner starts it, but handed back running so the test can signal it. */
export function startDeploy(t: TestEmulator, endpoint: string, extra: Record<string, string> = {}): { child: ChildProcess; done: Promise<GitHubRun> } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-runner-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployInputs(t, endpoint, extra))) inputEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const child = spawn(process.execPath, [actionMain(DEPLOY_ACTION)], {
    env: { ...githubEnv(t), ...inputEnv, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<GitHubRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        outputs: parseGitHubOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
      }),
    );
  });
  return { child, done };
}

export const endpointPath = (t: TestEmulator, endpoint: string): string => `${workspacePath(t)}/onlineEndpoints/${endpoint}`;

export interface EndpointJson {
  name: string;
  properties: { traffic?: Record<string, number>; mirrorTraffic?: Record<string, number>; scoringUri?: string; provisioningState?: string };
}

/** The endpoint as ARM returns it (undefined when it does not exist). */
export async function readEndpoint(t: TestEmulator, endpoint: string): Promise<EndpointJson | undefined> {
  const r = await arm<EndpointJson>(t, 'GET', endpointPath(t, endpoint));
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`GET endpoint ${endpoint}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Names of the endpoint's deployments, lower-case, sorted. */
export async function deploymentNames(t: TestEmulator, endpoint: string): Promise<string[]> {
  const r = await arm<{ value: { name: string }[] }>(t, 'GET', `${endpointPath(t, endpoint)}/deployments`);
  if (r.status !== 200) throw new Error(`GET deployments of ${endpoint}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.value.map((d) => d.name.toLowerCase()).sort();
}

const isEndpointPut = (endpoint: string) => (e: JournalEntry) => e.method === 'PUT' && e.path.toLowerCase().endsWith(`/onlineendpoints/${endpoint.toLowerCase()}`);

/** The traffic maps the endpoint PUTs in `journal` sent, in order. */
export function trafficSent(journal: JournalEntry[], endpoint: string): Record<string, number>[] {
  return journal.filter(isEndpointPut(endpoint)).map((e) => (e.requestBody as { properties?: { traffic?: Record<string, number> } }).properties?.traffic ?? {});
}

/** Requests to the emulator other than the control surface the test itself calls. */
export const notControl = (e: JournalEntry): boolean => e.area !== 'control' && !e.path.startsWith('/_emulator/');

/** The `::error::` lines of a GitHub run, joined. */
export const errorsOf = (r: { stdout: string }): string =>
  r.stdout
    .split(/\r?\n/)
    .filter((l) => l.startsWith('::error'))
    .join('\n')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '')
    .replace(/%25/g, '%');

/** How a test file runs the action (its own capture and journal marks around `deploy`). */
export type DeployRun = (endpoint: string, extra?: Record<string, string>) => Promise<{ result: { exitCode: number; stdout: string }; journal: JournalEntry[] }>;

/** A new endpoint where blue serves 100% of credit-model:1 (the fixture deployment). */
export async function blueEndpoint(t: TestEmulator, run: DeployRun): Promise<string> {
  const ep = uniqueName('ep');
  const { result } = await run(ep);
  expect(errorsOf(result)).toBe('');
  expect(result.exitCode).toBe(0);
  expect((await readEndpoint(t, ep))?.properties.traffic).toEqual({ blue: 100 });
  return ep;
}

/** Bad input: the step fails with `message` before sending anything (no request beyond the test's own control calls). */
export async function expectRefusedBeforeAnyRequest(run: DeployRun, extra: Record<string, string>, message: RegExp): Promise<void> {
  const { result: r, journal } = await run(uniqueName('ep'), extra);
  expect(r.exitCode).toBe(1);
  expect(errorsOf(r)).toMatch(message);
  expect(journal.filter(notControl)).toEqual([]);
}
