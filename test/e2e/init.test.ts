/**
 * `aml-lifecycle init` from the CLI bundle, as a user runs it: the chosen CI system's templates (byte for byte the
 * ones this repository checks and runs) and the starter files; an existing file stops it before anything is
 * written, naming every conflict; --force overwrites; a wrong --ci is refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { REPO } from '../support/emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const init = (...args: string[]) => runNode(CLI, ['init', ...args], env);

test('GitHub: the workflows and starter files; nothing is overwritten without --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'init-gh-'));
  const r = await init('--ci', 'github', '--dir', dir);
  expect(r.exitCode).toBe(0);
  for (const f of ['cd.yml', 'retrain-on-alert.yml', 'pr-preview.yml']) expect(readFileSync(join(dir, '.github', 'workflows', f), 'utf8')).toBe(readFileSync(join(REPO, 'workflows-templates', 'github', f), 'utf8'));
  for (const f of ['aml-lifecycle.yml', 'models/model.yml', 'models/metrics.json', 'models/credit-model/score.py', 'deploy/deployment.yml', 'deploy/probe.yml', 'staging/policy.yml', 'monitoring/monitor.yml']) expect(existsSync(join(dir, f))).toBe(true);
  expect(readFileSync(join(dir, 'deploy', 'deployment.yml'), 'utf8')).toMatch(/code: \.\.\/models\/credit-model/);
  expect(readFileSync(join(dir, 'staging', 'train.csv'), 'utf8').split('\n')[0]).toBe('income,debt_ratio,age,late_payments_12m,region,sex,default');
  expect(readFileSync(join(dir, 'aml-lifecycle.yml'), 'utf8')).toMatch(/repo:<owner>\/<repo>:environment:production/);

  // A second run: every conflict named, nothing written.
  writeFileSync(join(dir, 'models', 'model.yml'), 'mine\n');
  const again = await init('--ci', 'github', '--dir', dir);
  expect(again.exitCode).toBe(1);
  expect(again.stderr).toMatch(/these files exist; nothing was written \(--force overwrites them\):\n  aml-lifecycle\.yml\n  models\/model\.yml\n/);
  expect(readFileSync(join(dir, 'models', 'model.yml'), 'utf8')).toBe('mine\n');
  const forced = await init('--ci', 'github', '--dir', dir, '--force');
  expect(forced.exitCode).toBe(0);
  expect(forced.stdout).toMatch(/overwrote +\S*models\/model\.yml/);
  expect(readFileSync(join(dir, 'models', 'model.yml'), 'utf8')).toBe(readFileSync(join(REPO, 'shared', 'demo', 'credit-model.yml'), 'utf8'));
});

test('Azure Pipelines: the pipeline beside templates/aml-cd.yml; a folder in the way and a wrong --ci are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'init-ado-'));
  const r = await init('--ci=azure-pipelines', `--dir=${dir}`);
  expect(r.exitCode).toBe(0);
  expect(readFileSync(join(dir, 'templates', 'aml-cd.yml'), 'utf8')).toBe(readFileSync(join(REPO, 'workflows-templates', 'azure-pipelines', 'aml-cd.yml'), 'utf8'));
  expect(readFileSync(join(dir, 'azure-pipelines-cd.yml'), 'utf8')).toMatch(/template: templates\/aml-cd\.yml/);
  const other = mkdtempSync(join(tmpdir(), 'init-ado-'));
  mkdirSync(join(other, 'templates', 'aml-cd.yml'), { recursive: true });
  const blocked = await init('--ci', 'azure-pipelines', '--dir', other, '--force');
  expect(blocked.exitCode).toBe(1);
  expect(blocked.stderr).toMatch(/exist and are not regular files, so nothing was written:\n  templates\/aml-cd\.yml/);
  expect(existsSync(join(other, 'models'))).toBe(false);
  const wrong = await init('--ci', 'jenkins', '--dir', other);
  expect(wrong.exitCode).toBe(2);
  expect(wrong.stderr).toMatch(/--ci must be github or azure-pipelines, not 'jenkins'/);
});
