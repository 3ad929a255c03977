/**
 * The house rules, checked on the import graph: libraries below the steps never import a step or a concrete host,
 * and concrete hosts are imported only by entry points.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const SRC = join(ROOT, 'shared/src');
const LIBRARIES = ['azureml', 'specs', 'assets', 'gate', 'rollout', 'checks', 'monitoring', 'report', 'auth', 'core', 'promote', 'online', 'batch'];
const CONCRETE_HOSTS = ['hosts/github', 'hosts/azure-devops', 'hosts/cli', 'hosts/github-dispatch'];

function tsFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) out = out.concat(tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a file, as paths under shared/src without extension (e.g. 'steps/definition'). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\\/g, '/').replace(/\/index$/, ''));
}

const srcFiles = tsFiles(SRC);

test('the source tree has the libraries and steps this test guards', () => {
  expect(srcFiles.length).toBeGreaterThan(50);
  expect(srcFiles.some((f) => f.includes('/steps/register-model/'))).toBe(true);
});

test.each(LIBRARIES)('shared/src/%s imports no step and no concrete host', (lib) => {
  const offending = srcFiles
    .filter((f) => relative(SRC, f).startsWith(`${lib}/`))
    .flatMap((f) => importsOf(f).map((i) => ({ file: relative(ROOT, f), imports: i })))
    .filter(({ imports }) => imports.startsWith('steps') || (imports.startsWith('hosts/') && imports !== 'hosts/host'));
  expect(offending).toEqual([]);
});

test('each step lives in its own folder with a definition and a run', () => {
  const stepsDir = join(SRC, 'steps');
  const folders = readdirSync(stepsDir).filter((n) => statSync(join(stepsDir, n)).isDirectory());
  expect(folders.length).toBeGreaterThanOrEqual(2);
  for (const f of folders) {
    expect(readdirSync(join(stepsDir, f))).toEqual(expect.arrayContaining(['definition.ts', 'run.ts']));
  }
});

test('steps do not import one another', () => {
  const offending = srcFiles
    .filter((f) => /\/steps\/[^/]+\//.test(f))
    .flatMap((f) => {
      const own = relative(SRC, dirname(f));
      return importsOf(f).filter((i) => /^steps\/[^/]+\//.test(i) && !i.startsWith(`${own}/`)).map((i) => `${relative(ROOT, f)} -> ${i}`);
    });
  expect(offending).toEqual([]);
});

test('concrete hosts are imported only by entry points and by each other', () => {
  const all = [...srcFiles, ...tsFiles(join(ROOT, 'shared/cli')), ...tsFiles(join(ROOT, 'shared/entries'))];
  const offending = all
    .filter((f) => !relative(SRC, f).startsWith('hosts/') && !f.includes('/shared/cli/') && !f.includes('/shared/entries/'))
    .flatMap((f) => importsOf(f).filter((i) => CONCRETE_HOSTS.includes(i)).map((i) => `${relative(ROOT, f)} -> ${i}`));
  expect(offending).toEqual([]);
});
