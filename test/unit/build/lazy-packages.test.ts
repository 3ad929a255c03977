import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundles } from '../../../shared/build/bundle';
import { LAZY_PACKAGES, lazyExternals, lazyPackage, lazyShim, shimFile } from '../../../shared/build/lazy-packages';

describe('lazily loaded packages', () => {
  test('the shim requires the package file on first use only, and then behaves as its exports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-shim-'));
    const p = { name: 'fake', file: 'fake.js', entry: () => '' };
    writeFileSync(join(dir, 'fake.js'), 'globalThis.__fakeLoads = (globalThis.__fakeLoads ?? 0) + 1; exports.defer = () => "deferred"; exports.n = 7;');
    writeFileSync(join(dir, shimFile(p)), lazyShim(p));
    const g = globalThis as { __fakeLoads?: number };
    delete g.__fakeLoads;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shim = require(join(dir, 'fake-lazy.js')) as { defer(): string; n: number; __esModule?: unknown };
    expect(g.__fakeLoads).toBeUndefined();
    expect(shim.__esModule).toBeUndefined(); // interop checks do not load it either
    expect(g.__fakeLoads).toBeUndefined();
    expect(shim.defer()).toBe('deferred');
    expect(shim.n).toBe(7);
    expect('defer' in shim).toBe(true);
    expect(Object.keys(shim).sort()).toEqual(['defer', 'n']);
    expect(g.__fakeLoads).toBe(1);
  });

  test('every lazy package a bundle names is known and its entry exists', () => {
    const named = bundles().flatMap((b) => b.lazy ?? []);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) {
      const p = lazyPackage(name);
      if (p.builtin) expect(isBuiltin(p.entry())).toBe(true);
      else expect(existsSync(p.entry())).toBe(true);
    }
    expect(() => lazyPackage('left-pad')).toThrow(/not in LAZY_PACKAGES/);
  });

  test('a built-in is required by its node: name on first use, and is external under both its names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazy-builtin-'));
    const p = lazyPackage('child_process');
    writeFileSync(join(dir, shimFile(p)), lazyShim(p));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shim = require(join(dir, shimFile(p))) as typeof import('node:child_process');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(shim.spawnSync).toBe(require('node:child_process').spawnSync);
    expect(lazyExternals(['child_process'])).toEqual({ child_process: './child_process-lazy.js', 'node:child_process': './child_process-lazy.js' });
  });

  test('externals resolve each package to its shim beside index.js', () => {
    expect(lazyExternals(['undici', 'q'])).toEqual({ undici: './undici-lazy.js', q: './q-lazy.js' });
    expect(new Set(LAZY_PACKAGES.map((p) => p.file)).size).toBe(LAZY_PACKAGES.length);
    for (const p of LAZY_PACKAGES) expect(shimFile(p)).not.toBe(p.file);
  });
});
