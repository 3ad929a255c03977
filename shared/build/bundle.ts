/**
 * `npm run bundle`: one ncc run per host kind, whatever the number of steps: the GitHub bundle (every action folder
 * and the root action load it), the Azure DevOps bundle (copied into each task folder when tasks are packaged) and
 * the CLI. Step code stays in lazily loaded chunks. Typechecking is `npm run typecheck`; bundles are
 * transpile-only and minified, without source maps.
 */
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';
import { CHUNK_MINIFY } from './minify-options';
import { dirname, join } from 'node:path';
import { ROOT } from './generate';
import { lazyExternals, lazyPackage, lazyShim, shimFile, type LazyPackage } from './lazy-packages';
import { BUNDLE_MAIN, CODE_CACHE_FILE, codeCacheModule, launcher } from './launcher';
import { AZURE_DEVOPS_OUT, AZURE_DEVOPS_STAMP, azureDevOpsInputsHash } from './azure-devops-inputs';
import { foldFormDataChecks } from './form-data-checks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ncc = require('@vercel/ncc') as (
  input: string,
  options: Record<string, unknown>,
) => Promise<{ code: string; assets?: Record<string, { source: Buffer | string; permissions?: number }> }>;

export interface Bundle {
  entry: string;
  outDir: string;
  executable?: boolean;
  /** Packages loaded only when they are used, each bundled on its own (see lazy-packages.ts). */
  lazy?: string[];
  /** Ship the check-job program (CHECK_JOB) in `check-job/` beside index.js: staging-checks uploads it as a job's code. */
  withCheckJob?: boolean;
  /**
   * Start through a launcher: `index.js` installs compiled-code caching (shared/src/core/code-cache.ts) and then
   * loads the bundle itself, `main.js`, so that its compilation is cached too.
   */
  codeCache?: boolean;
}

/**
 * The program a staging check with `run_on:` runs as an Azure ML command job: built first, on its own (no host
 * code, no SDK), then copied into every host bundle's `check-job/` folder, so the action, each packaged task folder
 * (which holds the whole Azure DevOps bundle) and the CLI can all upload it.
 */
export const CHECK_JOB: Bundle = { entry: 'shared/entries/check-job.ts', outDir: 'shared/dist/check-job' };

/** Loaded only behind a proxy, or only to start a program (see lazy-packages.ts); in every bundle. */
const EVERY_BUNDLE_LAZY = ['https-proxy-agent', 'http-proxy-agent', 'child_process'];

export function bundles(): Bundle[] {
  return [
    { entry: 'shared/entries/github.ts', outDir: 'shared/dist/github', lazy: ['undici', '@actions/exec', 'yaml', ...EVERY_BUNDLE_LAZY], withCheckJob: true, codeCache: true },
    { entry: 'shared/entries/azure-devops.ts', outDir: AZURE_DEVOPS_OUT, lazy: ['q', 'minimatch', 'yaml', ...EVERY_BUNDLE_LAZY], withCheckJob: true, codeCache: true },
    { entry: 'shared/entries/cli.ts', outDir: 'shared/dist/cli', executable: true, lazy: [...EVERY_BUNDLE_LAZY], withCheckJob: true, codeCache: true },
  ];
}

/**
 * Left out of every bundle: `open` is loaded only by @azure/identity's interactive browser sign-in, which no host
 * offers; bundling it would ship its chunk and a 32 kB `xdg-open` script in every dist folder.
 */
const EXTERNALS = ['open'];

const lazyBundles = new Map<string, Promise<string>>();
/** A lazy package bundled and minified once per build, shared by every bundle that loads it lazily. */
function bundleLazy(p: LazyPackage): Promise<string> {
  let pending = lazyBundles.get(p.name);
  if (!pending) {
    pending = ncc(p.entry(), { minify: true, transpileOnly: true, sourceMap: false, quiet: true, cache: false, target: 'es2022' }).then((r) => {
      if (r.assets && Object.keys(r.assets).length > 0) throw new Error(`${p.name} bundled with assets (${Object.keys(r.assets).join(', ')}): not expected`);
      return r.code;
    });
    lazyBundles.set(p.name, pending);
  }
  return pending;
}

async function minifyChunk(name: string, code: string): Promise<string> {
  const result = await minify(code, CHUNK_MINIFY);
  if (result.code === undefined) throw new Error(`terser produced nothing for ${name}`);
  return result.code;
}

/** ncc's options for `b`; bench/chunk-stats.ts bundles with the same ones to name what each chunk holds. */
export function nccOptions(b: Bundle, minify = true): Record<string, unknown> {
  return {
    minify,
    transpileOnly: true,
    sourceMap: false,
    quiet: true,
    cache: false,
    target: 'es2022',
    externals: { ...Object.fromEntries(EXTERNALS.map((e) => [e, e])), ...lazyExternals(b.lazy ?? []) },
  };
}

/** Written into every bundle folder (see build). */
export const BUNDLE_PACKAGE_JSON = '{ "private": true, "type": "commonjs" }\n';

export { ncc, BUNDLE_MAIN };

async function build(b: Bundle): Promise<void> {
  const started = Date.now();
  const { code, assets } = await ncc(join(ROOT, b.entry), nccOptions(b));
  const out = join(ROOT, b.outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let folded = 0;
  const fold = (file: string, source: string): string => {
    const r = foldFormDataChecks(source, `${b.outDir}/${file}`);
    folded += r.folded;
    return r.code;
  };
  const text = fold(BUNDLE_MAIN, code.startsWith('#!') ? code.slice(code.indexOf('\n') + 1) : code);
  if (b.codeCache) {
    writeFileSync(join(out, BUNDLE_MAIN), text);
    writeFileSync(join(out, CODE_CACHE_FILE), codeCacheModule());
  }
  writeFileSync(join(out, 'index.js'), (b.executable ? '#!/usr/bin/env node\n' : '') + (b.codeCache ? launcher() : text));
  // The bundle's files are CommonJS wherever the folder ends up (a checkout whose package.json says "type": "module",
  // an agent's task folder), and Node's search for the package scope of each file loaded stops here.
  writeFileSync(join(out, 'package.json'), BUNDLE_PACKAGE_JSON);
  if (b.executable) chmodSync(join(out, 'index.js'), 0o755);
  for (const p of (b.lazy ?? []).map(lazyPackage)) {
    writeFileSync(join(out, shimFile(p)), lazyShim(p));
    if (!p.builtin) writeFileSync(join(out, p.file), await bundleLazy(p));
  }
  if (b.withCheckJob) {
    // The whole folder: its lazily loaded chunks (NNN.index.js) sit beside index.js.
    cpSync(join(ROOT, CHECK_JOB.outDir), join(out, 'check-job'), { recursive: true });
  }
  for (const [name, asset] of Object.entries(assets ?? {})) {
    const p = join(out, name);
    mkdirSync(dirname(p), { recursive: true });
    // ncc minifies the entry file only; lazily loaded chunks (NNN.index.js) get the same treatment here.
    const source = /^\d+\.index\.js$/.test(name) ? await minifyChunk(name, fold(name, asset.source.toString())) : asset.source;
    writeFileSync(p, source);
    // From the content, not ncc's reported permissions (which vary between runs): scripts are executable.
    chmodSync(p, source.slice(0, 2).toString() === '#!' ? 0o755 : 0o644);
  }
  const total = readdirSync(out, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => sum + (statSync(join(out, f)).isFile() ? statSync(join(out, f)).size : 0), 0);
  console.log(
    `bundled ${b.outDir}: ${b.codeCache ? BUNDLE_MAIN : 'index.js'} ${Math.round(Buffer.byteLength(text) / 1024)} kB, all files ${Math.round(total / 1024)} kB, ${folded} FormData checks folded (${Date.now() - started} ms)`,
  );
}

/** Builds the bundles whose output folder contains one of `only` (all when empty), the check-job program first. */
export async function buildBundles(only: string[]): Promise<void> {
  const list = bundles().filter((b) => only.length === 0 || only.some((o) => b.outDir.includes(o)));
  // Every host bundle ships the check-job program: it is built first, whatever was asked for.
  if (list.some((b) => b.withCheckJob) || only.some((o) => CHECK_JOB.outDir.includes(o))) await build(CHECK_JOB);
  // Two at a time: ncc is CPU-bound and CI machines have two cores.
  const queue = [...list];
  await Promise.all(
    [0, 1].map(async () => {
      for (let b = queue.shift(); b; b = queue.shift()) await build(b);
    }),
  );
  if (list.some((b) => b.outDir === AZURE_DEVOPS_OUT)) writeFileSync(join(ROOT, AZURE_DEVOPS_STAMP), azureDevOpsInputsHash(ROOT) + '\n');
}

async function main(): Promise<void> {
  await buildBundles(process.argv.slice(2));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
