import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../../../shared/src/core/errors';
import { loadYamlFile, parseYamlText } from '../../../shared/src/specs/yaml-source';
import { scalarText } from '../../../shared/src/specs/scalar-text';
import { angleBracketPlaceholder, findTemplatePlaceholders } from '../../../shared/src/specs/placeholders';

function caught(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error('expected an error');
}

describe('parseYamlText', () => {
  test('locates keys and values by dotted or segmented path', () => {
    const src = parseYamlText('name: m\ntags:\n  team: risk\n  "a.b": x\nlist:\n  - one\n  - two\n', 'f.yml');
    expect(src.locationOf('name', 'key')).toEqual({ file: 'f.yml', line: 1, column: 1 });
    expect(src.locationOf('name')).toEqual({ file: 'f.yml', line: 1, column: 7 });
    expect(src.locationOf('tags.team')).toEqual({ file: 'f.yml', line: 3, column: 9 });
    expect(src.locationOf(['tags', 'a.b'])).toEqual({ file: 'f.yml', line: 4, column: 10 });
    expect(src.locationOf('list.1')).toEqual({ file: 'f.yml', line: 7, column: 5 });
    // Absent: the deepest existing ancestor.
    expect(src.locationOf('tags.missing')).toEqual({ file: 'f.yml', line: 3, column: 3 });
  });

  test('malformed YAML is an input error with the parser message and position', () => {
    const e = caught(() => parseYamlText('name: m\ntags: [a,\n  b\nx: 1\n', 'bad.yml'));
    expect(e.kind).toBe('input');
    expect(e.location?.file).toBe('bad.yml');
    expect(e.location?.line).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(/^bad\.yml:\d+:\d+: invalid YAML: /);
  });

  test('duplicate keys are rejected at the second key', () => {
    const e = caught(() => parseYamlText('a: 1\nb: 2\na: 3\n', 'dup.yml'));
    expect(e.location).toMatchObject({ line: 3, column: 1 });
    expect(e.message).toMatch(/unique/);
  });

  test('empty files and non-mappings are rejected clearly', () => {
    expect(caught(() => parseYamlText('', 'e.yml')).message).toMatch(/empty/);
    expect(caught(() => parseYamlText('# only a comment\n', 'e.yml')).message).toMatch(/empty/);
    expect(caught(() => parseYamlText('- a\n- b\n', 'l.yml')).message).toMatch(/must be a mapping.*a list/);
    expect(caught(() => parseYamlText('just text\n', 's.yml')).message).toMatch(/must be a mapping.*single value/);
  });

  test('unfilled {{placeholders}} are reported before the parse error they cause', () => {
    const e = caught(() => parseYamlText('name: {{MODEL_NAME}}\n# {{IN_A_COMMENT}}\npath: "{{ path }}"\n', 't.yml'));
    expect(e.message).toContain("unfilled template placeholder '{{MODEL_NAME}}'");
    expect(e.message).toContain('{{ path }}');
    expect(e.message).not.toContain('IN_A_COMMENT');
    expect(e.location).toEqual({ file: 't.yml', line: 1, column: 7 });
  });

  test('YAML 1.1 scalars as PyYAML reads them, aliases and merge keys', () => {
    const src = parseYamlText('base: &b {x: 1}\nmerged:\n  <<: *b\n  z: on\n  y: n\n  v: 1.10\n', 'm.yml');
    const merged = src.nodeAt('merged');
    expect(src.toJS(src.nodeAt('merged.x'))).toBe(1);
    expect(src.entries(merged as never).map((e) => e.key)).toEqual(['z', 'y', 'v', 'x']);
    expect(scalarText(src.nodeAt('merged.z'))).toBe('True');
    expect(scalarText(src.nodeAt('merged.y'))).toBe('n');
    expect(scalarText(src.nodeAt('merged.v'))).toBe('1.1');
    const odd = parseYamlText('path: .\nexp: 1e5\nsigned: 1.0e+5\noctal: 010\n', 'o.yml');
    expect(odd.toJS(odd.root)).toEqual({ path: '.', exp: '1e5', signed: 100000, octal: 8 });
  });

  test('loadYamlFile reports a missing file as an input error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yaml-src-'));
    expect(caught(() => loadYamlFile(join(dir, 'nope.yml'))).message).toMatch(/does not exist/);
    writeFileSync(join(dir, 'ok.yml'), '\ufeffa: 1\n');
    expect(loadYamlFile(join(dir, 'ok.yml')).locationOf('a', 'key')).toMatchObject({ line: 1, column: 1 });
  });
});

describe('placeholders', () => {
  test('mustache placeholders outside comments and quotes-aware comment detection', () => {
    const found = findTemplatePlaceholders('a: "x # {{NOT_COMMENT}}"\nb: 1 # {{COMMENT}}\n');
    expect(found.map((p) => p.text)).toEqual(['{{NOT_COMMENT}}']);
  });

  test('angle-bracket placeholders in identifiers, not in prose', () => {
    expect(angleBracketPlaceholder('<VERSION>')).toBe('<VERSION>');
    expect(angleBracketPlaceholder('<your model name>')).toBe('<your model name>');
    expect(angleBracketPlaceholder('azureml:<model-name>:1')).toBe('<model-name>');
    expect(angleBracketPlaceholder('a model for <b> customers')).toBeUndefined();
    expect(angleBracketPlaceholder('credit-default')).toBeUndefined();
  });
});
