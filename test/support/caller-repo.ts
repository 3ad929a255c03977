/**
 * A model repository as a team keeps one, laid out as the CD templates expect: models/model.yml (+ the model
 * folder), deploy/deployment.yml and probe.yml, staging/policy.yml with its data, monitoring/monitor.yml. Built from
 * the demo's files.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICANTS } from '../../shared/cli/demo-staging';
import { writeSample } from '../../shared/cli/staging-data';
import { REPO } from './emulator';

const DEMO = join(REPO, 'shared', 'demo');

export function writeCallerRepo(dir = mkdtempSync(join(tmpdir(), 'caller-repo-'))): string {
  mkdirSync(join(dir, 'models'), { recursive: true });
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  mkdirSync(join(dir, 'staging'), { recursive: true });
  mkdirSync(join(dir, 'monitoring'), { recursive: true });
  cpSync(join(DEMO, 'monitoring', 'monitor.yml'), join(dir, 'monitoring', 'monitor.yml'));
  cpSync(join(DEMO, 'credit-model'), join(dir, 'models', 'credit-model'), { recursive: true });
  writeFileSync(join(dir, 'models', 'model.yml'), readFileSync(join(DEMO, 'credit-model.yml'), 'utf8'));
  cpSync(join(DEMO, 'metrics.json'), join(dir, 'models', 'metrics.json'));
  writeFileSync(join(dir, 'deploy', 'deployment.yml'), readFileSync(join(DEMO, 'online', 'deployment.yml'), 'utf8').replace('code: ../credit-model', 'code: ../models/credit-model'));
  cpSync(join(DEMO, 'online', 'conda.yml'), join(dir, 'deploy', 'conda.yml'));
  cpSync(join(DEMO, 'online', 'probe.yml'), join(dir, 'deploy', 'probe.yml'));
  writeFileSync(join(dir, 'staging', 'policy.yml'), readFileSync(join(DEMO, 'staging', 'policy.yml'), 'utf8').replace(/^# yaml-language-server.*\n/, ''));
  writeSample(join(dir, 'staging', 'train.csv'), APPLICANTS, { rows: 3000, seed: 1, labels: true });
  writeSample(join(dir, 'staging', 'staging.csv'), APPLICANTS, { rows: 600, seed: 2 });
  writeSample(join(dir, 'staging', 'eval.csv'), APPLICANTS, { rows: 1000, seed: 3, labels: true });
  return dir;
}

/** Retrains the model in the repository: new weights and their evaluation, so registering it makes a new version. */
export function retrain(dir: string, intercept: number): void {
  const file = join(dir, 'models', 'credit-model', 'model.json');
  const w = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...w, intercept }, null, 2));
  cpSync(join(DEMO, 'metrics-retrained.json'), join(dir, 'models', 'metrics.json'));
}
