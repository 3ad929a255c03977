/**
 * The JavaScript a run actually loads (index.js and the chunks it requires), not every file beside it: the issue's
 * size goal is about what a runner compiles. A `--require` hook writes the module cache's file names at exit.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleUnderTest } from './hosts';
import { timeProcess } from './timing';

const HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_LOADED_OUT, JSON.stringify(Object.keys(require.cache))));\n`;

export interface LoadedJs {
  files: number;
  bytes: number;
}

/** Runs `b` once for `modelName` and sums the sizes of the JavaScript files it loaded (the hook aside). */
export async function measureLoadedJs(b: BundleUnderTest, modelName: string, modelPath: string): Promise<LoadedJs> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-loaded-'));
  const hook = join(dir, 'hook.js');
  const out = join(dir, 'loaded.json');
  writeFileSync(hook, HOOK);
  const inv = b.invocation(modelName, modelPath);
  const options = [inv.env.NODE_OPTIONS, `--require ${JSON.stringify(hook)}`].filter(Boolean).join(' ');
  await timeProcess(process.execPath, [inv.script, ...inv.args], { ...inv.env, NODE_OPTIONS: options, BENCH_LOADED_OUT: out });
  const loaded = (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((f) => f !== hook && f.endsWith('.js'));
  return { files: loaded.length, bytes: loaded.reduce((sum, f) => sum + statSync(f).size, 0) };
}
