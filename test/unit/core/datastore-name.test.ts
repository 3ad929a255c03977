import { checkDatastoreName, datastoreNameProblem } from '../../../shared/src/core/names';
import { StepError } from '../../../shared/src/core/errors';

describe('datastore names', () => {
  test.each(['workspaceblobstore', 'workspaceartifactstore', 'my_store_2', 'A', 'x'.repeat(255)])('accepts %j', (v) => {
    expect(datastoreNameProblem(v)).toBeUndefined();
    expect(checkDatastoreName(v, 'datastore')).toBe(v);
  });

  test.each([
    ['', /empty/],
    ['my-store', /letters, digits and underscores/],
    ['my store', /letters, digits and underscores/],
    ['..', /letters, digits and underscores/],
    ['a/b', /letters, digits and underscores/],
    ['x'.repeat(256), /256 characters long/],
  ])('refuses %j', (v, why) => {
    expect(datastoreNameProblem(v)).toMatch(why);
    let err: unknown;
    try {
      checkDatastoreName(v, 'datastore');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StepError);
    expect(err).toMatchObject({ kind: 'input', input: 'datastore' });
    expect((err as Error).message).toContain("Input 'datastore'");
  });
});
