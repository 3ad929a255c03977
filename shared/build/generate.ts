/**
 * `npm run generate`: writes every generated file from the step definitions.
 * `--check` writes nothing and exits 1 listing the files that differ (CI uses the full build + git diff instead).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { steps } from '../src/steps';
import type { StepDefinition } from '../src/steps/definition';
import {
  actionEntry,
  actionYaml,
  extensionManifest,
  inputsTable,
  rootActionEntry,
  rootActionYaml,
  taskJson,
} from './manifests';
import { readRecord, taskVersionOf } from './task-versions';

export const ROOT = resolve(__dirname, '..', '..');

/** The repository folder of a step's Azure DevOps task (task.json; packaging adds the entry and the bundle). */
export const taskFolder = (step: StepDefinition): string => `tasks/${step.task.name}V${step.task.version.major}`;

/** Every generated file (path relative to the repo → content), except bundles. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // Task and extension versions follow the shipped content (tasks/task-versions.json, see task-versions.ts).
  const record = readRecord(ROOT);
  for (const step of steps) {
    files.set(`actions/${step.id}/action.yml`, actionYaml(step));
    files.set(`actions/${step.id}/index.js`, actionEntry(step));
    files.set(`${taskFolder(step)}/task.json`, JSON.stringify({ ...taskJson(step), version: taskVersionOf(record, step) }, null, 2) + '\n');
  }
  files.set('action.yml', rootActionYaml(steps));
  files.set('actions/index.js', rootActionEntry());
  files.set('tasks/vss-extension.json', JSON.stringify(extensionManifest(steps, record?.extension.version ?? pkg.version), null, 2) + '\n');

  const readmePath = join(ROOT, 'README.md');
  if (existsSync(readmePath)) {
    let readme = readFileSync(readmePath, 'utf8');
    for (const step of steps) {
      const begin = `<!-- BEGIN GENERATED INPUTS: ${step.id} -->`;
      const end = `<!-- END GENERATED INPUTS: ${step.id} -->`;
      const a = readme.indexOf(begin);
      const b = readme.indexOf(end);
      if (a >= 0 && b > a) readme = readme.slice(0, a + begin.length) + '\n' + inputsTable(step) + '\n' + readme.slice(b);
    }
    files.set('README.md', readme);
  }
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [rel, content] of generatedFiles()) {
    const path = join(ROOT, rel);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === content) continue;
    if (check) {
      stale.push(rel);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`generated ${rel}`);
  }
  if (check && stale.length) {
    console.error(`Generated files are out of date (run npm run build):\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
}

if (require.main === module) main();
