/** Small Markdown builders for job summaries (GitHub step summary, ADO summary tab, terminal). */
import { printable } from '../core/escape';

/** A CommonMark code span: a backtick run, then the first run of the same length (backslashes are literal inside). */
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?)(?<!`)\1(?!`)/g;

export function escapeCell(text: string): string {
  const plain = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  // In a code span only the table's own \| escape applies; doubling backslashes there would show them twice.
  const inCode = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += plain(text.slice(last, m.index)) + inCode(m[0]);
    last = m.index + m[0].length;
  }
  return out + plain(text.slice(last));
}

/**
 * A value from outside (a column name, a request name, a service's message) as inline Markdown that shows as
 * written, for a cell of `table` or for `escapeCell` elsewhere:
 *   - one line: line breaks and tabs become spaces, other control characters visible escapes and log commands
 *     neutralised, as `printable`;
 *   - no HTML or autolink: `<` is `&lt;`, except before a space or as `<= `, which start neither and keep
 *     thresholds readable in a terminal;
 *   - no code span (a backtick is `&#96;`), no inline link (`](` is `]&#40;`), and an `&` that would start an
 *     entity is `&amp;`.
 * `|` and `\` are left to `escapeCell`, which `table` applies to every cell. Emphasis marks are kept: they can
 * restyle a value, not hide it or add to the page.
 */
export function plainText(value: string): string {
  return printable(value.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' '))
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?!=?[ \u00a0])/g, '&lt;')
    .replace(/`/g, '&#96;')
    .replace(/\]\(/g, ']&#40;');
}

export function table(headers: string[], rows: Array<Array<string | undefined>>): string {
  const line = (cells: Array<string | undefined>) => `| ${cells.map((c) => escapeCell(c ?? '')).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A two-column "field | value" table, skipping empty values. */
export function facts(rows: Array<[string, string | undefined]>): string {
  return table(
    ['', ''],
    rows.filter(([, v]) => v !== undefined && v !== ''),
  );
}

export function code(text: string): string {
  // Delimiters longer than any backtick run inside; a space pad keeps edge backticks and edge spaces (CommonMark 6.1).
  const ticks = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  const pad = /^`|`$/.test(text) || (/^ [\s\S]* $/.test(text) && text.trim() !== '') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

export function section(title: string, ...parts: Array<string | undefined>): string {
  return [`### ${title}`, '', ...parts.filter((p): p is string => Boolean(p)).flatMap((p) => [p, ''])].join('\n');
}
