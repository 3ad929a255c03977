import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../../../shared/src/core/errors';
import { isInsideFolder, readRegularFileInside, resolveInsideFolder } from '../../../shared/src/core/files';

function caught(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return e as StepError;
  }
  throw new Error('expected an error');
}

describe('inside-folder checks', () => {
  test('isInsideFolder compares resolved paths, and a name starting with two dots is still inside', () => {
    expect(isInsideFolder('/a/b', '/a/b')).toBe(true);
    expect(isInsideFolder('/a/b', '/a/b/c/d')).toBe(true);
    expect(isInsideFolder('/a/b', '/a/b/..c')).toBe(true);
    expect(isInsideFolder('/a/b', '/a/bc')).toBe(false);
    expect(isInsideFolder('/a/b', '/a')).toBe(false);
    expect(isInsideFolder('/a/b', '/x/y')).toBe(false);
  });

  test('resolveInsideFolder: relative and absolute paths, refusing escapes', () => {
    expect(resolveInsideFolder('/p', 'data/x.csv')).toEqual({ path: '/p/data/x.csv' });
    expect(resolveInsideFolder('/p', '/p/x.csv')).toEqual({ path: '/p/x.csv' });
    expect(resolveInsideFolder('/p', 'a/../../q/x.csv')).toEqual({ problem: "'a/../../q/x.csv' is outside the folder /p (it resolves to /q/x.csv)" });
    expect('problem' in resolveInsideFolder('/p', '/etc/passwd')).toBe(true);
  });

  test('readRegularFileInside reads files inside, refuses links out, folders and missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inside-'));
    const out = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(out, 'secret'), 's');
    writeFileSync(join(dir, 'ok.json'), '{}');
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'ok.json'), join(dir, 'sub', 'link-in.json'));
    symlinkSync(join(out, 'secret'), join(dir, 'link-out'));
    expect(readRegularFileInside(dir, 'ok.json')).toEqual({ path: join(dir, 'ok.json'), text: '{}' });
    expect(readRegularFileInside(dir, 'sub/link-in.json').text).toBe('{}');
    expect(caught(() => readRegularFileInside(dir, 'link-out')).message).toMatch(/is a link to .*secret, outside the folder/);
    expect(caught(() => readRegularFileInside(dir, '../x')).message).toMatch(/is outside the folder/);
    expect(caught(() => readRegularFileInside(dir, 'sub')).message).toMatch(/is a folder, not a regular file/);
    expect(caught(() => readRegularFileInside(dir, 'none.json')).message).toMatch(/does not exist/);
  });
});
