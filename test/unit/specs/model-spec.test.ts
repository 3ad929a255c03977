import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { caught } from './online/helpers';
import {
  buildModelVersion,
  loadModelSpec,
  parseModelSpec,
  resolveModelUri,
  resolveModelVersionBody,
} from '../../../shared/src/specs/model-spec';
import { describeSource } from '../../../shared/src/specs/value-source';

const fixtures = resolve(__dirname, '..', '..', 'fixtures', 'models');
const scope = { subscriptionId: 'sub-1', resourceGroup: 'rg-ml', workspaceName: 'ws-dev' };


/** A temp folder with a model.yml and the given extra files; returns the YAML path. */
function scratch(yaml: string, files: Record<string, string> = { 'model/weights.bin': 'w' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-spec-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  writeFileSync(join(dir, 'model.yml'), yaml);
  return join(dir, 'model.yml');
}

describe('loadModelSpec + buildModelVersion on a full fixture', () => {
  const file = join(fixtures, 'credit-default', 'model.yml');
  const plan = buildModelVersion(loadModelSpec(file));

  test('sends what az ml sends', () => {
    expect(plan.name).toBe('credit-default');
    expect(plan.version).toBe('3');
    expect(plan.body).toEqual({
      properties: {
        modelType: 'mlflow_model',
        description: 'Gradient boosting credit default model.',
        // PyYAML semantics: `yes` is a boolean and str(True) is 'True'; 0.91 stays '0.91'.
        tags: { team: 'risk', auc: '0.91', approved: 'True' },
        properties: { training_job: 'teal_pot_8x2' },
        flavors: {
          python_function: {
            // 3.10 is a float in YAML: az ml sends '3.1'.
            data: { loader_module: 'mlflow.sklearn', python_version: '3.1', env: '{"conda":"conda.yaml"}' },
          },
        },
        isAnonymous: false,
      },
    });
  });

  test('resolves the local path against the YAML folder and records sources', () => {
    expect(plan.path).toEqual({
      kind: 'local',
      raw: 'mlflow-model',
      absolutePath: join(fixtures, 'credit-default', 'mlflow-model'),
      isFile: false,
    });
    expect(plan.datastore).toBe('workspaceblobstore');
    expect(describeSource(plan.sources.name!)).toBe(`${file}:2:7`);
    expect(describeSource(plan.sources['tags.auc']!)).toBe(`${file}:9:8`);
    expect(plan.sources.datastore).toEqual({ kind: 'default' });
  });

  test('the local model URI is the long datastore form of the uploaded path', () => {
    const body = resolveModelVersionBody(plan, scope, 'LocalUpload/abc/mlflow-model');
    expect(body.properties.modelUri).toBe(
      'azureml://subscriptions/sub-1/resourcegroups/rg-ml/workspaces/ws-dev/datastores/workspaceblobstore/paths/LocalUpload/abc/mlflow-model',
    );
    expect(() => resolveModelUri(plan, scope)).toThrow(/uploaded first/);
  });
});

describe('defaults and minimal files', () => {
  test('type defaults to custom_model, tags/properties to {}, version to next free', () => {
    const plan = buildModelVersion(loadModelSpec(join(fixtures, 'churn', 'model.yml')));
    expect(plan.version).toBeUndefined();
    expect(plan.body.properties).toEqual({ modelType: 'custom_model', tags: {}, properties: {}, isAnonymous: false });
    expect(plan.sources.type).toEqual({ kind: 'default' });
  });

  test('dump-only keys and $schema are dropped silently', () => {
    const f = scratch('name: m\npath: model\nid: /subscriptions/x\njob_name: j\nlatest_version: "4"\nutc_time_created: 2024-01-01\nintellectual_property: {publisher: me}\n');
    expect(buildModelVersion(loadModelSpec(f)).body.properties).not.toHaveProperty('id');
  });

  test('version given as an integer or string is a string', () => {
    expect(buildModelVersion(loadModelSpec(scratch('name: m\npath: model\nversion: 12\n'))).version).toBe('12');
    expect(buildModelVersion(loadModelSpec(scratch("name: m\npath: model\nversion: '2024.01'\n"))).version).toBe('2024.01');
  });

  test('datastore accepts the azureml: prefix', () => {
    const plan = buildModelVersion(loadModelSpec(scratch('name: m\npath: model\ndatastore: azureml:modelstore\n')));
    expect(plan.datastore).toBe('modelstore');
  });
});

describe('validation errors point at file:line:col', () => {
  test('unknown top-level key names the key, its position and the allowed keys', () => {
    const f = scratch('name: m\npath: model\ndescripton: typo\n');
    const e = caught(() => loadModelSpec(f));
    expect(e.location).toEqual({ file: f, line: 3, column: 1 });
    expect(e.message).toContain("Unknown field 'descripton'");
    expect(e.message).toContain("Did you mean 'description'?");
    expect(e.message).toMatch(/Allowed fields: name, version, type, path, description, tags, properties, flavors, datastore, stage/);
  });

  test('tags must be a mapping of plain values', () => {
    const e1 = caught(() => loadModelSpec(scratch('name: m\npath: model\ntags: [a, b]\n')));
    expect(e1.message).toMatch(/'tags' must be a mapping/);
    expect(e1.location).toMatchObject({ line: 3, column: 7 });
    const e2 = caught(() => loadModelSpec(scratch('name: m\npath: model\ntags:\n  a: 1\n  b: {c: d}\n')));
    expect(e2.message).toMatch(/'tags\.b' must be a plain value/);
    expect(e2.location).toMatchObject({ line: 5, column: 6 });
  });

  test('type is case-insensitive but must be known', () => {
    expect(buildModelVersion(loadModelSpec(scratch('name: m\npath: model\ntype: Triton_Model\n'))).body.properties.modelType).toBe('triton_model');
    const e = caught(() => loadModelSpec(scratch('name: m\npath: model\ntype: onnx\n')));
    expect(e.message).toMatch(/unknown model type 'onnx'/);
    expect(e.location).toMatchObject({ line: 3, column: 7 });
  });

  test('a non-string name asks to quote it', () => {
    const e = caught(() => loadModelSpec(scratch('name: 2024\npath: model\n')));
    expect(e.message).toMatch(/'name' must be a string/);
    expect(e.hint).toMatch(/Quote/);
  });

  test('name pattern and version charset', () => {
    expect(caught(() => buildModelVersion(loadModelSpec(scratch('name: -bad\npath: model\n')))).location).toMatchObject({ line: 1, column: 7 });
    expect(caught(() => buildModelVersion(loadModelSpec(scratch('name: m\npath: model\nversion: a/b\n')))).message).toMatch(/contains '\/'/);
    expect(caught(() => buildModelVersion(loadModelSpec(scratch('name: m\npath: model\nversion: ""\n')))).message).toMatch(/empty/);
  });

  test('a missing local path names the path, the resolved location and where it came from', () => {
    const f = scratch('name: m\npath: ./nowhere\n');
    const e = caught(() => buildModelVersion(loadModelSpec(f)));
    expect(e.message).toContain("'./nowhere' does not exist");
    expect(e.message).toContain(join(f, '..', 'nowhere'));
    expect(e.location).toEqual({ file: f, line: 2, column: 7 });
  });

  test('mlflow_model pointing at a file fails as az ml does', () => {
    const f = scratch('name: m\ntype: mlflow_model\npath: model/weights.bin\n');
    expect(caught(() => buildModelVersion(loadModelSpec(f))).message).toMatch(/Model of type mlflow_model cannot register a file/);
    const remote = scratch('name: m\ntype: mlflow_model\npath: azureml://datastores/ds/paths/models/model.pkl\n');
    expect(caught(() => buildModelVersion(loadModelSpec(remote))).message).toMatch(/cannot register a file/);
  });

  test('unfilled <PLACEHOLDER> values are reported unless an input overrides them', () => {
    const f = scratch('name: m\npath: model\nversion: <VERSION>\n');
    const e = caught(() => buildModelVersion(loadModelSpec(f)));
    expect(e.message).toContain("unfilled template placeholder '<VERSION>' in 'version'");
    expect(e.location).toMatchObject({ line: 3, column: 10 });
    expect(buildModelVersion(loadModelSpec(f), { version: '7' }).version).toBe('7');
  });

  test('missing name or path says how to provide it', () => {
    expect(caught(() => buildModelVersion(loadModelSpec(scratch('path: model\n')), {}, { inputNames: { name: 'model-name' } })).message).toMatch(
      /no name: set 'name' in the YAML or the 'model-name' input/,
    );
    expect(caught(() => buildModelVersion(loadModelSpec(scratch('name: m\n')))).message).toMatch(/no path/);
  });
});

describe('overrides (inputs) win over the YAML', () => {
  const f = join(fixtures, 'credit-default', 'model.yml');

  test('scalar overrides replace values and their sources name the input', () => {
    const plan = buildModelVersion(
      loadModelSpec(f),
      { name: 'credit-default-v2', version: '', description: 'from CI', stage: 'Production' },
      { inputNames: { name: 'model-name', description: 'model-description' } },
    );
    expect(plan.name).toBe('credit-default-v2');
    expect(plan.version).toBe('3'); // '' means "not given"
    expect(plan.body.properties.description).toBe('from CI');
    expect(plan.body.properties.stage).toBe('Production');
    expect(plan.sources.name).toEqual({ kind: 'input', input: 'model-name' });
    expect(plan.sources.version).toMatchObject({ kind: 'yaml' });
  });

  test('tags replace the YAML map like az ml --tags; mergeMaps merges; an empty map keeps the YAML', () => {
    const spec = loadModelSpec(f);
    expect(buildModelVersion(spec, { tags: { git_sha: 'abc' } }).body.properties.tags).toEqual({ git_sha: 'abc' });
    const merged = buildModelVersion(spec, { tags: { team: 'fraud', git_sha: 'abc' } }, { mergeMaps: true });
    expect(merged.body.properties.tags).toEqual({ team: 'fraud', auc: '0.91', approved: 'True', git_sha: 'abc' });
    expect(merged.sources['tags.team']).toEqual({ kind: 'input', input: 'tags' });
    expect(merged.sources['tags.auc']).toMatchObject({ kind: 'yaml' });
    expect(buildModelVersion(spec, { tags: {} }).body.properties.tags).toHaveProperty('team', 'risk');
  });

  test('an override path resolves against the working directory, and errors name the input', () => {
    const plan = buildModelVersion(loadModelSpec(f), { path: 'credit-default/mlflow-model' }, { cwd: fixtures, inputNames: { path: 'model-path' } });
    expect(plan.path).toMatchObject({ kind: 'local', absolutePath: join(fixtures, 'credit-default', 'mlflow-model') });
    const e = caught(() => buildModelVersion(loadModelSpec(f), { path: 'mlflow-model' }, { cwd: tmpdir(), inputNames: { path: 'model-path' } }));
    expect(e.input).toBe('model-path');
    expect(e.message).toMatch(/^Input 'model-path': .*working directory/);
  });

  test('a type override is validated against the input', () => {
    const e = caught(() => buildModelVersion(loadModelSpec(f), { type: 'pickle' }, { inputNames: { type: 'model-type' } }));
    expect(e.input).toBe('model-type');
  });

  test('no YAML at all: everything from inputs', () => {
    const plan = buildModelVersion(undefined, { name: 'm', path: 'azureml://jobs/job-1/outputs/artifacts/paths/model/' });
    expect(plan.body.properties.modelUri).toBe('azureml://jobs/job-1/outputs/artifacts/paths/model/');
    expect(plan.path.kind).toBe('uri');
  });
});

describe('path classification', () => {
  const build = (path: string, type = 'custom_model') => buildModelVersion(undefined, { name: 'm', path, type });

  test('short datastore URIs expand to the long form with the workspace scope', () => {
    const plan = build('azureml://datastores/workspaceblobstore/paths/models/credit/');
    expect(plan.path).toMatchObject({ kind: 'datastore', datastore: 'workspaceblobstore', path: 'models/credit/' });
    expect(plan.body.properties.modelUri).toBeUndefined();
    expect(resolveModelUri(plan, scope)).toBe(
      'azureml://subscriptions/sub-1/resourcegroups/rg-ml/workspaces/ws-dev/datastores/workspaceblobstore/paths/models/credit/',
    );
  });

  test.each([
    'azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/d/paths/p/model',
    'azureml://jobs/brave_eye_1/outputs/artifacts/paths/model',
    'runs:/brave_eye_1/model',
    'https://acct.blob.core.windows.net/models/credit',
  ])('%s is sent verbatim', (uri) => {
    const plan = build(uri, 'mlflow_model');
    expect(plan.body.properties.modelUri).toBe(uri);
    expect(resolveModelUri(plan, scope)).toBe(uri);
  });

  test('an asset reference is not a path', () => {
    expect(caught(() => build('azureml:credit:1')).message).toMatch(/asset reference/);
  });
});

describe('YAML versions that are not plain versions', () => {
  test.each(['1.10', '.inf', '-.inf', '.nan', '-1', 'latest'])('version: %s is refused at its file:line', (v) => {
    let e: unknown;
    try {
      buildModelVersion(loadModelSpec(scratch(`name: m\npath: model\nversion: ${v}\n`)));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/model\.yml:3:\d+: .*version/);
  });
  test('quoted "1.10" and integer 3 are kept as written', () => {
    expect(loadModelSpec(scratch('name: m\npath: model\nversion: "1.10"\n')).fields.version).toBe('1.10');
    expect(loadModelSpec(scratch('name: m\npath: model\nversion: 3\n')).fields.version).toBe('3');
  });
});
