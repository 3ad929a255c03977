import { mermaidBlock, resultMarkdown } from '../../../../shared/src/checks/results/markdown';
import type { CheckOutcome } from '../../../../shared/src/checks/results/types';
import { DRIFT_FEATURES, DRIFTED, LOAD_MERMAID, LOAD_TABLE, load, outcome, resultOf, row, stagingResult } from './fixtures';

const lines = (md: string) => md.split('\n');
/** The level-4 section whose heading starts with `#### <icon> <name>`: from its heading to the next one. */
function section(md: string, name: string): string {
  const found = md.split(/^(?=#### )/m).find((p) => /^#### \S+ /.test(p) && p.split('\n')[0]!.replace(/^#### \S+ /, '').split(/\\?\|/)[0] === name);
  if (!found) throw new Error(`no section ${name}`);
  return found;
}
/** A table line's cells, split on the pipes that are not escaped. */
const cells = (line: string) => line.slice(2, -2).split(/(?<!\\) \| /);
/** The cells of the rows table of a section (header and separator left out). */
const rowsOf = (text: string) => {
  const all = lines(text);
  const start = all.indexOf('| Result | Subject | Metric | Measured | Expected | Detail |');
  if (start < 0) return [];
  const end = all.indexOf('', start);
  return all.slice(start + 2, end < 0 ? undefined : end).map(cells);
};

describe('resultMarkdown: verdict, target and overview', () => {
  test('the first line is the verdict with the counts', () => {
    expect(lines(resultMarkdown(stagingResult()))[0]).toBe('### ❌ Staging checks failed: 4 of 7 checks failed (3 gate, 1 warn; 1 could not run)');
    const passed = resultOf([load(), outcome({ name: 'b', type: 'smoke' })], 'passed');
    expect(lines(resultMarkdown(passed))[0]).toBe('### ✅ Staging checks passed: 2 of 2 checks passed');
    const warned = resultOf([load(), outcome({ name: 'w', type: 'fairness', severity: 'warn', status: 'failed' })], 'warned');
    expect(lines(resultMarkdown(warned))[0]).toBe('### ⚠️ Staging checks passed with warnings: 1 of 2 checks failed (1 warn)');
    expect(lines(resultMarkdown(resultOf([outcome({ name: 'a', type: 'smoke', status: 'failed' })], 'failed')))[0]).toBe(
      '### ❌ Staging checks failed: 1 of 1 check failed (1 gate)',
    );
  });

  test('the target and the policy file come next', () => {
    const md = resultMarkdown(stagingResult());
    for (const l of ['| Endpoint | `churn-staging` |', '| Deployment | `blue` |', '| Champion | `green` |', '| Policy | `policies/staging.yml` (version 1) |'])
      expect(md).toContain(`\n${l}\n`);
    expect(md.indexOf('| Policy |')).toBeLessThan(md.indexOf('| Check |'));
    expect(resultMarkdown(resultOf([load()]))).not.toContain('| Champion |');
  });

  test('the overview lists every check, failing gate checks first, then failing warn checks, then the rest', () => {
    const md = resultMarkdown(stagingResult());
    const start = lines(md).indexOf('| Check | Type | Severity | Status | Headline |');
    const rows = lines(md).slice(start + 2, start + 9).map(cells);
    expect(rows.map((c) => c[0])).toEqual(['smoke', 'drift', 'prediction drift', 'fairness', 'load', 'champion vs challenger', 'quality']);
    expect(rows[2]).toEqual(['prediction drift', 'prediction_drift', 'gate', '❌ error', 'Could not score the target dataset']);
    expect(rows[3]![3]).toBe('⚠️ failed');
    expect(rows[4]![3]).toBe('✅ passed');
  });
});

describe('resultMarkdown: the checks', () => {
  test('one section a check, in the overview order, with its headline first', () => {
    const md = resultMarkdown(stagingResult());
    expect(lines(md).filter((l) => l.startsWith('#### '))).toEqual([
      '#### ❌ smoke',
      '#### ❌ drift',
      '#### ❌ prediction drift',
      '#### ⚠️ fairness',
      '#### ✅ load',
      '#### ✅ champion vs challenger',
      '#### ✅ quality',
    ]);
    expect(lines(section(md, 'drift'))[2]).toBe('data_drift · gate · failed · 29.2 s — 3 of 120 features drifted: f017, f063, f118');
    expect(section(md, 'prediction drift')).toContain('\n**Error:** The deployment answered 503 Service Unavailable\n');
  });

  test('failing rows first, the others in their order; a warn check marks its failures ⚠️', () => {
    const md = resultMarkdown(stagingResult());
    expect(rowsOf(section(md, 'smoke')).map((c) => [c[0], c[1]])).toEqual([
      ['❌ failed', 'health-check\\|v2'],
      ['✅ passed', 'score-one'],
      ['✅ passed', 'score-batch'],
    ]);
    expect(rowsOf(section(md, 'fairness')).map((c) => c[0])).toEqual(['⚠️ failed', '✅ passed', '⏭️ skipped']);
  });

  test('at most 50 rows a check by default, the rest counted; the JSON file is named for them', () => {
    const drift = section(resultMarkdown(stagingResult()), 'drift');
    const rows = rowsOf(drift);
    expect(rows).toHaveLength(50);
    expect(rows.slice(0, 4).map((c) => c[1])).toEqual([...DRIFTED, 'f000']);
    expect(drift).toContain(`\n_${DRIFT_FEATURES - 50} more rows not shown; the JSON result file has them all._\n`);
  });

  test('when failed rows pass the cap, the note says how many of the hidden rows failed', () => {
    const rows = Array.from({ length: 8 }, (_, i) => row({ subject: `s${i}`, metric: 'm', status: i % 2 === 0 ? 'failed' : 'passed' }));
    const md = resultMarkdown(resultOf([outcome({ name: 'c', type: 'data_quality', status: 'failed', rows })], 'failed'), { maxRows: 3 });
    expect(rowsOf(section(md, 'c')).map((c) => c[1])).toEqual(['s0', 's2', 's4']);
    expect(md).toContain('_5 more rows not shown (1 of them failed); the JSON result file has them all._');
  });

  test('facts follow the rows, numbers with thousands separators', () => {
    const drift = section(resultMarkdown(stagingResult()), 'drift');
    expect(drift).toContain('| rows | 1,000,000 |\n| baseline rows | 250,000 |');
    expect(drift.indexOf('| rows |')).toBeGreaterThan(drift.indexOf('more rows not shown'));
  });

  test('the Mermaid chart only when asked, then the extra table either way', () => {
    const without = section(resultMarkdown(stagingResult()), 'load');
    expect(without).not.toContain('```mermaid');
    expect(without).toContain(LOAD_TABLE);
    const withChart = section(resultMarkdown(stagingResult(), { mermaid: true }), 'load');
    expect(withChart).toContain(`${LOAD_MERMAID}\n\n${LOAD_TABLE}`);
    expect(withChart.indexOf('| requests | 3,000 |')).toBeLessThan(withChart.indexOf('```mermaid'));
  });

  test('a chart given without its fence is fenced', () => {
    expect(mermaidBlock('xychart-beta\n  bar [1, 2]\n')).toBe('```mermaid\nxychart-beta\n  bar [1, 2]\n```');
    expect(mermaidBlock('pie\n  title "a ````b"')).toBe('`````mermaid\npie\n  title "a ````b"\n`````');
    expect(mermaidBlock(LOAD_MERMAID)).toBe(LOAD_MERMAID);
    expect(mermaidBlock('  ')).toBeUndefined();
  });

  test('the same result gives the same text, ending in one newline', () => {
    const a = resultMarkdown(stagingResult(), { mermaid: true });
    expect(resultMarkdown(structuredClone(stagingResult()), { mermaid: true })).toBe(a);
    expect(a.endsWith('|\n')).toBe(true);
    expect(a.endsWith('\n\n')).toBe(false);
  });
});

describe('resultMarkdown: values from outside', () => {
  const hostile: CheckOutcome = outcome({
    name: 'evil|name\n::error::injected ##',
    type: 'smoke',
    status: 'failed',
    headline: 'line one\n##vso[task.setvariable variable=x]1\r\n::add-mask::x',
    error: 'boom <script>alert(1)</script>',
    rows: [
      row({ subject: '<img src=x onerror=alert(1)>', metric: 'a|b', measured: '`code` span', expected: '[click](https://evil.example)', status: 'failed', detail: 'tab\there\u001b[31m red &amp; C:\\dir' }),
    ],
    facts: { 'key|<b>': 'v\n::warning::w' },
    extra: { table: '| a |\n|---|\n| 1 |\n::error::from extra' },
  });
  const md = resultMarkdown(resultOf([hostile], 'failed'), { mermaid: true });

  test('no line is a workflow or logging command', () => {
    for (const l of lines(md)) expect(l).not.toMatch(/^\s*::/);
    expect(md).not.toMatch(/##vso\[/i);
    expect(md).not.toMatch(/##\[/);
  });

  test('no HTML, code span or link from a value; tables keep their columns', () => {
    expect(md).not.toMatch(/<(img|script|b)\b/i);
    expect(md).toContain('&lt;img src=x onerror=alert(1)>');
    expect(md).not.toContain('`code`');
    expect(md).toContain('&#96;code&#96; span');
    expect(md).not.toContain('](https');
    const [failedRow] = rowsOf(section(md, 'evil'));
    expect(failedRow).toHaveLength(6);
    expect(failedRow![2]).toBe('a\\|b');
  });

  test('line breaks become spaces, control characters visible, an entity shows as written, backslashes kept', () => {
    expect(md).toContain('#### ❌ evil\\|name ::error::injected \\##\n');
    expect(md).toContain(' — line one #\u200b#vso[task.setvariable variable=x]1 ::add-mask::x\n');
    expect(md).toContain('tab here\\\\x1b[31m red &amp;amp; C:\\\\dir');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('| key\\|&lt;b> | v ::warning::w |');
    expect(md).toContain('\n| 1 |\n:\u200b:error::from extra\n');
  });
});
