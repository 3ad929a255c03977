/**
 * `NODE_EXTRA_CA_CERTS=test/.ca/ca.pem npx tsx bench/trace.ts [github|azure-devops|cli ...] [--modules]` (after
 * `npm run build`, and `npx tsx test/support/prepare-ca.ts` once): what each bundle loads for one register-model
 * run against the emulator, in load order: every JavaScript file with its size, when it was compiled and whether
 * that was before the process opened its first connection. `--modules` also bundles the host's entry once more
 * (unminified, to read webpack's stats) and names the largest source modules of every chunk file loaded, so a
 * chunk's content is known without reading minified code. `--invalid`: the run with workspace 'x' instead, which
 * fails as invalid input. A diagnostic, not a figure: nothing is compared.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { startTestEmulator, TEST_CA_DIR } from '../test/support/emulator';
import { benchModel, benchModelName, bundlesUnderTest, type BundleUnderTest, type HostKind } from './hosts';
import { chunkModules, type ChunkContent } from './chunk-stats';
import { startRecordingProxy, timeProcess } from './timing';

const ROOT = join(__dirname, '..');

/** Written beside the run: records each compiled file and the first outgoing connection, dumps them at exit. */
const HOOK = `'use strict';
const { performance } = require('perf_hooks');
const Module = require('module');
const net = require('net');
const files = [];
let firstConnect;
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  files.push({ file: filename, bytes: Buffer.byteLength(content), at: performance.now() });
  return compile.call(this, content, filename);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  firstConnect ??= performance.now();
  return connect.apply(this, args);
};
process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_TRACE_OUT, JSON.stringify({ files, firstConnect, exit: performance.now() })));
`;

interface Trace {
  files: { file: string; bytes: number; at: number }[];
  firstConnect?: number;
  exit: number;
}

async function traceOnce(b: BundleUnderTest, invalid: boolean): Promise<Trace> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trace-'));
  const hook = join(dir, 'hook.js');
  const out = join(dir, 'trace.json');
  writeFileSync(hook, HOOK);
  const inv = b.invocation(benchModelName(), benchModel(), invalid ? 'x' : undefined);
  const options = [inv.env.NODE_OPTIONS, `--require ${JSON.stringify(hook)}`].filter(Boolean).join(' ');
  const run = await timeProcess(process.execPath, [inv.script, ...inv.args], { ...inv.env, NODE_OPTIONS: options, BENCH_TRACE_OUT: out });
  if (run.exitCode !== (invalid ? 1 : 0)) throw new Error(`${b.label}: exit ${run.exitCode}\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as Trace;
  trace.files = trace.files.filter((f) => f.file !== hook);
  return trace;
}

const kB = (n: number) => (n / 1024).toFixed(1).padStart(7);

function report(b: BundleUnderTest, t: Trace, chunks?: Map<string, ChunkContent>): string {
  const lines = [`${b.label}: ${t.files.length} files, first connection at ${t.firstConnect?.toFixed(0) ?? '-'} ms, exit at ${t.exit.toFixed(0)} ms`];
  let before = 0;
  let total = 0;
  // The bundle's own folder (where its chunks are), not an action's or task's index.js that requires it.
  const bundleDirs = new Set(t.files.filter((f) => /\d+\.index\.js$/.test(f.file)).map((f) => dirname(f.file)));
  for (const f of t.files) {
    const early = t.firstConnect === undefined || f.at <= t.firstConnect;
    total += f.bytes;
    if (early) before += f.bytes;
    lines.push(`  ${f.at.toFixed(0).padStart(5)} ms ${kB(f.bytes)} kB ${early ? 'before' : 'after '}  ${relative(ROOT, f.file)}`);
    const content = bundleDirs.has(dirname(f.file)) ? chunks?.get(basename(f.file)) : undefined;
    for (const m of content?.modules.slice(0, 6) ?? []) lines.push(`${' '.repeat(36)}${kB(m.bytes)} kB src  ${m.name}`);
  }
  lines.push(`  loaded JS ${kB(total)} kB, of which before the first connection ${kB(before)} kB`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const wanted = args.filter((a) => !a.startsWith('--')) as HostKind[];
  const withModules = args.includes('--modules');
  const invalid = args.includes('--invalid');
  const t = await startTestEmulator();
  const tls = {
    cert: readFileSync(join(TEST_CA_DIR, 'server.pem'), 'utf8'),
    key: readFileSync(join(TEST_CA_DIR, 'server-key.pem'), 'utf8'),
    ca: readFileSync(join(TEST_CA_DIR, 'ca.pem'), 'utf8'),
  };
  const proxy = await startRecordingProxy(t.emulator.url, tls);
  try {
    for (const b of bundlesUnderTest(ROOT, t, proxy.url)) {
      if (wanted.length && !wanted.includes(b.kind)) continue;
      const trace = await traceOnce(b, invalid);
      const chunks = withModules ? await chunkModules(b.kind) : undefined;
      process.stdout.write(report(b, trace, chunks) + '\n\n');
    }
  } finally {
    await proxy.close();
    await t.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
