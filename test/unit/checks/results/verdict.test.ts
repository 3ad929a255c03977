import { failingFirst, tally, verdictOf } from '../../../../shared/src/checks/results/verdict';
import type { CheckOutcome } from '../../../../shared/src/checks/results/types';
import { outcome, stagingResult } from './fixtures';

const c = (severity: CheckOutcome['severity'], status: CheckOutcome['status'], name = `${severity}-${status}`) => outcome({ name, type: 'smoke', severity, status });

describe('verdictOf', () => {
  test('passed when every check passed, and for no checks at all', () => {
    expect(verdictOf([c('gate', 'passed'), c('warn', 'passed')])).toBe('passed');
    expect(verdictOf([])).toBe('passed');
  });

  test('warned when only warn checks failed or errored', () => {
    expect(verdictOf([c('gate', 'passed'), c('warn', 'failed')])).toBe('warned');
    expect(verdictOf([c('gate', 'passed'), c('warn', 'error')])).toBe('warned');
  });

  test('failed when a gate check failed or errored, whatever the warn checks did', () => {
    expect(verdictOf([c('gate', 'failed'), c('warn', 'passed')])).toBe('failed');
    expect(verdictOf([c('warn', 'failed'), c('gate', 'error')])).toBe('failed');
  });

  test('the fixture fails', () => {
    expect(verdictOf(stagingResult().checks)).toBe('failed');
  });
});

describe('tally and failingFirst', () => {
  test('counts failing checks by severity, errors among them', () => {
    expect(tally(stagingResult().checks)).toEqual({ total: 7, failing: 4, gate: 3, warn: 1, errors: 1 });
  });

  test('failing gate checks, then failing warn checks, then passed ones, each in policy order', () => {
    const checks = [c('warn', 'passed', 'a'), c('warn', 'failed', 'b'), c('gate', 'passed', 'c'), c('gate', 'error', 'd'), c('warn', 'error', 'e'), c('gate', 'failed', 'f')];
    expect(failingFirst(checks).map((x) => x.name)).toEqual(['d', 'f', 'b', 'e', 'a', 'c']);
    expect(checks.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']); // not sorted in place
  });
});
