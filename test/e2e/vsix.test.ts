/**
 * The Azure DevOps extension as CI builds it (`npm run package:vsix`, tfx-cli, offline): every task inside with
 * its task.json at the recorded version, the bundle and the entry the agent runs, the manifest's version and icon.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../shared/cli/runners';
import { steps } from '../../shared/src/steps';
import { readZip } from '../support/zip';
import { REPO } from '../support/emulator';

test('the .vsix holds every task at its recorded version, runnable as the agent unpacks it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'vsix-test-'));
  const r = await runNode(join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), [join(REPO, 'shared', 'build', 'vsix.ts'), out], { PATH: process.env.PATH, HOME: process.env.HOME }, REPO);
  expect(r.stderr).toBe('');
  const file = r.stdout.trim().split('\n').pop()!;
  const record = JSON.parse(readFileSync(join(REPO, 'tasks', 'task-versions.json'), 'utf8')) as { tasks: Record<string, { version: string }>; extension: { version: string } };
  expect(file).toBe(join(out, `aml-lifecycle.aml-lifecycle-${record.extension.version}.vsix`));
  const zip = readZip(readFileSync(file));
  const manifest = zip.get('extension.vsixmanifest')!.toString('utf8');
  expect(manifest).toContain(`Version="${record.extension.version}"`);
  expect(zip.get('images/icon.png')!.subarray(1, 4).toString('ascii')).toBe('PNG');
  for (const s of steps) {
    const folder = `${s.task.name}V${s.task.version.major}`;
    const task = JSON.parse(zip.get(`${folder}/task.json`)!.toString('utf8')) as { version: { Major: number; Minor: number; Patch: number }; execution: { Node20_1: { target: string } } };
    expect(`${task.version.Major}.${task.version.Minor}.${task.version.Patch}`).toBe(record.tasks[s.task.name]!.version);
    expect(zip.get(`${folder}/${task.execution.Node20_1.target}`)!.toString('utf8')).toContain(`run(${JSON.stringify(s.id)})`);
    expect(zip.get(`${folder}/dist/index.js`)!.equals(readFileSync(join(REPO, 'shared', 'dist', 'azure-devops', 'index.js')))).toBe(true);
  }
}, 120_000);
