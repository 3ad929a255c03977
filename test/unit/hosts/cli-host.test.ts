import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CliHost } from '../../../shared/src/hosts/cli';
import type { InputDefinition } from '../../../shared/src/steps/definition';
import { baseEnv } from '../../../shared/cli/runners';
import { FIXTURES, tsChildNodeOptions } from './fixtures/ts-child';

const input = (name: string, extra: Partial<InputDefinition> = {}): InputDefinition => ({ name, type: 'string', description: name, ...extra });

function host(flags: Record<string, string> = {}, verbose = false, env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const h = new CliHost({ flags, verbose, write: (l) => lines.push(l) }, env);
  return { h, lines };
}

describe('CliHost', () => {
  const savedEnv = { ...process.env };
  const savedExit = process.exitCode;
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    process.exitCode = savedExit;
    jest.restoreAllMocks();
  });

  test('reads flags by kebab-case name, trimmed unless multiline', () => {
    const { h } = host({ 'model-name': '  churn ', notes: '  a\n  b\n' });
    expect(h.getInput(input('model-name'))).toBe('churn');
    expect(h.getInput(input('notes', { type: 'multiline' }))).toBe('  a\n  b\n');
    expect(h.getInput(input('missing'))).toBeUndefined();
  });

  test('falls back to AML_<NAME>, then the env list; blank values count as not given', () => {
    process.env.AML_RESOURCE_GROUP = 'rg-env';
    process.env.AZURE_CLIENT_ID = 'client-env';
    process.env.AML_WORKSPACE = '   ';
    const { h } = host({ 'resource-group': '' });
    expect(h.getInput(input('resource-group'))).toBe('rg-env');
    expect(h.getInput(input('client-id', { env: ['AZURE_CLIENT_ID'] }))).toBe('client-env');
    expect(h.getInput(input('workspace'))).toBeUndefined();
    process.env.AML_CLIENT_ID = 'aml-wins';
    expect(h.getInput(input('client-id', { env: ['AZURE_CLIENT_ID'] }))).toBe('aml-wins');
    const { h: flagged } = host({ 'client-id': 'flag-wins' });
    expect(flagged.getInput(input('client-id', { env: ['AZURE_CLIENT_ID'] }))).toBe('flag-wins');
  });

  test('a secret input is masked in every later line and output, wherever it came from', async () => {
    process.env.AZURE_CLIENT_SECRET = 'env-secret-value-123';
    const { h, lines } = host({ 'api-key': 'flag-secret-value-456' }, true);
    h.getInput(input('api-key', { secret: true }));
    h.getInput(input('client-secret', { secret: true, env: ['AZURE_CLIENT_SECRET'] }));
    h.info('flag-secret-value-456 / env-secret-value-123');
    h.debug('dbg flag-secret-value-456');
    h.warning('warn env-secret-value-123');
    h.error('err env-secret-value-123', { file: 'flag-secret-value-456.yml' });
    h.progress('prog flag-secret-value-456');
    await h.group('group flag-secret-value-456', async () => undefined);
    await h.summary('## sum env-secret-value-123');
    h.setOutput('o', 'x-flag-secret-value-456-y');
    h.setFailed('failed with env-secret-value-123');
    const all = lines.join('\n') + JSON.stringify(h.outputs);
    expect(all).not.toMatch(/secret-value/);
    expect(lines).toContain('*** / ***');
    expect(h.outputs.o).toBe('x-***-y');
  });

  test('a value registered with setSecret is masked; a non-secret input is not', () => {
    const { h, lines } = host({ 'model-name': 'churn-model' });
    expect(h.getInput(input('model-name'))).toBe('churn-model');
    h.info('name churn-model');
    h.setSecret('s3cr3t-token-value');
    h.info('token s3cr3t-token-value');
    expect(lines).toEqual(['name churn-model', 'token ***']);
  });

  test('log lines are prefixed by level and written to the writer, never to stdout', async () => {
    const stdout = jest.spyOn(process.stdout, 'write');
    const { h, lines } = host({}, false);
    h.info('hello');
    h.debug('hidden without --verbose');
    h.warning('careful', { file: 'models/model.yml', line: 3, column: 7 });
    h.warning('careful, nowhere');
    h.error('broken', { file: 'models/model.yml', line: 4 });
    h.progress('uploading 3/10');
    h.info('two\nlines');
    expect(lines).toEqual([
      'hello',
      'warning: models/model.yml:3:7: careful',
      'warning: careful, nowhere',
      'error: models/model.yml:4: broken',
      '… uploading 3/10',
      'two',
      'lines',
    ]);
    expect(stdout).not.toHaveBeenCalled();
  });

  test('debug lines appear with verbose', () => {
    const { h, lines } = host({}, true);
    h.debug('details');
    expect(lines).toEqual(['debug: details']);
  });

  test('the default writer is stderr', () => {
    let err = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += chunk.toString();
      return true;
    });
    const stdout = jest.spyOn(process.stdout, 'write');
    new CliHost({ flags: {} }).warning('to stderr');
    expect(err).toBe('warning: to stderr\n');
    expect(stdout).not.toHaveBeenCalled();
  });

  test('groups indent their lines, nest, and unindent even when the body throws', async () => {
    const { h, lines } = host();
    await h.group('outer', async () => {
      h.info('in outer');
      await h.group('inner', async () => h.info('in inner'));
    });
    await expect(h.group('failing', async () => {
      throw new Error('x');
    })).rejects.toThrow('x');
    h.info('after');
    expect(lines).toEqual(['▸ outer', '  in outer', '  ▸ inner', '    in inner', '▸ failing', 'after']);
  });

  test('group returns the body\'s value', async () => {
    const { h } = host();
    await expect(h.group('g', async () => 42)).resolves.toBe(42);
  });

  test('outputs are collected by name; the summary goes to the writer after a blank line', async () => {
    const { h, lines } = host();
    h.setOutput('model-name', 'churn');
    h.setOutput('model-version', '3');
    await h.summary('## Done\n\n| a | b |');
    expect(h.outputs).toEqual({ 'model-name': 'churn', 'model-version': '3' });
    expect(lines).toEqual(['', '## Done', '', '| a | b |']);
  });

  test('setFailed prints the error with its location and sets exit code 1', () => {
    const { h, lines } = host();
    h.setFailed('Invalid input: bad', { file: 'm.yml', line: 2, column: 1 });
    expect(lines).toEqual(['error: m.yml:2:1: Invalid input: bad']);
    expect(process.exitCode).toBe(1);
  });

  test('a message that already names its position gets no second copy of it', () => {
    const { h, lines } = host();
    h.setFailed('Invalid input: m.yml:2:1: Unknown field', { file: 'm.yml', line: 2, column: 1 });
    expect(lines).toEqual(['error: Invalid input: m.yml:2:1: Unknown field']);
  });

  test('offers a GitHub OIDC token getter only inside a job that can request one; records the run', () => {
    expect(host({}, false, {}).h.auth.getIdToken).toBeUndefined();
    expect(host({}, false, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test' }).h.auth.getIdToken).toBeUndefined();
    const job = host({}, false, {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-request-token-123',
      GIT_COMMIT: 'c0ffee',
      AML_RUN_URL: 'https://ci.example.test/1',
    });
    const inJob = job.h;
    expect(typeof inJob.auth.getIdToken).toBe('function');
    // The request token is a secret of the job: masked in everything the CLI prints.
    inJob.info('bearer job-request-token-123');
    expect(job.lines.at(-1)).toBe('bearer ***');
    expect(inJob.run).toEqual({ system: 'cli', commit: 'c0ffee', runUrl: 'https://ci.example.test/1' });
    expect(inJob.kind).toBe('cli');
  });

  test('however many hosts exist, each signal has at most one listener', () => {
    const before = process.listenerCount('SIGTERM');
    const hosts = Array.from({ length: 25 }, () => host().h);
    expect(hosts).toHaveLength(25);
    expect(process.listenerCount('SIGTERM') - before).toBeLessThanOrEqual(1);
    expect(process.listenerCount('SIGINT')).toBeLessThanOrEqual(before + 1);
  });

  test('the first SIGTERM aborts every live host with a warning; the second terminates the process', async () => {
    const child = spawn(process.execPath, [join(FIXTURES, 'signal-probe.ts')], {
      env: baseEnv({ NODE_OPTIONS: tsChildNodeOptions() }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => out.includes(text) && resolve();
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          check();
        });
        check();
      });
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    await waitFor('ready 2\n');
    child.kill('SIGTERM');
    await waitFor('second aborted');
    expect(out).toContain('first: warning: Received SIGTERM: stopping');
    expect(out).toContain('second: warning: Received SIGTERM: stopping');
    expect(out).toContain('first aborted: cancelled by SIGTERM');
    expect(out).toContain('second aborted: cancelled by SIGTERM');
    child.kill('SIGTERM');
    expect(await closed).toEqual([null, 'SIGTERM']);
  });
});
