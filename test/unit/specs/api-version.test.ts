import { DEFAULT_API_VERSION } from '../../../shared/src/azureml/api-version';
import { StepError } from '../../../shared/src/core/errors';
import { apiVersionProblem, checkApiVersion, isApiVersion, KNOWN_API_VERSIONS } from '../../../shared/src/specs/api-version';

describe('api-version', () => {
  test('the default and the versions the reference names are known', () => {
    expect(KNOWN_API_VERSIONS).toContain(DEFAULT_API_VERSION);
    for (const v of ['2025-04-01', '2025-09-01', '2025-12-01', '2026-05-01', '2026-07-01', '2022-10-01', '2026-07-15-preview']) {
      expect(apiVersionProblem(v)).toBeUndefined();
      expect(checkApiVersion(v)).toBe(v);
    }
    expect(KNOWN_API_VERSIONS.every(isApiVersion)).toBe(true);
  });

  test.each([
    ['latest', /looks like 2025-12-01/],
    ['2025-12-1', /looks like/],
    ['2025-12-01-beta', /looks like/],
    [' 2025-12-01', /looks like/],
    ['2025-13-01', /is not a date/],
    ['2025-02-30', /is not a date/],
    ['2026-03-01', /has no api-version 2026-03-01/],
    ['2099-01-01', /has no api-version 2099-01-01 \(known: 2022-10-01, .*2026-07-01 and the previews/],
    ['2021-10-01-dataplanepreview', /looks like/],
  ])('%j is refused as an input error naming the input', (v, why) => {
    expect(apiVersionProblem(v)).toMatch(why);
    let err: unknown;
    try {
      checkApiVersion(v, 'api-version');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StepError);
    expect(err).toMatchObject({ kind: 'input', input: 'api-version' });
    expect((err as Error).message).toContain(`Input 'api-version' is not a usable api-version: '${v.trim() === v ? v : v}'`);
  });
});
