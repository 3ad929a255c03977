import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashContent } from '../../../shared/src/assets/content-hash';
import { StepError } from '../../../shared/src/core/errors';
import { readRegularFile } from '../../../shared/src/core/files';
import { loadMetrics } from '../../../shared/src/gate/metrics-file';
import { loadModelSpec } from '../../../shared/src/specs/model-spec';
import { MAX_YAML_DEPTH, parseYamlText } from '../../../shared/src/specs/yaml-source';

const fresh = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function caught(fn: () => unknown): StepError {
  try {
    fn();
  } catch (e) {
    return e as StepError;
  }
  throw new Error('expected an error');
}

async function rejected(p: Promise<unknown>): Promise<StepError> {
  try {
    await p;
  } catch (e) {
    return e as StepError;
  }
  throw new Error('expected a rejection');
}

function fifo(dir: string, name: string): string {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

describe('readRegularFile', () => {
  test('reads a regular file', () => {
    const p = join(fresh('rf-'), 'a.yml');
    writeFileSync(p, 'name: x\n');
    expect(readRegularFile(p, { input: 'model-file' })).toBe('name: x\n');
  });

  test('a FIFO is refused without being opened (opening would block), naming the input and the path', () => {
    const p = fifo(fresh('rf-'), 'pipe.yml');
    const e = caught(() => readRegularFile(p, { input: 'model-file' }));
    expect(e).toBeInstanceOf(StepError);
    expect(e.kind).toBe('input');
    expect(e.input).toBe('model-file');
    expect(e.message).toContain("'model-file'");
    expect(e.message).toContain(p);
    expect(e.message).toMatch(/named pipe \(FIFO\), not a regular file/);
  });

  test('a folder and a socket are refused', async () => {
    const dir = fresh('rf-');
    expect(caught(() => readRegularFile(dir, { input: 'metrics' })).message).toMatch(/is a folder, not a regular file/);
    const sock = join(dir, 's.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      expect(caught(() => readRegularFile(sock, { input: 'metrics' })).message).toMatch(/is a socket/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('a device is refused', () => {
    expect(caught(() => readRegularFile('/dev/null', { input: 'metrics' })).message).toMatch(/is a device/);
  });

  test('a file over the size limit is refused', () => {
    const p = join(fresh('rf-'), 'big.json');
    writeFileSync(p, 'x'.repeat(2048));
    const e = caught(() => readRegularFile(p, { input: 'metrics', maxBytes: 1024 }));
    expect(e.kind).toBe('input');
    expect(e.message).toMatch(/2048 bytes, over the 1024-byte limit/);
  });

  test('a missing file is reported as missing', () => {
    expect(caught(() => readRegularFile('/nonexistent/x.yml', { input: 'model-file' })).message).toMatch(/does not exist/);
  });

  test('model-file and metrics reads go through it', () => {
    const dir = fresh('rf-');
    const m = caught(() => loadModelSpec(fifo(dir, 'model.yml')));
    expect(m.kind).toBe('input');
    expect(m.input).toBe('model-file');
    const g = caught(() => loadMetrics(fifo(dir, 'metrics.json')));
    expect(g.kind).toBe('input');
    expect(g.input).toBe('metrics');
    expect(g.message).toMatch(/FIFO/);
  });
});

describe('model folders', () => {
  test('a symlink whose real path is outside the folder is refused, the link named', async () => {
    const outside = fresh('out-');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    const root = fresh('model-');
    writeFileSync(join(root, 'MLmodel'), 'flavors: {}\n');
    mkdirSync(join(root, 'sub'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'sub', 'link.txt'));
    const e = await rejected(hashContent(root));
    expect(e).toBeInstanceOf(StepError);
    expect(e.kind).toBe('input');
    expect(e.message).toContain("'sub/link.txt'");
    expect(e.message).toMatch(/points outside the folder/);
  });

  test('a symlinked folder outside the root is refused too', async () => {
    const outside = fresh('out-');
    writeFileSync(join(outside, 'a.txt'), 'a');
    const root = fresh('model-');
    writeFileSync(join(root, 'MLmodel'), 'x');
    symlinkSync(outside, join(root, 'ext'));
    expect((await rejected(hashContent(root))).message).toContain("'ext'");
  });

  test('symlinks inside the folder are fine', async () => {
    const root = fresh('model-');
    writeFileSync(join(root, 'model.pkl'), 'weights');
    symlinkSync(join(root, 'model.pkl'), join(root, 'alias.pkl'));
    symlinkSync('model.pkl', join(root, 'relative.pkl'));
    const h = await hashContent(root);
    expect(h.files.map((f) => f.relativePath)).toEqual(['alias.pkl', 'model.pkl', 'relative.pkl']);
  });

  test('a special file inside the folder is refused', async () => {
    const root = fresh('model-');
    writeFileSync(join(root, 'model.pkl'), 'weights');
    fifo(root, 'pipe');
    const e = await rejected(hashContent(root));
    expect(e.kind).toBe('input');
    expect(e.message).toMatch(/'pipe' is a named pipe \(FIFO\)/);
  });

  test('a special file listed in .amlignore is skipped', async () => {
    const root = fresh('model-');
    writeFileSync(join(root, 'model.pkl'), 'weights');
    writeFileSync(join(root, '.amlignore'), 'pipe\n');
    fifo(root, 'pipe');
    const h = await hashContent(root);
    expect(h.files.map((f) => f.relativePath)).toEqual(['.amlignore', 'model.pkl']);
  });

  test('an .amlignore that is a FIFO is refused, not opened', async () => {
    const root = fresh('model-');
    writeFileSync(join(root, 'model.pkl'), 'weights');
    fifo(root, '.amlignore');
    const e = await rejected(hashContent(root));
    expect(e.kind).toBe('input');
    expect(e.message).toMatch(/\.amlignore' is a named pipe/);
  });

  test('an empty folder is refused with a clear reason', async () => {
    const e = await rejected(hashContent(fresh('empty-')));
    expect(e.kind).toBe('input');
    expect(e.message).toMatch(/is empty: there is nothing to upload/);
  });

  test('a folder whose files are all ignored is refused, naming the ignore file', async () => {
    const root = fresh('model-');
    writeFileSync(join(root, '.amlignore'), '*\n');
    writeFileSync(join(root, 'model.pkl'), 'weights');
    const e = await rejected(hashContent(root));
    expect(e.kind).toBe('input');
    expect(e.message).toMatch(/every file in it is ignored by \.amlignore/);
  });
});

describe('YAML nesting limit', () => {
  test(`a flow YAML nested 20,000 levels deep reports the ${MAX_YAML_DEPTH}-level limit at file:line`, () => {
    const e = caught(() => parseYamlText(`name: x\nv: ${'['.repeat(20000)}`, 'deep.yml'));
    expect(e).toBeInstanceOf(StepError);
    expect(e.kind).toBe('input');
    expect(e.message).not.toMatch(/call stack/);
    expect(e.message).toMatch(/^deep\.yml:2:\d+: the YAML is nested more than 64 levels deep/);
  });

  test('block lists nested 20,000 levels deep report the limit, not a stack overflow', () => {
    const e = caught(() => parseYamlText(`a:\n${'- '.repeat(20000)}x\n`, 'deep-block.yml'));
    expect(e.kind).toBe('input');
    expect(e.message).not.toMatch(/call stack/);
    expect(e.message).toMatch(/^deep-block\.yml:\d+:\d+: the YAML is nested more than 64 levels deep/);
  });

  test('block nesting past the limit is reported too', () => {
    let text = '';
    for (let i = 0; i < 70; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    text += `${'  '.repeat(70)}leaf: 1\n`;
    const e = caught(() => parseYamlText(text, 'block.yml'));
    expect(e.message).toMatch(/^block\.yml:\d+:\d+: the YAML is nested more than 64 levels deep/);
  });

  test('nesting at the limit, and brackets inside quotes and comments, are fine', () => {
    const ok = `a: ${'['.repeat(63)}1${']'.repeat(63)}\nb: "${'['.repeat(100)}"\nc: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`;
    expect(parseYamlText(ok, 'ok.yml').root.items.length).toBe(3);
  });
});
