/**
 * The staging-checks summary for people (GitHub step summary, ADO summary tab, terminal): the verdict first, the
 * target and policy, an overview of every check, then a section a check with its rows. Failing checks and failing
 * rows come first; the rest keep the policy's and the check's order, so the same result gives the same text.
 *
 * Every value in a result comes from outside (policy names, column names, data, service messages): it reaches the
 * text only through `plainText` (one line, no HTML, code span or link) and `escapeCell`, or inside a `code` span,
 * and never at the start of a line. The whole text then goes through `neutraliseCommands`, so no line of it is a
 * workflow or logging command even when a host writes it to the log.
 */
import { neutraliseCommands, printable } from '../../core/escape';
import { code, escapeCell, facts, plainText, table } from '../../report/markdown';
import { formatCount, formatSeconds } from './format';
import type { CheckOutcome, ResultRow, StagingResult } from './types';
import { failingFirst, isFailing, tally } from './verdict';

export interface MarkdownOptions {
  /** Show each check's `extra.mermaid` chart (for summaries that render Mermaid: GitHub's); default false */
  mermaid?: boolean;
  /** Rows shown a check; the rest are counted (the JSON file has them all); default 50 */
  maxRows?: number;
}

export const DEFAULT_MAX_ROWS = 50;

/** A value from outside, safe anywhere inside a line of Markdown. */
const inline = (s: string) => escapeCell(plainText(s));
/** …and as the end of an ATX heading, where a closing run of `#` would be dropped. */
const headingText = (s: string) => inline(s).replace(/(#+)\s*$/, '\\$1');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const VERDICT: Record<StagingResult['verdict'], string> = {
  passed: '✅ Staging checks passed',
  warned: '⚠️ Staging checks passed with warnings',
  failed: '❌ Staging checks failed',
};

function verdictLine(r: StagingResult): string {
  const t = tally(r.checks);
  if (t.failing === 0) return `### ${VERDICT[r.verdict]}: ${t.total} of ${plural(t.total, 'check')} passed`;
  const split = [t.gate > 0 ? `${t.gate} gate` : '', t.warn > 0 ? `${t.warn} warn` : ''].filter(Boolean).join(', ');
  const errors = t.errors > 0 ? `; ${t.errors} could not run` : '';
  return `### ${VERDICT[r.verdict]}: ${t.failing} of ${plural(t.total, 'check')} failed (${split}${errors})`;
}

const checkIcon = (c: CheckOutcome) => (!isFailing(c) ? '✅' : c.severity === 'gate' ? '❌' : '⚠️');
const checkStatus = (c: CheckOutcome) => `${checkIcon(c)} ${c.status}`;

function rowStatus(row: ResultRow, c: CheckOutcome): string {
  if (row.status === 'passed') return '✅ passed';
  if (row.status === 'skipped') return '⏭️ skipped';
  return `${c.severity === 'gate' ? '❌' : '⚠️'} failed`;
}

/** Outside text in a code span: control characters shown as escapes (a code span keeps everything else). */
const literal = (s: string) => code(printable(s));

function targetFacts(r: StagingResult): string {
  return facts([
    ['Endpoint', r.target.endpoint === undefined ? undefined : literal(r.target.endpoint)],
    ['Deployment', r.target.deployment === undefined ? undefined : literal(r.target.deployment)],
    ['Champion', r.target.champion === undefined ? undefined : literal(r.target.champion)],
    ['Policy', `${literal(r.policy.file)} (version ${r.policy.version})`],
  ]);
}

function overview(checks: readonly CheckOutcome[]): string {
  return table(
    ['Check', 'Type', 'Severity', 'Status', 'Headline'],
    checks.map((c) => [plainText(c.name), plainText(c.type), plainText(c.severity), checkStatus(c), plainText(c.headline)]),
  );
}

/** Failed rows first, the others in their order. */
export function failedRowsFirst(rows: readonly ResultRow[]): ResultRow[] {
  return [...rows].sort((a, b) => Number(b.status === 'failed') - Number(a.status === 'failed'));
}

function rowsTable(c: CheckOutcome, maxRows: number): string | undefined {
  if (c.rows.length === 0) return undefined;
  const rows = failedRowsFirst(c.rows);
  const shown = rows.slice(0, maxRows);
  const hidden = rows.slice(shown.length);
  const text = table(
    ['Result', 'Subject', 'Metric', 'Measured', 'Expected', 'Detail'],
    shown.map((r) => [rowStatus(r, c), plainText(r.subject), plainText(r.metric), plainText(r.measured), plainText(r.expected), plainText(r.detail ?? '')]),
  );
  if (hidden.length === 0) return text;
  const failed = hidden.filter((r) => r.status === 'failed').length;
  const ofThem = failed > 0 ? ` (${formatCount(failed)} of them failed)` : '';
  return `${text}\n\n_${formatCount(hidden.length)} more ${hidden.length === 1 ? 'row' : 'rows'} not shown${ofThem}; the JSON result file has them all._`;
}

function factsTable(c: CheckOutcome): string | undefined {
  const entries = Object.entries(c.facts);
  if (entries.length === 0) return undefined;
  return facts(entries.map(([k, v]) => [plainText(k), typeof v === 'number' ? formatCount(v) : plainText(String(v))]));
}

/** The chart as a ```mermaid block, whether the check gave it fenced or as the chart's source alone. */
export function mermaidBlock(chart: string): string | undefined {
  const text = chart.trim();
  if (text === '') return undefined;
  if (/^(`{3,}|~{3,})\s*mermaid\b/.test(text)) return text;
  const fence = '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((r) => r.length + 1)));
  return `${fence}mermaid\n${text}\n${fence}`;
}

function checkSection(c: CheckOutcome, opts: MarkdownOptions): string {
  const about = [plainText(c.type), c.severity, c.status, formatSeconds(c.durationMs)].join(' · ');
  const parts = [
    `#### ${checkIcon(c)} ${headingText(c.name)}`,
    `${about} — ${inline(c.headline)}`,
    c.error === undefined || c.error === '' ? undefined : `**Error:** ${inline(c.error)}`,
    rowsTable(c, Math.max(0, opts.maxRows ?? DEFAULT_MAX_ROWS)),
    factsTable(c),
    opts.mermaid && c.extra?.mermaid ? mermaidBlock(c.extra.mermaid) : undefined,
    c.extra?.table?.trim() || undefined,
  ];
  return parts.filter((p): p is string => p !== undefined).join('\n\n');
}

export function resultMarkdown(r: StagingResult, options: MarkdownOptions = {}): string {
  const checks = failingFirst(r.checks);
  const parts = [verdictLine(r), targetFacts(r), checks.length > 0 ? overview(checks) : undefined, ...checks.map((c) => checkSection(c, options))];
  return `${neutraliseCommands(parts.filter((p): p is string => p !== undefined).join('\n\n'))}\n`;
}
