import { steps } from '../../../shared/src/steps';
import { loadAllSteps, loadStep, stepIds, stepRegistry } from '../../../shared/src/steps/registry';

const DEFINITIONS = stepIds.map((id) => `../../../shared/src/steps/${id}/definition`);

/**
 * In a fresh module registry, with each definition module wrapped to record its evaluation: which definitions
 * `act` made Jest evaluate (the bundles' lazy chunks follow the same import() edges).
 */
async function definitionsEvaluatedBy(
  act: (registry: typeof import('../../../shared/src/steps/registry')) => Promise<unknown>,
  alsoRequire: string[] = [],
): Promise<string[]> {
  const evaluated: string[] = [];
  await jest.isolateModulesAsync(async () => {
    for (const path of DEFINITIONS) {
      jest.doMock(path, () => {
        evaluated.push(path.split('/').slice(-2)[0]);
        return jest.requireActual(path);
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const m of alsoRequire) require(m);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await act(require('../../../shared/src/steps/registry'));
  });
  for (const path of DEFINITIONS) jest.dontMock(path);
  return evaluated;
}

describe('the lazy step registry', () => {
  test('lists every step of the full list, in the same order', () => {
    expect(stepIds).toEqual(steps.map((s) => s.id));
    expect(new Set(stepIds).size).toBe(stepIds.length);
  });

  test.each(stepRegistry.map((e, i) => [e.id, i] as const))('%s loads the same definition as the full list', async (id, i) => {
    expect(await loadStep(id)).toBe(steps[i]);
  });

  test('importing the registry evaluates no definition', async () => {
    expect(await definitionsEvaluatedBy(async () => undefined)).toEqual([]);
  });

  test.each([...stepIds])('loading %s evaluates that definition only', async (id) => {
    const evaluated = await definitionsEvaluatedBy(async (r) => expect((await r.loadStep(id))?.id).toBe(id));
    expect(evaluated).toEqual([id]);
  });

  test('an unknown id loads nothing and is undefined, whatever it looks like', async () => {
    for (const id of ['deploy-to-mars', '', 'constructor', '__proto__', 'REGISTER-MODEL']) {
      expect(await definitionsEvaluatedBy(async (r) => expect(await r.loadStep(id)).toBeUndefined())).toEqual([]);
    }
  });

  test('loadAllSteps: every definition, in lifecycle order', async () => {
    expect((await loadAllSteps()).map((s) => s.id)).toEqual(stepIds);
    expect((await definitionsEvaluatedBy((r) => r.loadAllSteps())).sort()).toEqual([...stepIds].sort());
  });
});

describe('entry points', () => {
  test.each(['../../../shared/entries/github', '../../../shared/entries/azure-devops', '../../../shared/cli/main', '../../../shared/src/hosts/github-dispatch'])(
    'importing %s evaluates no step definition',
    async (entry) => {
      expect(await definitionsEvaluatedBy(async () => undefined, [entry])).toEqual([]);
    },
  );
});
