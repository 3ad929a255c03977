/**
 * The result as JUnit XML, for the hosts' test views (Azure Pipelines PublishTestResults, GitHub's
 * dorny/test-reporter and mikepenz/action-junit-report): one `<testsuite>` a check, one `<testcase>` a row.
 *
 * - A failed row is a `<failure>` whose message reads "measured …, expected …, detail"; a skipped row `<skipped>`.
 * - A warn check's testcases are all named "[warn] …" (the name is the test's identity in the hosts' histories, so
 *   it does not change with the outcome) and their failures have type "warn", a gate check's type "gate". Readers
 *   count a warn failure as a failed test: set the test publisher not to fail the job on failed tests and let the
 *   step's verdict decide.
 * - A check that could not run gets an `<error>` testcase "check" (with its message), as does nothing else; a check
 *   that failed with no failed row gets a `<failure>` testcase "check" with its headline; a check with no rows a
 *   passing testcase "check", so that every check shows.
 * Rows have no time of their own (time="0"); a suite's time is the check's duration.
 */
import { neutraliseCommands } from '../../core/escape';
import type { CheckOutcome, ResultRow, StagingResult } from './types';

export const JUNIT_SUITES_NAME = 'staging-checks';

/** Characters XML 1.0 cannot hold: controls other than tab, LF, CR (shown as \xNN), lone surrogates, U+FFFE/U+FFFF. */
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

function xmlChars(s: string): string {
  return s.replace(INVALID, (c) => (c.charCodeAt(0) < 0x20 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : '\ufffd'));
}

/** Text content: & < > escaped (so "]]>" cannot appear either). */
export function xmlText(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value in double quotes; tab and line breaks as character references, which attribute normalisation keeps. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');

/** Seconds with millisecond precision, as JUnit readers parse them ("1.234"); 0 for an unknown or negative duration. */
function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? String(Math.round(ms) / 1000) : '0';
}

export function failureMessage(row: ResultRow): string {
  const measured = `measured ${row.measured === '' ? '(nothing)' : row.measured}`;
  const expected = row.expected === '' ? '' : `, expected ${row.expected}`;
  return `${measured}${expected}${row.detail ? `, ${row.detail}` : ''}`;
}

interface Case {
  name: string;
  outcome?: { tag: 'failure' | 'error' | 'skipped'; message: string; type?: string; body?: string };
}

function rowCase(c: CheckOutcome, row: ResultRow, index: number): Case {
  const name = [row.subject, row.metric].filter((s) => s !== '').join(' ') || `row ${index + 1}`;
  if (row.status === 'skipped') return { name, outcome: { tag: 'skipped', message: row.detail ?? '' } };
  if (row.status === 'passed') return { name };
  const body = [`Check: ${c.name} (${c.type}, ${c.severity})`, `Measured: ${row.measured}`, `Expected: ${row.expected}`];
  if (row.detail) body.push(`Detail: ${row.detail}`);
  return { name, outcome: { tag: 'failure', message: failureMessage(row), type: c.severity, body: body.join('\n') } };
}

/** The testcase for the check as a whole, when its rows do not tell its outcome. */
function checkCase(c: CheckOutcome): Case | undefined {
  if (c.status === 'error') return { name: 'check', outcome: { tag: 'error', message: c.error || c.headline, type: 'error', body: c.headline } };
  if (c.status === 'failed' && !c.rows.some((r) => r.status === 'failed'))
    return { name: 'check', outcome: { tag: 'failure', message: c.headline, type: c.severity } };
  return c.rows.length === 0 ? { name: 'check' } : undefined;
}

function caseXml(c: CheckOutcome, k: Case): string[] {
  const name = `${c.severity === 'warn' ? '[warn] ' : ''}${k.name}`;
  const open = `    <testcase${attrs({ classname: `${JUNIT_SUITES_NAME}.${c.name}`, name, time: 0 })}`;
  const o = k.outcome;
  if (!o) return [`${open}/>`];
  const a = attrs({ ...(o.message ? { message: o.message } : {}), ...(o.type ? { type: o.type } : {}) });
  const inner = o.body ? `      <${o.tag}${a}>${xmlText(o.body)}</${o.tag}>` : `      <${o.tag}${a}/>`;
  return [`${open}>`, inner, '    </testcase>'];
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suiteXml(c: CheckOutcome): { lines: string[]; counts: Counts } {
  const whole = checkCase(c);
  const cases = [...c.rows.map((r, i) => rowCase(c, r, i)), ...(whole ? [whole] : [])];
  const count = (tag: string) => cases.filter((k) => k.outcome?.tag === tag).length;
  const counts = { tests: cases.length, failures: count('failure'), errors: count('error'), skipped: count('skipped') };
  const head = `  <testsuite${attrs({ name: c.name, ...counts, time: seconds(c.durationMs) })}>`;
  const props = ['    <properties>', `      <property${attrs({ name: 'type', value: c.type })}/>`, `      <property${attrs({ name: 'severity', value: c.severity })}/>`, '    </properties>'];
  return { lines: [head, ...props, ...cases.flatMap((k) => caseXml(c, k)), '  </testsuite>'], counts };
}

export function resultJUnit(r: StagingResult): string {
  const suites = r.checks.map(suiteXml);
  const total = (k: keyof Counts) => suites.reduce((s, x) => s + x.counts[k], 0);
  const ms = r.checks.reduce((s, c) => s + (Number.isFinite(c.durationMs) && c.durationMs > 0 ? c.durationMs : 0), 0);
  const head = `<testsuites${attrs({ name: JUNIT_SUITES_NAME, tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped'), time: seconds(ms) })}>`;
  const xml = ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites.flatMap((s) => s.lines), '</testsuites>'].join('\n');
  // Not a log, but a value's line break could still start a line someone prints: no line is a host command.
  return `${neutraliseCommands(xml)}\n`;
}
