/** Small Markdown builders for job summaries (GitHub step summary, ADO summary tab, terminal). */

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
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
  const ticks = text.includes('`') ? '``' : '`';
  return `${ticks}${text}${ticks}`;
}

export function section(title: string, ...parts: Array<string | undefined>): string {
  return [`### ${title}`, '', ...parts.filter((p): p is string => Boolean(p)).flatMap((p) => [p, ''])].join('\n');
}
