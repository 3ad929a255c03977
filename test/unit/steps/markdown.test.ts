import { code, escapeCell, facts, section, table } from '../../../shared/src/report/markdown';

/** The text a CommonMark code span renders (spec 6.1), or undefined when `span` is not exactly one code span. */
function codeSpanText(span: string): string | undefined {
  const open = /^`+/.exec(span)?.[0];
  if (!open || !span.endsWith(open) || span.length < open.length * 2 + 1) return undefined;
  if (span[span.length - open.length - 1] === '`') return undefined;
  let content = span.slice(open.length, -open.length);
  if ((content.match(/`+/g) ?? []).some((run) => run.length === open.length)) return undefined;
  content = content.replace(/\r?\n/g, ' ');
  if (content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') content = content.slice(1, -1);
  return content;
}

describe('code', () => {
  test.each(['plain', 'azureml:churn:3', 'a`b', 'a``b', '`start', 'end`', '``both``', ' padded ', 'C:\\models\\churn'])(
    '%j renders as itself',
    (text) => {
      expect(codeSpanText(code(text))).toBe(text);
    },
  );

  test('uses single backticks when it can', () => {
    expect(code('azureml:churn:3')).toBe('`azureml:churn:3`');
  });
});

describe('escapeCell', () => {
  test('pipes are escaped, newlines become <br>, backslashes are kept literal', () => {
    expect(escapeCell('a|b\nc\r\nd')).toBe('a\\|b<br>c<br>d');
    expect(escapeCell('a\\*b')).toBe('a\\\\*b');
  });

  test('inside a code span, backslashes stay as they are (no escapes there) and newlines become spaces', () => {
    expect(escapeCell(`source ${code('D:\\a\\repo\\model')}`)).toBe('source `D:\\a\\repo\\model`');
    expect(escapeCell(code('a|b'))).toBe('`a\\|b`');
    expect(escapeCell(code('two\nlines'))).toBe('`two lines`');
    expect(escapeCell(`${code('x\\y')} and c:\\z`)).toBe('`x\\y` and c:\\\\z');
  });

  test('an unmatched backtick is plain text', () => {
    expect(escapeCell('it`s a\\b')).toBe('it`s a\\\\b');
  });
});

describe('table', () => {
  test('header, separator and rows; missing cells are empty; cells are escaped', () => {
    expect(table(['name', 'value'], [['a', '1|2'], ['b', undefined]])).toBe(
      ['| name | value |', '|---|---|', '| a | 1\\|2 |', '| b |  |'].join('\n'),
    );
  });
});

describe('facts', () => {
  test('a two-column table without the rows whose value is empty', () => {
    expect(facts([['Name', 'churn'], ['Stage', undefined], ['Tags', ''], ['Version', '3']])).toBe(
      ['|  |  |', '|---|---|', '| Name | churn |', '| Version | 3 |'].join('\n'),
    );
  });
});

describe('section', () => {
  test('a level-3 heading and its non-empty parts, each followed by a blank line', () => {
    expect(section('Registered', 'first', undefined, '', 'second')).toBe('### Registered\n\nfirst\n\nsecond\n');
  });
});
