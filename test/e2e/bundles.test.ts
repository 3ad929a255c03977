/**
 * The root dispatcher action and the CLI bundle, run as users run them: the root action with `step`, and the CLI's
 * local mode (`aml-lifecycle emulator` in one process, a step in another, sharing the state folder).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, runGitHubAction, runNode } from '../../shared/cli/runners';
import { REPO, startTestEmulator, visibleLog, type TestEmulator } from '../support/emulator';
import { modelFolder } from '../support/e2e';

const ROOT_ACTION = REPO; // the root action.yml
const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

describe('root action', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(() => t?.stop());

  test('`step: register-model` runs the step with the other inputs passed through', async () => {
    const name = `m-${randomBytes(4).toString('hex')}`;
    const r = await runGitHubAction(
      ROOT_ACTION,
      { step: 'register-model', 'resource-group': t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, 'model-name': name, 'model-path': modelFolder() },
      baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined }),
    );
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'model-name': name, 'model-version': '1', result: 'created' });
  });

  test('the bundle starts through its launcher: a run fills the compiled-code cache, the next run uses it and writes nothing', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'code-cache-e2e-'));
    const files = () => (readdirSync(cache, { recursive: true }) as string[]).filter((f) => statSync(join(cache, f)).isFile()).sort();
    const mtimes = () => files().map((f) => statSync(join(cache, f)).mtimeMs);
    const inputs = { step: 'register-model', 'resource-group': t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, 'model-name': `m-${randomBytes(4).toString('hex')}`, 'model-path': modelFolder() };
    const env = baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined, AML_LIFECYCLE_CODE_CACHE: cache });
    try {
      const first = await runGitHubAction(ROOT_ACTION, inputs, env);
      expect(first.exitCode).toBe(0);
      expect(first.outputs.result).toBe('created');
      // The bundle's main file and the chunks this step loaded, not just one file.
      expect(files().length).toBeGreaterThan(5);
      const before = mtimes();
      const second = await runGitHubAction(ROOT_ACTION, inputs, env);
      expect(second.exitCode).toBe(0);
      expect(second.outputs.result).toBe('unchanged');
      expect(mtimes()).toEqual(before);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test("a register-model run and its rerun never read Node's fetch globals (FormData, Headers, ...): Node's undici is never loaded", async () => {
    // A preload replaces each lazy global with a getter that notes the read; the bundle otherwise runs as the runner runs it.
    const dir = mkdtempSync(join(tmpdir(), 'fetch-globals-'));
    const log = join(dir, 'reads');
    const preload = join(dir, 'watch.js');
    writeFileSync(
      preload,
      `const fs = require('node:fs');\n` +
        `for (const name of ['FormData', 'Headers', 'Request', 'Response', 'fetch', 'MessageEvent', 'WebSocket', 'EventSource']) {\n` +
        `  const d = Object.getOwnPropertyDescriptor(globalThis, name);\n` +
        `  if (!d || !d.get) continue;\n` +
        `  Object.defineProperty(globalThis, name, { configurable: true, enumerable: d.enumerable, set: d.set,\n` +
        `    get() { fs.appendFileSync(${JSON.stringify(log)}, name + '\\n'); return d.get.call(this); } });\n` +
        `}\n`,
    );
    writeFileSync(log, '');
    const inputs = { step: 'register-model', 'resource-group': t.env.AML_RESOURCE_GROUP, workspace: t.env.AML_WORKSPACE, 'model-name': `m-${randomBytes(4).toString('hex')}`, 'model-path': modelFolder() };
    const env = baseEnv({ ...t.env, SYSTEM_OIDCREQUESTURI: undefined, NODE_OPTIONS: `--require ${preload}` });
    try {
      const first = await runGitHubAction(ROOT_ACTION, inputs, env);
      expect(first.outputs.result).toBe('created');
      const second = await runGitHubAction(ROOT_ACTION, inputs, env);
      expect(second.outputs.result).toBe('unchanged');
      expect(readFileSync(log, 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown step is an input error listing the steps, before any request', async () => {
    const since = await t.control.lastSeq();
    const r = await runGitHubAction(ROOT_ACTION, { step: 'deploy-everything' }, baseEnv({ ...t.env }));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/::error::Invalid input: 'step' must be one of register-model.*deploy-everything/);
    expect(await t.control.journal(since)).toHaveLength(0);
  });
});

describe('CLI bundle', () => {
  test('help lists the steps and each step documents its flags', async () => {
    const top = await runNode(CLI, ['--help'], baseEnv());
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/register-model/);
    const step = await runNode(CLI, ['register-model', '--help'], baseEnv());
    expect(step.stdout).toMatch(/--model-path/);
    expect(step.stdout).not.toMatch(/--azure-subscription/);
    const bad = await runNode(CLI, ['register-model', '--modle-name', 'x'], baseEnv());
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/Unknown flag --modle-name/);
  });

  test('local mode: `emulator` in one process, a step in another, state kept across an emulator restart', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'aml-local-'));
    const start = async () => {
      const child = spawn(process.execPath, [CLI, 'emulator', '--state-dir', stateDir, '--lro-seconds', '0.5'], { stdio: ['ignore', 'pipe', 'pipe'], env: baseEnv() });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.resume();
      for (let i = 0; i < 300 && !out.includes('Ctrl+C'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('Ctrl+C');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { out, stop: async () => (child.kill('SIGTERM'), exited) };
    };
    const name = `m-${randomBytes(4).toString('hex')}`;
    const register = async () => {
      const env = JSON.parse(readFileSync(join(stateDir, 'env.json'), 'utf8')) as Record<string, string>;
      const app = JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')).world.apps[0];
      return runNode(CLI, ['register-model', '--model-name', name, '--model-path', join(REPO, 'shared', 'demo', 'credit-model')], baseEnv({
        ...env,
        NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS,
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        SYSTEM_OIDCREQUESTURI: undefined,
        AZURE_CLIENT_SECRET: app.secrets[0].value,
      }));
    };
    try {
      const first = await start();
      const r1 = await register();
      expect(r1.exitCode).toBe(0);
      expect(JSON.parse(r1.stdout)).toMatchObject({ 'model-version': '1', result: 'created' });
      expect(await first.stop()).toBe(0);

      const second = await start();
      const r2 = await register();
      expect(visibleLog(r2.stderr)).toMatch(/already registered/);
      expect(JSON.parse(r2.stdout)).toMatchObject({ 'model-version': '1', result: 'unchanged' });
      expect(await second.stop()).toBe(0);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);
});
