import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT, generatedFiles, stepExportName } from '../../../shared/build/generate';
import { actionEntry, inputsTable, taskEntry } from '../../../shared/build/manifests';
import { steps } from '../../../shared/src/steps';

/** The `import { X } from '<path>'` lines of a generated entry file. */
function imports(source: string): Array<{ name: string; from: string }> {
  return [...source.matchAll(/^import \{ (\w+) \} from '([^']+)';$/gm)].map((m) => ({ name: m[1], from: m[2] }));
}

describe('generated files', () => {
  const files = generatedFiles();

  test('stepExportName is the camelCase step id plus Step', () => {
    expect(stepExportName('register-model')).toBe('registerModelStep');
    expect(stepExportName('deploy-online')).toBe('deployOnlineStep');
  });

  test('every step gets an action, a task and their entry files; plus the root action and the extension', () => {
    const expected = ['action.yml', 'tasks/vss-extension.json'];
    for (const s of steps) {
      expected.push(`actions/${s.id}/action.yml`, `actions/${s.id}/src/index.ts`, `tasks/${s.task.name}V1/task.json`, `tasks/${s.task.name}V1/src/index.ts`);
    }
    for (const f of expected) expect(files.has(f)).toBe(true);
  });

  test.each(steps.map((s) => [s.id, s] as const))('%s: entry files import the step export from the step module and run it', (_id, step) => {
    for (const [entry, runner, hostModule] of [
      [`actions/${step.id}/src/index.ts`, 'runGitHubAction', 'shared/src/hosts/github'],
      [`tasks/${step.task.name}V1/src/index.ts`, 'runAzureDevOpsTask', 'shared/src/hosts/azure-devops'],
    ] as const) {
      const source = files.get(entry)!;
      const dir = dirname(join(ROOT, entry));
      const [host, stepImport] = imports(source);
      expect(host.name).toBe(runner);
      expect(resolve(dir, host.from)).toBe(join(ROOT, hostModule));
      expect(stepImport.name).toBe(stepExportName(step.id));
      const modulePath = resolve(dir, stepImport.from);
      expect(existsSync(`${modulePath}.ts`)).toBe(true);
      expect((require(modulePath) as Record<string, unknown>)[stepImport.name]).toBe(step);
      expect(source).toContain(`void ${runner}(${stepImport.name});`);
    }
  });

  test('entry generators use the export name they are given', () => {
    const step = steps[0];
    expect(imports(actionEntry(step, 'someExport'))[1]).toEqual({ name: 'someExport', from: `../../../shared/src/steps/${step.id}/definition` });
    expect(imports(taskEntry(step, 'someExport'))[1]).toEqual({ name: 'someExport', from: `../../../shared/src/steps/${step.id}/definition` });
  });

  test('the extension manifest carries the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(files.get('tasks/vss-extension.json')!).version).toBe(pkg.version);
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
