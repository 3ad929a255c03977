/**
 * The pull-request preview workflow (workflows-templates/github/pr-preview.yml, as `aml-lifecycle init --ci github`
 * writes it), run as GitHub runs it for the pull_request events: opened gives a pr-<n> deployment at 0% beside the
 * champion, the staging checks on it and a comment with the verdict (through a recording `gh` on PATH); closed
 * deletes the preview with deploy-online's strategy remove, the champion's traffic untouched; a second close finds
 * nothing to remove. A pull request from a fork runs no job.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkflow, type WorkflowRun } from '../support/gh-workflow-runner';
import { callerVars, checkoutAction, environmentOidc, seedGitHubEnvironments, workflowFailures } from '../support/github-caller';
import { retrain, seedChampion, writeCallerRepo } from '../support/caller-repo';
import { githubEnv } from '../support/e2e';
import { startTestEmulator, type TestEmulator } from '../support/emulator';
import { deploymentNames, readEndpoint } from '../support/deploy-online';

const REPOSITORY = 'contoso/credit';
const PR = 12;
let t: TestEmulator;
let repo: string;
let ghLog: string;
let bin: string;

beforeAll(async () => {
  t = await startTestEmulator({ lroDurationMs: 300 });
  await t.control.call('PUT', '/_emulator/online/quota', { limits: { standardDSv2Family: 400, total: 1000 } });
  await seedGitHubEnvironments(t, REPOSITORY, ['staging'], `refs/pull/${PR}/merge`);
  repo = await writeCallerRepo('github');
  await seedChampion(t, repo);
  retrain(repo, -1.25);
  // GitHub's CLI as the comment step calls it: every call recorded; --edit-last fails (no comment yet), then the body is kept.
  bin = mkdtempSync(join(tmpdir(), 'fake-gh-'));
  ghLog = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'gh'),
    `#!/usr/bin/env bash\necho "$*" >> "${ghLog}"\nfor a in "$@"; do [ "$a" = --edit-last ] && exit 1; done\ncp "\${@: -1}" "${ghLog}.body"\n`,
  );
  chmodSync(join(bin, 'gh'), 0o755);
}, 300_000);
afterAll(async () => {
  await t?.stop();
});

async function onPullRequest(action: string, headRepo = REPOSITORY): Promise<WorkflowRun> {
  const env = githubEnv(t, { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined });
  return runWorkflow(join(repo, '.github', 'workflows', 'pr-preview.yml'), {
    inputs: {},
    vars: callerVars(t),
    github: {
      repository: REPOSITORY,
      sha: 'def456',
      run_id: '5151',
      token: 'ghs_jobtoken',
      server_url: 'https://github.com',
      event: { action, pull_request: { number: PR, head: { sha: 'def456', repo: { full_name: headRepo } } } },
    },
    workspace: repo,
    env: { ...env, PATH: `${bin}:${process.env.PATH}` },
    actionFor: checkoutAction,
    oidcFor: environmentOidc(t, '5151', ['staging']),
  });
}

const results = (r: WorkflowRun) => Object.fromEntries(Object.entries(r.jobs).map(([k, v]) => [k, v.result]));

test('opened: the preview pr-12 at 0% beside the champion, checked, and the verdict commented on the pull request', async () => {
  const r = await onPullRequest('opened');
  expect(workflowFailures(r)).toBe('');
  expect(results(r)).toEqual({ preview: 'success', teardown: 'skipped' });
  const preview = r.jobs.preview!;
  expect(preview.steps.find((s) => s.id === 'deploy')!.outputs).toMatchObject({ 'deployment-name': `pr-${PR}`, result: 'staged' });
  expect(preview.steps.find((s) => s.id === 'checks')!.outputs).toMatchObject({ verdict: 'passed' });
  expect(await deploymentNames(t, 'credit-default-ep')).toEqual(['blue', `pr-${PR}`]);
  expect((await readEndpoint(t, 'credit-default-ep'))!.properties.traffic).toEqual({ blue: 100 });
  expect(readFileSync(ghLog, 'utf8').trim().split('\n')).toEqual([`pr comment ${PR} --edit-last --body-file preview-comment.md`, `pr comment ${PR} --body-file preview-comment.md`]);
  const body = readFileSync(`${ghLog}.body`, 'utf8');
  expect(body).toMatch(/^### aml-lifecycle preview: passed/);
  expect(body).toContain(`is deployed at 0% as \`pr-${PR}\` on \`credit-default-ep\``);
  expect(body).toContain('https://github.com/contoso/credit/actions/runs/5151');
}, 600_000);

test('closed: the preview is deleted with strategy remove, the champion keeps its traffic; closing again removes nothing', async () => {
  const r = await onPullRequest('closed');
  expect(workflowFailures(r)).toBe('');
  expect(results(r)).toEqual({ preview: 'skipped', teardown: 'success' });
  expect(r.jobs.teardown!.steps[0]!.outputs).toMatchObject({ 'deployment-name': `pr-${PR}`, result: 'removed' });
  expect(await deploymentNames(t, 'credit-default-ep')).toEqual(['blue']);
  expect((await readEndpoint(t, 'credit-default-ep'))!.properties.traffic).toEqual({ blue: 100 });

  const again = await onPullRequest('closed');
  expect(workflowFailures(again)).toBe('');
  expect(again.jobs.teardown!.steps[0]!.outputs.result).toBe('unchanged');
}, 600_000);

test('a pull request from a fork runs no job (no OIDC token for forks)', async () => {
  const r = await onPullRequest('opened', 'someone/credit-fork');
  expect(results(r)).toEqual({ preview: 'skipped', teardown: 'skipped' });
});
