/**
 * Template placeholders that sample repositories leave in YAML files for a script (usually sed) to fill:
 * `{{NAME}}` / `{{ name }}` anywhere, and `<PLACEHOLDER>`-style values such as `version: <VERSION>` or
 * `azureml:<model-name>:1`.
 */

export interface TemplatePlaceholder {
  text: string;
  /** character offset in the source text */
  offset: number;
}

const MUSTACHE = /\{\{\s*[A-Za-z_$][\w.$-]*\s*\}\}/g;

/** Start of the comment on a line (`#` at the start or after whitespace, outside quotes), or the line length. */
function commentStart(line: string): number {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return line.length;
}

/** `{{...}}` placeholders outside comments, in source order. */
export function findTemplatePlaceholders(text: string): TemplatePlaceholder[] {
  const found: TemplatePlaceholder[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const content = line.slice(0, commentStart(line));
    for (const m of content.matchAll(MUSTACHE)) found.push({ text: m[0], offset: lineStart + (m.index ?? 0) });
    lineStart += line.length + 1;
  }
  return found;
}

const ANGLE = /<[A-Za-z_][\w .:-]*>/;

/**
 * The `<...>` placeholder in a scalar value, if the value looks like an unfilled template: either the whole value
 * is `<something>`, or a value without spaces (an identifier, path or URI) contains one. Free text such as a
 * description mentioning `<b>` is not flagged.
 */
export function angleBracketPlaceholder(value: string): string | undefined {
  const v = value.trim();
  const whole = /^<[^<>]+>$/.exec(v);
  if (whole) return whole[0];
  if (/\s/.test(v)) return undefined;
  return ANGLE.exec(v)?.[0];
}
