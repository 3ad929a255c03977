/**
 * Conformance over the real-world batch endpoint and deployment YAMLs of the shared corpus (outside the repo;
 * skipped when absent): each loads into a body that meets the REST contract once its assets are resolved (to
 * placeholder ids), or fails with input errors that point into the file and say why. Files that fail only for
 * values the sample scripts give on the command line (--name, --endpoint-name, --set model=… compute=…) are
 * loaded again with those values given as inputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expectLocatedReasons } from './located-reasons';
import { batchDeploymentContractProblems, batchEndpointContractProblems } from '../../shared/src/specs/batch/contract';
import { loadBatchDeploymentSpec, type BatchDeploymentInputs, type BatchDeploymentPlan } from '../../shared/src/specs/batch/deployment-spec';
import { batchEndpointBody, loadBatchEndpointSpec } from '../../shared/src/specs/batch/endpoint-spec';
import { withResolvedBatchAssets } from '../../shared/src/specs/batch/resolve-assets';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus');
const featuresFile = join(corpus, 'features.json');
const scope = { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = `/subscriptions/${scope.subscriptionId}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;

/** Why a file may fail; each problem must match one. */
const REASONS: Array<[string, RegExp]> = [
  ['placeholder', /unfilled template placeholder/],
  ['needs a command-line value', /has no (name|endpoint name|model|compute)\b/],
  ['local file not in the corpus', /does not exist/],
  ['invalid name', /must start with an upper- or lowercase letter|at least 3 and at most 32 characters/],
  ['output_file_name with summary_only', /output_action is set to summary_only/],
];

type Kind = 'batch-endpoint' | 'batch-deployment';
const tally: Record<string, number> = {};
const count = (k: string): void => void (tally[k] = (tally[k] ?? 0) + 1);

function batchFiles(): Array<[string, Kind]> {
  const features = JSON.parse(readFileSync(featuresFile, 'utf8')) as Record<string, { kind?: string }>;
  return Object.entries(features)
    .filter(([, f]) => f.kind === 'batch-endpoint' || f.kind === 'batch-deployment')
    .map(([rel, f]) => [rel, f.kind as Kind] as [string, Kind])
    .sort();
}

/** Placeholder ids for what the step would look up, upload or register. */
function resolved(plan: BatchDeploymentPlan): unknown {
  const given = <T extends { kind: string; ref?: { form: string } }>(s: T | undefined): boolean => s?.kind === 'ref' && s.ref?.form !== 'label';
  return withResolvedBatchAssets(plan, {
    location: 'westeurope',
    scope,
    modelId: given(plan.model) ? undefined : `${ws}/models/m/versions/1`,
    environmentId: given(plan.environment) ? undefined : `${ws}/environments/e/versions/1`,
    codeId: given(plan.code) ? undefined : `${ws}/codes/c/versions/1`,
    componentId: given(plan.component) ? undefined : `${ws}/components/p/versions/1`,
  });
}

function load(file: string, kind: Kind, inputs: BatchDeploymentInputs = {}): { problems: string[]; plan?: BatchDeploymentPlan } {
  if (kind === 'batch-endpoint') {
    const plan = loadBatchEndpointSpec({ file, inputs: { endpointName: inputs.endpointName } });
    return { problems: batchEndpointContractProblems(batchEndpointBody(plan, 'westeurope')) };
  }
  const plan = loadBatchDeploymentSpec({ file, inputs });
  return { problems: batchDeploymentContractProblems(resolved(plan)), plan };
}

/** What the raw `type` of a file says the loader must be. */
function expectedKind(file: string): BatchDeploymentPlan['kind'] {
  const type = /^type:\s*(\S+)/m.exec(readFileSync(file, 'utf8'))?.[1];
  return type === 'model' ? 'model' : type === 'pipeline' ? 'pipeline' : 'legacy';
}

if (!existsSync(featuresFile)) {
  test.skip('batch YAML conformance', () => undefined);
  console.log(`batch-yaml.test: skipped, no corpus at ${corpus}`);
} else {
  const files = batchFiles();

  test('the corpus lists batch endpoint and deployment YAMLs', () => {
    expect(files.filter(([, k]) => k === 'batch-endpoint')).toHaveLength(8);
    expect(files.filter(([, k]) => k === 'batch-deployment')).toHaveLength(25);
  });

  test.each(files)('%s loads or fails with a located reason', (rel, kind) => {
    const file = join(corpus, rel);
    let error: unknown;
    try {
      const { problems, plan } = load(file, kind);
      expect(problems).toEqual([]);
      if (plan) expect(plan.kind).toBe(expectedKind(file));
      count(`${kind}: loads${plan ? ` (${plan.kind})` : ''}`);
      return;
    } catch (e) {
      error = e;
    }
    const reasons = expectLocatedReasons(error, file, REASONS);
    for (const r of new Set(reasons)) count(`${kind}: fails: ${r}`);
    if (reasons.every((r) => r === 'needs a command-line value')) {
      // What the sample scripts pass: --endpoint-name, and --set model=<registry model> compute=<cluster> name=<deployment>.
      const { problems, plan } = load(file, kind, {
        endpointName: 'my-endpoint',
        deploymentName: 'demo',
        model: 'azureml://registries/azureml/models/some-model/versions/3',
        compute: 'cpu-cluster',
      });
      expect(problems).toEqual([]);
      if (plan) expect(plan.kind).toBe(expectedKind(file));
      count(`${kind}: loads with command-line values as inputs${plan ? ` (${plan.kind})` : ''}`);
    }
  });

  afterAll(() => {
    console.log(`batch-yaml.test tally:\n${Object.entries(tally).sort().map(([k, n]) => `  ${String(n).padStart(3)}  ${k}`).join('\n')}`);
  });
}
