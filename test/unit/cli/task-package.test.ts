import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adoBundleDir, packageTask, taskEntry } from '../../../shared/cli/task-package';
import { taskMain } from '../../../shared/cli/runners';
import { steps } from '../../../shared/src/steps';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('packaged Azure DevOps task folders', () => {
  // `npm test` builds the Azure DevOps bundle first when it is missing (shared/build/ensure-azure-devops.ts).
  test.each(steps.map((s) => [s.id, s] as const))(
    '%s: task.json, the one Azure DevOps bundle in dist/ and an entry that runs this step',
    (_id, step) => {
      const dir = packageTask(ROOT, step);
      expect(dir.endsWith(`${step.task.name}V${step.task.version.major}`)).toBe(true);
      expect(readFileSync(join(dir, 'task.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'tasks', `${step.task.name}V1`, 'task.json'), 'utf8'));
      expect(readdirSync(join(dir, 'dist')).sort()).toEqual(readdirSync(adoBundleDir(ROOT)).sort());
      // The agent starts the Node handler's target; that file runs the bundle with this step's id.
      expect(taskMain(dir)).toBe(join(dir, 'index.js'));
      const calls: unknown[][] = [];
      let loaded = '';
      new Function('require', readFileSync(join(dir, 'index.js'), 'utf8'))((id: string) => {
        loaded = id;
        return { run: (...a: unknown[]) => calls.push(a) };
      });
      expect(loaded).toBe('./dist/index.js');
      expect(calls).toEqual([[step.id]]);
      expect(taskEntry(step)).toBe(readFileSync(join(dir, 'index.js'), 'utf8'));
    },
  );

  test('a missing bundle is a clear error', () => {
    expect(() => packageTask('/nonexistent-root', steps[0]!)).toThrow(/azure-devops\/index\.js is missing: run npm run build/);
  });
});
