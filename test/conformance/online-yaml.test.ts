/**
 * Conformance over the real-world online endpoint and deployment YAMLs of the shared corpus (outside the repo;
 * skipped when absent): each loads into a body that meets the REST contract once its assets are resolved, or
 * fails with input errors that point into the file and say why. Files that fail only for values `az ml` takes
 * from the command line (--name, --endpoint-name) are loaded again with those values given as inputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expectLocatedReasons } from './located-reasons';
import { onlineDeploymentContractProblems, onlineEndpointContractProblems } from '../../shared/src/specs/online/contract';
import { loadOnlineDeploymentSpec, type OnlineDeploymentInputs } from '../../shared/src/specs/online/deployment-spec';
import { loadOnlineEndpointSpec, resolveEndpointBody } from '../../shared/src/specs/online/endpoint-spec';
import { withResolvedAssets } from '../../shared/src/specs/online/resolve-assets';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus');
const featuresFile = join(corpus, 'features.json');
const scope = { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', workspaceName: 'ws' };
const ws = `/subscriptions/${scope.subscriptionId}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;

/** Why a file may fail; each problem must match one. */
const REASONS: Array<[string, RegExp]> = [
  ['placeholder', /unfilled template placeholder/],
  ['needs a command-line value', /has no (name|endpoint name)/],
  ['local file not in the corpus', /does not exist/],
  ['invalid name', /must start with an upper- or lowercase letter/],
  ['not an identity ARM id', /is not the ARM id of a user-assigned identity/],
  ['not a plain value (brace placeholder)', /must be a plain value/],
  ['preview syntax', /preview syntax/],
];

type Kind = 'online-endpoint' | 'online-deployment-managed' | 'online-deployment-k8s';
const tally: Record<string, number> = {};
const count = (k: string): void => void (tally[k] = (tally[k] ?? 0) + 1);

function onlineFiles(): Array<[string, Kind]> {
  const features = JSON.parse(readFileSync(featuresFile, 'utf8')) as Record<string, { kind?: string }>;
  return Object.entries(features)
    .filter(([, f]) => ['online-endpoint', 'online-deployment-managed', 'online-deployment-k8s'].includes(f.kind ?? ''))
    .map(([rel, f]) => [rel, f.kind as Kind] as [string, Kind])
    .sort();
}

function load(file: string, kind: Kind, inputs: OnlineDeploymentInputs = {}): string[] {
  if (kind === 'online-endpoint') {
    const plan = loadOnlineEndpointSpec({ file, inputs: { endpointName: inputs.endpointName } });
    return onlineEndpointContractProblems(resolveEndpointBody(plan, { location: 'westeurope', scope }));
  }
  const plan = loadOnlineDeploymentSpec({ file, inputs });
  expect(plan.kind).toBe(kind === 'online-deployment-k8s' ? 'kubernetes' : 'managed');
  const body = withResolvedAssets(plan, {
    location: 'westeurope',
    scope,
    modelId: plan.model?.kind === 'ref' && plan.model.ref.form !== 'label' ? undefined : `${ws}/models/m/versions/1`,
    environmentId: plan.environment?.kind === 'ref' && plan.environment.ref.form !== 'label' ? undefined : `${ws}/environments/e/versions/1`,
    codeId: plan.code?.kind === 'ref' ? undefined : `${ws}/codes/c/versions/1`,
    dataIds: Object.fromEntries(plan.dataCollections.map((a) => [a.collection, `${ws}/data/${a.name}/versions/${a.version}`])),
  });
  return onlineDeploymentContractProblems(body);
}

if (!existsSync(featuresFile)) {
  test.skip('online YAML conformance', () => undefined);
  console.log(`online-yaml.test: skipped, no corpus at ${corpus}`);
} else {
  const files = onlineFiles();

  test('the corpus lists online endpoint and deployment YAMLs', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  test.each(files)('%s loads or fails with a located reason', (rel, kind) => {
    const file = join(corpus, rel);
    let error: unknown;
    try {
      expect(load(file, kind)).toEqual([]);
      count(`${kind}: loads`);
      return;
    } catch (e) {
      error = e;
    }
    const reasons = expectLocatedReasons(error, file, REASONS);
    for (const r of new Set(reasons)) count(`${kind}: fails: ${r}`);
    if (reasons.every((r) => r === 'needs a command-line value')) {
      // What the sample scripts pass on the command line.
      expect(load(file, kind, { endpointName: 'my-endpoint', deploymentName: 'blue' })).toEqual([]);
      count(`${kind}: loads with --name/--endpoint-name inputs`);
    }
  });

  afterAll(() => {
    console.log(`online-yaml.test tally:\n${Object.entries(tally).sort().map(([k, n]) => `  ${String(n).padStart(3)}  ${k}`).join('\n')}`);
  });
}
