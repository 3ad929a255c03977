/**
 * Azure DevOps task versions follow their content. Agents cache a task by its version, so a task whose bundle
 * changed under the same version would never reach an agent that has the old one. `tasks/task-versions.json`
 * records, per task, the version and a hash of what the task folder ships (task.json without its version, the
 * Azure DevOps bundle, the entry); when the content changes, the patch number goes up (a major or minor raised in the
 * step definition wins), and the extension's patch goes up with any task. `npm run build` runs this after the
 * bundle and writes task.json and vss-extension.json from the record, so CI (which fails when a fresh build differs
 * from the committed files) fails whenever a bundle changed and its version did not.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { steps } from '../src/steps';
import type { StepDefinition } from '../src/steps/definition';
import { adoBundleDir, taskEntry } from '../cli/task-package';
import { taskJson } from './manifests';

export interface VersionRecord {
  tasks: Record<string, { version: string; content: string }>;
  extension: { version: string; content: string };
}

export const RECORD_PATH = join('tasks', 'task-versions.json');

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** What the task folder ships, hashed: task.json without the version, the bundle, the entry. */
export function taskContentHash(root: string, step: StepDefinition, bundleHash = bundleContentHash(root)): string {
  const { version: _v, ...manifest } = taskJson(step);
  const h = createHash('sha256');
  h.update(JSON.stringify(manifest)).update('\0').update(taskEntry(step)).update('\0').update(bundleHash);
  return `sha256:${h.digest('hex')}`;
}

export function bundleContentHash(root: string): string {
  const dir = adoBundleDir(root);
  const h = createHash('sha256');
  for (const f of files(dir)) h.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function readRecord(root: string): VersionRecord | undefined {
  const p = join(root, RECORD_PATH);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as VersionRecord) : undefined;
}

const parse = (v: string) => v.split('.').map(Number) as [number, number, number];

/** The next version of a task: the recorded one, its patch raised when the content changed; the definition's major.minor wins when higher. */
export function nextVersion(recorded: string | undefined, changed: boolean, defined: { major: number; minor: number; patch: number }): string {
  if (!recorded) return `${defined.major}.${defined.minor}.${defined.patch}`;
  const [ma, mi, pa] = parse(recorded);
  if (defined.major > ma || (defined.major === ma && defined.minor > mi)) return `${defined.major}.${defined.minor}.${defined.patch}`;
  return changed ? `${ma}.${mi}.${pa + 1}` : recorded;
}

/** The record for the current content (written when it differs). */
export function updateRecord(root: string, extensionBase: string): { record: VersionRecord; changed: string[] } {
  const old = readRecord(root);
  const bundle = bundleContentHash(root);
  const record: VersionRecord = { tasks: {}, extension: old?.extension ?? { version: extensionBase, content: '' } };
  const changed: string[] = [];
  for (const step of steps) {
    const content = taskContentHash(root, step, bundle);
    const prev = old?.tasks[step.task.name];
    const version = nextVersion(prev?.version, prev !== undefined && prev.content !== content, step.task.version);
    if (!prev || version !== prev.version || content !== prev.content) changed.push(`${step.task.name} ${prev?.version ?? '(new)'} → ${version}`);
    record.tasks[step.task.name] = { version, content };
  }
  const all = createHash('sha256').update(JSON.stringify(record.tasks)).digest('hex');
  const extensionContent = `sha256:${all}`;
  if (record.extension.content !== extensionContent) {
    const [ma, mi, pa] = parse(old ? record.extension.version : extensionBase);
    record.extension = { version: old ? `${ma}.${mi}.${pa + 1}` : extensionBase, content: extensionContent };
  }
  return { record, changed };
}

/** A task's version as task.json spells it. */
export function taskVersionOf(record: VersionRecord | undefined, step: StepDefinition): { Major: number; Minor: number; Patch: number } {
  const v = record?.tasks[step.task.name]?.version;
  const [Major, Minor, Patch] = v ? parse(v) : [step.task.version.major, step.task.version.minor, step.task.version.patch];
  return { Major, Minor, Patch };
}

function main(): void {
  const root = join(__dirname, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const { record, changed } = updateRecord(root, pkg.version);
  const text = JSON.stringify(record, null, 2) + '\n';
  const path = join(root, RECORD_PATH);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  for (const c of changed) console.log(`task version: ${c}`);
  if (!changed.length) console.log('task versions: every task is as recorded');
}

if (require.main === module) main();
