/**
 * The demo's staging checks: applicants generated beside a copy of shared/demo/staging/policy.yml (training data,
 * recent applicants, a labelled hold-out set with region and sex), then the staging-checks action run against the
 * retrained model staged at 0% while the champion keeps the traffic.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { normal, writeSample, type Population } from './staging-data';
import { baseEnv, runGitHubAction } from './runners';
import type { DeployDemoContext } from './demo-deploy';

/** The demo credit model's inputs; labels from version 1's weights (shared/demo/credit-model/model.json). */
export const APPLICANTS: Population = {
  features: ['income', 'debt_ratio', 'age', 'late_payments_12m'],
  extra: ['region', 'sex'],
  labeller: { intercept: -1.3, coefficients: [-0.00002, 2.1, -0.015, 0.62] },
  // shift 1: a downturn (lower incomes, more debt), the drift the demo's monitor catches.
  draw(r, shift) {
    const income = Math.max(8000, Math.round((55000 - 22000 * shift + 20000 * normal(r)) / 100) * 100);
    const debt = Math.min(1, Math.round((r() * (1 - 0.4 * shift) + 0.4 * shift) * 100) / 100);
    const age = 21 + Math.floor(r() * 50);
    const late = Math.min(6, Math.floor(-Math.log(1 - r()) * 0.9));
    return { features: [income, debt, age, late], extra: [r() < 0.35 ? 'us' : 'eu', r() < 0.5 ? 'F' : 'M'] };
  },
};

export async function runStagingDemo(c: DeployDemoContext, banner: string, deployment: string): Promise<boolean> {
  c.banner(banner);
  const dir = join(c.stateDir, 'staging');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(c.root, 'shared', 'demo', 'staging', 'policy.yml'), join(dir, 'policy.yml'));
  writeSample(join(dir, 'train.csv'), APPLICANTS, { rows: 3000, seed: 1, labels: true });
  writeSample(join(dir, 'staging.csv'), APPLICANTS, { rows: 600, seed: 2 });
  writeSample(join(dir, 'eval.csv'), APPLICANTS, { rows: 1000, seed: 3, labels: true });
  const r = await runGitHubAction(
    join(c.root, 'actions', 'staging-checks'),
    {
      ...c.workspaceInputs,
      'policy-file': join(dir, 'policy.yml'),
      'endpoint-name': 'credit-default-ep',
      'deployment-name': deployment,
      'result-file': join(dir, 'result.json'),
      'junit-file': join(dir, 'junit.xml'),
    },
    baseEnv({ ...c.env, SYSTEM_OIDCREQUESTURI: undefined }),
  );
  return c.report('staging checks', r);
}
