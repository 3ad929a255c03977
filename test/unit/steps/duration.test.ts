import { parseDurationMs } from '../../../shared/src/steps/inputs';

describe('parseDurationMs', () => {
  test.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['90 s', 90_000],
    ['30m', 1_800_000],
    ['30M', 1_800_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['45', 2_700_000], // a bare number is minutes
    ['  10s  ', 10_000],
    ['PT30M', 1_800_000],
    ['pt30m', 1_800_000],
    ['PT1H', 3_600_000],
    ['PT1H30M', 5_400_000],
    ['PT1H2M3S', 3_723_000],
    ['PT90S', 90_000],
    ['PT0.5S', 500],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  test.each(['', 'abc', '10x', '-5m', 'PT', 'P', 'P1D', 'PT1D', '30 minutes', 'm', '1e3s'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
