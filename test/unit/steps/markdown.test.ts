import { code, escapeCell, facts, plainText, section, table } from '../../../shared/src/report/markdown';

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

describe('plainText', () => {
  test('one line: line breaks and tabs become spaces, other control characters visible escapes', () => {
    expect(plainText('a\nb\r\nc\rd\te\u2028f\u001bg')).toBe('a b c d e f\\x1bg');
  });

  test('no HTML or autolink; "< " and "<= " stay as written', () => {
    expect(plainText('<img src=x> </b> <!-- c --> <?x?> <https://x.example> <1@x.example>')).toBe(
      '&lt;img src=x> &lt;/b> &lt;!-- c --> &lt;?x?> &lt;https://x.example> &lt;1@x.example>',
    );
    expect(plainText('<= 0.1, < 1%, <0.5, <=x@y.z>')).toBe('<= 0.1, < 1%, &lt;0.5, &lt;=x@y.z>');
  });

  test('no code span or inline link; an entity shows as written, a lone & stays', () => {
    expect(plainText('`x` [a](https://e.example) ![i](https://e.example/p.png) [b] (c)')).toBe('&#96;x&#96; [a]&#40;https://e.example) ![i]&#40;https://e.example/p.png) [b] (c)');
    expect(plainText('&lt; &#96; &#x3c; a & b')).toBe('&amp;lt; &amp;#96; &amp;#x3c; a & b');
  });

  test('log commands are neutralised; through table, pipes and backslashes are escaped once', () => {
    expect(plainText('##vso[task.complete]')).toBe('#\u200b#vso[task.complete]');
    expect(table(['v'], [[plainText('a|b\\c `d`')]])).toBe(['| v |', '|---|', '| a\\|b\\\\c &#96;d&#96; |'].join('\n'));
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
