/**
 * Compiled-code caching for a bundle's own files, installed by the bundle's launcher (`index.js`, written by
 * `npm run build`) before the bundle itself (`main.js` and its chunks) is compiled.
 *
 * - Node >= 22.1 (the node24 GitHub runners, the Azure DevOps Node24 handler): Node's own compile cache
 *   (`module.enableCompileCache`), which checks each entry against the source it was made from.
 * - Older Node (the Node20_1 handler, the CLI on Node 20): a V8 code cache of our own. Each file of the bundle's
 *   folder is compiled with `vm.Script` and the cached data made from an earlier successful run. An entry is named
 *   by the sha256 of the file's path and the source it was made from (V8 itself only compares the source's length,
 *   and keeps the file name it was made with, which stack traces show) and carries the sha256 of its own bytes, so a stale, truncated or altered entry is never handed to V8; V8 rejects one made by
 *   another Node, V8 or flags, and the entry is then written again.
 *
 * Entries live in a folder per Node version and architecture under `AML_LIFECYCLE_CODE_CACHE` (a folder), or under
 * the temporary folder per user; `AML_LIFECYCLE_CODE_CACHE=off` turns caching off. The folder must be the user's own
 * and writable by no one else (a planted entry would run as code): otherwise nothing is cached. Every failure here
 * only costs speed: the file is then compiled as Node always does.
 */
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import Module = require('node:module');
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type * as Vm from 'node:vm';

// node:crypto and node:vm are loaded only for the V8 cache: with Node's own compile cache, or none, this file costs
// no more than the folder check.
/* eslint-disable @typescript-eslint/no-require-imports */
const sha256 = (data: string | Buffer): Buffer => (require('node:crypto') as typeof Crypto).createHash('sha256').update(data).digest();
const vmModule = (): typeof Vm => require('node:vm') as typeof Vm;
/* eslint-enable @typescript-eslint/no-require-imports */

export const CODE_CACHE_ENV = 'AML_LIFECYCLE_CODE_CACHE';

export type CodeCacheMode = 'node' | 'v8' | 'off';
export interface CodeCacheStatus {
  mode: CodeCacheMode;
  /** The folder entries are kept in (mode node or v8). */
  dir?: string;
  /** Why nothing is cached (mode off). */
  reason?: string;
}

/** How many entries a folder keeps: the oldest go when a new one is written (each bundle version adds its own). */
const MAX_ENTRIES = 48;
const HASH_BYTES = 32;
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

const OFF = /^(0|off|false|no)$/i;
/**
 * Code that may call `import()` is compiled by Node as always: on Node 20 a `vm.Script` compiled from cached data
 * loses its dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and the supported callback is an
 * experimental feature that prints a warning. The bundles' files do not use it.
 */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

interface InternalModule {
  _compile(content: string, filename: string): unknown;
  exports: unknown;
  filename: string;
  require(id: string): unknown;
}
type ModuleStatics = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  wrapper: string[];
  enableCompileCache?: (dir?: string) => unknown;
};
const M = Module as ModuleStatics;

let installed: CodeCacheStatus | undefined;

/** The per-user folder (checked or created 0700) that holds this Node's entries, or why there is none. */
function cacheFolder(env: NodeJS.ProcessEnv): { dir: string } | { reason: string } {
  const setting = env[CODE_CACHE_ENV]?.trim();
  if (setting && OFF.test(setting)) return { reason: `${CODE_CACHE_ENV}=${setting}` };
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : safeUserName();
  const base = setting || join(tmpdir(), `aml-lifecycle-code-cache-${user}`);
  const dir = join(base, `node-${process.version}-${process.arch}-v8-${process.versions.v8}`);
  for (const d of [base, dir]) {
    const problem = ownFolder(d);
    if (problem) return { reason: problem };
  }
  return { dir };
}

function safeUserName(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
  } catch {
    return 'user';
  }
}

/** Creates `d` (0700) when missing; then it must be a real folder of this user that no one else can write. */
function ownFolder(d: string): string | undefined {
  try {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    const s = fs.lstatSync(d);
    if (!s.isDirectory()) return `${d} is not a folder`;
    if (typeof process.getuid === 'function') {
      if (s.uid !== process.getuid()) return `${d} belongs to another user`;
      if ((s.mode & 0o022) !== 0) return `${d} is writable by others`;
    }
    return undefined;
  } catch (e) {
    return `${d}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
}

/** Installs caching for the `.js` files directly inside `bundleDir` (once per process; later calls report the first). */
export function installCodeCache(bundleDir: string, env: NodeJS.ProcessEnv = process.env): CodeCacheStatus {
  if (installed) return installed;
  const folder = cacheFolder(env);
  if ('reason' in folder) return (installed = { mode: 'off', reason: folder.reason });
  if (typeof M.enableCompileCache === 'function') {
    try {
      M.enableCompileCache(folder.dir);
      return (installed = { mode: 'node', dir: folder.dir });
    } catch (e) {
      return (installed = { mode: 'off', reason: String(e) });
    }
  }
  hookCompile(bundleDir, folder.dir);
  return (installed = { mode: 'v8', dir: folder.dir });
}

interface Pending {
  script: Vm.Script;
  entry: string;
}

function hookCompile(bundleDir: string, dir: string): void {
  const proto = M.prototype as unknown as InternalModule;
  const original = proto._compile;
  const pending: Pending[] = [];
  proto._compile = function compileWithCache(this: InternalModule, content: string, filename: string): unknown {
    if (typeof content !== 'string' || !filename.endsWith('.js') || dirname(filename) !== bundleDir || content.startsWith('#!') || DYNAMIC_IMPORT.test(content)) {
      return original.call(this, content, filename);
    }
    // The path too: two bundles may hold the same chunk, and V8 names a script after the file its cache was made from.
    const entry = join(dir, `${sha256(`${filename}\0${content}`).toString('hex')}.bin`);
    const cachedData = readEntry(entry);
    let script: Vm.Script;
    try {
      script = new (vmModule().Script)(M.wrap(content), {
        filename,
        columnOffset: -M.wrapper[0].length,
        cachedData,
      });
    } catch {
      // A syntax error: let Node compile it and report it as it always does.
      return original.call(this, content, filename);
    }
    if (!cachedData || script.cachedDataRejected) pending.push({ script, entry });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };
  process.once('exit', (code) => {
    // Only a run that ended well: its cache then holds what a successful run compiles, not a usage error's path.
    if (code === 0 && pending.length > 0) writeEntries(dir, pending);
  });
}

/** The `require` Node gives a module's code (as Node's own module loader builds it). */
function requireFor(mod: InternalModule): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => M._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  req.main = require.main;
  req.extensions = M._extensions as NodeJS.Require['extensions'];
  req.cache = M._cache as NodeJS.Require['cache'];
  return req;
}

/** An entry's cached data, only when it is a regular file of this user whose bytes match the hash it carries. */
function readEntry(entry: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(entry, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const s = fs.fstatSync(fd);
    if (!s.isFile() || s.size <= HASH_BYTES || s.size > MAX_ENTRY_BYTES) return undefined;
    if (typeof process.getuid === 'function' && s.uid !== process.getuid()) return undefined;
    const bytes = Buffer.allocUnsafe(s.size);
    if (fs.readSync(fd, bytes, 0, s.size, 0) !== s.size) return undefined;
    const data = bytes.subarray(HASH_BYTES);
    return sha256(data).equals(bytes.subarray(0, HASH_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeEntries(dir: string, pending: Pending[]): void {
  for (const { script, entry } of pending) {
    const tmp = `${entry}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      fs.writeFileSync(tmp, Buffer.concat([sha256(data), data]), { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, entry);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
  prune(dir);
}

/** Keeps the newest MAX_ENTRIES entries of `dir`. */
function prune(dir: string): void {
  try {
    const entries = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.bin'))
      .map((f) => ({ f, t: fs.statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(MAX_ENTRIES)) fs.rmSync(join(dir, f), { force: true });
  } catch {
    // Pruning is housekeeping.
  }
}
