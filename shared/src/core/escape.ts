/**
 * Values from outside (inputs, file contents, service answers) echoed into logs, errors, annotations and summaries.
 *
 * GitHub runners act on lines that begin with `::` (and the older `##[`), the Azure Pipelines agent on `##vso[`
 * anywhere in a line and on `##[` formatting commands. A value that carries a line break could start such a line,
 * so it must reach no log without passing through here:
 *   - `printable` for one value inside a message: CR, LF, tab and other control characters become visible escapes
 *     (`\r`, `\n`, `\t`, `\x1b`), so the value stays on its line and reads as written;
 *   - `neutraliseCommands` for a whole log line or message, the hosts' last line of defence: a lone CR is shown as
 *     `\r`, and every `##vso[` / `##[` and every `::` that begins a line gets a zero-width space (U+200B) inside
 *     (`#\u200b#vso[`, `:\u200b:`), which leaves the text readable but is no longer a command.
 * The hosts' own commands (add-mask, set-output, task.setvariable, …) are written by @actions/core and
 * azure-pipelines-task-lib, which escape their parameters, never through these functions.
 */
const ZWSP = '\u200b';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function printable(value: string): string {
  const oneLine = value.replace(CONTROL, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return neutraliseCommands(oneLine);
}

/** Make every line of `text` safe to write to a CI log: no line can be a workflow or logging command. */
export function neutraliseCommands(text: string): string {
  return text
    .replace(/\r(?!\n)/g, '\\r')
    .replace(/##(vso)?\[/gi, (m) => `#${ZWSP}${m.slice(1)}`)
    .replace(/^([ \t]*):(?=:)/gm, `$1:${ZWSP}`);
}
