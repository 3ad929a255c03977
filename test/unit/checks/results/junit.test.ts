import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { resultJUnit, xmlAttr, xmlText } from '../../../../shared/src/checks/results/junit';
import type { StagingResult } from '../../../../shared/src/checks/results/types';
import { DRIFT_FEATURES, DRIFTED, outcome, resultOf, row, stagingResult } from './fixtures';

type Attrs = Record<string, string>;
type Outcome = Attrs & { '#text'?: string };
type TestCase = Attrs & { failure?: Outcome; error?: Outcome; skipped?: Outcome };
type Suite = Attrs & { testcase: TestCase[]; properties: { property: Attrs[] } };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(xml: string): { testsuites: Attrs & { testsuite: Suite[] } } {
  expect(XMLValidator.validate(xml)).toBe(true);
  // What the validator lets through: characters XML 1.0 forbids, a bare & or < inside a value.
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  for (const m of xml.matchAll(/="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>'\n\r\t]/);
  return parser.parse(xml);
}

const suiteOf = (r: StagingResult, name: string) => parse(resultJUnit(r)).testsuites.testsuite.find((s) => s.name === name)!;

describe('resultJUnit', () => {
  const xml = resultJUnit(stagingResult());
  const doc = parse(xml);

  test('one testsuites "staging-checks" with a testsuite a check, totals adding up', () => {
    const top = doc.testsuites;
    expect(top.name).toBe('staging-checks');
    expect(top.testsuite.map((s) => s.name)).toEqual(['smoke', 'load', 'drift', 'fairness', 'champion vs challenger', 'quality', 'prediction drift']);
    for (const k of ['tests', 'failures', 'errors', 'skipped'])
      expect(Number(top[k])).toBe(top.testsuite.reduce((n, s) => n + Number(s[k]), 0));
    expect(top).toMatchObject({ tests: String(3 + 2 + DRIFT_FEATURES + 3 + 1 + 1 + 1), failures: '5', errors: '1', skipped: '1' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  test('a testcase a row, named "<subject> <metric>" in class staging-checks.<check>; failures with measured and expected', () => {
    const drift = doc.testsuites.testsuite[2]!;
    expect(drift).toMatchObject({ tests: String(DRIFT_FEATURES), failures: '3', errors: '0', skipped: '0', time: '29.234' });
    expect(drift.properties.property).toEqual([
      { name: 'type', value: 'data_drift' },
      { name: 'severity', value: 'gate' },
    ]);
    expect(drift.testcase.every((t) => t.classname === 'staging-checks.drift' && t.time === '0')).toBe(true);
    const failed = drift.testcase.filter((t) => t.failure);
    expect(failed.map((t) => t.name)).toEqual(DRIFTED.map((f) => `${f} JensenShannonDistance`));
    expect(failed[0]!.failure).toMatchObject({ message: 'measured 0.2170, expected <= 0.1', type: 'gate' });
    expect(failed[0]!.failure!['#text']).toBe('Check: drift (data_drift, gate)\nMeasured: 0.2170\nExpected: <= 0.1');
  });

  test('the detail ends the failure message; a skipped row is <skipped> with its reason', () => {
    const fair = doc.testsuites.testsuite[3]!;
    expect(fair.testcase[0]!.failure!.message).toBe('measured 0.14, expected <= 0.1, CI [0.09, 0.19]');
    expect(fair.testcase[2]!.skipped).toMatchObject({ message: 'only 12 rows (fewer than 30)' });
    expect(fair).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
  });

  test('a warn check: every testcase named "[warn] …", its failures of type warn', () => {
    const fair = doc.testsuites.testsuite[3]!;
    expect(fair.testcase.map((t) => t.name)).toEqual(['[warn] sex demographic_parity_difference', '[warn] age_band equalized_odds_difference', '[warn] region=apac accuracy']);
    expect(fair.testcase[0]!.failure!.type).toBe('warn');
    expect(doc.testsuites.testsuite[0]!.testcase.some((t) => t.name.startsWith('[warn]'))).toBe(false);
  });

  test('a check that could not run: one <error> testcase with its message', () => {
    const err = doc.testsuites.testsuite[6]!;
    expect(err).toMatchObject({ tests: '1', failures: '0', errors: '1', time: '12' });
    expect(err.testcase).toHaveLength(1);
    expect(err.testcase[0]).toMatchObject({ classname: 'staging-checks.prediction drift', name: 'check' });
    expect(err.testcase[0]!.error).toMatchObject({ message: 'The deployment answered 503 Service Unavailable', '#text': 'Could not score the target dataset' });
  });

  test('an errored check with rows keeps them and adds the error; a failed check without a failed row gets a failure; an empty one a passing case', () => {
    const r = resultOf([
      outcome({ name: 'partial', type: 'smoke', status: 'error', error: 'timed out', rows: [row({ subject: 'a', metric: 'status' })] }),
      outcome({ name: 'nothing failed?', type: 'load', status: 'failed', headline: 'the run was cut short', rows: [row({ subject: 'p95', metric: 'latency' })] }),
      outcome({ name: 'empty', type: 'smoke' }),
      outcome({ name: 'unnamed rows', type: 'smoke', rows: [row({ subject: '', metric: '' })] }),
    ]);
    const [partial, cut, empty, unnamed] = parse(resultJUnit(r)).testsuites.testsuite;
    expect(partial!.testcase.map((t) => [t.name, Boolean(t.error)])).toEqual([['a status', false], ['check', true]]);
    expect(partial).toMatchObject({ tests: '2', errors: '1' });
    expect(cut!.testcase[1]).toMatchObject({ name: 'check', failure: { message: 'the run was cut short', type: 'gate' } });
    expect(empty!.testcase).toEqual([{ classname: 'staging-checks.empty', name: 'check', time: '0' }]);
    expect(unnamed!.testcase[0]!.name).toBe('row 1');
  });

  test('time in seconds from durationMs; 0 for an unknown duration', () => {
    const r = resultOf([outcome({ name: 'a', type: 'smoke', durationMs: 1234.6 }), outcome({ name: 'b', type: 'smoke', durationMs: NaN }), outcome({ name: 'c', type: 'smoke', durationMs: -5 })]);
    const top = parse(resultJUnit(r)).testsuites;
    expect(top.testsuite.map((s) => s.time)).toEqual(['1.235', '0', '0']);
    expect(top.time).toBe('1.235');
  });

  test('values are escaped and characters XML cannot hold are shown as escapes; they read back as written', () => {
    const nasty = 'a&b <c> "d" \'e\' ]]> \u0000\u0008\u000b tab\tline\nend \ud800 ok\u{1f600}';
    const r = resultOf([
      outcome({ name: nasty, type: 'smoke', status: 'failed', rows: [row({ subject: nasty, metric: 'm', measured: '<1>', expected: '&', status: 'failed', detail: nasty })] }),
    ]);
    const xml = resultJUnit(r);
    const suite = parse(xml).testsuites.testsuite[0]!;
    const shown = 'a&b <c> "d" \'e\' ]]> \\x00\\x08\\x0b tab\tline\nend \ufffd ok\u{1f600}';
    expect(suite.name).toBe(shown);
    expect(suite.testcase[0]!.classname).toBe(`staging-checks.${shown}`);
    expect(suite.testcase[0]!.failure!.message).toBe(`measured <1>, expected &, ${shown}`);
    expect(suite.testcase[0]!.failure!['#text']).toContain(`Detail: ${shown}`);
    expect(xml).not.toContain(']]>');
  });

  test('no line of the file is a host command', () => {
    const r = resultOf([outcome({ name: 'x', type: 'smoke', status: 'failed', rows: [row({ subject: 's', metric: 'm', status: 'failed', detail: 'a\n::error::b\n##vso[task.complete result=Failed]' })] })]);
    const xml = resultJUnit(r);
    for (const l of xml.split('\n')) expect(l).not.toMatch(/^\s*::/);
    expect(xml).not.toContain('##vso[');
  });

  test('the same result gives the same bytes', () => {
    expect(resultJUnit(structuredClone(stagingResult()))).toBe(xml);
  });
});

describe('xmlText and xmlAttr', () => {
  test('text escapes & < >; attributes also quotes and the whitespace that attribute normalisation would fold', () => {
    expect(xmlText('a & <b> \'"')).toBe('a &amp; &lt;b&gt; \'"');
    expect(xmlAttr('a & <b> \'"\t\n\r')).toBe('a &amp; &lt;b&gt; &apos;&quot;&#9;&#10;&#13;');
  });

  test('a surrogate pair is kept, a lone surrogate and U+FFFE/U+FFFF become U+FFFD', () => {
    expect(xmlText('\u{1f600}\udc00x\ud83d\ufffe\uffff')).toBe('\u{1f600}\ufffdx\ufffd\ufffd\ufffd');
  });
});
