/** Remote model paths are judged while planning: malformed datastore URIs, plain http and missing datastores. */
import { StepError } from '../../../shared/src/core/errors';
import { checkDatastoreUri } from '../../../shared/src/specs/datastore-uri';
import { checkPathDatastoreExists, datastoreOfPath } from '../../../shared/src/specs/datastore-check';
import { classifyModelPath } from '../../../shared/src/specs/model-path';
import type { ValueSource } from '../../../shared/src/specs/value-source';

const source: ValueSource = { kind: 'input', input: 'model-path' };
const opts = { baseDir: '/nonexistent-base', baseDescription: 'the working directory', source };
const scope = { subscriptionId: 'sub-1', resourceGroup: 'rg-ml', workspaceName: 'ws-dev' };
const long = (ds: string, p = 'models/m/') => `azureml://subscriptions/sub-1/resourcegroups/rg-ml/workspaces/ws-dev/datastores/${ds}/paths/${p}`;

function refusal(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    expect((e as StepError).kind).toBe('input');
    expect((e as StepError).input).toBe('model-path');
    return e as StepError;
  }
  throw new Error('expected a refusal');
}

describe('checkDatastoreUri', () => {
  test('short and long forms with a valid name and a path are accepted', () => {
    expect(checkDatastoreUri('azureml://datastores/workspaceblobstore/paths/a/b')).toEqual({ ok: true, form: 'short', datastore: 'workspaceblobstore', path: 'a/b' });
    expect(checkDatastoreUri(long('my_store'))).toEqual({ ok: true, form: 'long', datastore: 'my_store', path: 'models/m/', scope });
  });

  test.each([
    ['azureml://datastores//paths/x', /names no datastore/],
    [long(''), /names no datastore/],
    ['azureml://datastores/bad-name/paths/x', /'bad-name', which cannot exist: a datastore name holds only letters, digits and underscores/],
    ['azureml://datastores/' + 'x'.repeat(300) + '/paths/x', /at most 255/],
    ['azureml://datastores/store', /has no '\/paths\/<path>'/],
    ['azureml://datastores/store/files/x', /is not of the form/],
    ['azureml://datastores/store/paths/', /no path after \/paths\//],
    ['azureml://datastores', /is not of the form/],
    ['azureml://subscriptions//resourcegroups/rg/workspaces/ws/datastores/s/paths/x', /empty subscription/],
  ])('%j is refused', (uri, why) => {
    const r = checkDatastoreUri(uri);
    expect(r).toMatchObject({ ok: false });
    expect((r as { problem: string }).problem).toMatch(why);
    expect((r as { problem: string }).problem).toContain(uri);
  });

  test('URIs that name no datastore are not judged here', () => {
    for (const uri of ['azureml://jobs/j1/outputs/artifacts/paths/model/', 'https://host/x', 'runs:/abc/model', 'azureml://registries/r/models/m/versions/1']) {
      expect(checkDatastoreUri(uri)).toBeUndefined();
    }
  });
});

describe('classifyModelPath refuses bad remote paths, naming the input and the reason', () => {
  test('empty datastore name', () => {
    expect(refusal(() => classifyModelPath('azureml://datastores//paths/x', opts)).message).toBe(
      "Input 'model-path': the datastore URI 'azureml://datastores//paths/x' names no datastore (nothing between 'datastores/' and '/paths/')",
    );
  });

  test('a datastore name against the service rule, short and long form', () => {
    expect(refusal(() => classifyModelPath('azureml://datastores/my-store/paths/x', opts)).message).toMatch(/^Input 'model-path': .*'my-store', which cannot exist/);
    expect(refusal(() => classifyModelPath(long('a.b'), opts)).message).toMatch(/'a\.b', which cannot exist/);
  });

  test('plain http:// (any case) is refused, https:// is kept verbatim', () => {
    const e = refusal(() => classifyModelPath('http://example.com/model.pkl', opts));
    expect(e.message).toBe("Input 'model-path': the model path 'http://example.com/model.pkl' is a plain http:// URL; model files are only read over https://");
    expect(e.hint).toMatch(/https:\/\//);
    refusal(() => classifyModelPath('HTTP://example.com/model.pkl', opts));
    expect(classifyModelPath('https://example.com/model.pkl', opts)).toEqual({ kind: 'uri', raw: 'https://example.com/model.pkl', uri: 'https://example.com/model.pkl' });
  });

  test('a YAML path is refused at its file position', () => {
    const yamlSource: ValueSource = { kind: 'yaml', location: { file: 'model.yml', line: 3, column: 7 } };
    const e = (() => {
      try {
        classifyModelPath('http://x/y', { ...opts, source: yamlSource });
      } catch (err) {
        return err as StepError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.message).toMatch(/^model\.yml:3:7: /);
    expect(e.location).toEqual({ file: 'model.yml', line: 3, column: 7 });
  });

  test('valid short and long datastore paths classify with their datastore', () => {
    expect(classifyModelPath('azureml://datastores/workspaceblobstore/paths/m/', opts)).toMatchObject({ kind: 'datastore', datastore: 'workspaceblobstore', path: 'm/' });
    expect(classifyModelPath(long('blobs'), opts)).toMatchObject({ kind: 'uri', datastoreRef: { datastore: 'blobs', scope } });
  });
});

describe('checkPathDatastoreExists', () => {
  const seen: string[] = [];
  const only = (...names: string[]) => async (n: string) => {
    seen.push(n);
    return names.includes(n);
  };
  beforeEach(() => {
    seen.length = 0;
  });

  test('a short-form path into a missing datastore is refused naming the datastore, the workspace and the input', async () => {
    const path = classifyModelPath('azureml://datastores/nope/paths/x/', opts);
    const err = (await checkPathDatastoreExists(path, source, scope, only('workspaceblobstore')).catch((e: unknown) => e)) as StepError;
    expect(err).toBeInstanceOf(StepError);
    expect(err).toMatchObject({ kind: 'input', input: 'model-path' });
    expect(err.message).toBe(
      "Input 'model-path': the model path 'azureml://datastores/nope/paths/x/' points into the datastore 'nope', which does not exist in workspace 'ws-dev' (resource group 'rg-ml')",
    );
    expect(seen).toEqual(['nope']);
  });

  test('an existing datastore passes; a long form of this workspace is looked up (case-insensitively matched)', async () => {
    await expect(checkPathDatastoreExists(classifyModelPath('azureml://datastores/workspaceblobstore/paths/x', opts), source, scope, only('workspaceblobstore'))).resolves.toBeUndefined();
    const upper = 'azureml://subscriptions/SUB-1/resourcegroups/RG-ML/workspaces/WS-DEV/datastores/gone/paths/x';
    await expect(checkPathDatastoreExists(classifyModelPath(upper, opts), source, scope, only())).rejects.toThrow(/'gone', which does not exist/);
  });

  test('paths that point elsewhere are not looked up', async () => {
    const other = 'azureml://subscriptions/sub-2/resourcegroups/rg/workspaces/other/datastores/x/paths/y';
    for (const raw of [other, 'https://host/m.pkl', 'runs:/r/model', 'azureml://jobs/j/outputs/artifacts/paths/m']) {
      const path = classifyModelPath(raw, opts);
      expect(datastoreOfPath(path, scope)).toBeUndefined();
      await checkPathDatastoreExists(path, source, scope, only());
    }
    expect(seen).toEqual([]);
  });
});
