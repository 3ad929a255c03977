import { neutraliseCommands, printable } from '../../../shared/src/core/escape';
import { inputError } from '../../../shared/src/core/errors';
import { CliHost } from '../../../shared/src/hosts/cli';

const ATTACKS = [
  'x\n##vso[task.setvariable variable=PWNED]1',
  'x\r::set-env name=A::1',
  '::add-mask::x',
  '##[error]x',
  '  ::warning::indented',
  'a ##vso[task.complete result=Succeeded]b',
  'x\r\n##[group]y',
  'x\u2028::error::y',
];

/** True when a written line would be taken as a command by a GitHub runner or an Azure Pipelines agent. */
const isCommandLine = (line: string): boolean => /^\s*::/.test(line) || /##vso\[/i.test(line) || /^\s*##\[/.test(line);

/** Lines as a runner or agent splits them. */
const split = (text: string) => text.split(/\r\n|\r|\n|\u2028/);

describe('printable', () => {
  test.each(ATTACKS)('keeps %j on one line that is no command', (v) => {
    const p = printable(v);
    expect(split(p)).toHaveLength(1);
    expect(isCommandLine(p)).toBe(false);
  });

  test('shows control characters as escapes and leaves ordinary text alone', () => {
    expect(printable('a\nb\rc\td\u001be')).toBe('a\\nb\\rc\\td\\x1be');
    expect(printable('credit-model:3 (rg-ml)')).toBe('credit-model:3 (rg-ml)');
  });
});

describe('neutraliseCommands', () => {
  test.each(ATTACKS)('no line of %j is a command, and the text stays readable', (v) => {
    const out = neutraliseCommands(v);
    for (const line of split(out)) expect(isCommandLine(line)).toBe(false);
    expect(out.replace(/\u200b/g, '').replace(/\\r/g, '\r')).toBe(v.replace(/\r(?!\n)/g, '\r'));
  });

  test('keeps legitimate line breaks of a multi-line message', () => {
    expect(neutraliseCommands('Invalid input: x\nWhat to do: y')).toBe('Invalid input: x\nWhat to do: y');
  });
});

test('a StepError echoing an input is one line and no command', () => {
  const e = inputError("Input 'model-name' is not valid: 'x\n##vso[task.setvariable variable=PWNED]1'", { hint: '::add-mask::y' });
  expect(split(e.message)).toHaveLength(1);
  expect(isCommandLine(e.message)).toBe(false);
  expect(isCommandLine(e.hint!)).toBe(false);
});

test('the CLI host writes no command line whatever it is given', () => {
  const written: string[] = [];
  const host = new CliHost({ flags: {}, write: (l) => { written.push(l); } });
  for (const a of ATTACKS) {
    host.info(a);
    host.warning(a, { file: a, line: 1 });
    host.error(a);
  }
  const lines = written.flatMap(split);
  expect(lines.length).toBeGreaterThan(ATTACKS.length * 3);
  expect(lines.filter(isCommandLine)).toEqual([]);
});
