/**
 * What a run evaluates before its first request, checked on the import graph: the modules an entry point, or a
 * step's run module, loads with plain (non-type) static imports. Everything reached only through `import()` is a
 * lazily loaded chunk in the bundles (bench/trace.ts shows the files a real run loads).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stepIds } from '../../../shared/src/steps/registry';

const ROOT = resolve(__dirname, '../../..');

/** Specifiers of the imports that stay in the emitted JavaScript: not `import type`, not all-`type` braces. */
export function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+([^;]*?)\s+from\s+'([^']+)';/gm)) {
    const clause = m[1].trim();
    if (clause.startsWith('type ')) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause);
    const names = braces?.[1].split(',').map((x) => x.trim()).filter(Boolean);
    if (names && names.length > 0 && names.every((x) => x.startsWith('type '))) continue;
    out.push(m[2]);
  }
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) out.push(m[1]);
  return out;
}

function resolveSource(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const file = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
  if (!file) throw new Error(`${relative(ROOT, from)}: cannot resolve '${spec}'`);
  return file;
}

/** Every source file and package `entry` loads when it is evaluated (`import()` not followed). */
function staticClosure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(ROOT, entry)];
  for (let f = queue.pop(); f; f = queue.pop()) {
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of runtimeImports(readFileSync(f, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolveSource(f, spec));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return { files: [...files].map((f) => relative(ROOT, f)).sort(), packages: [...packages].sort() };
}

describe('runtimeImports', () => {
  test('keeps value imports and side-effect imports, drops type-only ones', () => {
    const text = [
      "import { a, type B } from './a';",
      "import type { C } from './c';",
      "import { type D, type E } from './d';",
      "import * as core from '@actions/core';",
      "import './side-effect';",
      "export { f } from './f';",
      "export type { G } from './g';",
      "const lazy = () => import('./lazy');",
    ].join('\n');
    expect(runtimeImports(text).sort()).toEqual(['./a', './f', './side-effect', '@actions/core'].sort());
  });
});

describe('entry points', () => {
  test.each([
    ['shared/entries/github.ts', ['@actions/core']],
    ['shared/entries/azure-devops.ts', ['azure-pipelines-task-lib']],
    ['shared/entries/cli.ts', []],
  ])('%s loads no step definition and no package but its host library', (entry, hostPackages) => {
    const { files, packages } = staticClosure(entry);
    expect(files.filter((f) => /steps\/(index|[^/]+\/definition)\.ts$/.test(f))).toEqual([]);
    expect(packages).toEqual(hostPackages);
  });
});

describe('a step, up to its first request', () => {
  test.each([...stepIds])('%s: its run module loads no Azure SDK package (they come with the sign-in, behind import())', (id) => {
    const { packages } = staticClosure(`shared/src/steps/${id}/run.ts`);
    expect(packages.filter((p) => p.startsWith('@azure/'))).toEqual([]);
  });
});
