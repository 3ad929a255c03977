import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT, generatedFiles, taskFolder } from '../../../shared/build/generate';
import { actionEntry, inputsTable } from '../../../shared/build/manifests';
import { steps } from '../../../shared/src/steps';

/** Runs a generated CommonJS entry with a recording `require`: which module it loads and what it calls there. */
function evaluateEntry(source: string, file: string): { loaded: string; calls: unknown[][] } {
  const calls: unknown[][] = [];
  let loaded = '';
  const fakeRequire = (id: string) => {
    loaded = resolve(dirname(file), id);
    return { run: (...args: unknown[]) => calls.push(args) };
  };
  new Function('require', source)(fakeRequire);
  return { loaded, calls };
}

describe('generated files', () => {
  const files = generatedFiles();

  test('every step gets an action folder (action.yml, index.js) and a task.json; plus the root action and the extension', () => {
    const expected = ['action.yml', 'actions/index.js', 'tasks/vss-extension.json'];
    for (const s of steps) expected.push(`actions/${s.id}/action.yml`, `actions/${s.id}/index.js`, `${taskFolder(s)}/task.json`);
    for (const f of expected) expect(files.has(f)).toBe(true);
    // No per-step sources or bundles: one bundle per host kind serves every step.
    expect([...files.keys()].filter((f) => /\/src\/|\/dist\//.test(f))).toEqual([]);
  });

  test.each(steps.map((s) => [s.id, s] as const))('%s: the action entry loads the one GitHub bundle and runs this step', (_id, step) => {
    const file = join(ROOT, 'actions', step.id, 'index.js');
    const { loaded, calls } = evaluateEntry(files.get(`actions/${step.id}/index.js`)!, file);
    expect(loaded).toBe(join(ROOT, 'shared', 'dist', 'github', 'index.js'));
    expect(calls).toEqual([[step.id]]);
    expect(actionEntry(step)).toBe(files.get(`actions/${step.id}/index.js`));
  });

  test('the root action entry loads the same bundle and lets the `step` input choose', () => {
    const { loaded, calls } = evaluateEntry(files.get('actions/index.js')!, join(ROOT, 'actions', 'index.js'));
    expect(loaded).toBe(join(ROOT, 'shared', 'dist', 'github', 'index.js'));
    expect(calls).toEqual([[]]);
  });

  test('the extension manifest carries the recorded extension version: the package version, its patch raised when a task ships new content', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const recorded = JSON.parse(readFileSync(join(ROOT, 'tasks', 'task-versions.json'), 'utf8')) as { extension: { version: string } };
    const version = JSON.parse(files.get('tasks/vss-extension.json')!).version as string;
    expect(version).toBe(recorded.extension.version);
    const [major, minor, patch] = version.split('.').map(Number);
    const [pMajor, pMinor, pPatch] = pkg.version.split('.').map(Number);
    expect([major, minor]).toEqual([pMajor, pMinor]);
    expect(patch).toBeGreaterThanOrEqual(pPatch!);
  });

  const readmePath = join(ROOT, 'README.md');
  (existsSync(readmePath) ? test : test.skip)('README: each step\'s table replaces what is between its markers; the rest is untouched', () => {
    const before = readFileSync(readmePath, 'utf8');
    const after = files.get('README.md')!;
    let rest = after;
    for (const s of steps) {
      const begin = `<!-- BEGIN GENERATED INPUTS: ${s.id} -->`;
      const end = `<!-- END GENERATED INPUTS: ${s.id} -->`;
      if (!before.includes(begin)) continue;
      expect(after).toContain(`${begin}\n${inputsTable(s)}\n${end}`);
      rest = rest.replace(`${begin}\n${inputsTable(s)}\n${end}`, '');
    }
    const strip = (text: string) => text.replace(/<!-- BEGIN GENERATED INPUTS: ([\w-]+) -->[\s\S]*?<!-- END GENERATED INPUTS: \1 -->/g, '');
    expect(rest).toBe(strip(before));
  });
});
