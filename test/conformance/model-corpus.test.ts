/**
 * Conformance over the real-world model YAMLs of the shared corpus (outside the repo; skipped when absent):
 * each must load, or fail with an input error that points into the file and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StepError } from '../../shared/src/core/errors';
import { buildModelVersion, loadModelSpec, type ModelVersionPlan } from '../../shared/src/specs/model-spec';

const repoRoot = resolve(__dirname, '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus');
const featuresFile = join(corpus, 'features.json');

const KNOWN_REASONS = [/does not exist/, /unfilled template placeholder/, /cannot register a file/, /Unknown field/, /invalid YAML/, /must be/];

/** What we expect of the files we know; files added to the corpus later only have to meet the general rule. */
const EXPECTED: Record<string, { ok: true; type: string } | { error: RegExp; line: number }> = {
  'azureml-examples/cli/assets/model/local-mlflow.yml': { ok: true, type: 'mlflow_model' },
  'azureml-examples/cli/generative-ai/promptflow/deploy-flow/model.yaml': { ok: true, type: 'custom_model' },
  // The sample's model.pkl is a binary that the corpus does not carry.
  'azureml-examples/cli/assets/model/local-file.yml': { error: /'mlflow-model\/model\.pkl' does not exist/, line: 3 },
  'azureml-examples/cli/endpoints/online/managed/inference-schema/model.yml': { error: /'models' does not exist/, line: 4 },
  'azureml-examples/cli/jobs/pipelines-with-components/nyc_taxi_data_regression/artifacts/model/nyc-taxi-model.yaml': {
    error: /unfilled template placeholder '<VERSION>' in 'version'/,
    line: 4,
  },
  // A run-output path relative to a datastore: not a local folder, and not an azureml:// URI either.
  'AML-Kubernetes/examples/inference/simple-flow/sklearn-model.yml': { error: /does not exist/, line: 5 },
};

function modelFiles(): string[] {
  const features = JSON.parse(readFileSync(featuresFile, 'utf8')) as Record<string, { kind?: string }>;
  return Object.entries(features)
    .filter(([, f]) => f.kind === 'model')
    .map(([rel]) => rel)
    .sort();
}

if (!existsSync(featuresFile)) {
  test.skip('model corpus conformance', () => undefined);
  console.log(`model-corpus.test: skipped, no corpus at ${corpus}`);
} else {
  const files = modelFiles();

  test('the corpus lists model YAMLs', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('%s loads or fails with a located reason', (rel) => {
    const file = join(corpus, rel);
    let plan: ModelVersionPlan | undefined;
    let error: unknown;
    try {
      plan = buildModelVersion(loadModelSpec(file));
    } catch (e) {
      error = e;
    }
    const expected = EXPECTED[rel];
    if (plan) {
      expect(plan.name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/);
      expect(plan.body.properties.isAnonymous).toBe(false);
      if (expected) {
        expect(expected).toHaveProperty('ok', true);
        expect(plan.body.properties.modelType).toBe((expected as { type: string }).type);
      }
      return;
    }
    expect(error).toBeInstanceOf(StepError);
    const e = error as StepError;
    expect(e.kind).toBe('input');
    expect(e.location?.file).toBe(file);
    expect(e.location?.line).toBeGreaterThan(0);
    expect(KNOWN_REASONS.some((r) => r.test(e.message))).toBe(true);
    if (expected) {
      expect(expected).not.toHaveProperty('ok');
      const { error: reason, line } = expected as { error: RegExp; line: number };
      expect(e.message).toMatch(reason);
      expect(e.location?.line).toBe(line);
    }
  });
}
