/**
 * A model repository as a team starts one: `aml-lifecycle init --ci <system>` (the CLI bundle, as a user runs it)
 * writes the CI templates, the model with its az ml model file and metrics, the deployment and probe, the staging
 * policy with sample data and the monitor schedule.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { REPO } from './emulator';

const CLI = join(REPO, 'shared', 'dist', 'cli', 'index.js');

export async function writeCallerRepo(ci: 'github' | 'azure-pipelines'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'caller-repo-'));
  const r = await runNode(CLI, ['init', '--ci', ci, '--dir', dir], { PATH: process.env.PATH, HOME: process.env.HOME });
  if (r.exitCode !== 0) throw new Error(`init failed:\n${r.stdout}${r.stderr}`);
  return dir;
}

/** Retrains the model in the repository: new weights and their evaluation, so registering it makes a new version. */
export function retrain(dir: string, intercept: number): void {
  const file = join(dir, 'models', 'credit-model', 'model.json');
  const w = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...w, intercept }, null, 2));
  cpSync(join(REPO, 'shared', 'demo', 'metrics-retrained.json'), join(dir, 'models', 'metrics.json'));
}

/** The repository's batch deployment (the demo's, with its code and a sample), beside the deployment's conda file. */
export function addBatchDeployment(dir: string): void {
  const demo = join(REPO, 'shared', 'demo', 'batch');
  mkdirSync(join(dir, 'batch'), { recursive: true });
  cpSync(join(demo, 'code'), join(dir, 'batch', 'code'), { recursive: true });
  cpSync(join(demo, 'sample'), join(dir, 'batch', 'sample'), { recursive: true });
  writeFileSync(join(dir, 'batch', 'deployment.yml'), readFileSync(join(demo, 'deployment.yml'), 'utf8').replace('conda_file: ../online/conda.yml', 'conda_file: ../deploy/conda.yml'));
}
