/**
 * `aml-lifecycle init --ci github|azure-pipelines [--dir DIR] [--force]`: writes a project's starting point into a
 * repository: the CI templates (the CD chain, retrain-on-alert, and for GitHub the PR preview), a model with its
 * az ml model file and metrics, the deployment and probe files, a staging-checks policy with sample data, a monitor
 * schedule, and `aml-lifecycle.yml`, the workspace names to fill in. Every file it would write is checked first:
 * when one exists and --force is not given, it names them all and writes nothing.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from './package-root';
import { APPLICANTS } from './demo-staging';
import { writeSample } from './staging-data';

type Ci = 'github' | 'azure-pipelines';
type Source = { copy: string } | { text: string } | { sample: { rows: number; seed: number; labels?: boolean } };

const CONFIG = `# aml-lifecycle: the names the pipelines use. Set them as CI variables:
#   GitHub: repository (or environment) variables AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID,
#           AML_RESOURCE_GROUP, AML_WORKSPACE, AML_REGISTRY, AML_REGISTRY_RESOURCE_GROUP, AML_REGISTRY_SUBSCRIPTION_ID
#   Azure Pipelines: the variable group aml-lifecycle with the AML_* names, and the service connection aml-prod
# OIDC subjects to add as federated credentials on the app registration:
#   GitHub: repo:<owner>/<repo>:environment:staging and repo:<owner>/<repo>:environment:production
#   Azure Pipelines: sc://<organization>/<project>/aml-prod
# Roles: AzureML Data Scientist on the workspace, AzureML Registry User on the registry.
subscription-id: 00000000-0000-0000-0000-000000000000
resource-group: rg-ml
workspace: mlw-prod
registry: mlops-registry
registry-resource-group: rg-registry
endpoint-name: credit-default-ep
`;

/** What init writes: repository path → where it comes from (a file of the package, text, or generated data). */
export function initFiles(ci: Ci, root = packageRoot()): Record<string, Source> {
  const demo = (...p: string[]) => ({ copy: join(root, 'shared', 'demo', ...p) });
  const templates = (...p: string[]) => ({ copy: join(root, 'workflows-templates', ...p) });
  const deployment = readFileSync(join(root, 'shared', 'demo', 'online', 'deployment.yml'), 'utf8').replace('code: ../credit-model', 'code: ../models/credit-model');
  const policy = readFileSync(join(root, 'shared', 'demo', 'staging', 'policy.yml'), 'utf8').replace(/^# yaml-language-server.*\n/, '');
  const common: Record<string, Source> = {
    'aml-lifecycle.yml': { text: CONFIG },
    'models/model.yml': demo('credit-model.yml'),
    'models/metrics.json': demo('metrics.json'),
    'models/credit-model/model.json': demo('credit-model', 'model.json'),
    'models/credit-model/score.py': demo('credit-model', 'score.py'),
    'deploy/deployment.yml': { text: deployment },
    'deploy/conda.yml': demo('online', 'conda.yml'),
    'deploy/probe.yml': demo('online', 'probe.yml'),
    'staging/policy.yml': { text: policy },
    'staging/train.csv': { sample: { rows: 3000, seed: 1, labels: true } },
    'staging/staging.csv': { sample: { rows: 600, seed: 2 } },
    'staging/eval.csv': { sample: { rows: 1000, seed: 3, labels: true } },
    'monitoring/monitor.yml': demo('monitoring', 'monitor.yml'),
  };
  if (ci === 'github') {
    return {
      ...common,
      '.github/workflows/cd.yml': templates('github', 'cd.yml'),
      '.github/workflows/retrain-on-alert.yml': templates('github', 'retrain-on-alert.yml'),
      '.github/workflows/pr-preview.yml': templates('github', 'pr-preview.yml'),
    };
  }
  return {
    ...common,
    'azure-pipelines-cd.yml': templates('azure-pipelines', 'azure-pipelines-cd.yml'),
    'retrain-on-alert.yml': templates('azure-pipelines', 'retrain-on-alert.yml'),
    'templates/aml-cd.yml': templates('azure-pipelines', 'aml-cd.yml'),
  };
}

function usage(): string {
  return 'Usage: aml-lifecycle init --ci github|azure-pipelines [--dir DIR] [--force]\n';
}

export function runInit(argv: string[]): number {
  let ci: string | undefined;
  let dir = '.';
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--ci') ci = argv[++i];
    else if (a.startsWith('--ci=')) ci = a.slice(5);
    else if (a === '--dir') dir = argv[++i] ?? '';
    else if (a.startsWith('--dir=')) dir = a.slice(6);
    else if (a === '--force') force = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(usage());
      return 0;
    } else {
      process.stderr.write(`init: unknown argument '${a}'.\n${usage()}`);
      return 2;
    }
  }
  if (ci !== 'github' && ci !== 'azure-pipelines') {
    process.stderr.write(`init: --ci must be github or azure-pipelines${ci ? `, not '${ci}'` : ''}.\n${usage()}`);
    return 2;
  }
  const target = resolve(dir || '.');
  if (existsSync(target) && !lstatSync(target).isDirectory()) {
    process.stderr.write(`init: ${target} is not a folder.\n`);
    return 2;
  }
  const files = initFiles(ci);
  // Everything is checked before anything is written.
  const existing = Object.keys(files).filter((f) => existsSync(join(target, f)));
  const notFiles = existing.filter((f) => !lstatSync(join(target, f)).isFile());
  if (notFiles.length) {
    process.stderr.write(`init: these paths exist and are not regular files, so nothing was written:\n${notFiles.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  if (existing.length && !force) {
    process.stderr.write(`init: these files exist; nothing was written (--force overwrites them):\n${existing.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  for (const [path, source] of Object.entries(files)) {
    const to = join(target, path);
    mkdirSync(dirname(to), { recursive: true });
    if ('copy' in source) copyFileSync(source.copy, to);
    else if ('text' in source) writeFileSync(to, source.text);
    else writeSample(to, APPLICANTS, source.sample);
    process.stdout.write(`${existing.includes(path) ? 'overwrote' : 'wrote'}  ${relative(process.cwd(), to) || to}\n`);
  }
  process.stdout.write(
    `\nNext: fill in aml-lifecycle.yml's names as ${ci === 'github' ? 'repository variables' : 'the aml-lifecycle variable group'}, create the staging and production environments` +
      ` (required reviewers / approvals on production) and the federated credentials it lists; replace models/credit-model and staging/*.csv with your own.\n`,
  );
  return 0;
}
