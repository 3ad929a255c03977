/**
 * The launcher's compiled-code cache (shared/src/core/code-cache.ts), run as the bundles run it: a folder holding the
 * launcher `index.js` and `code-cache.js` exactly as `npm run build` writes them, beside a small `main.js` and a
 * chunk, started with `node index.js` in a process of its own.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE_FILE, codeCacheModule, launcher } from '../../../shared/build/launcher';
import { CODE_CACHE_ENV } from '../../../shared/src/core/code-cache';

const nodeHasCompileCache = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const v8Only = nodeHasCompileCache ? describe.skip : describe;

const MAIN = `'use strict';
const self = this === exports;
const chunk = require('./1.index.js');
const path = require('node:path');
module.exports = { answer: chunk.answer };
process.stdout.write(JSON.stringify({
  answer: chunk.answer,
  file: path.basename(__filename),
  dir: __dirname === path.dirname(require.resolve('./1.index.js')),
  mainIsLauncher: require.main === module.parent,
  exportsIsThis: self,
}) + '\\n');
process.exitCode = Number(process.env.EXIT_CODE || 0);
`;
const CHUNK = `exports.answer = 6 * 7;\n`;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'code-cache-test-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function bundle(main = MAIN): string {
  const dir = join(root, 'bundle');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), launcher());
  writeFileSync(join(dir, CODE_CACHE_FILE), codeCacheModule());
  writeFileSync(join(dir, 'main.js'), main);
  writeFileSync(join(dir, '1.index.js'), CHUNK);
  return dir;
}

function run(dir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(dir, 'index.js')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, [CODE_CACHE_ENV]: join(root, 'cache'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache's per-Node folder and its entries (name → bytes). */
function entries(): Map<string, Buffer> {
  const base = join(root, 'cache');
  const out = new Map<string, Buffer>();
  let folders: string[] = [];
  try {
    folders = readdirSync(base);
  } catch {
    return out;
  }
  for (const f of folders) for (const e of readdirSync(join(base, f))) out.set(join(f, e), readFileSync(join(base, f, e)));
  return out;
}

/** An entry is the sha256 of its cached data followed by that data. */
const wellFormed = (entry: Buffer) => createHash('sha256').update(entry.subarray(32)).digest().equals(entry.subarray(0, 32));

describe('the launcher', () => {
  test('runs the bundle as Node would: require, require.resolve, __filename, __dirname, this, module.exports', () => {
    const dir = bundle();
    for (let n = 0; n < 2; n++) {
      const r = run(dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ answer: 42, file: 'main.js', dir: true, mainIsLauncher: true, exportsIsThis: true });
    }
  });

  test('a file that calls import() runs, from the cache or not', () => {
    const dir = bundle(`import('node:os').then((os) => process.stdout.write(typeof os.tmpdir));\n`);
    for (let n = 0; n < 2; n++) expect(run(dir)).toEqual({ status: 0, stdout: 'function', stderr: '' });
  });

  test(`${CODE_CACHE_ENV}=off caches nothing`, () => {
    const r = run(bundle(), { [CODE_CACHE_ENV]: 'off' });
    expect(r.status).toBe(0);
    expect(entries().size).toBe(0);
  });

  test('a syntax error in the bundle is reported as Node reports it, with the file and line', () => {
    const r = run(bundle(`'use strict';\nconst a = ;\n`));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/main\.js:2/);
    expect(r.stderr).toMatch(/SyntaxError/);
  });

  test('a stack trace names the line and column of the bundle file', () => {
    const r = run(bundle(`'use strict'; throw new Error('boom');\n`));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/main\.js:1:21/);
  });
});

v8Only('the V8 code cache (Node without a compile cache of its own)', () => {
  test('a successful run writes one entry per bundle file (0600, in a 0700 folder); the next run reads them and writes nothing', () => {
    const dir = bundle();
    expect(run(dir).status).toBe(0);
    const first = entries();
    expect(first.size).toBe(2); // main.js and the chunk; not the launcher or code-cache.js, which load before the hook
    for (const [name, bytes] of first) {
      expect(wellFormed(bytes)).toBe(true);
      expect(name).toMatch(/^node-v[\d.]+-[a-z0-9]+-v8-[^/]+\/[0-9a-f]{64}\.bin$/);
      expect(statSync(join(root, 'cache', name)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(root, 'cache')).mode & 0o777).toBe(0o700);
    const mtimes = [...first.keys()].map((n) => statSync(join(root, 'cache', n)).mtimeMs);
    const again = run(dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('"answer":42');
    expect(entries()).toEqual(first);
    expect([...first.keys()].map((n) => statSync(join(root, 'cache', n)).mtimeMs)).toEqual(mtimes);
  });

  test('a run that fails writes nothing', () => {
    const r = run(bundle(), { EXIT_CODE: '3' });
    expect(r.status).toBe(3);
    expect(entries().size).toBe(0);
  });

  test('an altered or truncated entry is not handed to V8: the run succeeds and the entry is written again', () => {
    const dir = bundle();
    expect(run(dir).status).toBe(0);
    const good = entries();
    const [name, bytes] = [...good.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const altered = Buffer.from(bytes);
    altered[altered.length - 5] ^= 0xff;
    writeFileSync(join(root, 'cache', name), altered);
    expect(run(dir).stdout).toContain('"answer":42');
    expect(wellFormed(entries().get(name)!)).toBe(true);
    expect(entries().get(name)!.equals(altered)).toBe(false);
    writeFileSync(join(root, 'cache', name), bytes.subarray(0, 40));
    expect(run(dir).status).toBe(0);
    expect(wellFormed(entries().get(name)!)).toBe(true);
    expect(entries().get(name)!.length).toBeGreaterThan(40);
  });

  test('a file changed to other code of the same length gets an entry of its own and runs as changed', () => {
    const dir = bundle();
    expect(run(dir).status).toBe(0);
    const before = entries();
    const changed = CHUNK.replace('6 * 7', '7 * 6');
    expect(changed.length).toBe(CHUNK.length);
    writeFileSync(join(dir, '1.index.js'), changed.replace('7 * 6', '7 * 9'));
    const r = run(dir);
    expect(r.stdout).toContain('"answer":63');
    expect(entries().size).toBe(before.size + 1);
  });

  test('two bundle folders holding the same file each get an entry, and a stack trace names the folder that ran', () => {
    // V8 keeps the file name a code cache was made with; an entry shared between two folders would name the other.
    const throwing = `'use strict';\nrequire('./1.index.js');\nif (process.env.THROW) throw new Error('boom');\n`;
    const one = bundle(throwing);
    const two = join(root, 'second');
    mkdirSync(two);
    for (const f of readdirSync(one)) writeFileSync(join(two, f), readFileSync(join(one, f)));
    expect(run(one).status).toBe(0);
    expect(run(two).status).toBe(0);
    expect(entries().size).toBe(4);
    const r = run(two, { THROW: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(two, 'main.js')}:3`);
    expect(r.stderr).not.toContain(join(one, 'main.js'));
  });

  test('the folder keeps the newest 48 entries: older ones go when a run writes new ones', () => {
    const folder = join(root, 'cache', `node-${process.version}-${process.arch}-v8-${process.versions.v8}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(join(root, 'cache'), 0o700);
    const old = Date.now() / 1000 - 86_400;
    for (let n = 0; n < 60; n++) {
      const f = join(folder, `${n.toString(16).padStart(64, '0')}.bin`);
      writeFileSync(f, 'stale');
      utimesSync(f, old + n, old + n);
    }
    expect(run(bundle()).status).toBe(0);
    const left = readdirSync(folder);
    expect(left).toHaveLength(48);
    // The two entries this run wrote are kept, and so are the newest of the old ones.
    expect(left.filter((f) => readFileSync(join(folder, f)).toString() !== 'stale')).toHaveLength(2);
    expect(left).toContain(`${(59).toString(16).padStart(64, '0')}.bin`);
    expect(left).not.toContain(`${(0).toString(16).padStart(64, '0')}.bin`);
  });

  test('only files directly in the bundle folder are cached', () => {
    const dir = bundle(`require('./sub/x.js');\n`);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.js'), 'module.exports = 1;\n');
    expect(run(dir).status).toBe(0);
    expect(entries().size).toBe(1);
  });

  test('a cache folder others can write is not used', () => {
    const dir = bundle();
    mkdirSync(join(root, 'cache'), { mode: 0o700 });
    chmodSync(join(root, 'cache'), 0o777);
    const r = run(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"answer":42');
    expect(readdirSync(join(root, 'cache'))).toEqual([]);
  });

  test('a cache folder that is a symbolic link is not used', () => {
    const dir = bundle();
    const real = join(root, 'elsewhere');
    mkdirSync(real, { mode: 0o700 });
    require('node:fs').symlinkSync(real, join(root, 'cache'));
    expect(run(dir).status).toBe(0);
    expect(readdirSync(real)).toEqual([]);
  });
});
