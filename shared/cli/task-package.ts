/**
 * An Azure DevOps task folder as the extension ships it and the agent unpacks it: task.json, the one Azure DevOps
 * bundle in dist/ and an index.js naming the step. Tasks are not run from the repository, so the folder is put
 * together here (for the .vsix, the demo and the tests) rather than committed once per task.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepDefinition } from '../src/steps/definition';

/** Where `npm run bundle` writes the Azure DevOps bundle. */
export const adoBundleDir = (root: string): string => join(root, 'shared', 'dist', 'azure-devops');

/** The repository folder holding a step's task.json. */
export const taskSourceDir = (root: string, step: StepDefinition): string =>
  join(root, 'tasks', `${step.task.name}V${step.task.version.major}`);

/** The packaged folder's entry: the bundle in dist/, told which step to run. */
export function taskEntry(step: StepDefinition): string {
  return `// Written when the task is packaged; do not edit.\nrequire('./dist/index.js').run(${JSON.stringify(step.id)});\n`;
}

/** Writes the task folder of `step` under `parent` (a new temporary folder by default) and returns its path. */
export function packageTask(root: string, step: StepDefinition, parent = mkdtempSync(join(tmpdir(), 'ado-tasks-'))): string {
  const bundle = adoBundleDir(root);
  if (!existsSync(join(bundle, 'index.js'))) throw new Error(`${bundle}/index.js is missing: run npm run build`);
  const dir = join(parent, `${step.task.name}V${step.task.version.major}`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(taskSourceDir(root, step), 'task.json'), join(dir, 'task.json'));
  cpSync(bundle, join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'index.js'), taskEntry(step));
  return dir;
}
