import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashContent } from '../../../shared/src/assets/content-hash';
import { localUploadLayout } from '../../../shared/src/assets/local-upload';

function tree(files: Record<string, string | Buffer>, order?: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'hash-'));
  for (const rel of order ?? Object.keys(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), files[rel]!);
  }
  return root;
}

const base = { 'MLmodel': 'flavors: {}\n', 'model.pkl': 'weights', 'sub/a.txt': 'a', 'sub/deeper/b.txt': 'b' };

describe('hashContent', () => {
  test('is independent of creation and listing order', async () => {
    const one = await hashContent(tree(base));
    const two = await hashContent(tree(base, Object.keys(base).reverse()));
    expect(one.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(two.hash).toBe(one.hash);
    expect(one.files.map((f) => f.relativePath)).toEqual(['MLmodel', 'model.pkl', 'sub/a.txt', 'sub/deeper/b.txt']);
    expect(one.totalBytes).toBe(Object.values(base).reduce((n, s) => n + s.length, 0));
    expect(one.isFile).toBe(false);
  });

  test('changes with bytes, names and relative locations', async () => {
    const ref = (await hashContent(tree(base))).hash;
    expect((await hashContent(tree({ ...base, 'model.pkl': 'weightz' }))).hash).not.toBe(ref);
    const renamed = tree(base);
    renameSync(join(renamed, 'sub', 'a.txt'), join(renamed, 'sub', 'c.txt'));
    expect((await hashContent(renamed)).hash).not.toBe(ref);
    const { 'sub/a.txt': a, ...rest } = base;
    expect((await hashContent(tree({ ...rest, 'a.txt': a })).then((h) => h.hash))).not.toBe(ref);
    // Same concatenated bytes, split differently between files.
    expect((await hashContent(tree({ x: 'ab', y: 'c' }))).hash).not.toBe((await hashContent(tree({ x: 'a', y: 'bc' }))).hash);
  });

  test('honours .amlignore, which takes precedence over .gitignore', async () => {
    const files = { ...base, 'logs/run.log': 'noise', 'cache.tmp': 'x', '.gitignore': 'model.pkl\n', '.amlignore': 'logs/\n*.tmp\n' };
    const h = await hashContent(tree(files));
    expect(h.files.map((f) => f.relativePath)).toEqual(['.amlignore', '.gitignore', 'MLmodel', 'model.pkl', 'sub/a.txt', 'sub/deeper/b.txt']);
    expect(h.ignoreFile).toMatch(/\.amlignore$/);
    // Ignored files do not affect the hash.
    const noisier = await hashContent(tree({ ...files, 'logs/other.log': 'more noise', 'b.tmp': 'y' }));
    expect(noisier.hash).toBe(h.hash);
  });

  test('falls back to .gitignore, with negation', async () => {
    const h = await hashContent(tree({ ...base, '.gitignore': 'sub/\n*.pkl\n!model.pkl\n', 'other.pkl': 'o' }));
    expect(h.files.map((f) => f.relativePath)).toEqual(['.gitignore', 'MLmodel', 'model.pkl']);
  });

  test('a single file hashes as a file, differently from a folder holding it', async () => {
    const root = tree({ 'model.pkl': 'weights' });
    const file = await hashContent(join(root, 'model.pkl'));
    const folder = await hashContent(root);
    expect(file.isFile).toBe(true);
    expect(file.files).toEqual([{ relativePath: 'model.pkl', size: 7, absolutePath: join(root, 'model.pkl') }]);
    expect(file.hash).not.toBe(folder.hash);
  });

  test('streams large files and survives symlink loops', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 3, 7);
    const root = tree({ 'big.bin': big });
    symlinkSync(root, join(root, 'loop'));
    const h = await hashContent(root);
    expect(h.files.map((f) => f.relativePath)).toEqual(['big.bin']);
    expect(h.totalBytes).toBe(big.length);
  });

  test('small files (read in one call) and large ones (streamed) hash to the scheme: framed paths, sizes and bytes', async () => {
    const small = Buffer.from('flavors: {}\n');
    const large = Buffer.alloc(3 * 1024 * 1024 + 5, 9);
    const root = tree({ 'MLmodel': small, 'w/large.bin': large });
    const expected = createHash('sha256').update('aml-lifecycle-content-v1\nfolder\n');
    for (const [rel, bytes] of [['MLmodel', small], ['w/large.bin', large]] as const) expected.update(`${Buffer.byteLength(rel)}:${rel}\0${bytes.length}\0`).update(bytes);
    expect((await hashContent(root)).hash).toBe(expected.digest('hex'));
  });

  test('a large folder is listed in short runs: the event loop turns meanwhile, so a cancellation in the middle stops it', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 1500; n++) files[`d${n % 10}/f${n}.txt`] = String(n);
    const root = tree(files);
    expect((await hashContent(root)).files).toHaveLength(1500);
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    await expect(hashContent(root, { signal: ac.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  });

  test('a missing path is an input error', async () => {
    await expect(hashContent(join(tmpdir(), 'does-not-exist-' + Date.now()))).rejects.toMatchObject({ kind: 'input' });
  });

  test('cancellation stops hashing', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(hashContent(tree(base), { signal: ac.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('localUploadLayout', () => {
  test('folders go under LocalUpload/<hash>/<folder>, files under LocalUpload/<hash>/<file>', async () => {
    const root = tree({ 'mlflow-model/MLmodel': 'x', 'model.pkl': 'w' });
    const folder = await hashContent(join(root, 'mlflow-model'));
    expect(localUploadLayout(folder)).toEqual({ prefix: `LocalUpload/${folder.hash}/mlflow-model`, assetPath: `LocalUpload/${folder.hash}/mlflow-model` });
    const file = await hashContent(join(root, 'model.pkl'));
    expect(localUploadLayout(file)).toEqual({ prefix: `LocalUpload/${file.hash}`, assetPath: `LocalUpload/${file.hash}/model.pkl` });
  });
});
