import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, runGitHubAction, type GitHubRun } from '../../../shared/cli/runners';
import { FIXTURES, tsChildNodeOptions } from './fixtures/ts-child';

// GitHubHost on the real @actions/core, in a child process launched the way the runner launches an action.

const SECRET = 'Zq8-not-a-real-client-secret-77f1';
const PROBE = join(FIXTURES, 'github-probe.ts');

interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
}

/** `::name k=v,k=v::message` lines as the runner reads them. */
function workflowCommands(stdout: string): WorkflowCommand[] {
  const data = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const prop = (s: string) => data(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const out: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      properties[kv.slice(0, eq)] = prop(kv.slice(eq + 1));
    }
    out.push({ name: m[1], properties, message: data(m[3]) });
  }
  return out;
}

function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<GitHubRun & { seen: Record<string, unknown> }> {
  const result = join(mkdtempSync(join(tmpdir(), 'gh-probe-')), 'seen.json');
  return runGitHubAction(PROBE, inputs, baseEnv({ NODE_OPTIONS: tsChildNodeOptions(), PROBE_RESULT: result, ...env })).then((r) => {
    let seen: Record<string, unknown> = {};
    try {
      seen = JSON.parse(readFileSync(result, 'utf8')) as Record<string, unknown>;
    } catch {
      // the step failed before it recorded anything
    }
    return { ...r, seen };
  });
}

describe('GitHubHost under the real @actions/core', () => {
  let ok: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    ok = await run(
      { 'model-name': 'churn', 'client-secret': SECRET, notes: 'line one\nline two\n  indented' },
      { GITHUB_REPOSITORY: 'contoso/models', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2', GITHUB_SHA: 'abc123', GITHUB_REF: 'refs/heads/main', GITHUB_ACTOR: 'octocat' },
    );
  });

  test('reads INPUT_<NAME> inputs (kebab-case names) and exits 0', () => {
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(ok.seen.name).toBe('churn');
    expect(ok.seen.secret).toBe(SECRET);
    // multiline inputs keep their inner indentation
    expect(ok.seen.notes).toBe('line one\nline two\n  indented');
  });

  test('records the run context, with the attempt in the run URL', () => {
    expect(ok.seen.run).toEqual({
      system: 'github',
      repository: 'contoso/models',
      commit: 'abc123',
      ref: 'refs/heads/main',
      actor: 'octocat',
      runUrl: 'https://github.com/contoso/models/actions/runs/42/attempts/2',
    });
  });

  test('a secret input is registered with ::add-mask:: before anything else prints it', () => {
    const lines = ok.stdout.split('\n');
    const maskAt = lines.indexOf(`::add-mask::${SECRET}`);
    expect(maskAt).toBeGreaterThanOrEqual(0);
    expect(lines.filter((l) => l.includes(SECRET))).toEqual([`::add-mask::${SECRET}`]);
    expect(ok.summary).not.toContain(SECRET);
    expect(JSON.stringify(ok.outputs)).not.toContain(SECRET);
  });

  test('the secret is replaced by *** in info, debug, progress, warning and outputs', () => {
    const lines = ok.stdout.split('\n');
    expect(lines).toContain('info says ***');
    expect(lines).toContain('progress says ***');
    const cmds = workflowCommands(ok.stdout);
    expect(cmds).toContainEqual({ name: 'debug', properties: {}, message: 'debug says ***' });
    expect(ok.outputs.leak).toBe('before *** after');
  });

  test('warnings carry file/line/col annotations; errors without a location carry none', () => {
    const cmds = workflowCommands(ok.stdout);
    expect(cmds).toContainEqual({
      name: 'warning',
      properties: { file: 'models/model.yml', line: '3', col: '7' },
      message: 'careful with ***',
    });
    expect(cmds).toContainEqual({ name: 'error', properties: {}, message: 'plain error without a location' });
  });

  test('groups wrap their lines in ::group:: / ::endgroup::', () => {
    const lines = ok.stdout.split('\n');
    const start = lines.indexOf('::group::a group');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines[start + 1]).toBe('inside the group');
    expect(lines[start + 2]).toBe('::endgroup::');
  });

  test('outputs go to the GITHUB_OUTPUT file (multi-line values as heredoc blocks), not to stdout', () => {
    expect(ok.outputs).toEqual({ 'model-name': 'churn', notes: 'line one\nline two\n  indented', leak: 'before *** after' });
    expect(ok.stdout).not.toContain('::set-output');
  });

  test('summary parts are appended to GITHUB_STEP_SUMMARY in order', () => {
    expect(ok.summary).toContain('## Probe summary\n\nname **churn**, secret ***\n');
    expect(ok.summary.indexOf('second part')).toBeGreaterThan(ok.summary.indexOf('## Probe summary'));
  });

  test('inputs fall back to AML_<NAME>, then to the input\'s env list; secrets from the environment are masked', async () => {
    const r = await run({}, { AML_MODEL_NAME: 'from-env', PROBE_CLIENT_SECRET: SECRET });
    expect(r.exitCode).toBe(0);
    expect(r.seen).toMatchObject({ name: 'from-env', secret: SECRET });
    expect(r.stdout.split('\n').filter((l) => l.includes(SECRET))).toEqual([`::add-mask::${SECRET}`]);
    expect(r.outputs.leak).toBe('before *** after');

    const both = await run({}, { AML_MODEL_NAME: 'from-env', AML_CLIENT_SECRET: 'aml-secret-wins-0001', PROBE_CLIENT_SECRET: SECRET });
    expect(both.seen.secret).toBe('aml-secret-wins-0001');
  });

  test('a multi-line secret is registered line by line (the runner masks lines), and masked line by line', async () => {
    const lines = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'q1w2e3r4t5y6u7i8o9p0', '-----END PRIVATE KEY-----'];
    const r = await run({ 'model-name': 'churn' }, { PROBE_CLIENT_SECRET: lines.join('\n') + '\n' });
    expect(r.exitCode).toBe(0);
    const masks = workflowCommands(r.stdout).filter((c) => c.name === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(lines);
    expect(r.stdout.split('\n').filter((l) => l.includes(lines[1]) && !l.startsWith('::add-mask::'))).toEqual([]);
    expect(r.outputs.leak).toBe('before *** after');
  });

  test('a given input wins over the environment; a blank input counts as not given', async () => {
    const r = await run({ 'model-name': 'given' }, { AML_MODEL_NAME: 'from-env' });
    expect(r.seen.name).toBe('given');
    const blank = await run({ 'model-name': '   ' }, { AML_MODEL_NAME: 'from-env' });
    expect(blank.seen.name).toBe('from-env');
  });

  test('missing required input: one ::error:: naming it, exit code 1, nothing recorded', async () => {
    const r = await run({});
    expect(r.exitCode).toBe(1);
    expect(r.seen).toEqual({});
    const errors = workflowCommands(r.stdout).filter((c) => c.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^Invalid input: Missing required input: model-name\.\nWhat to do: /);
  });

  test('a StepError fails the step with an annotation at its file position and a failure summary', async () => {
    const r = await run({ 'model-name': 'churn', fail: 'input' });
    expect(r.exitCode).toBe(1);
    const errors = workflowCommands(r.stdout).filter((c) => c.name === 'error');
    expect(errors).toContainEqual({
      name: 'error',
      properties: { file: 'models/model.yml', line: '4', col: '2' },
      message: "Invalid input: Input 'model-name' is not acceptable: churn\nWhat to do: Change 'model-name' in the file.",
    });
    expect(r.summary).toContain('### ❌ Probe failed');
    expect(r.outputs['model-name']).toBe('churn');
  });

  test('choice inputs are case-insensitive', async () => {
    const r = await run({ 'model-name': 'churn', fail: 'INPUT' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('is not acceptable');
  });

  test('an unexpected exception is reported as a bug; its stack goes to debug only', async () => {
    const r = await run({ 'model-name': 'churn', fail: 'bug' });
    expect(r.exitCode).toBe(1);
    const cmds = workflowCommands(r.stdout);
    const errors = cmds.filter((c) => c.name === 'error' && c.message.includes('probe exploded'));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^Unexpected error in aml-lifecycle probe \(this is a bug.*\): probe exploded$/);
    expect(errors[0].message).not.toContain('    at ');
    expect(cmds.some((c) => c.name === 'debug' && c.message.startsWith('TypeError: probe exploded\n    at '))).toBe(true);
  });
});
